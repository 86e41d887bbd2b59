"""The one clock every time in the ledger is read from.

Deadlines (NX-11: 90 days, NX-12b: 15 days) count from recorded times, and key validity is
judged at the moment an event is recorded, so tests must be able to set the date. Every read of
"now" in the product goes through :func:`now`; tests swap the clock with :func:`using`.
"""

from __future__ import annotations

import contextlib
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
