"""A case read as a story (issue 19 point 3): each event placed on the day it tells of — the
business date signed inside its content (a meeting's 召开日期, a survey's period, the decision
organ's 决定日期) — and, where the content carries none, on the day it was recorded (China
Standard Time), marked as such; and the deadlines of the case on the same days.

Pure functions over a case's signed arguments and state: no web code, no SQL.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from domain.evidence.times import parse_time
from domain.model.calendar import china_date
from domain.model.case import EvaluationCase
from domain.model.holidays import DEFAULT_PERIODS, OfficialCalendar, Periods, UnknownYear

#: the fields of a command's signed arguments that carry the day the act tells of, by action, in the
#: order they are tried (domain/model/commands/case.py: IsoDate fields)
BUSINESS_DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "case.approve_evaluation": ("decided_on",),  # NX-10(2) 厅决策机关决定开展评估之日
    "case.decline_evaluation": ("decided_on",),
    "case.conduct_survey": ("period_from",),  # 问卷调查 began (its period_to is shown in the tooltip)
    "case.solicit_opinions": ("period_from",),  # 征求意见 began
    "case.hold_forum": ("held_on",),  # 座谈会召开之日
    "case.hold_hearing": ("held_on",),  # 论证会召开之日
    "case.visit_site": ("visited_on",),  # 实地调研之日
}

#: the actions whose content gives a period (a ``period_from`` and a ``period_to``)
PERIODS = frozenset(action for action, fields in BUSINESS_DATE_FIELDS.items() if "period_from" in fields)

#: the field :data:`RECORDED` stands for: no date in the content, the recording day stands in
RECORDED = "recorded_at"


@dataclass(frozen=True)
class Dated:
    """One event of a case on the day it tells of."""

    version: int
    action: str
    day: date
    field: str  # the argument the day comes from, or RECORDED
    until: date | None  # the end of a period (a survey, a call for opinions)
    recorded_at: str
    event: Mapping[str, Any]

    @property
    def from_content(self) -> bool:
        return self.field != RECORDED


def _iso(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def business_date(action: str, args: Mapping[str, Any], recorded_at: str) -> tuple[date, str]:
    """The day an act tells of and the argument it is read from; else the recording day (北京时间)
    and :data:`RECORDED`."""
    for name in BUSINESS_DATE_FIELDS.get(action, ()):
        day = _iso(args.get(name))
        if day is not None:
            return day, name
    return recording_day(recorded_at), RECORDED


_SPELLING = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-5][0-9]:[0-5][0-9]\.[0-9]{6}Z")  # times.format_time's


_SPELLINGS = re.compile(f"(?:{_SPELLING.pattern}\n)*")  # times, each followed by a new line


@lru_cache(maxsize=4096)
def _day_of_hour(hour: str) -> date:
    return china_date(parse_time(f"{hour}:00:00.000000Z"))


def recording_day(recorded_at: str) -> date:
    """The China Standard Time day of a recorded time: the day of its UTC hour (China's offset is
    whole hours and has no summer time), found once per hour (issue 19 — perf: a case of 10,000
    events); a time not in the one spelling is parsed, and refused, whole."""
    if _SPELLING.fullmatch(recorded_at):
        return _day_of_hour(recorded_at[:13])
    return china_date(parse_time(recorded_at))


def dated(events: Iterable[Mapping[str, Any]]) -> list[Dated]:
    """Each event (a mapping with ``version``, ``action``, ``args``, ``recorded_at``: a row of the
    case's timeline or of the actions read model) with its business date."""
    out = []
    for event in events:
        args = event.get("args") or {}
        day, field = business_date(event["action"], args, event["recorded_at"])
        until = _iso(args.get("period_to")) if field == "period_from" else None
        out.append(Dated(int(event["version"]), event["action"], day, field, until, event["recorded_at"], event))
    return out


def story_order(events: Iterable[Mapping[str, Any]]) -> list[Dated]:
    """The events in the order the story tells them: by business date, then by the time they were
    recorded, then by version (the table of events on the case page reads them in this order)."""
    return sorted(dated(events), key=lambda d: (d.day, d.recorded_at, d.version))


def story_page(events: Sequence[Mapping[str, Any]], offset: int, limit: int) -> list[Dated]:
    """``story_order(events)[offset:offset + limit]`` (issue 19 — perf2: a page of the story of a
    case of 10,000 events): every event is placed by its key alone, and only the page's are dated
    whole."""
    keys = sorted((business_date(e["action"], e.get("args") or {}, e["recorded_at"])[0], e["recorded_at"],
                   int(e["version"]), n) for n, e in enumerate(events))
    return story_order(events[n] for *_, n in keys[offset: offset + limit])


def _recorded_key(event: Mapping[str, Any]) -> tuple[date, str, int]:
    return recording_day(event["recorded_at"]), event["recorded_at"], int(event["version"])


def story_page_recorded(events: Sequence[Mapping[str, Any]], offset: int, limit: int) -> list[Dated]:
    """:func:`story_page` placing the events by their recording: all but those whose content may
    carry a day (:data:`BUSINESS_DATE_FIELDS`, a few of a case) are in story order once sorted by
    ``recorded_at`` as text, then by version — their day is their recording day, which grows with
    the time recorded (a time in the one spelling of :func:`recording_day`, whose text sorts as the
    time) — a sort of plain values over rows that come nearly in that order; only the few are
    dated and placed, each by a binary search among the others. A time in another spelling:
    :func:`story_page`."""
    told = sorted((business_date(e["action"], e.get("args") or {}, e["recorded_at"])[0], e["recorded_at"],
                   int(e["version"]), n) for n, e in enumerate(events) if e["action"] in BUSINESS_DATE_FIELDS)
    recorded = sorted((e for e in events if e["action"] not in BUSINESS_DATE_FIELDS),
                      key=lambda e: (e["recorded_at"], int(e["version"])))
    times = "".join(f"{e['recorded_at']}\n" for e in recorded)
    if times.count("\n") != len(recorded) or _SPELLINGS.fullmatch(times) is None:
        return story_page(events, offset, limit)
    if offset >= len(events) or limit <= 0:
        return []
    # each told event goes before the recorded ones whose key is greater: at told[j], j told and
    # before[j] recorded events come first
    before = [bisect_left(recorded, key[:3], key=_recorded_key) for key in told]
    j = 0
    while j < len(told) and j + before[j] < offset:
        j += 1
    i = offset - j
    page: list[Mapping[str, Any]] = []
    while len(page) < limit:
        if j < len(told) and before[j] <= i:
            page.append(events[told[j][3]])
            j += 1
        elif i < len(recorded):
            page.append(recorded[i])
            i += 1
        else:
            break
    return story_order(page)


@dataclass(frozen=True)
class Deadline:
    """A time limit of the case on the official calendar (民法典 Arts. 200–204)."""

    article: str
    what: str  # a key of the pages' words
    starts_on: date
    due_on: date | None  # None: the calendar does not know the year (undetermined, nothing guessed)
    done_on: date | None
    version: int  # the event that started it (its version page)

    @property
    def status(self) -> str:
        if self.due_on is None:
            return "undetermined"
        if self.done_on is not None:
            return "met" if self.done_on <= self.due_on else "late"
        return "open"


def case_deadlines(case: EvaluationCase, calendar: OfficialCalendar, periods: Periods = DEFAULT_PERIODS) -> list[Deadline]:
    """The case's deadlines as the rules count them (domain/model/rules/deadlines.py):

    * NX-11 — 90 days from the day the decision organ decided to start, to the report;
    * NX-12b — 15 days from the report's finalisation, to the submission;
    * XX-17 — the operator's working days (default 20) from the county's approval of the report, to
      the publication.
    """
    out = []

    def add(article: str, what: str, start: date, record: Mapping[str, Any],
            last: Any, done: Mapping[str, Any] | None) -> None:
        try:
            due: date | None = last(calendar)
        except UnknownYear:
            due = None
        out.append(Deadline(article, what, start, due, china_date(done["at"]) if done else None,
                            int(record.get("version") or 0)))

    if case.is_nx:
        if case.approval is not None:
            start = date.fromisoformat(case.approval["decided_on"])
            add("NX-11", "deadline_completion", start, case.approval, lambda c: c.last_day(start, 90), case.report)
        if case.report is not None:
            finished = china_date(case.report["at"])
            add("NX-12b", "deadline_submission", finished, case.report,
                lambda c: c.last_day(finished, 15), case.submission)
    elif case.report_approval is not None:
        approved = china_date(case.report_approval["at"])
        days = periods.publication_working_days
        add("XX-17", "deadline_publication", approved, case.report_approval,
            lambda c: c.working_days_after(approved, days), case.publication)
    return out
