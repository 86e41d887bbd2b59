"""Commands of the making of a decision (决策过程, XX-18; 国令第713号第三十条、第三十三条): who
undertook and drafted it, its public participation and risk assessment, its legality review,
the collective discussion with each member's own opinion, the head's decision, its publication,
and a making transcribed from the archive."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.model.commands.base import Command, Digest, IsoDate, Name, Text, unique
from domain.model.vocabulary import (
    DecisionBody,
    HeadOutcome,
    LegalityOpinion,
    MemberOpinion,
    ParticipationKind,
)

Members = Annotated[list[UUID], Field(min_length=1, max_length=100), AfterValidator(unique)]


class RecordUndertaking(Command):
    """记录决策承办单位与起草人 (国令第713号第十三条): the unit that undertook the decision and the
    person who drafted it."""

    ACTION = "decision.record_undertaking"

    undertaking_unit_id: UUID  # 决策承办单位, a registered organisation
    drafter_id: UUID  # 起草人, a registered principal


class RecordParticipation(Command):
    """记录公众参与或风险评估 (国令第713号第十四条至第二十四条): what was done, when, and the digest
    of its document."""

    ACTION = "decision.record_participation"

    kind: ParticipationKind
    work: Text  # what was done
    held_on: IsoDate
    document_digest: Digest


class RecordLegalityReview(Command):
    """记录合法性审查 (国令第713号第二十五条至第二十八条), signed by the reviewer themself."""

    ACTION = "decision.record_legality_review"

    opinion: LegalityOpinion
    statement: Text  # 审查意见


class ConveneDiscussion(Command):
    """召开集体讨论 (国令第713号第三十条; NX-4: 厅决策机关): the body, the date, its members and
    the head (行政首长) who decides."""

    ACTION = "decision.convene_discussion"

    discussion_id: UUID
    body: DecisionBody
    held_on: IsoDate
    members: Members  # 组成人员, registered principals
    head_id: UUID  # 行政首长, one of the members


class StateOpinion(Command):
    """发表意见 (国令第713号第三十条): a member's own opinion, signed by the member, once."""

    ACTION = "decision.state_opinion"

    discussion_id: UUID
    opinion: MemberOpinion
    reasons: Text


class Decide(Command):
    """行政首长作出决定 (国令第713号第三十条): going against the opinion of most members who stated
    同意 or 不同意 needs the reason stated at the meeting."""

    ACTION = "decision.decide"

    discussion_id: UUID
    outcome: HeadOutcome
    reason_stated_at_meeting: Annotated[str, Field(max_length=2000)] = ""


class RecordPublication(Command):
    """记录决策公布 (国令第713号第三十二条; the whole making is the decision's archive, 第三十三条)."""

    ACTION = "decision.record_publication"

    published_on: IsoDate
    channel: Name  # e.g. 政府网站、政府公报
    reference: Name  # 文号 or address


class TranscribedOpinion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    member_id: UUID
    opinion: MemberOpinion
    reasons: Text


class TranscribeMaking(Command):
    """转录决策过程 (XX-18): a decision made before the ledger, entered from the archive by the
    signer, who attests it is transcribed. Its opinions are the archive's, never the members'
    own signatures."""

    ACTION = "decision.transcribe_making"

    source: Name  # archive reference (档案号)
    minutes_digest: Digest  # sha256 of the minutes (会议纪要)
    discussion_id: UUID
    body: DecisionBody
    held_on: IsoDate
    members: Members
    opinions: Annotated[list[TranscribedOpinion], Field(max_length=100)] = Field(default_factory=list)
    head_id: UUID
    outcome: HeadOutcome
    reason_stated_at_meeting: Annotated[str, Field(max_length=2000)] = ""
