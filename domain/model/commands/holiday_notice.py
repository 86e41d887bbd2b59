"""Commands of the holiday calendar (民法典第二百零三条; NX-11, NX-12b, XX-17): an operator adopts the
State Council's holiday notice for a year, and a second person confirms it (dual control)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from domain.model.commands.base import Command, Digest, Name


class AdoptHolidayNotice(Command):
    """采用节假日安排通知 — the office (县政府办公室, or the 厅's office) records the State Council's
    notice for a year (国务院办公厅关于某年部分节假日安排的通知): its document number, the holidays
    and the 调休 working days (weekend days made working days). It counts once confirmed."""

    ACTION = "holiday_notice.adopt"

    year: Annotated[int, Field(ge=2000, le=2200)]
    document_number: Name
    title: Name
    holidays: Annotated[list[date], Field(min_length=1, max_length=60)]
    workdays: Annotated[list[date], Field(max_length=30)]
    #: SHA-256 of the notice's published text, as read
    digest: Digest

    @model_validator(mode="after")
    def _days(self) -> AdoptHolidayNotice:
        outside = [d for d in [*self.holidays, *self.workdays] if d.year != self.year]
        if outside:
            raise ValueError(f"every day must fall in {self.year}: {', '.join(map(str, outside))}")
        if set(self.holidays) & set(self.workdays):
            raise ValueError("a day cannot be both a holiday and a 调休 working day")
        weekdays = [d for d in self.workdays if d.weekday() < 5]
        if weekdays:
            raise ValueError(f"a 调休 working day is a weekend day made a working day: {', '.join(map(str, weekdays))}")
        if len(set(self.holidays)) != len(self.holidays) or len(set(self.workdays)) != len(self.workdays):
            raise ValueError("a day is listed twice")
        return self


class ConfirmHolidayNotice(Command):
    """确认节假日安排通知 — a second person of the office, not the adopter, confirms the adopted
    notice against the published text, naming its document number and digest."""

    ACTION = "holiday_notice.confirm"

    document_number: Name
    digest: Digest
