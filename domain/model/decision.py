"""Decision: the major administrative decision (重大行政决策) a case evaluates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.errors import Conflict, MalformedInput, NotFound, Refused
from domain.model import making as mk
from domain.model.acts import Act
from domain.model.agency import Agency
from domain.model.aggregate import Context, LedgerAggregate, LedgerCreated, LedgerEvent
from domain.model.commands import making as m
from domain.model.commands.decision import (
    RecordDemonstrators,
    RecordSuperiorEvaluation,
    RegisterDecision,
)
from domain.model.organisation import Organisation, check_text_of_organ, governing_text
from domain.model.principal import Principal
from domain.model.vocabulary import SuperiorBasis


class Decision(LedgerAggregate):
    """重大行政决策 (NX-2, XX-3): title, document number, organ, date, purpose, and who did its
    pre-decision demonstration (NX-8). A decision's rulings are recorded on the evaluation case
    that grounds them (NX-12a, XX-16)."""

    TOPIC = "decision-ledger/Decision/v1"

    def __init__(self) -> None:
        self.jurisdiction = ""
        self.title = ""
        self.document_number = ""
        self.organ = ""
        self.decided_on = ""
        self.purpose = ""
        self.registered_by: UUID | None = None
        self.organisation_id: UUID | None = None
        self.demonstrators: list[dict[str, Any]] = []
        #: 无承担主要论证工作的专家、机构: who stated it, when (NX-8; 713-36)
        self.no_demonstrators: dict[str, Any] | None = None
        self.superior_evaluation: dict[str, Any] | None = None
        # H1 making (XX-18; 713-30, 713-33): see domain.model.making
        self.undertaking: dict[str, Any] | None = None
        #: every undertaking recorded, in order (``undertaking`` is the last): 713-39 reaches them all
        self.undertakings: list[dict[str, Any]] = []
        self.participation: list[dict[str, Any]] = []
        self.legality_reviews: list[dict[str, Any]] = []
        self.discussions: dict[str, dict[str, Any]] = {}
        self.publication: dict[str, Any] | None = None
        self.transcriptions: list[dict[str, Any]] = []

    @classmethod
    def register(cls, act: Act[RegisterDecision], ctx: Context) -> Decision:
        organisation_id = act.command.organisation_id
        if organisation_id is None and getattr(ctx.actor, "organisation_id", None) is not None:
            raise MalformedInput(
                "name the deciding organ as organisation_id: a decision belongs to the organisation "
                "whose reviewers and inspectors answer for it (请填写决策机关 organisation_id)"
            )
        if organisation_id is not None and ctx.directory.find(organisation_id, Organisation) is None:
            raise NotFound(f"单位 {organisation_id} 未登记（organisation_id）/ no organisation {organisation_id} is registered (organisation_id)")
        if organisation_id is not None:
            check_text_of_organ(act.command.jurisdiction.value,
                                governing_text(organisation_id, lambda oid: ctx.directory.find(oid, Organisation)))
        return cls._record_creation(cls.Registered, act)

    def record_demonstrators(self, act: Act[RecordDemonstrators], ctx: Context) -> None:
        """记录决策前论证者, or that there were none (NX-8; 713-36). A list may follow a stated
        "none" (a later correction, both stay on record); "none" cannot follow a list."""
        if act.command.none and (self.demonstrators or self.no_demonstrators):
            raise Conflict("the decision's pre-decision demonstrators are already recorded "
                           "(已记录决策前论证者，不能再记录为无)")
        for demonstrator in act.command.demonstrators:
            if demonstrator.principal_id and not ctx.directory.find(demonstrator.principal_id, Principal):
                raise NotFound(f"人员 {demonstrator.principal_id} 未登记 / no principal {demonstrator.principal_id} is registered")
            if demonstrator.agency_id and not ctx.directory.find(demonstrator.agency_id, Agency):
                raise NotFound(f"评估机构 {demonstrator.agency_id} 未登记 / no agency {demonstrator.agency_id} is registered")
        self._record(self.DemonstratorsRecorded, act)

    def record_superior_evaluation(self, act: Act[RecordSuperiorEvaluation], ctx: Context) -> None:
        """上级机关组织评估 (XX-19): the superior's evaluation, and whether the county exempts
        itself from repeating it."""
        if self.jurisdiction != "XX":
            raise Refused(
                "XX-19",
                "上级机关组织评估的免重复评估规定见息县办法第十九条，本决策不适用",
                "XX-19's exemption is the county's; this decision is not under XX",
                rule="XX/superior-evaluation",
            )
        if act.command.county_exempt and not act.command.exemption_reason.strip():
            raise Refused(
                "XX-19",
                "免于重复评估应当说明依据",
                "an exemption from repeating the evaluation needs its basis",
                rule="XX/superior-evaluation",
            )
        # issue 18 — XX-19 接受上级委任或根据上级要求协助评估的除外
        part = act.command.county_part
        if part is SuperiorBasis.OWN_REASON or (part and not act.command.county_part_ref.strip()):
            raise Refused("XX-19", "上级委任或要求协助评估，应当记录委任或要求的文件",
                          "the county's part is a commission or a request to assist, with its reference",
                          rule="XX/superior-evaluation")
        if part and act.command.county_exempt:
            raise Refused("XX-19", "接受上级委任或根据上级要求协助评估的，不得免于评估（息县办法第十九条除外规定）",
                          "a county commissioned by or assisting the superior cannot be exempt (XX-19's exception)",
                          rule="XX/superior-evaluation")
        if self.superior_evaluation is not None:
            # a second record would replace the first: a commission recorded once cannot be
            # overwritten by an exemption (XX-19's exception)
            raise Refused("XX-19", "上级机关组织评估的情况已经记录，不得另行记录或者覆盖（接受上级委任或协助评估的记录不能改为不重复评估）",
                          "the superior's evaluation of this decision is already recorded: it cannot be recorded again "
                          "or replaced (a commission cannot be turned into an exemption)",
                          rule="XX/superior-evaluation-once")
        self._record(self.SuperiorEvaluationRecorded, act)

    # H1 making: the making of the decision, signed by those who made it (XX-18; 713-30, 713-33)
    def record_undertaking(self, act: Act[m.RecordUndertaking], ctx: Context) -> None:
        """决策承办单位与起草人, recorded by someone of that unit."""
        mk.check_undertaking(self, act.command, ctx)
        self._record(self.UndertakingRecorded, act)

    def record_participation(self, act: Act[m.RecordParticipation], ctx: Context) -> None:
        """公众参与、风险评估."""
        self._record(self.ParticipationRecorded, act)

    def record_legality_review(self, act: Act[m.RecordLegalityReview], ctx: Context) -> None:
        """合法性审查, signed by the reviewer themself."""
        self._record(self.LegalityReviewRecorded, act)

    def convene_discussion(self, act: Act[m.ConveneDiscussion], ctx: Context) -> None:
        """集体讨论 in the deciding organ's own body (NX-4; 713-30)."""
        mk.new_discussion(self, act.command.discussion_id)
        mk.check_body(self, act.command.body)
        mk.check_members(ctx, list(act.command.members), act.command.head_id)
        self._record(self.DiscussionConvened, act)

    def state_opinion(self, act: Act[m.StateOpinion], ctx: Context) -> None:
        """组成人员发表意见: the member themself, once (713-30)."""
        mk.check_opinion(self, act.command, ctx)
        self._record(self.OpinionStated, act)

    def decide(self, act: Act[m.Decide], ctx: Context) -> None:
        """行政首长作出决定 (713-30)."""
        mk.check_decide(self, act.command, ctx)
        self._record(self.Decided, act)

    def record_publication(self, act: Act[m.RecordPublication], ctx: Context) -> None:
        """决策公布 (国令第713号第三十二条)."""
        self._record(self.PublicationRecorded, act)

    def transcribe_making(self, act: Act[m.TranscribeMaking], ctx: Context) -> None:
        """转录 a making from the archive (XX-18): shown as transcribed, never as the members' own."""
        mk.check_transcription(self, act.command, ctx)
        self._record(self.MakingTranscribed, act)

    def dissent_of(self, principal_id: UUID) -> list[dict[str, Any]]:
        """The records where this person stated 不同意 (own signed or transcribed), for the
        减免责任 ground (713-38): each with the discussion and the event that shows it."""
        return [
            {"discussion_id": discussion_id, "body": discussion["body"], "held_on": discussion["held_on"],
             "aggregate_id": self.id, **opinion}
            for discussion_id, discussion in self.discussions.items()
            if (opinion := discussion["opinions"].get(str(principal_id))) and opinion["opinion"] == "disagree"
        ]

    @property
    def demonstrators_recorded(self) -> bool:
        """Whether the list, or an explicit "none", is on record: a case opens only then (NX-8; 713-36)."""
        return bool(self.demonstrators) or self.no_demonstrators is not None

    def demonstrating_units(self) -> dict[UUID, str]:
        """The agencies and organisations (单位) that did the main demonstration, by id, with their
        names: they cannot be entrusted with the evaluation (713-36)."""
        return {entry["agency_id"]: entry["name"] for entry in self.demonstrators
                if entry["agency_id"] is not None and entry["kind"] != "expert"}

    def demonstrator_of(self, principal_id: UUID, agency_id: UUID | None) -> dict[str, Any] | None:
        """The entry that names this person, or the unit they work for (its staff), if any."""
        for entry in self.demonstrators:
            if entry["principal_id"] == principal_id:
                return entry
        for entry in self.demonstrators:
            if agency_id is not None and entry["agency_id"] == agency_id:
                return entry
        return None

    def demonstrator_ids(self) -> set[UUID]:
        """Principals and agencies that did the main demonstration (NX-8)."""
        ids: set[UUID] = set()
        for entry in self.demonstrators:
            ids.update(i for i in (entry["principal_id"], entry["agency_id"]) if i is not None)
        return ids

    # H1 making
    UndertakingRecorded = mk.UndertakingRecorded
    ParticipationRecorded = mk.ParticipationRecorded
    LegalityReviewRecorded = mk.LegalityReviewRecorded
    DiscussionConvened = mk.DiscussionConvened
    OpinionStated = mk.OpinionStated
    Decided = mk.Decided
    PublicationRecorded = mk.PublicationRecorded
    MakingTranscribed = mk.MakingTranscribed

    class Registered(LedgerCreated):
        TOPIC = "decision-ledger/Decision/Registered/v1"
        COMMAND = RegisterDecision

        def on(self, decision: Decision, act: Act[RegisterDecision]) -> None:
            command = act.command
            decision.jurisdiction = command.jurisdiction.value
            decision.title = command.title
            decision.document_number = command.document_number
            decision.organ = command.organ
            decision.decided_on = command.decided_on
            decision.purpose = command.purpose
            decision.registered_by = act.actor_id
            decision.organisation_id = command.organisation_id

    class DemonstratorsRecorded(LedgerEvent):
        TOPIC = "decision-ledger/Decision/DemonstratorsRecorded/v1"
        COMMAND = RecordDemonstrators

        def on(self, decision: Decision, act: Act[RecordDemonstrators]) -> None:
            if act.command.none:
                decision.no_demonstrators = self.provenance(act)
            for demonstrator in act.command.demonstrators:
                decision.demonstrators.append(
                    {
                        "name": demonstrator.name,
                        "kind": demonstrator.kind.value,
                        "work": demonstrator.work,
                        "principal_id": demonstrator.principal_id,
                        "agency_id": demonstrator.agency_id,
                        "recorded_by": act.actor_id,
                    }
                )

    class SuperiorEvaluationRecorded(LedgerEvent):
        TOPIC = "decision-ledger/Decision/SuperiorEvaluationRecorded/v1"
        COMMAND = RecordSuperiorEvaluation

        def on(self, decision: Decision, act: Act[RecordSuperiorEvaluation]) -> None:
            command = act.command
            decision.superior_evaluation = {
                "superior_organ": command.superior_organ,
                "task": command.task,
                "county_exempt": command.county_exempt,
                "exemption_reason": command.exemption_reason,
                # issue 18 — XX-19's exception: the county commissioned or assisting
                **({"county_part": command.county_part.value, "county_part_ref": command.county_part_ref}
                   if command.county_part else {}),
                **self.provenance(act),
            }
