"""Periods on the official calendar (期间的计算), as the 民法典 counts them (Arts. 200–204).

* 第二百零一条: 按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算 — a period of N days
  that starts on day S ends on S + N.
* 第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日 — a last day
  that is a 法定休假日 (a public holiday, or a weekend day not made a working day by 调休) moves to
  the next working day.

Which days are 法定休假日 comes from the State Council's annual notice (国务院办公厅关于某年部分节假日
安排的通知): for a year an operator adopted and a second person confirmed on the ledger
(:mod:`domain.model.holiday_notice`) from that notice; else from the kept library
``chinese-calendar``, which covers 2004–2026. A year neither knows raises :class:`UnknownYear`:
it is reported, never guessed. Pure code, no I/O: the notices are handed in by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.metadata import version as _installed

import chinese_calendar

#: the library's distribution and version: what a finding records as the calendar it used
LIBRARY = f"chinese-calendar {_installed('chinese-calendar')}"


class UnknownYear(LookupError):
    """A day of a year for which neither the library nor a confirmed notice gives the holidays."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year}年的节假日安排未知：请采用国务院办公厅关于{year}年部分节假日安排的通知 / "
            f"the holidays of {year} are unknown: adopt the State Council's holiday notice for {year}")
        self.year = year


@dataclass(frozen=True)
class AdoptedNotice:
    """A confirmed holiday notice for one year: its holidays and its 调休 working days."""

    year: int
    document_number: str
    holidays: frozenset[date]
    workdays: frozenset[date]
    #: the event that confirmed it ("<aggregate id>@<version>"): what a finding records
    source: str

    def is_rest_day(self, day: date) -> bool:
        return day in self.holidays or (day.weekday() >= 5 and day not in self.workdays)


@dataclass(frozen=True)
class Periods:
    """Periods the operator configures (api/settings.py): XX-17's publication of an approved
    report, in working days (default 20)."""

    publication_working_days: int = 20


#: the periods where the operator set none
DEFAULT_PERIODS = Periods()


@dataclass
class OfficialCalendar:
    """Rest days of the years it knows: a confirmed notice for its year, else the library. It
    remembers which sources it consulted (:meth:`version`)."""

    notice_for: Callable[[int], AdoptedNotice | None] = lambda year: None
    used: set[str] = field(default_factory=set)
    _notices: dict[int, AdoptedNotice | None] = field(default_factory=dict, repr=False)

    def is_rest_day(self, day: date) -> bool:
        """法定休假日 (weekends included, unless made a working day by 调休), or :class:`UnknownYear`."""
        if day.year not in self._notices:  # one look-up per year and calendar
            self._notices[day.year] = self.notice_for(day.year)
        notice = self._notices[day.year]
        if notice is not None:
            self.used.add(f"{notice.document_number} ({notice.source})")
            return notice.is_rest_day(day)
        try:
            rest = bool(chinese_calendar.is_holiday(day))
        except NotImplementedError:
            raise UnknownYear(day.year) from None
        self.used.add(LIBRARY)
        return rest

    def last_day(self, start: date, days: int) -> date:
        """The last day of a period of ``days`` days from ``start`` (start day excluded; a last
        day on a 法定休假日 moves to the next working day)."""
        day = start + timedelta(days=days)
        while self.is_rest_day(day):
            day += timedelta(days=1)
        return day

    def working_days_after(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (start day excluded)."""
        day, counted = start, 0
        while counted < count:
            day += timedelta(days=1)
            if not self.is_rest_day(day):
                counted += 1
        return day

    def version(self) -> str:
        """The calendar sources used so far, for a finding's figures."""
        return "; ".join(sorted(self.used)) or LIBRARY
