"""Commands of 《重大行政决策程序暂行条例》第四十一条: an entrusted agency or an engaged expert who
breached the rules is criticised and ordered to put it right by a deadline (通报批评、责令限期整改),
and with serious consequences loses the eligibility to evaluate (取消评估资格); each recorded by the
unit that engaged them on the case, citing the case's events that show it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from domain.model.commands.base import Command, IsoDate, Text
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


class Criticism(Command):
    """What a 通报批评 with 责令限期整改 (国令第713号第四十一条, the first step) states, for an agency
    or an expert: the breach, what is to be put right, and by when."""

    case_id: UUID  # the evaluation in which the breach happened
    criticism_id: UUID  # names the criticism, for the rectification that closes it
    breach: Text  # 违反职业道德或者本条例规定的行为
    rectification: Text  # 责令整改的事项
    deadline: IsoDate  # 整改期限: a day after the day of the criticism (China Standard Time)
    cited_events: Annotated[list[EventCitation], Field(min_length=1, max_length=20)]


class CriticiseAgency(Criticism):
    """通报批评受委托机构并责令限期整改 (国令第713号第四十一条)."""

    ACTION = "agency.criticise"


class CriticiseExpert(Criticism):
    """通报批评专家并责令限期整改 (国令第713号第四十一条)."""

    ACTION = "principal.criticise"


class Rectification(Command):
    """整改完成: the criticising unit records that the criticised party put the breach right;
    whether it was on time is computed from the day it is recorded, never stated."""

    criticism_id: UUID
    account: Text  # 整改情况


class RecordAgencyRectification(Rectification):
    """记录受委托机构整改完成 (国令第713号第四十一条)."""

    ACTION = "agency.record_rectification"


class RecordExpertRectification(Rectification):
    """记录专家整改完成 (国令第713号第四十一条)."""

    ACTION = "principal.record_rectification"
