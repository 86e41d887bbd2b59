"""Read models of the accountability procedure (H2; NX-16, XX-23, XX-18; 国令第713号第三十八条).

``dl_accountabilities`` holds each procedure with every step; ``dl_accountability_subjects``
who it names, so a person's chain finds every procedure naming them. A subject's steps are
never closed: a decision and its review stand beside the facts and the defence. Rows are
registered with :class:`projections.views.LedgerViewTables` and so rebuilt and audited with
the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from domain.evidence.times import format_time
from domain.model.accountability import Accountability
from projections.store import Views

TABLES: dict[str, str] = {
    "dl_accountabilities": (
        "accountability_id TEXT PRIMARY KEY, decision_id TEXT, case_id TEXT, jurisdiction TEXT, article TEXT, "
        "ground TEXT, conduct TEXT, fault TEXT, finding_id TEXT, opened_at TEXT, opened_by TEXT, "
        "version INTEGER, updated_at TEXT, subjects TEXT, evidence TEXT, steps TEXT"
    ),
    "dl_accountability_subjects": (
        "accountability_id TEXT, subject_id TEXT, role TEXT, PRIMARY KEY (accountability_id, subject_id)"
    ),
}
INDEXES: list[tuple[str, str, str]] = [
    ("dl_accountabilities_decision", "dl_accountabilities", "decision_id"),
    ("dl_accountability_subjects_subject", "dl_accountability_subjects", "subject_id"),
]
UPSERTED = frozenset({"dl_accountabilities", "dl_accountability_subjects"})

_PROCEDURE = (
    "INSERT INTO {dl_accountabilities} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (accountability_id) "
    "DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, subjects = excluded.subjects, "
    "evidence = excluded.evidence, steps = excluded.steps"
)
_SUBJECT = "INSERT INTO {dl_accountability_subjects} VALUES (?,?,?) ON CONFLICT DO NOTHING"
_JSON_COLUMNS = ("subjects", "evidence", "steps")


class RowSink(Protocol):
    def upsert(self, sql: str, row: tuple[Any, ...], key: int = 1, updates: bool = True) -> None: ...


def write(rows: RowSink, procedure: Accountability, dumps: Callable[[Any], str]) -> None:
    """The rows of one procedure as it stands (``dumps``: the views' one JSON spelling)."""
    opened = procedure.opened
    rows.upsert(_PROCEDURE, (
        str(procedure.id), _text(procedure.decision_id), _text(procedure.case_id), procedure.jurisdiction,
        procedure.article, procedure.ground, procedure.conduct, procedure.fault, _text(procedure.finding_id),
        format_time(opened["at"]), str(opened["by"]), procedure.version, format_time(procedure.modified_on),
        dumps(list(procedure.subjects.values())), dumps(procedure.evidence), dumps(procedure.steps),
    ))
    for subject_id, subject in procedure.subjects.items():
        rows.upsert(_SUBJECT, (str(procedure.id), subject_id, subject["role"]), key=2, updates=False)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _loads(row: dict[str, Any]) -> dict[str, Any]:
    for column in _JSON_COLUMNS:
        if row.get(column) is not None:
            row[column] = json.loads(row[column])
    return row


def procedures(views: Views, *, decision_id: str | None = None, limit: int = 100_000,
               offset: int = 0) -> list[dict[str, Any]]:
    """Every procedure (or a decision's), in the order opened."""
    where, params = ("WHERE decision_id = ?", (decision_id,)) if decision_id else ("", ())
    with views.reading() as c:
        rows = c.execute(
            f"SELECT * FROM {{dl_accountabilities}} {where} ORDER BY opened_at, accountability_id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
    return [_loads(row) for row in rows]


def procedure(views: Views, accountability_id: str) -> dict[str, Any] | None:
    with views.reading() as c:
        row = c.execute("SELECT * FROM {dl_accountabilities} WHERE accountability_id = ?",
                        (accountability_id,)).fetchone()
    return _loads(row) if row is not None else None


def of_person(views: Views, principal_id: str) -> list[dict[str, Any]]:
    """终身责任链: every procedure naming the person, with their role, their own decision as it
    stands, every step that concerns them (the opening and investigation concern all), and the
    units it names as parties (713-39)."""
    with views.reading() as c:
        named = c.execute("SELECT accountability_id, role FROM {dl_accountability_subjects} WHERE subject_id = ?",
                          (principal_id,)).fetchall()
        if not named:
            return []
        marks = ",".join("?" * len(named))
        rows = c.execute(
            f"SELECT * FROM {{dl_accountabilities}} WHERE accountability_id IN ({marks}) "
            "ORDER BY opened_at, accountability_id", tuple(r["accountability_id"] for r in named),
        ).fetchall()
    role = {r["accountability_id"]: r["role"] for r in named}
    out = []
    for row in rows:
        full = _loads(row)
        mine: dict[str, Any] = next((s for s in full["subjects"] if str(s["subject_id"]) == principal_id), {})
        out.append({
            **{k: v for k, v in full.items() if k not in ("subjects", "steps", "evidence")},
            "role": role[full["accountability_id"]],
            "decision": mine.get("decision"),
            "steps": [s for s in full["steps"] if principal_id in s["subjects"]],
            # 713-39: the unit whose fault in the decision procedure the person answers for, as its
            # responsible leader or direct person
            "units": [str(s["subject_id"]) for s in full["subjects"] if s["role"] == "unit"],
        })
    return out


def names(procedure_row: dict[str, Any], principal_id: str) -> bool:
    """Whether a procedure names this person among its subjects."""
    return any(str(s["subject_id"]) == principal_id for s in procedure_row["subjects"])


def as_subject(procedure_row: dict[str, Any], principal_id: str) -> dict[str, Any]:
    """A procedure as one person it names reads it: their own entry and the steps concerning
    them, not what was told to or decided on the others."""
    return {
        **procedure_row,
        "subjects": [s for s in procedure_row["subjects"] if str(s["subject_id"]) == principal_id],
        "steps": [s for s in procedure_row["steps"] if principal_id in s["subjects"]],
    }
