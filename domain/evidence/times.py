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
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
