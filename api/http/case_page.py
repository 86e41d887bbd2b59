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
from typing import Any

from api.http.service import Service
from domain.model import process_record
from domain.model.case import EvaluationCase
from domain.service.ledger import Ledger
from projections.story import BUSINESS_DATE_FIELDS

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


def picture_rows(svc: Service, case_id: str) -> list[dict[str, Any]]:
    """Every event of the case as the timeline picture reads it (``version``, ``action``,
    ``recorded_at``, ``actor``, and ``args`` where they may carry the business date)."""
    dated = sorted(BUSINESS_DATE_FIELDS)
    marks = ",".join("?" * len(dated))
    with svc.current().views.reading() as c:
        rows = c.execute(
            f"SELECT a.version, a.action, a.recorded_at, p.name AS actor, CASE WHEN a.action IN ({marks}) "
            "THEN a.args END AS args FROM {dl_actions} a LEFT JOIN {dl_principals} p ON p.principal_id = a.actor_id "
            "WHERE a.case_id = ? ORDER BY a.version", [*dated, case_id]).fetchall()
    for row in rows:
        row["args"] = json.loads(row["args"]) if row["args"] else {}
    return rows
