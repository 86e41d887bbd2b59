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


def binding(case: EvaluationCase, ledger: Ledger) -> dict[str, Any] | None:
    """The finalised report's binding of the 全过程记录 (:func:`process_record.document`'s
    ``binding``); ``None`` while no report is final, without rebuilding the record."""
    if not (case.report_is_final and case.report):
        return None
    binding: dict[str, Any] | None = process_record.document(case, process_record.names_from(ledger))["binding"]
    return binding


def picture_rows(svc: Service, case_id: str) -> tuple[list[dict[str, Any]], dict[date, int]]:
    """The events of the case the timeline picture may show (``version``, ``action``,
    ``recorded_at``, ``actor``, and ``args`` where they may carry the business date), and how many
    of each day it need not read (counted in their column's ``+n``).

    A day's column shows at most :data:`timeline.MAX_ROWS` of its events, the first in the order
    of their links (the version, as text); an event whose content carries no date sits on the day
    it was recorded (China time, a whole number of hours from UTC), so the first ``MAX_ROWS`` of
    each hour of recording, by that order, hold the first of each day: the store gives those
    (and every event whose content may carry a date), and counts the rest per hour."""
    dated = sorted(BUSINESS_DATE_FIELDS)
    marks = ",".join("?" * len(dated))
    with svc.current().views.reading() as c:
        rows = c.execute(
            "SELECT t.version, t.action, t.recorded_at, t.args, p.name AS actor FROM (SELECT a.version, a.action, "
            f"a.recorded_at, a.actor_id, CASE WHEN a.action IN ({marks}) THEN a.args END AS args, ROW_NUMBER() OVER "
            f"(PARTITION BY substr(a.recorded_at, 1, 13), CASE WHEN a.action IN ({marks}) THEN a.version ELSE 0 END "
            "ORDER BY CAST(a.version AS TEXT)) AS place FROM {dl_actions} a WHERE a.case_id = ?) t "
            "LEFT JOIN {dl_principals} p ON p.principal_id = t.actor_id WHERE t.place <= ? ORDER BY t.version",
            [*dated, *dated, case_id, timeline.MAX_ROWS]).fetchall()
        hours = c.execute(
            f"SELECT substr(recorded_at, 1, 13) AS hour, COUNT(*) AS n FROM {{dl_actions}} WHERE case_id = ? "
            f"AND action NOT IN ({marks}) GROUP BY substr(recorded_at, 1, 13)", [case_id, *dated]).fetchall()
    unread: dict[date, int] = {}
    for hour in hours:
        day = recording_day(f"{hour['hour']}:00:00.000000Z")
        unread[day] = unread.get(day, 0) + int(hour["n"])
    for row in rows:
        row["args"] = json.loads(row["args"]) if row["args"] else {}
        if row["action"] not in BUSINESS_DATE_FIELDS:
            day = recording_day(row["recorded_at"])
            unread[day] -= 1
    return rows, {day: n for day, n in unread.items() if n}
