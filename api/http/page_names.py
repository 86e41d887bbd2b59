"""The names the pages show where ids stand (issue 19 — words), looked up when a page asks for
one: a person, an organisation, an agency, a case or a decision, each by its key or an index.

A page names the few ids it shows; reading every person, case and decision — and scanning every
recorded act for the organisations — on each request, as the pages first did, grows with the
whole ledger (a million acts on the bench: issue 19 point 7). What a name reveals is unchanged:
an id's name is shown only where the page already shows the id.
"""

from __future__ import annotations

import json
import re
from typing import Any

from api.http.reads import UUID_PATTERN
from api.http.service import Service

_UUID = re.compile(UUID_PATTERN)


class Directory:
    """Each id's name and where its name links (``None``: a person, linked to their page by the
    pages themselves; ``""``: no page), found once per request."""

    def __init__(self, svc: Service) -> None:
        self.svc = svc
        self.found: dict[str, tuple[str, str | None] | None] = {}

    def look(self, key: str) -> tuple[str, str | None] | None:
        if key not in self.found:
            self.found[key] = self._find(key) if _UUID.match(key) else None
        return self.found[key]

    def _find(self, key: str) -> tuple[str, str | None] | None:
        with self.svc.current().views.reading() as c:
            row = c.execute("SELECT name FROM {dl_principals} WHERE principal_id = ?", (key,)).fetchone()
            if row is not None:
                return row["name"], None
            row = c.execute("SELECT title FROM {dl_cases} WHERE case_id = ?", (key,)).fetchone()
            if row is not None:
                return row["title"], f"/cases/{key}"
            row = c.execute("SELECT title, document_number FROM {dl_decisions} WHERE decision_id = ?",
                            (key,)).fetchone()
            if row is not None:
                number = row["document_number"]
                return (f"{row['title']}（{number}）" if number else row["title"]), f"/decisions/{key}/trace"
            row = c.execute("SELECT name FROM {dl_agencies} WHERE agency_id = ?", (key,)).fetchone()
            if row is not None:
                return row["name"], f"/agencies#a-{key}"
            row = c.execute("SELECT args FROM {dl_actions} WHERE aggregate_id = ? AND action = ?",
                            (key, "organisation.register")).fetchone()
            if row is not None:
                args: Any = json.loads(row["args"]) if isinstance(row["args"], str) else row["args"]
                return str(args.get("name", "")), ""
        return None


class Names:
    """``names`` as :func:`api.http.web.render` reads it: ``get`` and ``in``."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def get(self, key: str, default: str | None = None) -> str | None:
        found = self.directory.look(key)
        return found[0] if found is not None else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.directory.look(key) is not None


class Links:
    """``links`` as :func:`api.http.web.render` reads it: ``in`` and ``[]`` (persons are not in it:
    the pages link a person's name to their page themselves)."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        found = self.directory.look(key)
        return found is not None and found[1] is not None

    def __getitem__(self, key: str) -> str:
        found = self.directory.look(key)
        if found is None or found[1] is None:
            raise KeyError(key)
        return found[1]


def lookup(svc: Service) -> tuple[Names, Links]:
    """The names and links of one page's request."""
    directory = Directory(svc)
    return Names(directory), Links(directory)


def summaries_en(svc: Service, findings: list[dict[str, Any]], lang: str) -> dict[str, str]:
    """The English summary each shown finding's event keeps (the findings view keeps the Chinese),
    read from those findings' cases' acts by the index on the case — only for an English page."""
    cases = sorted({str(f["case_id"]) for f in findings if f.get("case_id")})
    if lang != "en" or not cases:
        return {}
    out: dict[str, str] = {}
    with svc.current().views.reading() as c:
        for start in range(0, len(cases), 500):
            chunk = cases[start: start + 500]
            marks = ",".join("?" * len(chunk))
            for row in c.execute(f"SELECT args FROM {{dl_actions}} WHERE case_id IN ({marks}) AND action = ?",
                                 (*chunk, "case.raise_finding")).fetchall():
                args = json.loads(row["args"]) if isinstance(row["args"], str) else row["args"]
                if args.get("finding_id") and args.get("summary_en"):
                    out[str(args["finding_id"])] = str(args["summary_en"])
    return out
