"""The making of a decision (决策过程, XX-18; 国令第713号第三十条、第三十三条): the rules of each
step and the events that record it. The events are bound into :class:`domain.model.decision.Decision`
as class attributes; the methods there call the checks here.

State kept on the decision, for reverse tracing (XX-18 责任倒查) and for the accountability that
cites it (713-38, 713-39): ``undertaking`` (the latest; ``undertakings``, all in order),
``participation``, ``legality_reviews``, ``publication``, ``transcriptions`` and ``discussions[str(discussion_id)]`` with ``opinions[str(member_id)] =
{opinion, reasons, transcribed, source?, by, at, version, hash}`` and the head's ``decision``.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.errors import Conflict, NotFound, NotPermitted, Refused
from domain.model.acts import Act, shared_id
from domain.model.aggregate import Context, LedgerEvent
from domain.model.commands import making as m
from domain.model.organisation import Organisation, lineage
from domain.model.principal import Principal
from domain.model.vocabulary import (
    NX_DECISION_BODIES,
    XX_DISCUSSION_BODIES,
    DecisionBody,
    HeadOutcome,
)

if TYPE_CHECKING:
    from domain.model.decision import Decision

#: outcomes that follow a majority of 同意, and those that follow a majority of 不同意
_WITH_AGREE = frozenset({HeadOutcome.APPROVE, HeadOutcome.AMEND})
_WITH_DISAGREE = frozenset({HeadOutcome.REJECT, HeadOutcome.DEFER, HeadOutcome.REDISCUSS})


def check_undertaking(decision: Decision, command: m.RecordUndertaking, ctx: Context) -> None:
    """The unit is registered, the drafter too, and the signer works in that unit."""
    if ctx.directory.find(command.undertaking_unit_id, Organisation) is None:
        raise NotFound(f"单位 {command.undertaking_unit_id} 未登记 / "
                       f"no organisation {command.undertaking_unit_id} is registered (undertaking_unit_id)")
    if ctx.directory.find(command.drafter_id, Principal) is None:
        raise NotFound(f"人员 {command.drafter_id} 未登记 / no principal {command.drafter_id} is registered (drafter_id)")
    signer_unit = getattr(ctx.actor, "organisation_id", None)
    find = lambda organisation_id: ctx.directory.find(organisation_id, Organisation)
    if signer_unit is None or command.undertaking_unit_id not in lineage(signer_unit, find):
        raise NotPermitted(
            "决策承办单位由本单位人员记录：签署人不属于该承办单位",
            "the undertaking unit is recorded by someone who works in it; the signer does not",
            article="XX-18",
        )


def units_of_the_making(decision: Decision, ctx: Context) -> set[UUID]:
    """决策承办单位或者承担决策有关工作的单位 (国令第713号第三十九条): every unit ever recorded as
    undertaking the decision (one replaced later still answers for its part: 终身责任追究), and the
    unit each person belonged to when they signed a record of the making (public participation and
    risk assessment, legality review, a discussion convened, the publication)."""
    units: set[UUID] = {undertaking["undertaking_unit_id"] for undertaking in decision.undertakings}
    records = [*decision.participation, *decision.legality_reviews,
               *(d["convened"] for d in decision.discussions.values() if not d.get("transcribed")),
               *([decision.publication] if decision.publication else [])]
    for record in records:
        signer = ctx.directory.find(record["by"], Principal)
        unit = signer.belonged_at(record["at"]) if signer is not None else None
        if unit is not None:
            units.add(unit)
    return units


def check_body(decision: Decision, body: DecisionBody) -> None:
    """NX-4: an NX decision is discussed in a 厅决策机关; a XX decision in the county
    government's 常务会议 or 全体会议 (国令第713号第三十条)."""
    if decision.jurisdiction == "NX" and body not in NX_DECISION_BODIES:  # ARTICLE: NX-4
        raise Refused(
            "NX-4",
            "宁夏商务厅的决策应由厅决策机关集体讨论：厅党组会议、厅务会议或厅专题会议，请改选其一",
            "an NX decision is discussed by a 厅决策机关: the party group meeting, the office meeting "
            "or a special meeting; choose one of them",
            rule="NX/decision-body",
        )
    if decision.jurisdiction == "XX" and body not in XX_DISCUSSION_BODIES:  # ARTICLE: 713-30
        raise Refused(
            "713-30",
            "息县的重大行政决策应经县政府常务会议或者全体会议讨论，请改选其一",
            "a Xixian decision is discussed at the county government's standing or plenary meeting; "
            "choose one of them",
            rule="713/discussion-body",
        )


def check_members(ctx: Context, members: list[UUID], head_id: UUID) -> None:
    for member_id in members:
        if ctx.directory.find(member_id, Principal) is None:
            raise NotFound(f"人员 {member_id} 未登记（members）/ no principal {member_id} is registered (members)")
    if head_id not in members:
        raise Refused(
            "713-30",
            "行政首长应是参加集体讨论的组成人员，请将其列入组成人员",
            "the head (行政首长) is one of the members of the discussion; list them among the members",
            rule="713/discussion-members",
        )


def new_discussion(decision: Decision, discussion_id: UUID) -> None:
    if str(discussion_id) in decision.discussions:
        raise Conflict(f"集体讨论 {discussion_id} 已记录，请换新编号 / "
                       f"discussion {discussion_id} is already recorded; choose a new discussion_id")


def discussion_of(decision: Decision, discussion_id: UUID) -> dict[str, Any]:
    found = decision.discussions.get(str(discussion_id))
    if found is None:
        raise NotFound(f"该决策没有集体讨论 {discussion_id} / no discussion {discussion_id} is recorded on decision {decision.id}")
    return found


def check_opinion(decision: Decision, command: m.StateOpinion, ctx: Context) -> None:
    """The member themself, once, before the head decides (the head speaks last)."""
    discussion = discussion_of(decision, command.discussion_id)
    member = str(ctx.actor.id)
    if member not in discussion["members"]:  # ARTICLE: 713-30
        raise Refused(
            "713-30",
            "只有参加集体讨论的组成人员本人可以发表意见，签署人不是本次会议的组成人员",
            "only a member of the discussion states an opinion, themself; the signer is not a member",
            rule="713/member-opinion",
        )
    if member in discussion["opinions"]:
        raise Refused(
            "713-30",
            "该组成人员已发表意见，意见一经记录不得更改",
            "this member's opinion is already recorded and is not changed",
            rule="713/member-opinion",
        )
    if discussion["decision"] is not None:
        raise Refused(
            "713-30",
            "行政首长已作出决定，会后不能补记意见",
            "the head has decided; an opinion is not added after the decision",
            rule="713/member-opinion",
        )
    if member != discussion["head_id"] and discussion["head_id"] in discussion["opinions"]:
        raise Refused(  # ARTICLE: 713-30 行政首长最后发表意见
            "713-30",
            "行政首长最后发表意见：行政首长已发表意见，其他组成人员不能在其后发表意见",
            "the head speaks last: once the head has stated an opinion, no member states one after",
            rule="713/member-opinion",
        )
    if member == discussion["head_id"] and not set(discussion["opinions"]) - {member}:
        raise Refused(  # ARTICLE: 713-30 行政首长最后发表意见 (first, the discussion could not be finished)
            "713-30",
            "行政首长最后发表意见：其他组成人员尚未发表意见，行政首长不能先发表意见",
            "the head speaks last: no other member has stated an opinion yet",
            rule="713/member-opinion",
        )


def majority(opinions: dict[str, dict[str, Any]]) -> str | None:
    """The opinion of most members who stated 同意 or 不同意 (``None`` on a tie or none)."""
    counts = Counter(o["opinion"] for o in opinions.values() if o["opinion"] in ("agree", "disagree"))
    if counts["agree"] == counts["disagree"]:
        return None
    return "agree" if counts["agree"] > counts["disagree"] else "disagree"


def against_majority(opinions: dict[str, dict[str, Any]], outcome: HeadOutcome) -> bool:
    most = majority(opinions)
    return (most == "agree" and outcome not in _WITH_AGREE) or (most == "disagree" and outcome not in _WITH_DISAGREE)


def check_decide(decision: Decision, command: m.Decide, ctx: Context) -> None:
    discussion = discussion_of(decision, command.discussion_id)
    if str(ctx.actor.id) != discussion["head_id"]:
        raise NotPermitted(
            "只有主持集体讨论的行政首长本人可以作出决定", "only the head of the discussion decides, themself",
            article="713-30",
        )
    if discussion["decision"] is not None:
        raise Conflict(f"行政首长已就该讨论作出决定 / the head has already decided discussion {command.discussion_id}")
    if not set(discussion["opinions"]) - {discussion["head_id"]}:
        raise Refused(  # ARTICLE: 713-30 在集体讨论的基础上作出决定
            "713-30",
            "行政首长在集体讨论的基础上作出决定：其他组成人员尚未发表意见，不能作出决定",
            "the head decides on the basis of the discussion: no other member has stated an opinion yet",
            rule="713/head-decision",
        )
    if against_majority(discussion["opinions"], command.outcome) and not command.reason_stated_at_meeting.strip():
        raise Refused(  # ARTICLE: 713-30
            "713-30",
            "行政首长的决定与多数组成人员的意见不一致，应当说明在会上陈述的理由",
            "the head's decision goes against the opinion of most members; state the reason given at the meeting",
            rule="713/head-decision",
        )


def check_transcription(decision: Decision, command: m.TranscribeMaking, ctx: Context) -> None:
    new_discussion(decision, command.discussion_id)
    check_body(decision, command.body)
    check_members(ctx, list(command.members), command.head_id)
    named = [opinion.member_id for opinion in command.opinions]
    if len(set(named)) != len(named) or not set(named) <= set(command.members):
        raise Refused(
            "713-30",
            "转录的意见应属于会议组成人员，每人一条",
            "transcribed opinions belong to the members of the meeting, one each",
            rule="713/member-opinion",
        )


def _discussion(command: m.ConveneDiscussion | m.TranscribeMaking, provenance: dict[str, Any]) -> dict[str, Any]:
    return {
        "discussion_id": str(command.discussion_id),
        "body": command.body.value,
        "held_on": command.held_on,
        "members": [str(member) for member in command.members],
        "head_id": str(command.head_id),
        "opinions": {},
        "decision": None,
        "convened": provenance,
        "transcribed": False,
    }


class UndertakingRecorded(LedgerEvent):
    TOPIC = "decision-ledger/Decision/UndertakingRecorded/v1"
    COMMAND = m.RecordUndertaking

    def on(self, decision: Decision, act: Act[m.RecordUndertaking]) -> None:
        decision.undertaking = {
            "undertaking_unit_id": shared_id(act.command.undertaking_unit_id),
            "drafter_id": shared_id(act.command.drafter_id),
            **self.provenance(act),
        }
        decision.undertakings.append(decision.undertaking)


class ParticipationRecorded(LedgerEvent):
    TOPIC = "decision-ledger/Decision/ParticipationRecorded/v1"
    COMMAND = m.RecordParticipation

    def on(self, decision: Decision, act: Act[m.RecordParticipation]) -> None:
        command = act.command
        decision.participation.append({
            "kind": command.kind.value, "work": command.work, "held_on": command.held_on,
            "document_digest": command.document_digest, **self.provenance(act),
        })


class LegalityReviewRecorded(LedgerEvent):
    TOPIC = "decision-ledger/Decision/LegalityReviewRecorded/v1"
    COMMAND = m.RecordLegalityReview

    def on(self, decision: Decision, act: Act[m.RecordLegalityReview]) -> None:
        decision.legality_reviews.append({
            "reviewer_id": shared_id(act.actor_id), "opinion": act.command.opinion.value,
            "statement": act.command.statement, **self.provenance(act),
        })


class DiscussionConvened(LedgerEvent):
    TOPIC = "decision-ledger/Decision/DiscussionConvened/v1"
    COMMAND = m.ConveneDiscussion

    def on(self, decision: Decision, act: Act[m.ConveneDiscussion]) -> None:
        decision.discussions[str(act.command.discussion_id)] = _discussion(act.command, self.provenance(act))


class OpinionStated(LedgerEvent):
    TOPIC = "decision-ledger/Decision/OpinionStated/v1"
    COMMAND = m.StateOpinion

    def on(self, decision: Decision, act: Act[m.StateOpinion]) -> None:
        discussion = decision.discussions[str(act.command.discussion_id)]
        discussion["opinions"][str(act.actor_id)] = {
            "opinion": act.command.opinion.value, "reasons": act.command.reasons,
            "transcribed": False, **self.provenance(act),
        }


class Decided(LedgerEvent):
    TOPIC = "decision-ledger/Decision/Decided/v1"
    COMMAND = m.Decide

    def on(self, decision: Decision, act: Act[m.Decide]) -> None:
        discussion = decision.discussions[str(act.command.discussion_id)]
        discussion["decision"] = {
            "outcome": act.command.outcome.value,
            "reason_stated_at_meeting": act.command.reason_stated_at_meeting,
            "against_majority": against_majority(discussion["opinions"], act.command.outcome),
            "transcribed": False, **self.provenance(act),
        }


class PublicationRecorded(LedgerEvent):
    TOPIC = "decision-ledger/Decision/PublicationRecorded/v1"
    COMMAND = m.RecordPublication

    def on(self, decision: Decision, act: Act[m.RecordPublication]) -> None:
        decision.publication = {
            "published_on": act.command.published_on, "channel": act.command.channel,
            "reference": act.command.reference, **self.provenance(act),
        }


class MakingTranscribed(LedgerEvent):
    TOPIC = "decision-ledger/Decision/MakingTranscribed/v1"
    COMMAND = m.TranscribeMaking

    def on(self, decision: Decision, act: Act[m.TranscribeMaking]) -> None:
        command = act.command
        provenance = self.provenance(act)
        source = {"transcribed": True, "source": command.source, "minutes_digest": command.minutes_digest}
        discussion = {**_discussion(command, provenance), **source}
        for opinion in command.opinions:
            discussion["opinions"][str(opinion.member_id)] = {
                "opinion": opinion.opinion.value, "reasons": opinion.reasons, **source, **provenance,
            }
        discussion["decision"] = {
            "outcome": command.outcome.value,
            "reason_stated_at_meeting": command.reason_stated_at_meeting,
            "against_majority": against_majority(discussion["opinions"], command.outcome),
            **source, **provenance,
        }
        decision.discussions[str(command.discussion_id)] = discussion
        decision.transcriptions.append({"discussion_id": str(command.discussion_id), **source, **provenance})
