"""A year's holiday notice on the ledger (issue 18 point 5): adopted by the office, confirmed by a
second person (dual control), counted only once confirmed, and the same data for every deadline
computed later; the ledger with it still verifies."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import uuid4

import pytest

from domain import clock
from domain.errors import Conflict, MalformedInput, NotPermitted
from domain.evidence.verifier import Verifier
from domain.model.calendar import CHINA_STANDARD_TIME
from domain.model.holiday_notice import HolidayNotice, notice_id
from domain.model.rules.deadlines import official_calendar
from domain.service.records import LedgerRecords
from tests.support import NXScript, World

ARGS = {
    "year": 2027, "document_number": "国办发明电〔2026〕15号", "title": "关于2027年部分节假日安排的通知（示例）",
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": [], "digest": "ab" * 32,
}
CONFIRM = {"document_number": ARGS["document_number"], "digest": ARGS["digest"]}


def office(world: World, name: str):  # type: ignore[no-untyped-def]
    return world.person(name, ["government_office"], "息县人民政府办公室")


@pytest.fixture
def pair(world: World):  # type: ignore[no-untyped-def]
    return office(world, "王芳"), office(world, "赵磊")


def test_the_adopter_cannot_confirm_and_an_unconfirmed_notice_does_not_count(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    adopter, _ = pair
    world.do(adopter, "holiday_notice.adopt", notice_id(2027), ARGS)
    notice = world.ledger.find(notice_id(2027), HolidayNotice)
    assert notice is not None and notice.as_adopted() is None
    with pytest.raises(NotPermitted, match="须由另一人复核确认 / .*dual control"):
        world.do(adopter, "holiday_notice.confirm", notice_id(2027), CONFIRM)


def test_a_second_person_confirms_what_was_adopted(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    adopter, confirmer = pair
    world.do(adopter, "holiday_notice.adopt", notice_id(2027), ARGS)
    with pytest.raises(Conflict):
        world.do(confirmer, "holiday_notice.confirm", notice_id(2027), {**CONFIRM, "digest": "cd" * 32})
    world.do(confirmer, "holiday_notice.confirm", notice_id(2027), CONFIRM)
    notice = world.ledger.find(notice_id(2027), HolidayNotice)
    assert notice is not None
    counted = notice.as_adopted()
    assert counted is not None and counted.is_rest_day(date(2027, 1, 3)) and not counted.is_rest_day(date(2027, 1, 4))
    with pytest.raises(Conflict):
        world.do(adopter, "holiday_notice.confirm", notice_id(2027), CONFIRM)
    report = Verifier(LedgerRecords(world.ledger).decode).run(list(LedgerRecords(world.ledger).all()))
    assert report.ok, report.breaks


def test_a_notice_is_recorded_at_its_years_id_once(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    adopter, _ = pair
    with pytest.raises(MalformedInput):
        world.do(adopter, "holiday_notice.adopt", uuid4(), ARGS)
    world.do(adopter, "holiday_notice.adopt", notice_id(2027), ARGS)
    with pytest.raises(Conflict):
        world.do(adopter, "holiday_notice.adopt", notice_id(2027), ARGS)


@pytest.mark.parametrize("change", [
    {"workdays": ["2027-01-04"]},  # a Monday is no 调休 working day
    {"holidays": ["2028-01-01"]},  # outside the year
    {"holidays": ["2027-01-02"], "workdays": ["2027-01-02"]},  # both
    {"holidays": []},
])
def test_a_malformed_notice_is_refused(world: World, pair, change) -> None:  # type: ignore[no-untyped-def]
    adopter, _ = pair
    with pytest.raises(MalformedInput):
        world.do(adopter, "holiday_notice.adopt", notice_id(2027), {**ARGS, **change})


def test_only_the_office_adopts(world: World) -> None:
    lead = world.person("马晓东", ["lead_unit"])
    with pytest.raises(NotPermitted):
        world.do(lead, "holiday_notice.adopt", notice_id(2027), ARGS)


def test_a_deadline_in_an_unknown_year_is_reported_then_judged_once_the_notice_is_confirmed(
        world: World, pair, manual_clock: clock.ManualClock) -> None:  # type: ignore[no-untyped-def]
    """The sweep reports an undetermined deadline and stores nothing; once the notice is confirmed,
    the same sweep judges it from the ledger's notice, recorded in the finding."""
    manual_clock.set(datetime.combine(date(2026, 10, 5), time(10), CHINA_STANDARD_TIME))
    script = NXScript(world)
    script.approval_date = "2026-10-05"
    script.advance_to("close_evidence")
    adopter, confirmer = pair
    manual_clock.set(datetime.combine(date(2027, 1, 5), time(10), CHINA_STANDARD_TIME))
    first = world.ledger.sweep()
    assert first.raised == [] and [u["year"] for u in first.undetermined] == [2027]
    preview = world.ledger.findings.preview_deadlines(date(2027, 1, 5))
    assert preview["would_raise"] == [] and preview["undetermined"] == first.undetermined
    world.do(adopter, "holiday_notice.adopt", notice_id(2027), ARGS)
    world.do(confirmer, "holiday_notice.confirm", notice_id(2027), CONFIRM)
    preview = world.ledger.findings.preview_deadlines(date(2027, 1, 5))
    assert [f["rule"] for f in preview["would_raise"]] == ["NX/completion-deadline"]
    assert world.ledger.get_case(script.case_id).findings == [], "a dry run stores nothing"
    second = world.ledger.sweep()
    assert len(second.raised) == 1 and second.undetermined == []
    [finding] = world.ledger.get_case(script.case_id).findings
    assert finding["figures"]["deadline"] == "2027-01-04"
    assert "国办发明电〔2026〕15号" in finding["figures"]["calendar"]
    assert finding["figures"] == preview["would_raise"][0]["figures"]


def test_the_deadlines_read_model_counts_as_the_rules_do(projected) -> None:  # type: ignore[no-untyped-def]
    """queries.deadlines: a last day in the National Day holiday is open, not overdue, during it;
    a due date in an unknown year is undetermined, then due by the confirmed notice."""
    from projections import queries

    ledger, world, projector, manual_clock = projected.ledger, projected.world, projected.projector, projected.clock
    manual_clock.set(datetime.combine(date(2026, 7, 3), time(10), CHINA_STANDARD_TIME))
    national_day = NXScript(world)
    national_day.approval_date = "2026-07-03"
    national_day.advance_to("close_evidence")
    manual_clock.set(datetime.combine(date(2026, 10, 5), time(10), CHINA_STANDARD_TIME))
    new_year = NXScript(world)
    new_year.approval_date = "2026-10-05"
    new_year.advance_to("close_evidence")
    projector.catch_up()

    def row(script: NXScript, on: date) -> dict:  # type: ignore[type-arg]
        calendar = official_calendar(ledger)
        rows = queries.deadlines(projector.views, on, calendar)
        return next(r for r in rows if r["case_id"] == str(script.case_id) and r["article"] == "NX-11")

    assert (row(national_day, date(2026, 10, 5))["status"], row(national_day, date(2026, 10, 5))["due_on"]) == (
        "open", "2026-10-08")
    assert row(national_day, date(2026, 10, 9))["status"] == "overdue"
    assert row(new_year, date(2026, 12, 31))["status"] == "open"
    assert row(new_year, date(2027, 1, 5))["status"] == "undetermined"

    def overdue_in_2027() -> int:  # the annual figures count on the ledger's calendar too (NX-18)
        rows = queries.annual_figures(projector.views, date(2027, 1, 5), 2027, calendar=official_calendar(ledger))
        return sum(r["overdue"] for r in rows)

    assert overdue_in_2027() == 0  # undetermined: never guessed overdue
    adopter, confirmer = office(world, "王芳"), office(world, "赵磊")
    world.do(adopter, "holiday_notice.adopt", notice_id(2027), ARGS)
    world.do(confirmer, "holiday_notice.confirm", notice_id(2027), CONFIRM)
    assert (row(new_year, date(2027, 1, 5))["status"], row(new_year, date(2027, 1, 5))["due_on"]) == (
        "overdue", "2027-01-04")
    projector.catch_up()
    assert overdue_in_2027() == 1  # the confirmed notice decides the year, as for the rules
