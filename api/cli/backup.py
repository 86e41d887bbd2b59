"""`backup`: an online copy of a SQLite ledger, for operators (PostgreSQL has pg_dump).

A ledger's promise is that nothing is lost: its database must be copied while it is in use
without a torn file. SQLite's online backup API copies the database page by page under its own
locks, so the copy is one consistent state of the file — events, read models, the log, its
signed checkpoints and the append-only triggers — even while `serve` writes. The copy is then
opened as a ledger and counted, so a backup that does not hold a ledger is never reported as
one. PostgreSQL stores are backed up with `pg_dump --format=custom` and restored with
`pg_restore` into a new database (docs/operations.md, "Backup and restore").
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from api.cli import main
from api.cli.common import EXIT_USAGE, _emit, _fail, _open, _settings, db_option, json_option
from api.settings import Database

PG_DUMP_HINT = (
    "a PostgreSQL ledger is backed up with `pg_dump --format=custom --file FILE DBURL` and restored "
    "with `createdb NEWDB && pg_restore --dbname NEWDBURL --no-owner --exit-on-error --single-transaction FILE`"
)


@main.command()
@db_option
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The new SQLite file to write (never overwritten).")
@json_option
def backup(db: str | None, out: Path, as_json: bool) -> None:
    """Copy a SQLite ledger, while it is in use, into a new file (SQLite's online backup API).

    The copy holds everything the database holds — events, read models, the transparency log
    and its signed checkpoints, the append-only triggers — as one consistent state. Restore by
    putting the file in place (or pointing --db at it) and running `decision-ledger verify`;
    `decision-ledger checkpoint` on the copy prints the same checkpoint. The keys directory
    (ledger.pem) is not in the database: keep it apart, as safely as the key deserves.
    PostgreSQL: use pg_dump and pg_restore (see docs/operations.md). Exit 0 written; 2 usage error
    (a PostgreSQL URL, an existing --out, a store that holds no ledger).
    """
    settings = _settings(db, None)
    if settings.database.kind != "sqlite" or settings.database.path is None:
        _fail(PG_DUMP_HINT, EXIT_USAGE)
    if out.exists():
        _fail(f"{out} exists: a backup never overwrites a file", EXIT_USAGE)
    ledger = _open(settings)
    if not ledger.is_initialised():
        _fail(f"{settings.database.redacted} holds no ledger: nothing to back up", EXIT_USAGE)
    out.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(str(settings.database.path)), sqlite3.connect(str(out))
    try:
        source.backup(target)
        (integrity,) = target.execute("PRAGMA integrity_check").fetchone()
    finally:
        source.close()
        target.close()
    if integrity != "ok":
        out.unlink()
        _fail(f"the copy failed SQLite's integrity check ({integrity}); nothing was written", EXIT_USAGE)
    events, checkpoint = _count(out.resolve())
    if as_json:
        _emit({"file": str(out), "events": events, "checkpoint_size": checkpoint})
    else:
        held = f"checkpoint {checkpoint}" if checkpoint is not None else "no checkpoint yet"
        click.echo(f"wrote {out}: {events} events, {held}")


def _count(path: Path) -> tuple[int, int | None]:
    """The copy opened as a ledger: its events, and the size of its latest signed checkpoint."""
    from api.store.opening import StoreUnavailable, open_ledger, open_projector

    copy = Database.parse(f"sqlite:///{path}")
    try:
        ledger = open_ledger(copy)
    except StoreUnavailable as error:
        _fail(f"the copy does not open as a ledger: {error}", EXIT_USAGE)
    table = getattr(ledger.recorder, "events_table_name", "stored_events")
    connection = sqlite3.connect(str(path))
    try:
        (events,) = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    finally:
        connection.close()
    try:
        latest = open_projector(copy, ledger, create=False).reader.latest_checkpoint()
    except Exception:  # noqa: BLE001 — a ledger never projected has no log tables: no checkpoint
        latest = None
    return int(events), latest[0] if latest else None
