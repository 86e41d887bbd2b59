"""Commands of the accountability procedure (责任追究程序, NX-16, XX-23, XX-18; 国令第713号第三十八条):
立案 → 调查 → 告知 → 陈述申辩 → 决定 → 申诉 → 复核, each signed by its actor."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.model.commands.base import Command, Digest, LongText, Name, Text
from domain.model.commands.findings import EventCitation
from domain.model.vocabulary import (
    AccountabilityGround,
    Conduct,
    DecisionFault,
    Jurisdiction,
    Outcome,
    ReliefGround,
    ReviewResult,
    Sanction,
    SubjectRole,
)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Document(_Part):
    """A document outside the ledger, pinned by the SHA-256 of its bytes (the ledger keeps the
    digest, not the file)."""

    title: Name
    source: Name  # 出处: who holds it, its reference
    digest: Digest


class Evidence(_Part):
    """证据: stored events, pinned by hash, and outside documents, pinned by digest."""

    events: Annotated[list[EventCitation], Field(max_length=200)] = Field(default_factory=list)
    documents: Annotated[list[Document], Field(max_length=200)] = Field(default_factory=list)


class Subject(_Part):
    """A person named with their responsibility, or (XX-23) a unit named as party."""

    subject_id: UUID  # a principal; an organisation when ``role`` is ``unit``
    role: SubjectRole


class Relief(_Part):
    """减免责任的理由: recorded dissent cites its record; the others describe their ground."""

    ground: ReliefGround
    record: EventCitation | None = None  # the dissent as recorded (国令第713号第三十八条)
    description: Annotated[str, Field(max_length=2000)] = ""


class SubjectDecision(_Part):
    """The decision on one subject: an outcome, the enumerated sanctions, the relief claimed."""

    subject_id: UUID
    outcome: Outcome
    sanctions: Annotated[list[Sanction], Field(max_length=9)] = Field(default_factory=list)
    relief: Relief | None = None
    reasons: Text


class OpenAccountability(Command):
    """立案: a discipline inspector opens an accountability procedure on its grounds, naming its
    subjects and evidence (NX-16, XX-23, XX-18)."""

    ACTION = "accountability.open"

    jurisdiction: Jurisdiction  # the decision's text
    decision_id: UUID  # the decision concerned: at fault (XX-18), or evaluated by the case
    ground: AccountabilityGround
    case_id: UUID | None = None  # the evaluation the conduct was in, or that found the fault
    finding_id: UUID | None = None  # an existing finding on the case this procedure follows
    conduct: Conduct | None = None
    conduct_description: Annotated[str, Field(max_length=2000)] = ""  # what "other" conduct was
    unusable_case_id: UUID | None = None  # NX-16: the evaluation whose result could not be used
    fault: DecisionFault | None = None
    subjects: Annotated[list[Subject], Field(min_length=1, max_length=50)]
    evidence: Evidence
    statement: LongText


class InvestigateAccountability(Command):
    """调查: more evidence and the facts found."""

    ACTION = "accountability.investigate"

    evidence: Evidence
    facts: LongText


class NotifySubject(Command):
    """告知: the facts found and the intended handling, told to a subject before any decision."""

    ACTION = "accountability.notify"

    subject_id: UUID
    facts: LongText
    intended_handling: Text


class StateDefence(Command):
    """陈述申辩: the subject's own statement and defence, signed by the subject after being told."""

    ACTION = "accountability.state_defence"

    statement: LongText
    documents: Annotated[list[Document], Field(max_length=50)] = Field(default_factory=list)


class DecideAccountability(Command):
    """决定: per subject, no liability, reduced, exempted, or an enumerated sanction."""

    ACTION = "accountability.decide"

    decisions: Annotated[list[SubjectDecision], Field(min_length=1, max_length=50)]


class AppealDecision(Command):
    """申诉: the subject appeals the decision on them."""

    ACTION = "accountability.appeal"

    statement: LongText  # 申诉理由
    documents: Annotated[list[Document], Field(max_length=50)] = Field(default_factory=list)


class ReviewDecision(Command):
    """复核: an appeal handled, the decision upheld or changed (with the new decision)."""

    ACTION = "accountability.review"

    subject_id: UUID
    result: ReviewResult
    decision: SubjectDecision | None = None  # the new decision, when changed
    reasons: Text
