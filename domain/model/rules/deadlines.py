"""Rules on time limits (NX-11, NX-12b, XX-17), judged on each act and by the deadline sweep.

Periods are counted as the 民法典 counts them (Arts. 200–204, :mod:`domain.model.holidays`): the
start day is excluded, and a last day that is a 法定休假日 moves to the next working day, on the
State Council's holiday calendar (the kept library, or a notice adopted and confirmed on the
ledger, :mod:`domain.model.holiday_notice`). Each finding records the calendar it used
(``figures.calendar``). Where the calendar does not know a year the deadline needs, nothing is
guessed: the rule says so (:class:`~domain.model.rules.base.Undetermined`), the sweep reports it,
and a later sweep judges the case again once the year's notice is confirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from uuid import UUID

from domain.model.aggregate import Directory
from domain.model.calendar import china_date
from domain.model.holiday_notice import HolidayNotice, notice_id
from domain.model.holidays import AdoptedNotice, OfficialCalendar, UnknownYear
from domain.model.rules.base import SWEEP, EventRef, Flag, Judgement, Rule, Undetermined
from domain.model.rules.common import rule_of
from domain.model.vocabulary import Jurisdiction

# --- deadlines (NX-11, NX-12b, XX-17) -----------------------------------------------------------


def _responsible_for_case(j: Judgement) -> tuple[UUID, ...]:
    """Who answers for a case's timing: the person who opened it and the team leaders."""
    case = j.the_case
    leaders = [UUID(pid) for pid, member in case.team.items() if member["team_role"] == "leader"]
    return tuple(dict.fromkeys([case.opened["by"], *leaders]))


def official_calendar(directory: Directory) -> OfficialCalendar:
    """The calendar as the ledger holds it: a year's confirmed notice, else the library."""

    def notice_for(year: int) -> AdoptedNotice | None:
        found = directory.find(notice_id(year), HolidayNotice)
        return found.as_adopted() if found is not None else None

    return OfficialCalendar(notice_for)


def undetermined(rule_id: str, what: str, unknown: UnknownYear) -> Undetermined:
    """What a deadline rule says where the calendar does not know a year it needs."""
    return Undetermined(
        rule_id, unknown.year,
        f"{what}：{unknown.year}年的节假日安排尚未采用，期限无法确定，未作判断；请采用并确认国务院办公厅关于"
        f"{unknown.year}年部分节假日安排的通知",
        f"{what} cannot be determined: the holidays of {unknown.year} are not on the calendar; nothing "
        f"was judged. Adopt and confirm the State Council's holiday notice for {unknown.year}")


def past_due(rule_id: str, what: str, on: date, calendar: OfficialCalendar,
             last_day: Callable[[OfficialCalendar], date]) -> tuple[date, int] | Undetermined | None:
    """A period's last day on the official calendar and how many days ``on`` is past it; ``None``
    when ``on`` is within it; :class:`Undetermined` when the calendar does not know a year it needs."""
    try:
        deadline = last_day(calendar)
    except UnknownYear as unknown:
        return undetermined(rule_id, what, unknown)
    return None if on <= deadline else (deadline, (on - deadline).days)


def completion_deadline(jurisdiction: Jurisdiction, article: str, days: int) -> Rule:
    """NX-11 应当在确定评估开始之日起九十日内完成评估工作。 From the day the decision organ decided to
    start (not counted) to the report's finalisation, on the official calendar. Flagged when the
    report is finalised late, or by the sweep once the deadline has passed without one (or when a
    finalisation it could not judge for want of the year's calendar proves late); once per case."""
    rule_id = f"{jurisdiction.value}/completion-deadline"

    @rule_of(jurisdiction, "completion-deadline", (article,), f"{days}日内完成评估", f"finish within {days} days",
           "flag", {"case.finalise_report", SWEEP})
    def check(j: Judgement) -> Iterator[Flag | Undetermined]:
        case = j.the_case
        if case.approval is None or case.findings_of_rule(rule_id):
            return
        start = date.fromisoformat(case.approval["decided_on"])
        report = case.report if j.action == SWEEP else None
        finished = report is not None
        on = china_date(report["at"]) if report is not None else china_date(j.ctx.now)
        if on <= start + timedelta(days=days):  # within the days themselves: in time on any calendar
            return
        calendar = official_calendar(j.ctx.directory)
        past = past_due(rule_id, f"评估自{start}开始的{days}日期限", on, calendar, lambda c: c.last_day(start, days))
        if isinstance(past, Undetermined):
            yield past
        if not isinstance(past, tuple):
            return
        deadline, late = past
        cited = (EventRef.of(case.id, case.approval),) + ((EventRef.of(case.id, report),) if report is not None else ())
        yield Flag(
            f"评估自{start}开始，应于{deadline}前完成，{'完成时' if j.action != SWEEP or finished else '至今'}已逾期{late}日",
            f"the evaluation started {start} and was due by {deadline}; {late} days overdue",
            persons=_responsible_for_case(j),
            cited=cited,
            cite_this_event=j.action != SWEEP,
            figures={"start": str(start), "deadline": str(deadline), "days_overdue": late,
                     "calendar": calendar.version()},
        )

    return check


def submission_deadline(jurisdiction: Jurisdiction, article: str, days: int) -> Rule:
    """NX-12b 评估工作完成之日起十五日内，承办处室应根据评估报告和实际情况向厅决策机关提请审议。 From the
    report's finalisation (not counted), on the official calendar. Flagged when the submission is
    late, or by the sweep once the deadline has passed (or a submission it could not judge proves
    late); once per case."""
    rule_id = f"{jurisdiction.value}/submission-deadline"

    @rule_of(jurisdiction, "submission-deadline", (article,), f"完成后{days}日内提请审议", f"submit within {days} days",
           "flag", {"case.submit_report", SWEEP})
    def check(j: Judgement) -> Iterator[Flag | Undetermined]:
        case = j.the_case
        if case.report is None or case.findings_of_rule(rule_id):
            return
        submission = case.submission if j.action == SWEEP else None
        done = china_date(case.report["at"])
        on = china_date(submission["at"]) if submission is not None else china_date(j.ctx.now)
        if on <= done + timedelta(days=days):
            return
        calendar = official_calendar(j.ctx.directory)
        past = past_due(rule_id, f"评估工作于{done}完成后{days}日内提请审议的期限", on, calendar,
                        lambda c: c.last_day(done, days))
        if isinstance(past, Undetermined):
            yield past
        if not isinstance(past, tuple):
            return
        deadline, late = past
        cited = (EventRef.of(case.id, case.report),) + ((EventRef.of(case.id, submission),) if submission is not None else ())
        yield Flag(
            f"评估工作于{done}完成，应于{deadline}前提请厅决策机关审议，已逾期{late}日",
            f"the evaluation finished {done}; submission was due by {deadline}; {late} days overdue",
            persons=_responsible_for_case(j),
            cited=cited,
            cite_this_event=j.action != SWEEP,
            figures={"completed": str(done), "deadline": str(deadline), "days_overdue": late,
                     "calendar": calendar.version()},
        )

    return check


def publication_period(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-17 决策执行单位应当将跟踪反馈与后评估结果，通过县政府门户网站和本单位网站向社会公开。 The text
    sets no period; the operator sets one (``publication_working_days``, default 20 working days,
    api/settings.py), counted from the county government's approval of the report (not counted)
    on the official calendar. The sweep flags an approved result left unpublished past it, or
    published after it; once per case. The period is recorded in the finding."""
    rule_id = f"{jurisdiction.value}/publication-period"

    @rule_of(jurisdiction, "publication-period", (article,), "审定后按期公开评估结果",
           "publish the approved results within the period set", "flag", {SWEEP})
    def check(j: Judgement) -> Iterator[Flag | Undetermined]:
        case = j.the_case
        if case.report_approval is None or case.findings_of_rule(rule_id):
            return
        period = j.periods.publication_working_days
        approved = china_date(case.report_approval["at"])
        published = case.publication is not None
        on = china_date(case.publication["at"]) if case.publication is not None else china_date(j.ctx.now)
        if on <= approved + timedelta(days=period):  # fewer calendar days than working days
            return
        calendar = official_calendar(j.ctx.directory)
        past = past_due(rule_id, f"评估报告于{approved}审定后{period}个工作日内公开的期限", on, calendar,
                        lambda c: c.working_days_after(approved, period))
        if isinstance(past, Undetermined):
            yield past
        if not isinstance(past, tuple):
            return
        deadline, late = past
        cited = (EventRef.of(case.id, case.report_approval),) + (
            (EventRef.of(case.id, case.publication),) if case.publication is not None else ())
        yield Flag(
            f"评估报告于{approved}审定；按设定的公开期限（审定次日起{period}个工作日），应当至迟于{deadline}向社会公开，"
            f"{'公开时' if published else '至今未公开，'}已逾期{late}日",
            f"the report was approved on {approved}; its results were due to be published within {period} working "
            f"days, by {deadline}; {'published' if published else 'still unpublished,'} {late} days late",
            persons=_responsible_for_case(j),
            cited=cited,
            cite_this_event=False,
            figures={"approved": str(approved), "period_working_days": period, "deadline": str(deadline),
                     "days_overdue": late, "calendar": calendar.version()},
        )

    return check
