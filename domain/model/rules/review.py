"""The justice review of the report (XX-6, XX-13(4)), kept apart from the evaluation.

XX-6 决策执行单位负责跟踪反馈与后评估工作的具体实施……县司法行政部门负责评估报告的审核. The text gives the
evaluation and the review of its report to different bodies, and XX-5 asks the work to be 独立、客观、
公正: a person who took part in the evaluation — on its team (an invited 法律专家 included), as staff
of an entrusted agency, or as an engaged expert — does not review the report they helped make.
"""

from __future__ import annotations

from collections.abc import Iterator

from domain.model.rules.base import Judgement, Refuse, Rule
from domain.model.rules.common import rule_of
from domain.model.vocabulary import Jurisdiction

REVIEW_ACTIONS = {"case.pass_justice_review", "case.return_justice_review"}


def review_apart_from_evaluation(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-6 县司法行政部门负责评估报告的审核: the reviewer took no part in the evaluation."""

    @rule_of(jurisdiction, "review-apart-from-evaluation", (article,), "参与本案评估的人员不得审核本案评估报告",
             "who took part in the evaluation does not review its report", "refuse", REVIEW_ACTIONS)
    def check(j: Judgement) -> Iterator[Refuse]:
        if j.the_case.is_evaluator(j.ctx):
            yield Refuse(
                "评估由决策执行单位具体实施，报告由县司法行政部门审核：审核人员参与了本案评估（评估小组成员、"
                "受委托评估机构人员或者外聘专家），不得审核本案评估报告",
                "the reviewer took part in this evaluation (team member, entrusted agency staff or engaged "
                "expert) and may not review its report",
            )

    return check
