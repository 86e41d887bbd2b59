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
    page, issue 19 — perf2); without it the store picks and counts them (:func:`_picked`), so a
    case of 10,000 events is not read row by row for a picture of a few hundred marks."""
    if every is None:
        rows, counts = _picked(svc, case_id)
    else:
        rows, counts = _picked_from(svc, case_id, every)
    unread: dict[date, int] = {}
    for hour, count in counts.items():
        if count > timeline.MAX_ROWS:
            day = recording_day(f"{hour}:00:00.000000Z")
            unread[day] = unread.get(day, 0) + count - timeline.MAX_ROWS
    for row in rows:
        row["args"] = json.loads(row["args"]) if row["args"] else {}
    return rows, unread


def _picked_from(svc: Service, case_id: str,
                 every: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """:func:`_picked`, from every event's version, action and time already read: the rows read
    whole and the number of undated events of each hour."""
    by_hour: dict[str, list[str]] = {}
    wanted: list[int] = []
    for row in every:
        if row["action"] in BUSINESS_DATE_FIELDS:
            wanted.append(int(row["version"]))
        else:
            by_hour.setdefault(row["recorded_at"][:13], []).append(str(row["version"]))
    for versions in by_hour.values():
        versions.sort()
        wanted += [int(v) for v in versions[: timeline.MAX_ROWS]]
    wanted.sort()
    dated = sorted(BUSINESS_DATE_FIELDS)
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
    return rows, {hour: len(versions) for hour, versions in by_hour.items()}


def _picked(svc: Service, case_id: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The rows the picture reads whole — every event whose content may carry a date, and of the
    others the first :data:`timeline.MAX_ROWS` of each hour of recording in the order of their
    version as text (a digit string: the same order in every collation) — and the number of
    undated events of each hour: two queries, whatever the case's length."""
    dated = sorted(BUSINESS_DATE_FIELDS)
    marks = ",".join("?" * len(dated))
    with svc.current().views.reading() as c:
        counts = {row["hour"]: int(row["n"]) for row in c.execute(
            "SELECT SUBSTR(recorded_at, 1, 13) AS hour, COUNT(*) AS n FROM {dl_actions} "
            f"WHERE case_id = ? AND action NOT IN ({marks}) GROUP BY SUBSTR(recorded_at, 1, 13)",
            [case_id, *dated]).fetchall()}
        rows = c.execute(
            f"SELECT a.version, a.action, a.recorded_at, CASE WHEN a.dated = 1 THEN a.args END AS args, "
            "p.name AS actor FROM (SELECT version, action, recorded_at, args, actor_id, "
            f"CASE WHEN action IN ({marks}) THEN 1 ELSE 0 END AS dated, ROW_NUMBER() OVER ("
            f"PARTITION BY CASE WHEN action IN ({marks}) THEN NULL ELSE SUBSTR(recorded_at, 1, 13) END "
            "ORDER BY CAST(version AS TEXT)) AS n FROM {dl_actions} WHERE case_id = ?) a "
            "LEFT JOIN {dl_principals} p ON p.principal_id = a.actor_id "
            "WHERE a.dated = 1 OR a.n <= ? ORDER BY a.version",
            [*dated, *dated, case_id, timeline.MAX_ROWS]).fetchall()
    return rows, counts
