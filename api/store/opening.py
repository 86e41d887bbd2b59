"""Open the ledger a database URL names: the one wiring point between settings and domain."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresAggregateRecorder
from psycopg.sql import SQL, Identifier, Literal

from api.settings import Database
from api.store.append_only import AppendOnlyPostgresApplicationRecorder
from api.store.service_state import ServiceState
from domain.evidence.signing import SigningKey
from domain.service.ledger import Ledger
from projections.runner import Projector


class StoreUnavailable(RuntimeError):
    """The database cannot be opened, or holds no ledger; the message says what to do."""


def open_ledger(
    database: Database, *, create: bool = False, ledger_key: SigningKey | None = None
) -> Ledger:
    """Open the ledger in ``database``. Only ``init`` creates tables (``create=True``); every
    other command refuses a store that holds no ledger instead of making an empty one."""
    if not create and not database.exists:
        raise StoreUnavailable(
            f"no ledger at {database.redacted}: the file does not exist "
            "(run `decision-ledger init` first, or pass the right --db)"
        )
    if create and database.kind == "sqlite" and database.path is not None:
        database.path.parent.mkdir(parents=True, exist_ok=True)
        # the file, and so its WAL and SHM (SQLite gives them the file's mode), readable by the
        # service's user only (issue 16, point 7; attack L5: they were 0644)
        os.close(os.open(database.path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(database.path, 0o600)
    if database.kind == "postgresql":
        _probe_postgres(database)
    try:
        ledger = Ledger(env=database.persistence_env(create_tables=create), ledger_key=ledger_key)
        if create:
            ServiceState.of(ledger).create()  # sessions, spent sign-in tokens, data keys handed out
        else:
            ledger.recorder.max_notification_id()  # fails here if the tables are missing
            if isinstance(ledger.recorder, AppendOnlyPostgresApplicationRecorder):
                ledger.recorder.ensure_append_lock()  # a store made before the function existed
            ensure_snapshot_table(ledger)
    except (PersistenceError, OSError) as error:
        raise StoreUnavailable(_explain(database, error)) from None
    except Exception as error:  # psycopg errors surface raw from some library paths
        if type(error).__module__.startswith(("psycopg", "sqlite3")):
            raise StoreUnavailable(_explain(database, error)) from None
        raise
    return ledger


def ensure_snapshot_table(ledger: Ledger) -> bool:
    """Give a store made before case snapshots their table, where this role may create it (any
    SQLite store; the owner on PostgreSQL). Elsewhere the ledger works without snapshots: cases
    replay from their events. True if snapshots can be used."""
    snapshots = ledger.case_snapshots
    recorder = snapshots.recorder
    if recorder is None:
        return False
    if isinstance(recorder, PostgresAggregateRecorder):
        snapshots.reader = _binary_snapshot_reader(recorder)
        name = ".".join('"' + part.replace('"', '""') + '"'
                        for part in (recorder.datastore.schema, recorder.events_table_name))
        with recorder.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT to_regclass({name}) IS NOT NULL AS present").format(name=Literal(name)))
            row = curs.fetchone()
        if row is not None and row["present"]:
            return True
    create = getattr(recorder, "create_table", None)
    if create is None:  # the in-memory store: nothing to create
        return True
    try:
        create()
    except Exception:  # noqa: BLE001 — the service role may not create it: no snapshots, same answers
        snapshots.recorder = None
        return False
    return True


def clear_snapshots(ledger: Ledger) -> None:
    """Delete every stored case snapshot (derived data: replays take new ones). A snapshot that
    is not the events' state (``verify``'s ``snapshot`` break) is gone with them."""
    recorder = ledger.case_snapshots.recorder
    table = getattr(recorder, "events_table_name", None)
    datastore = getattr(recorder, "datastore", None)
    if table is None or datastore is None:
        return
    schema = getattr(datastore, "schema", None)
    with datastore.transaction(commit=True) as curs:
        if schema:
            curs.execute(SQL("DELETE FROM {}.{}").format(Identifier(schema), Identifier(table)))
        else:
            curs.execute(f"DELETE FROM {table}")


def _binary_snapshot_reader(recorder: PostgresAggregateRecorder) -> Callable[[UUID, int | None], tuple[int, bytes] | None]:
    """The greatest snapshot at or below a version, read in PostgreSQL's binary format (the
    library's text format sends a bytea as hex, twice its size, and decodes it in Python)."""
    table = SQL("{}.{}").format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
    upto = SQL("SELECT originator_version, state FROM {} WHERE originator_id = %s AND originator_version <= %s "
               "ORDER BY originator_version DESC LIMIT 1").format(table)
    last = SQL("SELECT originator_version, state FROM {} WHERE originator_id = %s "
               "ORDER BY originator_version DESC LIMIT 1").format(table)

    def read(case_id: UUID, at_most: int | None) -> tuple[int, bytes] | None:
        with recorder.datastore.get_connection() as conn, conn.cursor(binary=True) as curs:
            if at_most is None:
                curs.execute(last, (case_id,))
            else:
                curs.execute(upto, (case_id, at_most))
            row = curs.fetchone()
        return (int(row["originator_version"]), bytes(row["state"])) if row is not None else None

    return read


def _probe_postgres(database: Database) -> None:
    """Connect once directly: the library's pool reports only that it timed out, while the
    server's own message says what is wrong (no such database, bad password, …)."""
    try:
        with connect(database):
            pass
    except psycopg.Error as error:
        reason = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
        raise StoreUnavailable(f"cannot open {database.redacted}: {reason}") from None


def connect(database: Database) -> psycopg.Connection[Any]:
    """A direct connection to a PostgreSQL store, as the URL's role."""
    return psycopg.connect(
        host=database.host,
        port=database.port,
        user=database.user,
        password=database.password or None,
        dbname=database.dbname,
        connect_timeout=5,
    )


def _explain(database: Database, error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "does not exist" in text or "no such table" in text or "UndefinedTable" in type(error).__name__:
        return (
            f"no ledger in {database.redacted} ({text}): run `decision-ledger init --db ...` first"
        )
    if "permission denied" in text or "must be owner" in text:
        return (
            f"cannot open {database.redacted}: {text} — the role {database.user!r} lacks a privilege: "
            "init runs as the migration role that owns the schema; the service role gets its "
            "privileges from `decision-ledger grant --role ROLE`, run as the migration role"
        )
    return f"cannot open {database.redacted}: {text}"




def open_projector(database: Database, ledger: Ledger, *, create: bool = True) -> Projector:
    """The ledger's projections, in its own database (their tables are created if absent,
    unless ``create`` is false)."""
    try:
        return Projector(ledger, database.persistence_env(create_tables=False, prefix=""),
                         postgres=database.kind == "postgresql", create=create)
    except (PersistenceError, OSError) as error:
        raise StoreUnavailable(_explain(database, error)) from None

