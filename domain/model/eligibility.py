"""取消评估资格 (《重大行政决策程序暂行条例》第四十一条, ``713-41``): an entrusted agency or an
engaged expert who breached the rules with serious consequences loses the eligibility to
evaluate. The unit that engaged them on the case (its 承办处室 / 委托单位) records it, citing the
case's events; from then on no evaluation under either text may entrust or engage them again.

The aggregates (:class:`domain.model.agency.Agency`, :class:`domain.model.principal.Principal`)
keep the revocation; this module holds the checks both share. The article's first step, 通报批评、
责令限期整改, is :mod:`domain.model.criticism`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast
from uuid import UUID

from domain.errors import Conflict, NotFound, Refused
from domain.evidence import topics
from domain.evidence.times import format_time
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerAggregate
from domain.model.commands.eligibility import EligibilityRevocation

ARTICLE = "713-41"
R = TypeVar("R", bound=EligibilityRevocation)


class EngagingCase(Protocol):
    """The evaluation case a revocation is about, as the agency or the expert consults it."""

    agencies: dict[str, dict[str, Any]]
    experts: dict[str, dict[str, Any]]

    def is_lead_unit_staff(self, ctx: Context) -> bool: ...


def engaging_case(case_id: UUID, ctx: Context, name: str, engaged: Callable[[EngagingCase], bool]) -> EngagingCase:
    """The evaluation case named, which must have entrusted or engaged ``name`` (else 404)."""
    found = ctx.directory.find(case_id, LedgerAggregate)
    if found is None or found.TOPIC != topics.CASE:  # type: ignore[attr-defined]
        raise NotFound(f"没有评估案件 {case_id} / no evaluation case {case_id}")
    case = cast(EngagingCase, found)
    if not engaged(case):
        raise NotFound(f"{name} was not entrusted or engaged on case {case_id}; 该案件未委托或者外聘{name}")
    return case


def check_revocation(act: Act[R], ctx: Context, name: str, revoked: dict[str, Any] | None,
                     engaged: Callable[[EngagingCase], bool]) -> None:
    """Refuse (storing nothing) a revocation that is not the engaging unit's, not about a case
    that engaged ``name``, not shown by the case's stored events, or made twice."""
    command = act.command
    case = engaging_case(command.case_id, ctx, name, engaged)
    if not case.is_lead_unit_staff(ctx):
        raise Refused(ARTICLE, "取消评估资格由委托或者外聘该机构、专家的处室（单位）记录",
                      "the unit that entrusted or engaged them on this case records the revocation",
                      rule="713-41/recorded-by-engaging-unit")
    if revoked is not None:
        raise Conflict(f"{name}的评估资格已于{format_time(revoked['at'])}取消 / {name}'s eligibility is revoked already")
    from domain.model.accountability import citation_problem  # the one check of a cited event

    for citation in command.cited_events:
        problem = citation_problem(ctx.directory, citation)
        if problem is not None:
            raise Refused(ARTICLE, problem[0], problem[1], rule="713-41/cited-events")


def refuse_if_revoked(name: str, revoked: dict[str, Any] | None) -> None:
    """At any later entrustment or engagement, under either text: refused citing 713-41."""
    if revoked is not None:
        raise Refused(ARTICLE, f"{name}已于{format_time(revoked['at'])}被取消评估资格，不得再委托或者外聘其参与评估",
                      f"{name} lost the eligibility to evaluate at {format_time(revoked['at'])} and may not be "
                      "entrusted or engaged again", rule="713-41/eligibility-revoked")


def revocation(act: Act[R], provenance: dict[str, Any]) -> dict[str, Any]:
    """The revocation as the aggregate keeps it."""
    return {**act.command.model_dump(mode="json"), **provenance}
