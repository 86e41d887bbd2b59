"""What the case page reads, bounded for a case of 10,000 events (issue 19 point 7 — perf).

* The table of events shows :data:`EVENTS` at a time, the latest page unless another is asked
  (``?offset=``): only those events are read and verified (:func:`projections.timeline.timeline`).
* The timeline picture covers every event of the case, from the actions read model: each event's
  version, action, recording time and signer's name, and the signed arguments only of the actions
  whose content carries the day they tell of (:data:`projections.story.BUSINESS_DATE_FIELDS`); the
  picture then makes marks only of the events a column can show and counts the rest
  (:func:`api.http.story.timeline.capped`).
* The process record's binding (NX-10(4), XX-14(1)) exists only once a report is final: only then
  is the record of the acts it binds rebuilt, to say whether the digest it carries matches.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi.responses import Response

from api.http.service import Service
from api.http.story import timeline
from domain.model import process_record
from domain.model.case import EvaluationCase
from domain.service.ledger import Ledger
from projections.story import BUSINESS_DATE_FIELDS, recording_day

#: events in a page of the case page's table
EVENTS = 50


def page_start(events: int, offset: int | None) -> int:
    """Where the shown page of a case of ``events`` events starts: pages of :data:`EVENTS` from the
    first event; the last page (holding the latest event) unless ``offset`` asks for another (an
    offset past the end shows the last page)."""
    last = max(0, (events - 1) // EVENTS * EVENTS)
    if offset is None:
        return last
    return min(offset, last)


def release(page: Response) -> None:
    """Let go of what a rendered page was made from: a template response keeps its context (the
    case: tens of thousands of objects) until it is dropped, past the pause of garbage collection
    (:mod:`projections.gc_pause`), so the collector's next full pass would walk it."""
    if isinstance(getattr(page, "context", None), dict):
        page.context = {}  # type: ignore[attr-defined]  # the request too: its state holds the page's readings


def binding(case: EvaluationCase, ledger: Ledger) -> dict[str, Any] | None:
    """The finalised report's binding of the 全过程记录 (:func:`process_record.document`'s
    ``binding``); ``None`` while no report is final, without rebuilding the record."""
    if not (case.report_is_final and case.report):
        return None
    binding: dict[str, Any] | None = process_record.document(case, process_record.names_from(ledger))["binding"]
    return binding


def picture_rows(svc: Service, case_id: str,
                 every: list[dict[str, Any]] | None = None) -> tuple[list[dict[str, Any]], dict[date, int]]:
    """The events of the case the timeline picture may show (``version``, ``action``,
    ``recorded_at``, ``actor``, and ``args`` where they may carry the business date), and how many
    of each day it need not read (counted in their column's ``+n``).

    A day's column shows at most :data:`timeline.MAX_ROWS` of its events, the first in the order
    of their links (the version, as text); an event whose content carries no date sits on the day
    it was recorded (China time, a whole number of hours from UTC), so the first ``MAX_ROWS`` of
    each hour of recording, in that order, hold the first of each day. Those, and every event whose
    content may carry a date, are read whole; the others are only counted. ``every``: each event's
    ``version``, ``action`` and ``recorded_at``, when the caller has read them already (the story
    page, issue 19 — perf2)."""
    dated = sorted(BUSINESS_DATE_FIELDS)
    if every is None:
        with svc.current().views.reading() as c:
            every = c.execute("SELECT version, action, recorded_at FROM {dl_actions} WHERE case_id = ?",
                              (case_id,)).fetchall()
    by_hour: dict[str, list[str]] = {}
    wanted: list[int] = []
    for row in every:
        if row["action"] in BUSINESS_DATE_FIELDS:
            wanted.append(int(row["version"]))
        else:
            by_hour.setdefault(row["recorded_at"][:13], []).append(str(row["version"]))
    unread: dict[date, int] = {}
    for hour, versions in by_hour.items():
        if len(versions) > timeline.MAX_ROWS:
            versions.sort()
            day = recording_day(f"{hour}:00:00.000000Z")
            unread[day] = unread.get(day, 0) + len(versions) - timeline.MAX_ROWS
        wanted += [int(v) for v in versions[: timeline.MAX_ROWS]]
    wanted.sort()
    rows: list[dict[str, Any]] = []
    marks = ",".join("?" * len(dated))
    with svc.current().views.reading() as c:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start: start + 500]
            rows += c.execute(
                f"SELECT a.version, a.action, a.recorded_at, CASE WHEN a.action IN ({marks}) THEN a.args END AS args, "
                "p.name AS actor FROM {dl_actions} a LEFT JOIN {dl_principals} p ON p.principal_id = a.actor_id "
                f"WHERE a.case_id = ? AND a.version IN ({','.join('?' * len(chunk))}) ORDER BY a.version",
                [*dated, case_id, *chunk]).fetchall()
    for row in rows:
        row["args"] = json.loads(row["args"]) if row["args"] else {}
    return rows, unread
