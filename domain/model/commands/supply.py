"""Commands of the related units' duty to supply materials (XX-6 第二款: 与重大行政决策实施有关的
单位，应当按照跟踪反馈与后评估的要求，提供与重大行政决策实施情况有关的材料和数据，如实说明实施过程中
存在的问题和风险，并提出相关建议; 国令第713号第四十条): the request to a related unit, its answer or
refusal signed by a person of that unit, and the 县政府办公室's coordination (XX-6 第一款)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.model.commands.base import Command, Digest, LongText, Name, Text, unique
from domain.model.vocabulary import Period, Stance

#: the longest period a request may give a unit, in days (the evaluation itself has 90 under NX-11)
MAX_PERIOD_DAYS = 90


class CoordinationMeasure(StrEnum):
    """What the 县政府办公室 does to coordinate a unit's supply (XX-6 县政府办公室负责协调工作)."""

    URGE = "urge"  # 督促提供
    MEETING = "meeting"  # 召开协调会
    OTHER = "other"  # 其他协调措施


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SuppliedMaterial(_Part):
    """One material a unit supplies: recorded on the case as its material, with its digest and the
    request it answers. Stated by the supplying unit (its stance included: the source says it)."""

    material_id: UUID
    title: Name
    digest: Digest
    period: Period
    stance: Stance = Stance.NEUTRAL
    #: the requested item it answers, as the request words it (逐项答复); a material naming none
    #: is supplied in addition and accounts for no item
    item: Text | None = None


class NotSupplied(_Part):
    """A requested item the unit does not supply, with its reason (未提供的事项及理由). Recorded, and
    the ledger raises a finding against the signer (XX-6 如实提供; 713-40 漏报)."""

    item: Text
    reason: Text


class RequestMaterials(Command):
    """请求有关单位提供材料 (XX-6; 713-40): the lead unit or the evaluation team asks a related unit
    (a registered organisation) for the listed materials and data within a period of days, naming
    the person of that unit who answers for it (its 负责人: an organisation records no head, so
    the request names one)."""

    ACTION = "case.request_materials"

    request_id: UUID
    unit_id: UUID  # the related unit (一个已登记的单位)
    responsible_id: UUID  # the unit's responsible person, who belongs to it
    items: Annotated[list[Text], AfterValidator(unique), Field(min_length=1, max_length=50)]
    within_days: Annotated[int, Field(ge=1, le=MAX_PERIOD_DAYS)]  # counted from the day of the request
    note: Annotated[str, Field(max_length=2000)] = ""


class AnswerRequest(Command):
    """有关单位答复: a person of the requested unit supplies the materials and data, states the
    problems and risks in implementation, and gives suggestions; the signer attests that the answer
    is truthful (如实说明). The answer accounts for each requested item: a material names the item
    it answers, or the item is listed as not supplied with the reason; an item left unaccounted
    for is refused, and an item not supplied is a finding against the signer."""

    ACTION = "case.answer_request"

    request_id: UUID
    materials: Annotated[list[SuppliedMaterial], Field(max_length=100, default_factory=list)]
    #: each requested item no material answers, with the reason: every item is accounted for
    not_supplied: Annotated[list[NotSupplied], Field(max_length=50, default_factory=list)]
    problems_and_risks: LongText  # 实施过程中存在的问题和风险
    suggestions: LongText  # 相关建议
    truthful: bool  # 签署人承诺如实说明 (XX-6): an answer without it is refused


class RefuseRequest(Command):
    """有关单位拒绝提供: a person of the requested unit refuses, with the reason. Recorded, and the
    ledger raises a finding against the signer (XX-6; 713-40 拒不执行、推诿)."""

    ACTION = "case.refuse_request"

    request_id: UUID
    reason: LongText


class CoordinateSupply(Command):
    """县政府办公室协调 (XX-6 第一款): the county government office records what it did to have a
    unit supply (督促, 协调会…). It does not close a finding already raised."""

    ACTION = "case.coordinate_supply"

    request_id: UUID
    measure: CoordinationMeasure
    statement: Text
