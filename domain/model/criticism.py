"""通报批评、责令限期整改 (《重大行政决策程序暂行条例》第四十一条, ``713-41``, its first step): an
entrusted agency or an engaged expert who breached professional ethics or the rules is criticised
and ordered to put it right by a deadline; the unit that entrusted or engaged them on the case
records it, citing the case's events, and later records the rectification (整改完成), whose
timeliness is computed from the day it is recorded.

Criticism bars nothing: 713-41 bars only after serious consequences, by 取消评估资格
(:mod:`domain.model.eligibility`). The agency's and the expert's records show it.

The aggregates (:class:`domain.model.agency.Agency`, :class:`domain.model.principal.Principal`)
keep ``criticisms`` by id; this module holds the checks and the event behaviour both share.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from domain.errors import Conflict, NotFound, Refused
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerEvent
from domain.model.calendar import china_date
from domain.model.commands.eligibility import Criticism, Rectification
from domain.model.eligibility import EngagingCase, engaging_case

ARTICLE = "713-41"
C = TypeVar("C", bound=Criticism)
R = TypeVar("R", bound=Rectification)


def check_criticism(act: Act[C], ctx: Context, name: str, criticisms: dict[str, dict[str, Any]],
                    engaged: Callable[[EngagingCase], bool]) -> None:
    """Refuse (storing nothing) a criticism that is not the engaging unit's, not about a case that
    engaged ``name``, not shown by the case's stored events, or whose deadline is not after today."""
    command = act.command
    case = engaging_case(command.case_id, ctx, name, engaged)
    # ARTICLE: 713-41 — recorded by the unit that entrusted or engaged them
    if not case.is_lead_unit_staff(ctx):
        raise Refused(ARTICLE, "通报批评、责令限期整改由委托或者外聘该机构、专家的处室（单位）记录",
                      "the unit that entrusted or engaged them on this case records the criticism",
                      rule="713-41/criticised-by-engaging-unit")
    if str(command.criticism_id) in criticisms:
        raise Conflict(f"通报批评 {command.criticism_id} 已经记录 / criticism {command.criticism_id} is already recorded")
    today = china_date(ctx.now)
    # ARTICLE: 713-41 — 责令限期整改: the period ends after the day of the criticism
    if date.fromisoformat(command.deadline) <= today:
        raise Refused(ARTICLE, f"整改期限（{command.deadline}）应当在通报批评之日（{today.isoformat()}）以后",
                      f"the rectification deadline ({command.deadline}) must fall after the day of the criticism "
                      f"({today.isoformat()})", rule="713-41/deadline-after-the-criticism")
    from domain.model.accountability import citation_problem  # the one check of a cited event

    for citation in command.cited_events:
        problem = citation_problem(ctx.directory, citation)
        if problem is not None:
            raise Refused(ARTICLE, problem[0], problem[1], rule="713-41/cited-events")


def check_rectification(act: Act[R], ctx: Context, name: str, criticisms: dict[str, dict[str, Any]],
                        engaged: Callable[[EngagingCase], bool]) -> None:
    """Refuse a rectification of no criticism, of one closed already, or not by the criticising unit."""
    criticism = criticisms.get(str(act.command.criticism_id))
    if criticism is None:
        raise NotFound(f"{name}没有通报批评 {act.command.criticism_id} / no criticism {act.command.criticism_id} of {name}")
    if criticism["rectification"] is not None:
        raise Conflict(f"{name}的整改完成已经记录 / {name}'s rectification is recorded already")
    case = engaging_case(UUID(criticism["case_id"]), ctx, name, engaged)
    # ARTICLE: 713-41 — the unit that ordered the rectification records it
    if not case.is_lead_unit_staff(ctx):
        raise Refused(ARTICLE, "整改完成由作出通报批评的处室（单位）记录",
                      "the unit that criticised them records the rectification",
                      rule="713-41/rectification-by-criticising-unit")


def on_time(recorded_at: datetime, deadline: str) -> bool:
    """整改是否按期: recorded on or before the deadline, as the day falls in China (713-41)."""
    return china_date(recorded_at) <= date.fromisoformat(deadline)


class Criticised(LedgerEvent):
    """Base of ``Agency.Criticised`` and ``Principal.Criticised``: the criticism, open until rectified."""

    def on(self, aggregate: Any, act: Act[Any]) -> None:
        command = cast(Criticism, act.command)
        aggregate.criticisms[str(command.criticism_id)] = {
            **command.model_dump(mode="json"), **self.provenance(act), "rectification": None}


class RectificationRecorded(LedgerEvent):
    """Base of the rectification events: on time if recorded on or before the deadline (China's day)."""

    def on(self, aggregate: Any, act: Act[Any]) -> None:
        command = cast(Rectification, act.command)
        criticism = aggregate.criticisms[str(command.criticism_id)]
        criticism["rectification"] = {
            "account": command.account,
            "on_time": on_time(self.timestamp, criticism["deadline"]),
            **self.provenance(act)}
