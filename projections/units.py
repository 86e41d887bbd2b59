"""Read models of a unit's record (单位的过错记录; 国令第713号第三十九条, 息县办法第十八条).

An evaluation that confirms a unit's fault in the decision procedure names the unit — the
undertaking unit, or one that did work on the decision (:func:`domain.model.making.units_of_the_making`).
``dl_finding_units`` holds, per such finding, the unit it is against (its id and its name, which
an organisation keeps for ever), and who confirmed it; the finding itself stays in
``dl_findings``. A unit's record is then every finding against it, with its decision, and every
accountability procedure naming the unit as a party, with the persons it holds to account — the
unit's responsible leaders and direct persons (``dl_accountability_subjects``).

Registered with :class:`projections.views.LedgerViewTables`, so created where missing, rebuilt
and audited with the others: a store whose read models were written before this table existed
has it created empty, which ``verify`` names until ``decision-ledger rebuild`` fills it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from projections.store import Views

TABLES: dict[str, str] = {
    "dl_finding_units": "finding_id TEXT PRIMARY KEY, unit_id TEXT, unit_name TEXT, confirmed_by TEXT",
}
#: a unit's record reads its findings by the unit
INDEXES: list[tuple[str, str, str]] = [("dl_finding_units_unit", "dl_finding_units", "unit_id")]
#: a finding's unit never changes: its row is inserted once
UPSERTED: frozenset[str] = frozenset()

_UNIT = "INSERT INTO {dl_finding_units} VALUES (?,?,?,?) ON CONFLICT DO NOTHING"


class RowSink(Protocol):
    def upsert(self, sql: str, row: tuple[Any, ...], key: int = 1, updates: bool = True) -> None: ...


def write(rows: RowSink, finding: dict[str, Any], name_of: Callable[[Any], str | None]) -> None:
    """The unit a finding is against (713-39), if it names one (``name_of``: an organisation's name)."""
    unit_id = finding.get("unit_id")
    if unit_id is None:
        return
    rows.upsert(_UNIT, (str(finding["finding_id"]), str(unit_id), name_of(unit_id), str(finding["by"])),
                updates=False)


def of_findings(c: Any) -> dict[str, dict[str, Any]]:
    """Every finding's unit, by finding id (``c``: an open views cursor): ``{"unit_id", "name"}``."""
    return {row["finding_id"]: {"unit_id": row["unit_id"], "name": row["unit_name"]}
            for row in c.execute("SELECT * FROM {dl_finding_units}").fetchall()}


def record(views: Views, unit_id: str) -> dict[str, Any]:
    """单位的过错记录: the findings confirmed against the unit, each with its decision, fault kind,
    articles, who confirmed it and when; the procedures naming the unit as a party, each with the
    persons it holds to account and the outcome decided for each. In the order recorded."""
    with views.reading() as c:
        found = c.execute(
            "SELECT f.*, u.unit_id AS unit_id, u.unit_name, u.confirmed_by, d.title AS decision_title, "
            "d.document_number AS document_number, p.name AS confirmed_by_name "
            "FROM {dl_finding_units} u JOIN {dl_findings} f ON f.finding_id = u.finding_id "
            "LEFT JOIN {dl_decisions} d ON d.decision_id = f.decision_id "
            "LEFT JOIN {dl_principals} p ON p.principal_id = u.confirmed_by "
            "WHERE u.unit_id = ? ORDER BY f.raised_at, f.finding_id", (unit_id,)).fetchall()
        named = c.execute(
            "SELECT a.* FROM {dl_accountability_subjects} s JOIN {dl_accountabilities} a "
            "ON a.accountability_id = s.accountability_id WHERE s.subject_id = ? AND s.role = ? "
            "ORDER BY a.opened_at, a.accountability_id", (unit_id, "unit")).fetchall()
        names = _names(c, {str(s["subject_id"]) for row in named for s in json.loads(row["subjects"])})
    return {
        "findings": [_finding(row) for row in found],
        "procedures": [_procedure(row, names) for row in named],
    }


def _finding(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "finding_id": row["finding_id"], "case_id": row["case_id"], "decision_id": row["decision_id"],
        "decision_title": row["decision_title"], "document_number": row["document_number"],
        "unit": {"unit_id": row["unit_id"], "name": row["unit_name"]},
        "fault": row["conduct"], "articles": json.loads(row["articles"]), "rule": row["rule"],
        "summary": row["summary"], "confirmed_by": row["confirmed_by"], "confirmed_by_name": row["confirmed_by_name"],
        "confirmed_at": row["raised_at"], "version": row["version"], "event_hash": row["event_hash"],
        "cited_events": json.loads(row["cited_events"]), "open": row["closed_at"] is None,
        "closed_at": row["closed_at"], "outcome": row["outcome"],
    }


def _procedure(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A procedure as the unit's record shows it: its article and fault, and the persons it
    names with their responsibility and the decision on each (the unit itself left out)."""
    subjects = json.loads(row["subjects"])
    return {
        "accountability_id": row["accountability_id"], "decision_id": row["decision_id"], "case_id": row["case_id"],
        "finding_id": row["finding_id"], "article": row["article"], "ground": row["ground"], "fault": row["fault"],
        "opened_at": row["opened_at"], "opened_by": row["opened_by"],
        "persons": [{"principal_id": str(s["subject_id"]), "name": names.get(str(s["subject_id"])),
                     "role": s["role"], "decision": s.get("decision")}
                    for s in subjects if s["role"] != "unit"],
    }


def _names(c: Any, principal_ids: set[str]) -> dict[str, str]:
    if not principal_ids:
        return {}
    marks = ",".join("?" * len(principal_ids))
    rows = c.execute(f"SELECT principal_id, name FROM {{dl_principals}} WHERE principal_id IN ({marks})",
                     tuple(sorted(principal_ids))).fetchall()
    return {row["principal_id"]: row["name"] for row in rows}
