"""Read models of a person for a lifetime (H3 lifetime; issue 17 point 4; XX-18 终身责任追究).

``dl_principal_lifetime`` holds, per principal, what makes the one person traceable over a
working life: the staff number (工号), the status (在职 / 退休 / 离职), the organisations and
units they belonged to and when (调动), and the names they bore before (更名). Registered with
:class:`projections.views.LedgerViewTables`, so rebuilt and audited with the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from domain.evidence.times import format_time
from domain.model.principal import Principal

TABLES: dict[str, str] = {
    "dl_principal_lifetime": (
        "principal_id TEXT PRIMARY KEY, identifier TEXT, status TEXT, organisation_id TEXT, "
        "memberships TEXT, former_names TEXT, retired TEXT"
    ),
}
#: a person's own record (their transfers, renames, retirement) is read by aggregate
INDEXES: list[tuple[str, str, str]] = [("dl_actions_aggregate", "dl_actions", "aggregate_id")]
UPSERTED = frozenset({"dl_principal_lifetime"})

_LIFETIME = (
    "INSERT INTO {dl_principal_lifetime} VALUES (?,?,?,?,?,?,?) ON CONFLICT (principal_id) DO UPDATE SET "
    "identifier = excluded.identifier, status = excluded.status, organisation_id = excluded.organisation_id, "
    "memberships = excluded.memberships, former_names = excluded.former_names, retired = excluded.retired"
)
_JSON_COLUMNS = ("memberships", "former_names", "retired")


class RowSink(Protocol):
    def upsert(self, sql: str, row: tuple[Any, ...], key: int = 1, updates: bool = True) -> None: ...


def write(rows: RowSink, principal: Principal, dumps: Callable[[Any], str]) -> None:
    """The lifetime row of one principal as it stands (``dumps``: the views' one JSON spelling)."""
    memberships = [
        {"organisation_id": str(m["organisation_id"]), "unit": m["unit"], "from": format_time(m["from"]),
         "until": format_time(m["until"]) if m["until"] else None}
        for m in principal.memberships
    ]
    former = [{"name": f["name"], "until": format_time(f["until"]), "reason": f["reason"]}
              for f in principal.former_names]
    retired = principal.retired
    rows.upsert(_LIFETIME, (
        str(principal.id), principal.identifier, principal.status,
        str(principal.organisation_id) if principal.organisation_id else None, dumps(memberships), dumps(former),
        dumps({**retired, "at": format_time(retired["at"]), "by": str(retired["by"])}) if retired else None,
    ))


def decode(row: dict[str, Any] | None) -> dict[str, Any]:
    """A principal's lifetime keys, decoded: empty lists and "active" where none is recorded."""
    if row is None:
        return {"identifier": "", "status": "active", "organisation_id": None, "memberships": [],
                "former_names": [], "retired": None}
    out = {k: row[k] for k in ("identifier", "status", "organisation_id")}
    for column in _JSON_COLUMNS:
        out[column] = json.loads(row[column]) if row[column] else ([] if column != "retired" else None)
    return out


def lifetimes(c: Any) -> dict[str, Any]:
    """Every principal's lifetime row, by principal id, to :func:`decode` (``c``: an open views cursor)."""
    return {row["principal_id"]: row for row in c.execute("SELECT * FROM {dl_principal_lifetime}").fetchall()}


def matches(person: dict[str, Any], q: str) -> bool:
    """Whether a directory entry answers a lookup: its name, a former name, or its staff number
    (工号, the identifier) contains ``q`` (case-insensitive)."""
    needle = q.strip().casefold()
    names = [person["name"], *(f["name"] for f in person.get("former_names", [])), person.get("identifier", "")]
    return bool(needle) and any(needle in (n or "").casefold() for n in names)
