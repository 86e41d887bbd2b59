"""Commands on a case's findings: an inspector's finding of misconduct (NX-16, XX-23, XX-18), a
rule's finding raised by the ledger, and the closing of a finding; and the citation of a stored
event that every finding, procedure and record pins by its hash."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.model.commands.base import Command, Digest, LongText, Name, Text
from domain.model.vocabulary import FindingOutcome, Misconduct, Responsibility


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class EventCitation(_Part):
    """A stored event, named by position and pinned by its hash."""

    aggregate_id: UUID
    version: Annotated[int, Field(ge=1)]
    hash: Digest


class ResponsiblePerson(_Part):
    principal_id: UUID
    responsibility: Responsibility


class FindMisconduct(Command):
    """纪检监察认定 (NX-16, XX-23, XX-18): an inspector's finding against the responsible
    leaders and directly responsible persons, citing the events that show the conduct."""

    ACTION = "case.find_misconduct"

    finding_id: UUID
    conduct: Misconduct
    persons: Annotated[list[ResponsiblePerson], Field(min_length=1, max_length=50)]
    cited_events: Annotated[list[EventCitation], Field(min_length=1, max_length=200)]
    statement: LongText


Figure = Annotated[str, Field(max_length=200)] | Annotated[int, Field(ge=-(2**53) + 1, le=2**53 - 1)]


class RaiseFinding(Command):
    """发现问题: a finding a rule raises, signed by the ledger's own key."""

    ACTION = "case.raise_finding"

    finding_id: UUID
    rule: Name
    rulebook: Name
    articles: Annotated[list[str], Field(min_length=1, max_length=10)]
    summary_zh: Text
    summary_en: Text
    persons: Annotated[list[UUID], Field(max_length=50)]
    cited_events: Annotated[list[EventCitation], Field(max_length=200)]
    figures: Annotated[dict[str, Figure], Field(max_length=50)] = Field(default_factory=dict)
    attempt: dict[str, Any] | None = None  # a refused signed envelope that is itself the evidence


class CloseFinding(Command):
    """结案: an inspector closes a finding with its outcome. The finding, and who it names,
    stay on the record for life (XX-18)."""

    ACTION = "case.close_finding"

    finding_id: UUID
    outcome: FindingOutcome
    statement: Text
