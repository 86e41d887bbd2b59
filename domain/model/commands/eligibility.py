"""Commands of 取消评估资格 (《重大行政决策程序暂行条例》第四十一条): an entrusted agency or an
engaged expert who breached the rules with serious consequences loses the eligibility to evaluate,
recorded by the unit that engaged them on the case, citing the case's events that show it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from domain.model.commands.base import Command, Text
from domain.model.commands.findings import EventCitation


class EligibilityRevocation(Command):
    """What a revocation of the eligibility to evaluate states, for an agency or an expert."""

    case_id: UUID  # the evaluation in which the breach happened
    conduct: Text  # 违反职业道德或者本条例规定的行为
    consequences: Text  # 造成的严重后果
    cited_events: Annotated[list[EventCitation], Field(min_length=1, max_length=20)]


class RevokeAgencyEligibility(EligibilityRevocation):
    """取消受委托机构的评估资格 (国令第713号第四十一条)."""

    ACTION = "agency.revoke_eligibility"


class RevokeExpertEligibility(EligibilityRevocation):
    """取消专家的评估资格 (国令第713号第四十一条)."""

    ACTION = "principal.revoke_eligibility"
