"""The evaluation's own finding of a fault in the making of the decision it evaluates (XX-18:
经跟踪反馈与后评估发现并确认重大行政决策过程中存在行政过错情形的; 国令第713号第三十八条、第三十九条)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from domain.model.commands.base import Command, LongText
from domain.model.commands.findings import EventCitation
from domain.model.vocabulary import DecisionFault


class ConfirmDecisionFault(Command):
    """确认决策过错: the lead unit, once the evaluation's report is formed, records that the
    evaluation found and confirmed a fault in the making of the decision — 决策严重失误, or 久拖
    不决 causing major loss (713-38); or a unit's fault in the procedure, naming that unit (713-39:
    the undertaking unit or a unit that did work on the decision) — citing the events that show it.
    Accountability for it is then a procedure (``accountability.open`` naming this finding)."""

    ACTION = "case.confirm_decision_fault"

    finding_id: UUID
    fault: DecisionFault
    cited_events: Annotated[list[EventCitation], Field(min_length=1, max_length=200)]
    statement: LongText
    unit_id: UUID | None = None  # 713-39: 决策承办单位或者承担决策有关工作的单位, only with a unit's fault
