"""Who belongs to a case, as a read model (issue 19 point 7 — perf): so a list of cases is
filtered by access without loading each case.

``dl_case_members`` holds one row per member of a case — a person of its evaluation team
(``team``), an engaged expert (``expert``), an entrusted agency (``agency``). With the case's
decision and lead unit (``dl_cases``) these are every fact of a case that
:func:`domain.service.access.can_read_case` reads. Registered with
:class:`projections.views.LedgerViewTables`, so ``rebuild`` builds it and ``verify`` compares it
with a replay of the events, as every read model.

A case's members only grow (no event removes a member of the team, an expert or an agency), so a
read model that lags behind the events can only refuse a reader too early, never admit one the
events do not: :func:`readable_cases` admits a case only where the rows say so, and the caller
asks the ledger itself about the others when it must be sure (:func:`api.http.reads.readable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from domain.model.aggregate import Directory
from domain.model.case import EvaluationCase
from domain.model.principal import Principal
from domain.service import access

TABLES: dict[str, str] = {
    "dl_case_members": "case_id TEXT, kind TEXT, member_id TEXT, PRIMARY KEY (case_id, kind, member_id)",
}
#: the cases a person or an agency belongs to, found on an index
INDEXES: list[tuple[str, str, str]] = [("dl_case_members_member", "dl_case_members", "member_id")]
UPSERTED = frozenset({"dl_case_members"})

TEAM, EXPERT, AGENCY = "team", "expert", "agency"

_MEMBER = "INSERT INTO {dl_case_members} VALUES (?,?,?) ON CONFLICT DO NOTHING"


class RowSink(Protocol):
    def upsert(self, sql: str, row: tuple[Any, ...], key: int = 1, updates: bool = True) -> None: ...


def write(rows: RowSink, case: EvaluationCase, written: dict[str, int] | None = None) -> None:
    """The member rows of one case as it stands (rows once written are never changed).
    ``written``: how many members of each case a batch wrote already — members are only added,
    so the same count is the same members, and nothing is written again."""
    case_id = str(case.id)
    if written is not None:
        count = len(case.team) + len(case.experts) + len(case.agencies)
        if written.get(case_id) == count:
            return
        written[case_id] = count
    for kind, members in ((TEAM, case.team), (EXPERT, case.experts), (AGENCY, case.agencies)):
        for member in members:
            rows.upsert(_MEMBER, (case_id, kind, str(member)), key=3, updates=False)


@dataclass(frozen=True)
class Membership:
    """What the access rules read of a case (:class:`domain.service.access.CaseFacts`), from the
    read models: its decision and lead unit, and of its members those that are the reader or the
    reader's agency (the rules ask only whether the reader is one)."""

    id: UUID
    decision_id: UUID | None
    lead_unit: str
    team: frozenset[str] = field(default_factory=frozenset)
    experts: frozenset[str] = field(default_factory=frozenset)
    agencies: frozenset[str] = field(default_factory=frozenset)


def memberships(c: Any, reader: Principal, case_ids: Iterable[str]) -> dict[str, Membership]:
    """The :class:`Membership` of each of these cases that the read models hold, as ``reader``
    is concerned (``c``: an open views cursor): two indexed queries, whatever the cases."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    cases = c.execute(f"SELECT case_id, decision_id, lead_unit FROM {{dl_cases}} WHERE case_id IN ({marks})",
                      wanted).fetchall()
    selves = [str(reader.id)] + ([str(reader.agency_id)] if reader.agency_id is not None else [])
    found: dict[str, dict[str, set[str]]] = {}
    rows = c.execute(
        f"SELECT case_id, kind, member_id FROM {{dl_case_members}} WHERE member_id IN ({','.join('?' * len(selves))}) "
        f"AND case_id IN ({marks})", [*selves, *wanted]).fetchall()
    for row in rows:
        found.setdefault(row["case_id"], {}).setdefault(row["kind"], set()).add(row["member_id"])
    out = {}
    for row in cases:
        members = found.get(row["case_id"], {})
        out[row["case_id"]] = Membership(
            UUID(row["case_id"]), UUID(row["decision_id"]) if row["decision_id"] else None, row["lead_unit"] or "",
            frozenset(members.get(TEAM, ())), frozenset(members.get(EXPERT, ())), frozenset(members.get(AGENCY, ())))
    return out


def readable_cases(c: Any, reader: Principal, directory: Directory, rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """The ids of the cases among ``rows`` (each with a ``case_id``) that ``reader`` may read, as
    :func:`access.can_read_case` judges them on the read models' facts (``directory``: one that
    finds each decision and organisation once, for many cases)."""
    held = memberships(c, reader, [str(row["case_id"]) for row in rows])
    return {case_id for case_id, facts in held.items() if access.can_read_case(reader, facts, directory)}
