"""What ``verify`` checks of the read models and the case snapshots (issue 16, point 4; M2, M5).

Read models: the events are applied again, by the projection itself, to a scratch SQLite file,
up to the stored read models' tracking position; every table is then compared with the stored
one, row by row and column by column. Each difference is a ``view`` break naming the table, the
row's key, the column, and the stored and replayed values — a phase set to ``published`` by hand,
a finding closed by hand, rows left out because the tracking row was moved. A tracking position
beyond the last event is a break too.

Snapshots: each stored case snapshot that decodes is read (without its seal: ``verify`` holds no key; the
restricted unpickler constructs nothing but plain values) and compared with the state the case's
events give at that version, replayed from the events alone. A snapshot that differs — even one
sealed with the ledger key — is a ``snapshot`` break at the case and version.

Both are reported under the aggregate ``read-models`` (a read-model break) or the case (a
snapshot break), version as named, notification ``None``.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import DatabaseError, InfrastructureFactory, Tracking
from eventsourcing.utils import Environment

from domain.evidence.report import VIEWS, VerificationReport
from domain.service.ledger import Ledger
from domain.service.snapshots import SnapshotUnusable, unsealed_state
from projections.store import ViewRecorder
from projections.views import LedgerViews, LedgerViewTables, SQLiteLedgerViews

#: differences named one by one per table before the rest are counted
NAMED = 20
#: events applied per transaction while replaying, and action rows compared per statement
BATCH = 2000


def primary_key(columns: str) -> list[str]:
    """The key columns of a table's definition (``x TEXT PRIMARY KEY`` or ``PRIMARY KEY (a, b)``)."""
    composite = re.search(r"PRIMARY KEY \(([^)]*)\)", columns)
    if composite:
        return [name.strip() for name in composite.group(1).split(",")]
    inline = re.search(r"(\w+) \w+ PRIMARY KEY", columns)
    assert inline is not None, columns
    return [inline.group(1)]


def audit_views(report: VerificationReport, ledger: Ledger, views: ViewRecorder) -> None:
    """Compare the stored read models with a replay of the events up to their position."""
    tracked = views.max_tracking_id(ledger.name) or 0
    stored_events = ledger.recorder.max_notification_id() or 0
    if tracked > stored_events:
        report.add(VIEWS, 0, None, "view", f"the read models' tracking position ({tracked}) is past the last event "
                   f"({stored_events}): the tracking row was changed (`decision-ledger rebuild` repairs them)")
    elif tracked < stored_events:
        report.notes.append(f"the read models are behind the events (position {tracked} of {stored_events})")
    with tempfile.TemporaryDirectory(prefix="dl-verify-") as scratch:
        replayed = _replay(ledger, Path(scratch) / "views.db", tracked)
        try:
            differences = 0
            for table, columns in LedgerViewTables.TABLES.items():
                if _exists(views, table):
                    differences += _compare(report, table, primary_key(columns), views, replayed)
                else:
                    differences += _missing(report, table, replayed)
        finally:
            replayed.datastore.close()
    report.notes.append(f"the read models compared with a replay of the events ({differences} differences)")


def _replay(ledger: Ledger, path: Path, until: int) -> SQLiteLedgerViews:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path), "CREATE_TABLE": "n"}
    factory = InfrastructureFactory.construct(Environment(LedgerViews.name, env))
    recorder = cast(SQLiteLedgerViews, factory.tracking_recorder(SQLiteLedgerViews))  # type: ignore[arg-type]
    recorder.create_table()
    projection = LedgerViews(recorder, ledger)
    position = 0
    while position < until:
        rows = ledger.recorder.select_notifications(start=position, limit=BATCH, stop=until, inclusive_of_start=False)
        if not rows:
            break
        projection.process_batch([(ledger.mapper.to_domain_event(r), Tracking(ledger.name, r.id)) for r in rows])
        position = rows[-1].id
    return recorder


def _exists(views: ViewRecorder, table: str) -> bool:
    """Whether the store has this read model's table (one a later version added may be missing)."""
    try:
        with views.reading() as c:
            c.execute(f"SELECT 1 FROM {{{table}}} LIMIT 1").fetchall()
    except DatabaseError:
        return False
    return True


def _missing(report: VerificationReport, table: str, replayed: ViewRecorder) -> int:
    """A read model the store lacks (written before this version had it): a break where the
    events give it rows — what would be served is incomplete until a rebuild — else a note."""
    with replayed.reading() as c:
        counted = c.execute(f"SELECT COUNT(*) AS n FROM {{{table}}}").fetchone()
    rows = int(counted["n"]) if counted else 0
    if rows:
        report.add(VIEWS, 0, None, "view", f"the read model {table} is missing from the store, and the events give "
                   f"it {rows} rows (the read models were written by a version without it: `decision-ledger "
                   "rebuild` builds it)")
        return rows
    report.notes.append(f"the read model {table} is not in the store; the events give it no rows")
    return 0


def _rows(views: ViewRecorder, table: str, key: list[str], after: Any = None) -> dict[tuple[Any, ...], dict[str, Any]]:
    order = ", ".join(key)
    with views.reading() as c:
        if after is None:
            rows = c.execute(f"SELECT * FROM {{{table}}} ORDER BY {order}").fetchall()
        else:  # dl_actions, in ranges of its notification key
            rows = c.execute(f"SELECT * FROM {{{table}}} WHERE {key[0]} > ? AND {key[0]} <= ? ORDER BY {order}",
                             after).fetchall()
    return {tuple(row[k] for k in key): row for row in rows}


def _ranges(views: ViewRecorder, replayed: ViewRecorder, table: str, column: str) -> Iterator[tuple[int, int]]:
    top = 0
    for recorder in (views, replayed):
        with recorder.reading() as c:
            row = c.execute(f"SELECT MAX({column}) AS n FROM {{{table}}}").fetchone()
        top = max(top, int(row["n"]) if row and row["n"] is not None else 0)
    for start in range(0, top, BATCH * 4):
        yield start, start + BATCH * 4


def _compare(report: VerificationReport, table: str, key: list[str], views: ViewRecorder,
             replayed: ViewRecorder) -> int:
    problems: list[str] = []
    chunks: list[Any] = [None]
    if table == "dl_actions":
        chunks = list(_ranges(views, replayed, table, key[0]))
    for chunk in chunks:
        stored, expected = _rows(views, table, key, chunk), _rows(replayed, table, key, chunk)
        for row_key in sorted(set(stored) | set(expected), key=repr):
            name = f"{table} [{', '.join(f'{k}={v}' for k, v in zip(key, row_key, strict=True))}]"
            have, want = stored.get(row_key), expected.get(row_key)
            if have is None:
                problems.append(f"{name}: missing — the events give this row")
            elif want is None:
                problems.append(f"{name}: stored, but the events up to the read models' position give no such row")
            else:
                problems += [f"{name} {column}: stored {_shown(have[column])}, the events give {_shown(value)}"
                             for column, value in want.items() if not _same(have.get(column), value)]
    for problem in problems[:NAMED]:
        report.add(VIEWS, 0, None, "view", problem)
    if len(problems) > NAMED:
        report.add(VIEWS, 0, None, "view", f"{table}: … and {len(problems) - NAMED} more differences")
    return len(problems)


def _same(stored: Any, replayed: Any) -> bool:
    if isinstance(stored, int) and isinstance(replayed, int):
        return int(stored) == int(replayed)
    return bool(stored == replayed)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


# --- snapshots ---------------------------------------------------------------------------------


def audit_snapshots(report: VerificationReport, ledger: Ledger) -> None:
    """Compare every stored case snapshot with the state its case's events give at its version."""
    found = _snapshots(ledger)
    by_case: dict[UUID, dict[int, bytes]] = {}
    for case_id, version, data in found:
        by_case.setdefault(case_id, {})[version] = data
    for case_id, snapshots in by_case.items():
        case: Any = None
        for event in ledger.cases.event_store.get(case_id, lte=max(snapshots)):
            case = event.mutate(case)  # type: ignore[attr-defined]
            held = snapshots.get(event.originator_version)
            if held is not None:
                _check_snapshot(report, case_id, event.originator_version, held, case)
        for version in snapshots:
            if case is None or version > case.version:
                report.add(str(case_id), version, None, "snapshot",
                           f"a snapshot of version {version}, which the case's events do not reach")
    if found:
        report.notes.append(f"{len(found)} case snapshots compared with the events")


def _check_snapshot(report: VerificationReport, case_id: UUID, version: int, data: bytes, case: Any) -> None:
    try:
        state = unsealed_state(data)
    except SnapshotUnusable:
        return  # no replay can use it (it falls back to the events): nothing it could make anyone see
    replayed = {k: v for k, v in vars(case).items() if k != "_pending_events"}
    differ = sorted(k.lstrip("_") for k in set(state) | set(replayed) if state.get(k) != replayed.get(k))
    if differ:
        report.add(str(case_id), version, None, "snapshot",
                   f"the snapshot at version {version} is not the state the events give ({', '.join(differ)} differ): "
                   "a replay from it would show what was never recorded")


def _snapshots(ledger: Ledger) -> list[tuple[UUID, int, bytes]]:
    recorder = ledger.case_snapshots.recorder
    if recorder is None:
        return []
    table = recorder.events_table_name  # type: ignore[attr-defined]
    datastore = recorder.datastore  # type: ignore[attr-defined]
    schema = getattr(datastore, "schema", None)
    name = f'"{schema}"."{table}"' if schema else table
    try:
        with datastore.transaction(commit=False) as c:
            c.execute(f"SELECT originator_id, originator_version, state FROM {name} "
                      "ORDER BY originator_id, originator_version")
            rows = c.fetchall()
    except Exception:  # noqa: BLE001 — no snapshot table in this store: nothing to compare
        return []
    return [(UUID(str(r["originator_id"])), int(r["originator_version"]), bytes(r["state"])) for r in rows]
