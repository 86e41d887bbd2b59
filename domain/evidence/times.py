"""The one spelling of a moment in signed intents and hash inputs (docs/spec.md, "Times").

RFC 3339 in UTC with exactly six fractional digits and a ``Z`` — ``2026-11-22T08:30:00.000000Z``
— so a moment has exactly one spelling, and its bytes one hash.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_FORMATTED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def format_time(moment: datetime) -> str:
    """A timezone-aware moment in its one spelling."""
    if moment.tzinfo is None:
        raise ValueError("times in the ledger must be timezone-aware")
    # isoformat, not strftime: glibc's %Y leaves a year before 1000 unpadded ("999-…"), a spelling
    # parse_time refuses
    return in_utc(moment).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def in_utc(moment: datetime) -> datetime:
    """A timezone-aware moment in UTC; ``ValueError`` for one whose UTC lies outside the years
    0001–9999 (``0001-01-01T00:00:00+01:00``), which no ``datetime`` holds."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{moment.isoformat()} lies outside the years 0001–9999 in UTC") from None


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
