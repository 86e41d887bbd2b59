"""Commands of credit as a process (H3 credit; NX-17, XX-24, XX-21): the entrusting unit's
proposal (提请), the credit department's decision with a period, and credit repair (信用修复)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, model_validator

from domain.model.commands.base import Command, Text
from domain.model.commands.findings import EventCitation


class ProposeBadCredit(Command):
    """提请纳入不良信用记录 (NX-17, XX-24) — the unit that entrusted the agency on a case (委托处室 /
    委托单位) proposes to the competent credit department that the agency's conduct — a report
    against the facts, with serious consequences — be entered in its bad-credit record, citing
    the case's events that show it."""

    ACTION = "credit.propose"

    proposal_id: UUID
    case_id: UUID
    conduct: Text
    consequences: Text
    cited_events: Annotated[list[EventCitation], Field(min_length=1, max_length=20)]


class DecideBadCredit(Command):
    """信用主管部门决定 — the credit department records the proposal in the agency's bad-credit
    record for a period (from, until), or declines it; with its reasons either way."""

    ACTION = "credit.decide"

    proposal_id: UUID
    outcome: Literal["recorded", "declined"]
    reasons: Text
    valid_from: date | None = None
    valid_until: date | None = None

    @model_validator(mode="after")
    def _period(self) -> DecideBadCredit:
        if self.outcome == "recorded":
            if self.valid_from is None or self.valid_until is None:
                raise ValueError("a record has its period: valid_from and valid_until (记录期限)")
            if self.valid_until <= self.valid_from:
                raise ValueError("valid_until must come after valid_from")
        elif self.valid_from is not None or self.valid_until is not None:
            raise ValueError("a declined proposal has no period")
        return self


class RepairCredit(Command):
    """信用修复 — the credit department ends a record in force before its period ends, with its
    reasons; the record stays on the agency's history."""

    ACTION = "credit.repair"

    proposal_id: UUID
    reasons: Text
