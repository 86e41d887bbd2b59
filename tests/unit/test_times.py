"""A moment's one spelling (docs/spec.md §1) at the ends of the calendar, and the moments the
readers' ``--at`` and the pages' moment box take (part D of the review: both were 500s)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from api.http import words
from domain.errors import MalformedInput
from domain.evidence.times import format_time, in_utc, parse_time
from projections import queries


@pytest.mark.parametrize("moment", [datetime(1, 1, 1, tzinfo=UTC), datetime(999, 12, 31, 23, 59, 59, 7, tzinfo=UTC),
                                    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)])
def test_every_year_is_spelled_with_four_digits_and_read_back(moment: datetime) -> None:
    """glibc's ``%Y`` wrote year 999 as ``999``, a spelling ``parse_time`` refuses."""
    text = format_time(moment)
    assert text[:4] == f"{moment.year:04d}" and parse_time(text) == moment


def test_a_moment_whose_utc_leaves_the_calendar_is_named() -> None:
    assert in_utc(datetime(2026, 1, 1, 8, tzinfo=timezone(timedelta(hours=8)))) == datetime(2026, 1, 1, tzinfo=UTC)
    for beyond in (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
                   datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-1)))):
        with pytest.raises(ValueError, match="0001–9999"):
            in_utc(beyond)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_at_beyond_the_calendar_is_unreadable(text: str) -> None:
    with pytest.raises(MalformedInput, match="0001–9999"):
        queries.parse_moment(text)
    with pytest.raises(MalformedInput) as refused:
        words.parse_moment(text)
    assert "请选择一个日期" in refused.value.zh  # type: ignore[attr-defined]


def test_the_box_reads_china_time_before_it_checks_the_calendar() -> None:
    with pytest.raises(MalformedInput):
        words.parse_moment("0001-01-01T07:00")  # 08:00 China time is the first moment of year 1 in UTC
    assert words.parse_moment("0001-01-01T08:00") == datetime(1, 1, 1, tzinfo=UTC)


def test_at_version_zero_says_versions_count_from_one() -> None:
    """``?at=0`` answered 404 "no evaluation case …" of a case that exists."""
    with pytest.raises(MalformedInput, match="count from 1"):
        queries.parse_moment("0")
    assert queries.parse_moment("1") == 1
