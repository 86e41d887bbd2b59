"""Commands on decisions: the major administrative decisions under evaluation."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.model.commands.base import Command, IsoDate, Name, Text
from domain.model.vocabulary import DemonstratorKind, Jurisdiction, SuperiorBasis


class RegisterDecision(Command):
    """登记重大行政决策 (NX-2, XX-3): what is evaluated."""

    ACTION = "decision.register"

    jurisdiction: Jurisdiction
    title: Name
    document_number: Name  # 文号
    organ: Name  # 决策机关
    decided_on: IsoDate
    purpose: Text  # 决策目的: what the evaluation measures results against (NX-6(1), XX-8(6))
    organisation_id: UUID | None = None  # the deciding organ (决策机关) as a registered organisation


class Demonstrator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: Name
    kind: DemonstratorKind
    work: Text  # what they demonstrated before the decision
    principal_id: UUID | None = None
    agency_id: UUID | None = None


class RecordDemonstrators(Command):
    """记录决策前论证者 (NX-8; 国令第713号第三十六条): who did the main pre-decision demonstration,
    or the explicit statement that no expert, agency or organisation did (``none``:
    无承担主要论证工作的专家、机构). A case opens only once one or the other is recorded."""

    ACTION = "decision.record_demonstrators"

    demonstrators: Annotated[list[Demonstrator], Field(max_length=100)] = Field(default_factory=list)
    none: bool = False  # 无承担主要论证工作的专家、机构

    @model_validator(mode="after")
    def _a_list_or_none(self) -> RecordDemonstrators:
        if self.none == bool(self.demonstrators):
            raise ValueError("name the demonstrators, or state none (无承担主要论证工作的专家、机构), not both")
        return self


class RecordSuperiorEvaluation(Command):
    """记录上级评估 (XX-19): the decision carries out a superior's reform task or policy and the
    superior organ is to evaluate it; the county may record that it will not repeat the
    evaluation (免于重复评估)."""

    ACTION = "decision.record_superior_evaluation"

    superior_organ: Name
    task: Text  # 上级改革任务或政策部署
    arrangement: Text  # the superior's evaluation: its basis, document or schedule
    county_exempt: bool  # the county will not repeat the evaluation
    exemption_reason: Annotated[str, Field(max_length=2000)] = ""
    # issue 18 — bodies and readings (XX-19 接受上级委任或根据上级要求协助评估的除外): the county's
    # part in the superior's evaluation, if the superior commissioned it or asked it to assist
    county_part: SuperiorBasis | None = None
    county_part_ref: Annotated[str, Field(max_length=500)] = ""  # the superior's commission or request
