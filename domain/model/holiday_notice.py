"""节假日安排通知 (民法典第二百零三条; NX-11, NX-12b, XX-17): the State Council's holiday notice for one
year, adopted on the ledger by the office and confirmed by a second person (dual control).

The kept library (``chinese-calendar``) knows the years 2004–2026; for a later year, deadlines
are computed from the confirmed notice (:mod:`domain.model.holidays`), so a deadline computed
later is computed the same way. One aggregate per year, at an id derived from the year
(:func:`notice_id`), so every deadline finds it; a notice counts only once confirmed, and a
confirmed notice governs its year (also over the library). The office is the
``government_office`` role: 县政府办公室 (XX-6), or the 厅's 办公室."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid5

from domain.errors import Conflict, MalformedInput, NotPermitted
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerAggregate, LedgerCreated, LedgerEvent
from domain.model.commands.holiday_notice import AdoptHolidayNotice, ConfirmHolidayNotice
from domain.model.holidays import AdoptedNotice

_NAMESPACE = UUID("5b0e2f1c-6a53-4c1e-9b8e-1d7f3c2a9e40")


def notice_id(year: int) -> UUID:
    """The id of a year's holiday notice: the same for every ledger and every reader."""
    return uuid5(_NAMESPACE, f"decision-ledger/holiday-notice/{year}")


class HolidayNotice(LedgerAggregate):
    """国务院办公厅关于某年部分节假日安排的通知, as adopted and confirmed on the ledger."""

    TOPIC = "decision-ledger/HolidayNotice/v1"

    def __init__(self) -> None:
        self.year = 0
        self.document_number = ""
        self.title = ""
        self.digest = ""
        self.holidays: list[str] = []
        self.workdays: list[str] = []
        self.adopted: dict[str, Any] | None = None
        self.confirmed: dict[str, Any] | None = None

    @classmethod
    def adopt(cls, act: Act[AdoptHolidayNotice], ctx: Context) -> HolidayNotice:
        """采用: the intent's target must be the year's id (:func:`notice_id`); one per year."""
        year = act.command.year
        if act.intent.target != notice_id(year):
            raise MalformedInput(
                f"{year}年节假日安排通知的标识应为 {notice_id(year)} / the holiday notice of {year} is "
                f"recorded at {notice_id(year)}, not {act.intent.target}")
        return cls._record_creation(cls.Adopted, act)

    def confirm(self, act: Act[ConfirmHolidayNotice], ctx: Context) -> None:
        """确认: by a second person (双人复核), naming the document number and digest adopted."""
        if self.confirmed is not None:
            raise Conflict(f"{self.year}年节假日安排通知已确认 / the {self.year} notice is already confirmed")
        if self.adopted is not None and self.adopted["by"] == str(ctx.actor.id):
            raise NotPermitted(
                "采用节假日安排通知的人不得自行确认，须由另一人复核确认",
                "the person who adopted the holiday notice cannot confirm it: a second person confirms it (dual control)")
        if (act.command.document_number, act.command.digest) != (self.document_number, self.digest):
            raise Conflict(
                f"确认的文号或摘要与采用的不符（采用的是{self.document_number}）/ the document number or digest "
                f"confirmed differs from the one adopted ({self.document_number})")
        self._record(self.Confirmed, act)

    def as_adopted(self) -> AdoptedNotice | None:
        """The notice as the calendar counts it: only once confirmed."""
        if self.confirmed is None:
            return None
        return AdoptedNotice(
            self.year, self.document_number, frozenset(map(date.fromisoformat, self.holidays)),
            frozenset(map(date.fromisoformat, self.workdays)), f"{self.id}@{self.confirmed['version']}")

    class Adopted(LedgerCreated):
        TOPIC = "decision-ledger/HolidayNotice/Adopted/v1"
        COMMAND = AdoptHolidayNotice

        def on(self, notice: HolidayNotice, act: Act[AdoptHolidayNotice]) -> None:
            command = act.command
            notice.year = command.year
            notice.document_number = command.document_number
            notice.title = command.title
            notice.digest = command.digest
            notice.holidays = sorted(d.isoformat() for d in command.holidays)
            notice.workdays = sorted(d.isoformat() for d in command.workdays)
            notice.adopted = _by(self, act)

    class Confirmed(LedgerEvent):
        TOPIC = "decision-ledger/HolidayNotice/Confirmed/v1"
        COMMAND = ConfirmHolidayNotice

        def on(self, notice: HolidayNotice, act: Act[ConfirmHolidayNotice]) -> None:
            notice.confirmed = _by(self, act)


def _by(event: LedgerEvent, act: Act[Any]) -> dict[str, Any]:
    return {"by": str(act.actor_id), "at": event.timestamp.isoformat(), "version": event.originator_version,
            "hash": event.hash}
