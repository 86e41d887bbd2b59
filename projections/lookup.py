"""Candidates for a name typed into a form (issue 19 point 2): people, organisations and agencies
whose name contains the text, read from the read models by a bounded query — a province's
directory is never read whole for one keystroke. Who of them the reader may pick is decided by
the caller (:mod:`api.http.lookup`); these return at most ``limit`` rows each, by name.
"""

from __future__ import annotations

import json
from typing import Any

from projections.store import Views


def like(text: str) -> str:
    """A ``LIKE`` pattern matching ``text`` anywhere, its wildcards escaped (``ESCAPE '\\'``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def people(views: Views, text: str, limit: int) -> list[dict[str, Any]]:
    """Persons in service (not retired or gone) whose name or staff number (工号) contains
    ``text``, with their organisation and roles."""
    with views.reading() as c:
        rows = c.execute(
            "SELECT p.principal_id, p.name, p.unit, p.title, p.roles, l.organisation_id, l.identifier "
            "FROM {dl_principals} p LEFT JOIN {dl_principal_lifetime} l ON l.principal_id = p.principal_id "
            "WHERE p.kind = 'person' AND (l.status IS NULL OR l.status = 'active') "
            "AND (p.name LIKE ? ESCAPE '\\' OR l.identifier LIKE ? ESCAPE '\\') "
            "ORDER BY p.name, p.principal_id LIMIT ?", (like(text), like(text), limit),
        ).fetchall()
    return [{**dict(row), "roles": json.loads(row["roles"]) if row["roles"] else []} for row in rows]


def organisations(views: Views) -> list[dict[str, Any]]:
    """Every registered organisation's id, name and parent, from its registration (read by the
    index on the acts' action; organisations are thousands at most, never people's millions)."""
    with views.reading() as c:
        rows = c.execute("SELECT aggregate_id, args FROM {dl_actions} WHERE action = ?",
                         ("organisation.register",)).fetchall()
    out = []
    for row in rows:
        args = json.loads(row["args"]) if isinstance(row["args"], str) else row["args"]
        out.append({"organisation_id": str(row["aggregate_id"]), "name": str(args.get("name", "")),
                    "parent_id": args.get("parent_id")})
    return out


def agencies(views: Views, text: str, limit: int) -> list[dict[str, Any]]:
    """Registered third-party agencies whose name contains ``text``, each with ``criticised``: how
    many times it was criticised (通报批评, 713-41), which the entrusting form shows but never bars."""
    with views.reading() as c:
        rows = c.execute(
            "SELECT agency_id, name, records FROM {dl_agencies} WHERE name LIKE ? ESCAPE '\\' ORDER BY name, agency_id "
            "LIMIT ?", (like(text), limit)).fetchall()
    return [{"agency_id": row["agency_id"], "name": row["name"],
             "criticised": len(json.loads(row["records"]).get("criticisms", []))} for row in rows]
