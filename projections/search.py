"""Search the read models (issue 19 point 3): a person by name, a decision by its document number
(文号) or title, a case by its title or id, an event by its hash (a hex prefix of 8 digits or
more). Every question is one indexed or bounded query on a read model (the events themselves are
never scanned): an event hash or a case id by a range on an indexed column, names and titles by
``LIKE`` on the tables of people, decisions and cases, each answer capped at ``limit`` rows.

What a reader may see of the answers is decided by the pages (:mod:`api.http.web_story`), as
for every read model (:mod:`projections.scoping`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from projections.store import Views

MIN_HASH = 8
#: an event hash prefix (lower-case hex, as stored)
HEX = re.compile(r"^[0-9a-f]{8,64}$")
#: a case id, whole or its first digits (with its dashes)
ID_PREFIX = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{0,4}){0,4}[0-9a-f]{0,8}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

#: the index the event-hash search needs on the actions read model (projections/views.py INDEXES)
INDEXES = [("dl_actions_event_hash", "dl_actions", "event_hash")]


@dataclass(frozen=True)
class Query:
    """A search as typed: trimmed, and what kinds of things it can name."""

    text: str

    @property
    def hex(self) -> str | None:
        """The lower-case hex prefix, when it can name an event hash."""
        lowered = self.text.lower()
        return lowered if HEX.match(lowered) else None

    @property
    def id_prefix(self) -> str | None:
        lowered = self.text.lower()
        return lowered if ID_PREFIX.match(lowered) else None

    @property
    def searchable(self) -> bool:
        return len(self.text) >= 2


def parse(text: str | None) -> Query:
    return Query(" ".join((text or "").split())[:100])


def _like(text: str) -> str:
    """A ``LIKE`` pattern matching ``text`` anywhere, its wildcards escaped (with ``ESCAPE '\\'``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _prefix_range(prefix: str) -> tuple[str, str]:
    """Every text starting with ``prefix`` (of hex digits and dashes) lies in [low, high): 'g'
    sorts after every hex digit and the dash in any collation."""
    return prefix, prefix + "g"


def persons(views: Views, query: Query, limit: int) -> list[dict[str, Any]]:
    if not query.searchable:
        return []
    with views.reading() as c:
        return c.execute(
            "SELECT principal_id, name, unit, roles FROM {dl_principals} WHERE name LIKE ? ESCAPE '\\' "
            "AND kind <> 'system' ORDER BY name, principal_id LIMIT ?", (_like(query.text), limit)
        ).fetchall()


def decisions(views: Views, query: Query, limit: int) -> list[dict[str, Any]]:
    if not query.searchable:
        return []
    pattern = _like(query.text)
    with views.reading() as c:
        return c.execute(
            "SELECT decision_id, jurisdiction, title, document_number, organ, decided_on FROM {dl_decisions} "
            "WHERE document_number LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' "
            "ORDER BY decided_on DESC, decision_id LIMIT ?", (pattern, pattern, limit)
        ).fetchall()


def cases(views: Views, query: Query, limit: int) -> list[dict[str, Any]]:
    """Cases by title, by id (whole or its first digits), or by their decision's document number."""
    if not query.searchable:
        return []
    pattern = _like(query.text)
    columns = "k.case_id, k.decision_id, k.jurisdiction, k.title, k.lead_unit, k.phase, k.version"
    with views.reading() as c:
        rows = c.execute(
            f"SELECT {columns} FROM {{dl_cases}} k WHERE k.title LIKE ? ESCAPE '\\' "
            "ORDER BY k.opened_notification LIMIT ?", (pattern, limit)
        ).fetchall()
        rows += c.execute(
            f"SELECT {columns} FROM {{dl_cases}} k JOIN {{dl_decisions}} d ON d.decision_id = k.decision_id "
            "WHERE d.document_number LIKE ? ESCAPE '\\' ORDER BY k.opened_notification LIMIT ?", (pattern, limit)
        ).fetchall()
        if (prefix := query.id_prefix) is not None:
            low, high = _prefix_range(prefix)
            rows += c.execute(
                f"SELECT {columns} FROM {{dl_cases}} k WHERE k.case_id >= ? AND k.case_id < ? "
                "ORDER BY k.case_id LIMIT ?", (low, high, limit)
            ).fetchall()
    unique = {row["case_id"]: row for row in rows}
    return list(unique.values())[:limit]


def events(views: Views, query: Query, limit: int) -> list[dict[str, Any]]:
    """Events whose hash starts with the query's hex digits (at least :data:`MIN_HASH`): a range
    on the indexed ``event_hash`` column."""
    prefix = query.hex
    if prefix is None:
        return []
    low, high = _prefix_range(prefix)
    with views.reading() as c:
        return c.execute(
            "SELECT a.notification_id, a.aggregate_id, a.aggregate_type, a.version, a.event, a.action, a.actor_id, "
            "a.recorded_at, a.case_id, a.decision_id, a.event_hash, p.name AS actor FROM {dl_actions} a "
            "LEFT JOIN {dl_principals} p ON p.principal_id = a.actor_id "
            "WHERE a.event_hash >= ? AND a.event_hash < ? ORDER BY a.event_hash LIMIT ?", (low, high, limit)
        ).fetchall()
