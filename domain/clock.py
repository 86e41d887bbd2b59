"""The one clock every time in the ledger is read from.

Deadlines (NX-11: 90 days, NX-12b: 15 days) count from recorded times, and key validity is
judged at the moment an event is recorded, so tests must be able to set the date. Every read of
"now" in the product goes through :func:`now`; tests swap the clock with :func:`using`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC datetime."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(tz=UTC)


class ManualClock:
    """A clock that stands still until moved: for tests and for replaying scenarios."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


_SYSTEM = SystemClock()
_current: ContextVar[Clock | None] = ContextVar("decision_ledger_clock", default=None)


def now() -> datetime:
    """The current time of the current clock, in UTC, with microseconds."""
    return (_current.get() or _SYSTEM).now()


def set_clock(clock: Clock) -> None:
    """Replace the clock for this context (a process, a thread, a task)."""
    _current.set(clock)


@contextlib.contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with exactly six fractional digits and a ``Z``: the one time format in
    signed intents and hash inputs, so a moment has exactly one spelling."""
    if moment.tzinfo is None:
        raise ValueError("times in the ledger must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_FORMATTED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def parse_time(text: str) -> datetime:
    """Inverse of :func:`format_time`; refuses any other spelling (``strptime`` alone took one
    to six fractional digits and unpadded fields, so one moment had several spellings)."""
    if isinstance(text, str) and _FORMATTED.fullmatch(text):
        try:
            return datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                            int(text[14:16]), int(text[17:19]), int(text[20:26]), tzinfo=UTC)
        except ValueError:
            pass
    raise ValueError(
        f"time {text!r} is not RFC 3339 UTC with six fractional digits "
        "(e.g. 2026-11-22T08:30:00.000000Z)"
    )
