"""The order of steps each text sets (NX-10; XX-10..13, XX-15), as named rules.

The evaluation case enforces these itself — they are invariants of its lifecycle, checked on
every command whether or not a rulebook is consulted — and raises them by name, so each refusal
carries a stable rule id, its article under the case's text, and its reasons in Chinese and
English. The rulebooks list them for traceability.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import Refused


@dataclass(frozen=True)
class ProcedureRule:
    id: str
    nx: str | None  # the article under NX, or None where NX has no such step
    xx: str | None
    zh: str
    en: str

    def articles(self) -> tuple[str, ...]:
        return tuple(a for a in (self.nx, self.xx) if a)

    def article(self, jurisdiction: str) -> str:
        chosen = self.nx if jurisdiction == "NX" else self.xx
        return chosen or self.articles()[0]

    def refusal(self, jurisdiction: str) -> Refused:
        return Refused(self.article(jurisdiction), self.zh, self.en, rule=f"procedure/{self.id}")


DECISION_OF_OTHER_TEXT = ProcedureRule(
    "decision-of-own-text", "NX-2", "XX-2",
    "该决策不适用本办法，不能依本办法评估",
    "the decision does not fall under this text",
)
NO_SIMPLIFIED_PROCEDURE = ProcedureRule(
    "no-simplified-procedure", "NX-10", None,
    "宁夏商务厅办法未规定简易程序", "the NX text has no simplified procedure",
)
SIMPLIFIED_NEEDS_REASON = ProcedureRule(
    "simplified-needs-reason", None, "XX-15",
    "采取简易程序应当说明实际需要", "choosing the simplified procedure needs its reason",
)
PARTIAL_SCOPE_PARTS = ProcedureRule(
    "partial-scope-parts", "NX-5", "XX-10",
    "部分评估应当列明评估的主要内容", "a partial evaluation must list the parts it covers",
)
CASE_CLOSED = ProcedureRule(
    "case-closed", "NX-10(2)", None,
    "厅决策机关已决定不开展评估，案件已结束",
    "the decision organ declined the evaluation; the case is closed",
)
TEAM_BEFORE_PLAN = ProcedureRule(
    "team-before-plan", "NX-10(1)", "XX-11(1)",
    "应当先成立评估小组，再制定评估方案", "form the evaluation team before submitting the plan",
)
PLAN_BEFORE_SURVEY = ProcedureRule(
    "plan-before-survey", "NX-10(1)", "XX-11(3)",
    "应当先制定评估方案，再制定调查提纲", "submit the plan before the survey outline",
)
PLAN_FROZEN_AFTER_APPROVAL = ProcedureRule(
    "plan-frozen-after-approval", "NX-10(2)", None,
    "评估方案已经厅决策机关审议，不得再修改", "the plan was already approved by the decision organ",
)
PLAN_BEFORE_APPROVAL = ProcedureRule(
    "plan-before-approval", "NX-10(2)", None,
    "提请厅决策机关审议前，应当成立评估小组、制定评估方案",
    "the plan must be submitted before the decision organ decides",
)
NO_APPROVAL_STEP = ProcedureRule(
    "no-approval-step", None, "XX-10",
    "息县办法不设决策机关审议是否开展评估的步骤，报告由县政府审定（息县办法第十三条第（四）项）",
    "the XX text has no approval step before evaluation; the county approves the report",
)
APPROVAL_BEFORE_WORK = ProcedureRule(
    "approval-before-work", "NX-10(2)", None,
    "厅决策机关研究审议决定开展评估之前，不得开展具体评估工作",
    "no evaluation work before the decision organ approves the evaluation",
)
PLAN_BEFORE_IMPLEMENTATION = ProcedureRule(
    "plan-before-implementation", None, "XX-11",
    "准备阶段制定评估方案之前，不得进入实施阶段",
    "the implementation phase cannot start before the plan exists",
)
EVIDENCE_CLOSED = ProcedureRule(
    "evidence-closed", "NX-10(3)", "XX-12",
    "证据收集已经结束，不得再记录评估工作",
    "the evidence phase is closed; no further evaluation work may be recorded",
)
REPORT_FINAL = ProcedureRule(
    "report-final", "NX-10(4)", "XX-13(3)",
    "评估报告已正式形成", "the report is already finalised",
)
CONCLUSION_BEFORE_DRAFT = ProcedureRule(
    "conclusion-before-draft", "NX-10(4)", "XX-13(1)",
    "得出初步结论之后方可起草评估报告", "draw a preliminary conclusion before drafting the report",
)
DRAFT_BEFORE_FINAL = ProcedureRule(
    "draft-before-final", "NX-10(4)", "XX-13(3)",
    "应当先起草评估报告", "draft the report before finalising it",
)
EVIDENCE_BEFORE_FINAL = ProcedureRule(
    "evidence-before-final", "NX-10(4)", "XX-13(3)",
    "证据收集结束之前不得正式形成评估报告",
    "close the evidence phase before finalising the report",
)
EXPERT_REVIEW_BEFORE_FINAL = ProcedureRule(
    "expert-review-before-final", None, "XX-13(2)",
    "正式形成报告前应当组织有关专家对报告进行论证",
    "experts must review a draft before the report is finalised",
)
NO_JUSTICE_REVIEW = ProcedureRule(
    "no-justice-review", "NX-10(4)", None,
    "宁夏商务厅办法未规定司法行政部门审核", "the NX text has no justice review",
)
JUSTICE_BEFORE_APPROVAL = ProcedureRule(
    "justice-before-approval", None, "XX-13(4)",
    "评估报告经司法行政等部门审核通过后，方可提交县政府审定",
    "the county approves the report only after the justice review has passed",
)
NO_REPORT_APPROVAL = ProcedureRule(
    "no-report-approval", "NX-12b", None,
    "宁夏商务厅办法由承办处室提请厅决策机关审议，不设报告审定",
    "under NX the report is submitted to the decision organ, not approved",
)
NO_SUBMISSION = ProcedureRule(
    "no-submission", None, "XX-13(4)",
    "息县办法的报告经司法行政部门审核后提交县政府审定",
    "under XX the report goes to justice review and county approval",
)
REPORT_REQUIRED = ProcedureRule(
    "report-required", "NX-12a", "XX-13(4)",
    "尚未正式形成评估报告", "there is no finalised report",
)
REPORT_OF_THIS_CASE = ProcedureRule(
    "report-of-this-case", "NX-12a", "XX-16",
    "所引用的报告不是本案正式形成的评估报告", "the report cited is not this case's finalised report",
)
SUBMISSION_BEFORE_RULING = ProcedureRule(
    "submission-before-ruling", "NX-12b", None,
    "承办处室提请厅决策机关审议之后，方可作出决定",
    "the decision organ rules after the report is submitted to it",
)
APPROVAL_BEFORE_RULING = ProcedureRule(
    "approval-before-ruling", None, "XX-16",
    "评估报告经县政府审定之后，方可作出决定", "the county rules after it has approved the report",
)
RULING_BEFORE_PUBLICATION = ProcedureRule(
    "ruling-before-publication", "NX-12a", None,
    "厅决策机关作出决定之后方可公开评估结果",
    "results are published after the decision organ's ruling",
)
APPROVAL_BEFORE_PUBLICATION = ProcedureRule(
    "approval-before-publication", None, "XX-17",
    "评估报告经县政府审定之后方可公开",
    "results are published after the county has approved the report",
)
CLASSIFIED_MATERIAL_SEALED = ProcedureRule(
    "classified-material-sealed", "NX-15", "XX-22",
    "涉及国家秘密、商业秘密、工作秘密及个人隐私的资料，其内容应当加密后签署，不得以明文记入账本",
    "a classified material's content is sealed (encrypted) before it is signed, never recorded in clear",
)
UNCLASSIFIED_MATERIAL_IN_CLEAR = ProcedureRule(
    "unclassified-material-in-clear", "NX-15", "XX-17",
    "未定密的资料内容应当明文记录，以便依法公开",
    "an unclassified material's content is recorded in clear, so that it can be published",
)
SHREDDING_OF_SEALED_MATERIAL = ProcedureRule(
    "shredding-of-sealed-material", "NX-15", "XX-22",
    "只能销毁本案已加密资料的密钥", "only the data key of a sealed material of this case can be destroyed",
)

ALL: tuple[ProcedureRule, ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, ProcedureRule)
)
