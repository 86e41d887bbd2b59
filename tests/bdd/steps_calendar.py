"""Steps of deadlines on the official calendar (issue 18 point 5 and point 7's publication
period): the day it is, periods counted as the 民法典 counts them, a year's holiday notice adopted
and confirmed, and what the deadline sweep reports when a year is unknown."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time

from pytest_bdd import given, parsers, then, when

from domain.errors import NotPermitted
from domain.model.calendar import CHINA_STANDARD_TIME
from domain.model.holiday_notice import notice_id
from domain.model.holidays import OfficialCalendar, Periods
from tests.bdd.story import Story

CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
NUMBERS = {"十五": 15, "二十": 20, "九十": 90, "十": 10}
NOTICE_TEXT = "国务院办公厅关于{year}年部分节假日安排的通知（示例）"


def parse_date(text: str) -> date:
    match = CHINESE_DATE.fullmatch(text.strip())
    if match is None:
        raise AssertionError(f"not a date written 2026年10月8日: {text!r}")
    return date(int(match[1]), int(match[2]), int(match[3]))


def parse_dates(text: str) -> list[date]:
    return [] if text.strip() == "无" else [parse_date(part) for part in text.split("、")]


def set_today(story: Story, day: date) -> None:
    """The ledger's clock moves (forward only) to ten in the morning of that day, China time."""
    moment = datetime.combine(day, time(10, 0), CHINA_STANDARD_TIME)
    if moment < story.clock.now():
        raise AssertionError(f"the clock only moves forward: it reads {story.clock.now()}")
    story.clock.set(moment)


@given(parsers.re(r"^今天是(?P<day>\d{4}年\d{1,2}月\d{1,2}日)$"))
def today_is(story: Story, day: str) -> None:
    set_today(story, parse_date(day))


@when(parsers.re(r"^到了(?P<day>\d{4}年\d{1,2}月\d{1,2}日)$"))
def the_day_comes(story: Story, day: str) -> None:
    set_today(story, parse_date(day))


@given(parsers.re(r"^厅决策机关于(?P<day>\d{4}年\d{1,2}月\d{1,2}日)决定开始评估$"))
def approval_on(story: Story, day: str) -> None:
    story.nx.approval_date = parse_date(day).isoformat()


# --- the calendar alone ------------------------------------------------------------------------


@when(parsers.re(r"^自(?P<day>\d{4}年\d{1,2}月\d{1,2}日)起计算(?P<days>\S+?)日的期间$"))
def a_period(story: Story, day: str, days: str) -> None:
    story.period_end = OfficialCalendar().last_day(parse_date(day), NUMBERS[days])  # type: ignore[attr-defined]


@then(parsers.re(r"^期间的最后一日为(?P<day>\d{4}年\d{1,2}月\d{1,2}日)$"))
def period_ends(story: Story, day: str) -> None:
    assert story.period_end == parse_date(day), story.period_end  # type: ignore[attr-defined]


# --- a year's holiday notice -------------------------------------------------------------------


@given(parsers.parse('办公室工作人员"{first}"和"{second}"已登记'))
def office_staff(story: Story, first: str, second: str) -> None:
    for name in (first, second):
        story.add_person(name, ["government_office"], "息县人民政府办公室")


def notice_args(year: int, number: str, holidays: str, workdays: str) -> dict[str, object]:
    return {
        "year": year, "document_number": number, "title": NOTICE_TEXT.format(year=year),
        "holidays": [d.isoformat() for d in parse_dates(holidays)],
        "workdays": [d.isoformat() for d in parse_dates(workdays)],
        "digest": hashlib.sha256(f"{number}{holidays}{workdays}".encode()).hexdigest(),
    }


@when(parsers.re(r'^"(?P<person>[^"]+)"采用(?P<year>\d{4})年节假日安排通知，文号为"(?P<number>[^"]+)"，'
                 r"放假日期为(?P<holidays>[^，]+)，调休上班日期为(?P<workdays>[^，]+)$"))
@given(parsers.re(r'^"(?P<person>[^"]+)"已采用(?P<year>\d{4})年节假日安排通知，文号为"(?P<number>[^"]+)"，'
                  r"放假日期为(?P<holidays>[^，]+)，调休上班日期为(?P<workdays>[^，]+)$"))
def adopt_notice(story: Story, person: str, year: str, number: str, holidays: str, workdays: str) -> None:
    args = notice_args(int(year), number, holidays, workdays)
    story.notice = (int(year), args)  # type: ignore[attr-defined]
    story.act(story.person(person), "holiday_notice.adopt", args, target=notice_id(int(year)))


@when(parsers.parse('"{person}"确认该通知'))
def confirm_notice(story: Story, person: str) -> None:
    year, args = story.notice  # type: ignore[attr-defined]
    story.act(story.person(person), "holiday_notice.confirm",
              {"document_number": args["document_number"], "digest": args["digest"]}, target=notice_id(year))


@then("该确认因采用人不得自行确认被拒绝")
def self_confirmation_refused(story: Story) -> None:
    assert isinstance(story.error, NotPermitted), f"{story.error!r}"
    assert "不得自行确认" in str(story.error) and "dual control" in str(story.error)
    assert story.rows() == story.before


@then(parsers.parse("{year:d}年的节假日安排通知已确认"))
def notice_confirmed(story: Story, year: int) -> None:
    from domain.model.holiday_notice import HolidayNotice

    notice = story.ledger.find(notice_id(year), HolidayNotice)
    assert notice is not None and notice.as_adopted() is not None


# --- the sweep ---------------------------------------------------------------------------------


@when(parsers.parse("账本以{days:d}个工作日的公开期限检查评估期限"))
def sweep_with_period(story: Story, days: int) -> None:
    story.before = story.rows()
    story.raised = story.ledger.check_deadlines(periods=Periods(publication_working_days=days))
    story.error = None


@when("账本检查评估期限并报告无法确定的期限")
def sweep_reporting(story: Story) -> None:
    story.before = story.rows()
    sweep = story.ledger.sweep()
    story.raised, story.undetermined = sweep.raised, sweep.undetermined  # type: ignore[attr-defined]
    story.error = None


@then(parsers.parse("期限检查报告该案件的期限因{year:d}年节假日安排未知而无法确定，不作推断"))
def reported_undetermined(story: Story, year: int) -> None:
    mine = [u for u in story.undetermined if u["case_id"] == str(story.case_script.case_id)]  # type: ignore[attr-defined]
    assert mine and all(u["year"] == year for u in mine), story.undetermined  # type: ignore[attr-defined]
    assert f"{year}年的节假日安排尚未采用" in mine[0]["summary_zh"]
    assert story.raised == [] and story.rows() == story.before, "nothing is stored for an undetermined deadline"


@then("期限检查没有无法确定的期限")
def nothing_undetermined(story: Story) -> None:
    assert story.undetermined == []  # type: ignore[attr-defined]


@then(parsers.parse('问题载明期限届满日为{day}'))
def finding_deadline(story: Story, day: str) -> None:
    assert story.findings()[-1]["figures"]["deadline"] == parse_date(day).isoformat()


@then(parsers.parse('问题载明所用的节假日日历为"{source}"'))
def finding_calendar(story: Story, source: str) -> None:
    calendar = story.findings()[-1]["figures"]["calendar"]
    assert source in calendar, calendar


@then("问题载明所用节假日日历的版本")
def finding_calendar_version(story: Story) -> None:
    from domain.model.holidays import LIBRARY

    assert story.findings()[-1]["figures"]["calendar"] == LIBRARY


@then(parsers.parse("问题载明公开期限为{days:d}个工作日"))
def finding_period(story: Story, days: int) -> None:
    assert story.findings()[-1]["figures"]["period_working_days"] == days
