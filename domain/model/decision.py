"""Decision: the major administrative decision (重大行政决策) a case evaluates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.errors import MalformedInput, NotFound, Refused
from domain.model.acts import Act
from domain.model.agency import Agency
from domain.model.aggregate import Context, LedgerAggregate, LedgerCreated, LedgerEvent
from domain.model.commands.decision import (
    RecordDemonstrators,
    RecordSuperiorEvaluation,
    RegisterDecision,
)
from domain.model.organisation import Organisation
from domain.model.principal import Principal


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
        self.superior_evaluation: dict[str, Any] | None = None

    @classmethod
    def register(cls, act: Act[RegisterDecision], ctx: Context) -> Decision:
        organisation_id = act.command.organisation_id
        if organisation_id is None and getattr(ctx.actor, "organisation_id", None) is not None:
            raise MalformedInput(
                "name the deciding organ as organisation_id: a decision belongs to the organisation "
                "whose reviewers and inspectors answer for it (请填写决策机关 organisation_id)"
            )
        if organisation_id is not None and ctx.directory.find(organisation_id, Organisation) is None:
            raise NotFound(f"no organisation {organisation_id} is registered (organisation_id)")
        return cls._record_creation(cls.Registered, act)

    def record_demonstrators(self, act: Act[RecordDemonstrators], ctx: Context) -> None:
        for demonstrator in act.command.demonstrators:
            if demonstrator.principal_id and not ctx.directory.find(demonstrator.principal_id, Principal):
                raise NotFound(f"no principal {demonstrator.principal_id} is registered")
            if demonstrator.agency_id and not ctx.directory.find(demonstrator.agency_id, Agency):
                raise NotFound(f"no agency {demonstrator.agency_id} is registered")
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
        self._record(self.SuperiorEvaluationRecorded, act)

    def demonstrator_ids(self) -> set[UUID]:
        """Principals and agencies that did the main demonstration (NX-8)."""
        ids: set[UUID] = set()
        for entry in self.demonstrators:
            ids.update(i for i in (entry["principal_id"], entry["agency_id"]) if i is not None)
        return ids

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
                **self.provenance(act),
            }
