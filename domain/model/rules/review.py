"""The justice review of the report (XX-6, XX-13(4)), kept apart from the evaluation.

XX-6 决策执行单位负责跟踪反馈与后评估工作的具体实施……县司法行政部门负责评估报告的审核. The text gives the
evaluation and the review of its report to different bodies, and XX-5 asks the work to be 独立、客观、
公正: a person who took part in the evaluation — on its team (an invited 法律专家 included), as staff
of an entrusted agency, as an engaged expert, or by signing its work on the case (the plan, a material,
an activity, an opinion, a conclusion, a draft, the report) — does not review the report they helped make. Holding
the lead-unit role is not taking part: the 县司法局 may itself be the 决策执行单位 of a decision, and
its reviewer who did none of the work still reviews (the text names no other reviewer).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domain.model.aggregate import Context
from domain.model.rules.base import Judgement, Refuse, Rule
from domain.model.rules.common import rule_of
from domain.model.vocabulary import Jurisdiction

REVIEW_ACTIONS = {"case.pass_justice_review", "case.return_justice_review"}


def review_apart_from_evaluation(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-6 县司法行政部门负责评估报告的审核: the reviewer took no part in the evaluation."""

    @rule_of(jurisdiction, "review-apart-from-evaluation", (article,), "参与本案评估的人员不得审核本案评估报告",
             "who took part in the evaluation does not review its report", "refuse", REVIEW_ACTIONS)
    def check(j: Judgement) -> Iterator[Refuse]:
        if took_part(j.the_case, j.ctx):
            yield Refuse(
                "评估由决策执行单位具体实施，报告由县司法行政部门审核：审核人员参与了本案评估（评估小组成员、"
                "受委托评估机构人员、外聘专家，或者记录了本案评估工作），不得审核本案评估报告",
                "the reviewer took part in this evaluation (team member, entrusted agency staff, engaged "
                "expert, or signer of its work) and may not review its report",
            )

    return check


def took_part(case: Any, ctx: Context) -> bool:
    """On the team, for an entrusted agency, as an engaged expert, or the signer of evaluation work."""
    actor = str(ctx.actor.id)
    if actor in case.team or case.acting_agency(ctx) is not None or actor in case.experts:
        return True
    signed = [m["collected"] for m in case.materials.values()] + [m["excluded"] for m in case.materials.values()
                                                                   if m.get("excluded")]
    signed += [*case.activities.values(), *case.opinions.values(), *case.conclusions, *case.drafts.values()]
    signed += [entry for entry in (case.plan, case.survey_plan, case.report) if entry]
    signed += [opinion for draft in case.drafts.values() for opinion in draft.get("expert_opinions", {}).values()]
    return any(str(entry.get("by")) == actor for entry in signed)
