"""Periods on the official calendar (民法典第二百零一条、第二百零三条; issue 18 point 5): the start day
is not counted, a last day on a 法定休假日 moves to the next working day, a 调休 Saturday is a
working day, a year the calendar does not know is never guessed, and a confirmed notice governs
its year."""

from __future__ import annotations

from datetime import date

import pytest

from domain.model.holidays import LIBRARY, AdoptedNotice, OfficialCalendar, UnknownYear

NOTICE_2027 = AdoptedNotice(
    2027, "国办发明电〔2026〕15号", frozenset({date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}),
    frozenset({date(2027, 1, 9)}), "notice@2")


def test_a_deadline_in_the_national_day_holiday_is_met_on_the_first_working_day() -> None:
    """The issue's case: a period ending 2022-10-01 (国庆) ends on 10-08, a 调休 Saturday, so a
    sweep on 10-04 finds nothing overdue."""
    calendar = OfficialCalendar()
    last = calendar.last_day(date(2022, 7, 3), 90)
    assert last == date(2022, 10, 8)
    assert date(2022, 10, 4) <= last
    assert not calendar.is_rest_day(date(2022, 10, 8))  # 调休: a Saturday made a working day


def test_the_start_day_is_not_counted_and_a_working_last_day_stays() -> None:
    calendar = OfficialCalendar()
    assert calendar.last_day(date(2025, 12, 2), 90) == date(2026, 3, 2)  # a Monday
    assert calendar.last_day(date(2025, 12, 1), 90) == date(2026, 3, 2)  # Sunday 03-01 moves
    assert calendar.last_day(date(2026, 3, 2), 0) == date(2026, 3, 2)


def test_working_days_skip_weekends_and_holidays_but_count_a_tiaoxiu_saturday() -> None:
    calendar = OfficialCalendar()
    assert calendar.working_days_after(date(2026, 3, 2), 20) == date(2026, 3, 30)
    # 2026-09-30 (Wed) → 10-01..07 holiday → 10-08 (Thu), 10-09 (Fri), 10-10 (调休 Saturday)
    assert calendar.working_days_after(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_a_year_the_library_does_not_know_is_reported_not_guessed() -> None:
    calendar = OfficialCalendar()
    with pytest.raises(UnknownYear) as raised:
        calendar.last_day(date(2026, 10, 5), 90)
    assert raised.value.year == 2027
    assert "2027年的节假日安排未知" in str(raised.value) and "adopt" in str(raised.value)


def test_a_confirmed_notice_governs_its_year_and_is_named_as_the_calendar_used() -> None:
    calendar = OfficialCalendar(lambda year: NOTICE_2027 if year == 2027 else None)
    assert calendar.last_day(date(2026, 10, 5), 90) == date(2027, 1, 4)
    assert calendar.is_rest_day(date(2027, 1, 10))  # a Sunday
    assert not calendar.is_rest_day(date(2027, 1, 9))  # the notice's 调休 Saturday
    assert "国办发明电〔2026〕15号 (notice@2)" in calendar.version()
    assert calendar.version() != LIBRARY


def test_the_library_version_is_what_a_finding_records() -> None:
    calendar = OfficialCalendar()
    calendar.last_day(date(2026, 3, 2), 15)
    assert calendar.version() == LIBRARY
    assert LIBRARY.startswith("chinese-calendar ")


def test_the_publication_period_is_a_setting_of_working_days() -> None:
    """XX-17's period (issue 18 point 7): default 20 working days, set by the operator's
    environment, a number from 1 to 365 or refused."""
    from api.settings import ENV_PUBLICATION_DAYS, Settings, SettingsError

    assert Settings.load("sqlite:///x.db", environ={}).periods.publication_working_days == 20
    assert Settings.load("sqlite:///x.db", environ={ENV_PUBLICATION_DAYS: "15"}).periods.publication_working_days == 15
    for bad in ("0", "366", "twenty", "-3"):
        with pytest.raises(SettingsError, match=ENV_PUBLICATION_DAYS):
            Settings.load("sqlite:///x.db", environ={ENV_PUBLICATION_DAYS: bad})
