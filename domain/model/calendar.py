"""Days as the texts count them: calendar days in China Standard Time (UTC+8)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA_STANDARD_TIME = timezone(timedelta(hours=8))


def china_date(moment: datetime) -> date:
    """Calendar days in the texts' deadlines are days in China Standard Time (UTC+8)."""
    return moment.astimezone(CHINA_STANDARD_TIME).date()
