"""EvaluationCase: one tracking-feedback or post-evaluation (跟踪反馈与后评估) of one decision,
judged under one jurisdiction's text from the moment it opens.

The step order of both texts is enforced here; a step taken out of order is refused with the
article that sets the order:

* NX-10: (1) team and plan → (2) the decision organ approves the evaluation → (3) evaluation work
  and a preliminary conclusion → (4) the report, optionally reviewed by experts; then NX-12b
  submission to the decision organ and its ruling (NX-12a, NX-14).
* XX-10..13: preparation (team, plan, survey outline; XX-11) → implementation (information,
  surveys, forums, analysis, preliminary conclusion; XX-12) → conclusion (draft, expert review,
  formal report, justice review, county approval; XX-13); then XX-16 ruling and XX-17
  publication. XX-15's simplified procedure skips the preparation items, never the report.

Rules that do not concern order (plan completeness, preset conclusions, entrustment limits…)
belong to the rulebooks.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

from domain import case_events as ev
from domain.aggregate import Act, Context, LedgerAggregate
from domain.commands import case as c
from domain.errors import Conflict, MalformedInput, NotFound, NotPermitted, Refused
from domain.vocabulary import (
    CONTENT_ITEMS,
    PLAN_PARTS,
    REPORT_SECTIONS,
    TRIGGER_GROUNDS,
    Jurisdiction,
    Procedure,
    Role,
    Scope,
)


class Phase(StrEnum):
    PREPARATION = "preparation"  # 准备阶段 / 成立小组、制定方案
    AWAITING_APPROVAL = "awaiting_approval"  # NX-10(2) 提请厅决策机关审议
    DECLINED = "declined"  # 厅决策机关决定不开展评估
    IMPLEMENTATION = "implementation"  # 实施阶段 / 开展具体评估工作
    CONCLUSION = "conclusion"  # 结论形成阶段 / 形成评估报告
    REPORT_FINALISED = "report_finalised"  # 正式形成报告
    JUSTICE_REVIEW_PASSED = "justice_review_passed"  # XX-13(4) 司法行政部门审核通过
    REPORT_APPROVED = "report_approved"  # XX-13(4) 县政府审定
    SUBMITTED = "submitted"  # NX-12b 提请厅决策机关审议
    RULED = "ruled"  # NX-12a, NX-14, XX-16
    PUBLISHED = "published"  # XX-17


class EvaluationCase(LedgerAggregate):
    """评估案件."""

    TOPIC = "decision-ledger/EvaluationCase/v1"

    def __init__(self) -> None:
        self.decision_id: UUID | None = None
        self.jurisdiction = ""
        self.title = ""
        self.lead_unit = ""
        self.grounds: list[str] = []
        self.ground_statement = ""
        self.scope = Scope.WHOLE.value
        self.scope_parts: list[str] = []
        self.procedure = Procedure.STANDARD.value
        self.simplified_reason = ""
        self.opened: dict[str, Any] = {}
        self.team: dict[str, dict[str, Any]] = {}
        self.team_formed: dict[str, Any] | None = None
        self.plan: dict[str, Any] | None = None
        self.survey_plan: dict[str, Any] | None = None
        self.approval: dict[str, Any] | None = None
        self.declined: dict[str, Any] | None = None
        self.agencies: dict[str, dict[str, Any]] = {}
        self.experts: dict[str, dict[str, Any]] = {}
        self.materials: dict[str, dict[str, Any]] = {}
        self.activities: dict[str, dict[str, Any]] = {}
        self.opinions: dict[str, dict[str, Any]] = {}
        self.evidence_closed: dict[str, Any] | None = None
        self.conclusions: list[dict[str, Any]] = []
        self.drafts: dict[str, dict[str, Any]] = {}
        self.report: dict[str, Any] | None = None
        self.justice_review: dict[str, Any] | None = None
        self.report_approval: dict[str, Any] | None = None
        self.submission: dict[str, Any] | None = None
        self.ruling: dict[str, Any] | None = None
        self.publication: dict[str, Any] | None = None

    # --- where the case stands -------------------------------------------------------------

    @property
    def is_nx(self) -> bool:
        return self.jurisdiction == Jurisdiction.NX.value

    @property
    def is_simplified(self) -> bool:
        return self.procedure == Procedure.SIMPLIFIED.value

    @property
    def phase(self) -> Phase:
        if self.publication:
            return Phase.PUBLISHED
        if self.ruling:
            return Phase.RULED
        if self.declined:
            return Phase.DECLINED
        if self.submission:
            return Phase.SUBMITTED
        if self.report_approval:
            return Phase.REPORT_APPROVED
        if self.report_is_final:
            if self.justice_review and self.justice_review["status"] == "passed":
                return Phase.JUSTICE_REVIEW_PASSED
            return Phase.REPORT_FINALISED
        if self.evidence_closed or self.drafts:
            return Phase.CONCLUSION
        if self.work_open and (self.is_nx or self.is_simplified or self.work_recorded):
            return Phase.IMPLEMENTATION
        if self.is_nx and self.plan:
            return Phase.AWAITING_APPROVAL
        return Phase.PREPARATION

    @property
    def work_open(self) -> bool:
        """Whether evaluation work may be done: NX after approval (NX-10(2)); XX once the plan
        exists (XX-11), or at once on the simplified procedure (XX-15)."""
        if self.is_nx:
            return self.approval is not None
        return self.is_simplified or self.plan is not None

    @property
    def work_recorded(self) -> bool:
        """Whether implementation work has begun: XX's preparation phase lasts until then."""
        return bool(self.materials or self.activities or self.opinions or self.conclusions)

    @property
    def report_is_final(self) -> bool:
        """A report is final until a justice review returns it (XX-13(4))."""
        return self.report is not None and not (
            self.justice_review and self.justice_review["status"] == "returned"
        )

    def _art(self, nx: str, xx: str) -> str:
        return nx if self.is_nx else xx

    # --- who may act --------------------------------------------------------------------

    def is_lead_unit_staff(self, ctx: Context) -> bool:
        return ctx.has_role(Role.LEAD_UNIT) and ctx.actor.unit == self.lead_unit

    def is_evaluator(self, ctx: Context) -> bool:
        """承办处室 staff, team members, staff of an entrusted agency, engaged experts."""
        actor = ctx.actor
        agency_staff = (
            ctx.has_role(Role.AGENCY_STAFF)
            and actor.agency_id is not None
            and str(actor.agency_id) in self.agencies
        )
        return (
            self.is_lead_unit_staff(ctx)
            or str(actor.id) in self.team
            or agency_staff
            or str(actor.id) in self.experts
        )

    def _require_lead_unit(self, ctx: Context) -> None:
        ctx.require(
            self.is_lead_unit_staff(ctx),
            f"only staff of the lead unit {self.lead_unit} may take this step",
            self._art("NX-4", "XX-6"),
        )

    def _require_evaluator(self, ctx: Context) -> None:
        ctx.require(
            self.is_evaluator(ctx),
            "only the lead unit, the evaluation team, an entrusted agency or an engaged expert "
            "of this case may record evaluation work",
            self._art("NX-4", "XX-6"),
        )

    # --- order of steps -------------------------------------------------------------------

    def _require_not_closed(self) -> None:
        if self.declined:
            raise Refused(
                "NX-10(2)",
                "厅决策机关已决定不开展评估，案件已结束",
                "the decision organ declined the evaluation; the case is closed",
            )

    def _require_work_open(self) -> None:
        self._require_not_closed()
        if self.work_open:
            return
        if self.is_nx:
            raise Refused(
                "NX-10(2)",
                "厅决策机关研究审议决定开展评估之前，不得开展具体评估工作",
                "no evaluation work before the decision organ approves the evaluation",
            )
        raise Refused(
            "XX-11",
            "准备阶段制定评估方案之前，不得进入实施阶段",
            "the implementation phase cannot start before the plan exists",
        )

    def _require_evidence_open(self) -> None:
        if self.evidence_closed:
            raise Refused(
                self._art("NX-10(3)", "XX-12"),
                "证据收集已经结束，不得再记录评估工作",
                "the evidence phase is closed; no further evaluation work may be recorded",
            )

    def _require_report_open(self) -> None:
        if self.report_is_final:
            raise Refused(
                self._art("NX-10(4)", "XX-13(3)"),
                "评估报告已正式形成",
                "the report is already finalised",
            )

    def _require_current_report(self, report_id: UUID) -> None:
        if not self.report_is_final or self.report is None:
            raise Refused(
                self._art("NX-12a", "XX-13(4)"),
                "尚未正式形成评估报告",
                "there is no finalised report",
            )
        if self.report["report_id"] != report_id:
            raise Refused(
                self._art("NX-12a", "XX-16"),
                "所引用的报告不是本案正式形成的评估报告",
                f"report {report_id} is not this case's finalised report",
            )

    def _only(self, jurisdiction: Jurisdiction, article: str, zh: str, en: str) -> None:
        if self.jurisdiction != jurisdiction.value:
            raise Refused(article, zh, en)

    # --- opening and preparation -------------------------------------------------------------

    @classmethod
    def open(cls, act: Act[c.OpenCase], ctx: Context) -> EvaluationCase:
        """立案: bind the case to its jurisdiction and its text's trigger grounds."""
        command = act.command
        jurisdiction = command.jurisdiction
        decision = ctx.directory.find_decision(command.decision_id)
        if decision is None:
            raise NotFound(f"no decision {command.decision_id} is registered (NX-2, XX-3)")
        if decision.jurisdiction != jurisdiction.value:
            raise Refused(
                f"{jurisdiction.value}-2",
                f"该决策适用{decision.jurisdiction}办法，不能依{jurisdiction.value}办法评估",
                f"the decision falls under {decision.jurisdiction}, not {jurisdiction.value}",
            )
        ground_article = "NX-4" if jurisdiction is Jurisdiction.NX else "XX-9"
        foreign = [g for g in command.grounds if g not in TRIGGER_GROUNDS[jurisdiction]]
        if foreign:
            raise Refused(
                ground_article,
                f"评估情形{'、'.join(foreign)}不是本办法第{ground_article[3:]}条规定的情形",
                f"grounds {', '.join(foreign)} are not among {ground_article}'s grounds "
                f"({', '.join(TRIGGER_GROUNDS[jurisdiction])})",
            )
        if command.procedure is Procedure.SIMPLIFIED:
            if jurisdiction is Jurisdiction.NX:
                raise Refused(
                    "NX-10", "宁夏商务厅办法未规定简易程序", "the NX text has no simplified procedure"
                )
            if not command.simplified_reason.strip():
                raise Refused(
                    "XX-15",
                    "采取简易程序应当说明实际需要",
                    "choosing the simplified procedure needs its reason",
                )
        if command.scope is Scope.PARTIAL and not command.scope_parts:
            raise Refused(
                "NX-5" if jurisdiction is Jurisdiction.NX else "XX-10",
                "部分评估应当列明评估的主要内容",
                "a partial evaluation must list the parts it covers",
            )
        ctx.require(
            ctx.has_role(Role.LEAD_UNIT) and ctx.actor.unit == command.lead_unit,
            f"only staff of {command.lead_unit} may open its evaluation",
            "NX-4" if jurisdiction is Jurisdiction.NX else "XX-6",
        )
        return cls._record_creation(cls.Opened, act)

    def form_team(self, act: Act[c.FormTeam], ctx: Context) -> None:
        """成立评估小组 (NX-10(1), XX-11(1))."""
        self._require_not_closed()
        self._require_lead_unit(ctx)
        self._require_evidence_open()
        ids = [member.principal_id for member in act.command.members]
        if len(set(ids)) != len(ids):
            raise MalformedInput("a person appears twice in the team")
        for principal_id in ids:
            if ctx.directory.find_principal(principal_id) is None:
                raise NotFound(f"no principal {principal_id} is registered")
        self._record(self.TeamFormed, act)

    def submit_plan(self, act: Act[c.SubmitPlan], ctx: Context) -> None:
        """制定评估方案 (NX-10(1), XX-11(2))."""
        self._require_not_closed()
        ctx.require(
            self.is_lead_unit_staff(ctx) or str(ctx.actor.id) in self.team,
            "only the lead unit or the evaluation team may submit the plan",
            self._art("NX-10(1)", "XX-11(1)"),
        )
        if self.team_formed is None and not self.is_simplified:
            raise Refused(
                self._art("NX-10(1)", "XX-11(1)"),
                "应当先成立评估小组，再制定评估方案",
                "form the evaluation team before submitting the plan",
            )
        if self.is_nx and self.approval:
            raise Refused(
                "NX-10(2)",
                "评估方案已经厅决策机关审议，不得再修改",
                "the plan was already approved by the decision organ",
            )
        self._require_evidence_open()
        jurisdiction = Jurisdiction(self.jurisdiction)
        unknown = sorted(set(act.command.parts) - set(PLAN_PARTS[jurisdiction]))
        if unknown:
            raise MalformedInput(
                f"unknown plan parts {', '.join(unknown)}; "
                f"{self._art('NX-10(1)', 'XX-11(2)')} parts are {', '.join(PLAN_PARTS[jurisdiction])}"
            )
        foreign = [i for i in act.command.content_items if i not in CONTENT_ITEMS[jurisdiction]]
        if foreign:
            article = self._art("NX-6", "XX-8")
            raise Refused(
                article,
                f"评估内容{'、'.join(foreign)}不是{article}规定的内容",
                f"content items {', '.join(foreign)} are not among {article}'s items",
            )
        self._record(self.PlanSubmitted, act)

    def prepare_survey(self, act: Act[c.PrepareSurvey], ctx: Context) -> None:
        """制定调查提纲，设计调查问卷 (XX-11(3))."""
        self._require_not_closed()
        self._require_evaluator(ctx)
        if self.plan is None and not self.is_simplified:
            raise Refused(
                self._art("NX-10(1)", "XX-11(3)"),
                "应当先制定评估方案，再制定调查提纲",
                "submit the plan before the survey outline",
            )
        self._require_evidence_open()
        self._record(self.SurveyPrepared, act)

    def approve_evaluation(self, act: Act[c.ApproveEvaluation], ctx: Context) -> None:
        """厅决策机关决定开展评估 (NX-10(2))."""
        self._decide_on_evaluation()
        self._record(self.EvaluationApproved, act)

    def decline_evaluation(self, act: Act[c.DeclineEvaluation], ctx: Context) -> None:
        """厅决策机关决定不开展评估 (NX-10(2))."""
        self._decide_on_evaluation()
        self._record(self.EvaluationDeclined, act)

    def _decide_on_evaluation(self) -> None:
        self._only(
            Jurisdiction.NX,
            "XX-10",
            "息县办法不设决策机关审议是否开展评估的步骤，报告由县政府审定（XX-13(4)）",
            "the XX text has no approval step before evaluation; the county approves the report",
        )
        self._require_not_closed()
        if self.plan is None:
            raise Refused(
                "NX-10(2)",
                "提请厅决策机关审议前，应当成立评估小组、制定评估方案",
                "the plan must be submitted before the decision organ decides",
            )
        if self.approval:
            raise Conflict("the decision organ has already approved this evaluation")

    def entrust_agency(self, act: Act[c.EntrustAgency], ctx: Context) -> None:
        """委托第三方机构评估 (NX-4, XX-20)."""
        self._require_not_closed()
        self._require_lead_unit(ctx)
        self._require_evidence_open()
        agency_id = act.command.agency_id
        if ctx.directory.find_agency(agency_id) is None:
            raise NotFound(f"no agency {agency_id} is registered")
        if str(agency_id) in self.agencies:
            raise Conflict(f"agency {agency_id} is already entrusted on this case")
        self._record(self.AgencyEntrusted, act)

    def engage_expert(self, act: Act[c.EngageExpert], ctx: Context) -> None:
        """外聘专家 (NX-4, XX-20)."""
        self._require_not_closed()
        self._require_report_open()
        command = act.command
        if command.agency_id is not None and str(command.agency_id) not in self.agencies:
            raise NotFound(f"agency {command.agency_id} is not entrusted on this case")
        by_agency = (
            command.agency_id is not None
            and ctx.has_role(Role.AGENCY_STAFF)
            and ctx.actor.agency_id == command.agency_id
        )
        ctx.require(
            self.is_lead_unit_staff(ctx) or by_agency,
            "experts are engaged by the lead unit, or by an entrusted agency under its entrustment",
            self._art("NX-4", "XX-20"),
        )
        expert = ctx.directory.find_principal(command.expert_id)
        if expert is None:
            raise NotFound(f"no principal {command.expert_id} is registered")
        if not expert.has_role(Role.EXPERT):
            raise NotPermitted(f"{expert.name} is not registered as an expert")
        if str(command.expert_id) in self.experts:
            raise Conflict(f"{expert.name} is already engaged on this case")
        self._record(self.ExpertEngaged, act)

    # --- evaluation work ---------------------------------------------------------------------

    def _require_work(self, ctx: Context) -> None:
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_evidence_open()

    def _require_new(self, registry: dict[str, Any], item_id: UUID, what: str) -> None:
        if str(item_id) in registry:
            raise Conflict(f"{what} {item_id} is already recorded on this case")

    def collect_material(self, act: Act[c.CollectMaterial], ctx: Context) -> None:
        """收集信息资料 (NX-9, XX-12(1))."""
        self._require_work(ctx)
        self._require_new(self.materials, act.command.material_id, "material")
        self._record(self.MaterialCollected, act)

    def exclude_material(self, act: Act[c.ExcludeMaterial], ctx: Context) -> None:
        """剔除资料 (NX-9, XX-7): the exclusion names its reason and who chose it."""
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_report_open()
        material = self.materials.get(str(act.command.material_id))
        if material is None:
            raise NotFound(f"no material {act.command.material_id} on this case")
        if material["excluded"]:
            raise Conflict(f"material {act.command.material_id} is already excluded")
        self._record(self.MaterialExcluded, act)

    def _record_activity(self, event: type[ev.LedgerEvent], act: Act[Any], ctx: Context) -> None:
        self._require_work(ctx)
        command = act.command
        self._require_new(self.activities, getattr(command, event.ID_FIELD), "activity")  # type: ignore[attr-defined]
        start, end = getattr(command, "period_from", None), getattr(command, "period_to", None)
        if start and end and start > end:
            raise MalformedInput(f"period_from {start} is after period_to {end}")
        self._record(event, act)

    def conduct_survey(self, act: Act[c.ConductSurvey], ctx: Context) -> None:
        """问卷调查 (NX-10(3), XX-12(2), XX-15)."""
        self._record_activity(self.SurveyConducted, act, ctx)

    def hold_forum(self, act: Act[c.HoldForum], ctx: Context) -> None:
        """召开座谈会 (NX-10(3), XX-12(2), XX-15)."""
        self._record_activity(self.ForumHeld, act, ctx)

    def hold_hearing(self, act: Act[c.HoldHearing], ctx: Context) -> None:
        """召开论证会 (NX-10(3), XX-12(2), XX-15)."""
        self._record_activity(self.HearingHeld, act, ctx)

    def visit_site(self, act: Act[c.VisitSite], ctx: Context) -> None:
        """实地调研 (NX-10(3), XX-12(2))."""
        self._record_activity(self.SiteVisited, act, ctx)

    def solicit_opinions(self, act: Act[c.SolicitOpinions], ctx: Context) -> None:
        """征求意见 (XX-15)."""
        self._record_activity(self.OpinionsSolicited, act, ctx)

    def record_opinion(self, act: Act[c.RecordOpinion], ctx: Context) -> None:
        """记录意见 (NX-9, XX-7)."""
        self._require_work(ctx)
        self._require_new(self.opinions, act.command.opinion_id, "opinion")
        via = act.command.via
        if via is not None and str(via) not in self.activities:
            raise NotFound(f"no survey, meeting or consultation {via} on this case")
        self._record(self.OpinionRecorded, act)

    def close_evidence(self, act: Act[c.CloseEvidence], ctx: Context) -> None:
        """证据收集结束."""
        self._require_work_open()
        leader = self.team.get(str(ctx.actor.id), {}).get("team_role") == "leader"
        ctx.require(
            self.is_lead_unit_staff(ctx) or leader,
            "the lead unit or the team leader closes the evidence phase",
            self._art("NX-10(3)", "XX-12"),
        )
        self._require_evidence_open()
        self._record(self.EvidenceClosed, act)

    def draw_conclusion(self, act: Act[c.DrawConclusion], ctx: Context) -> None:
        """得出初步结论 (NX-10(3), XX-12(3))."""
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_report_open()
        self._record(self.ConclusionDrawn, act)

    # --- report -------------------------------------------------------------------------

    def _check_sections(self, sections: dict[str, str]) -> None:
        jurisdiction = Jurisdiction(self.jurisdiction)
        unknown = sorted(set(sections) - set(REPORT_SECTIONS[jurisdiction]))
        if unknown:
            article = self._art("NX-7", "XX-14")
            raise Refused(
                article,
                f"报告章节{'、'.join(unknown)}不是{article}规定的内容",
                f"report sections {', '.join(unknown)} are not among {article}'s sections "
                f"({', '.join(REPORT_SECTIONS[jurisdiction])})",
            )

    def draft_report(self, act: Act[c.DraftReport], ctx: Context) -> None:
        """起草评估报告 (NX-10(4), XX-13(1))."""
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_report_open()
        if not self.conclusions:
            raise Refused(
                self._art("NX-10(4)", "XX-13(1)"),
                "得出初步结论之后方可起草评估报告",
                "draw a preliminary conclusion before drafting the report",
            )
        self._require_new(self.drafts, act.command.draft_id, "draft")
        self._check_sections(act.command.sections)
        self._record(self.ReportDrafted, act)

    def give_expert_opinion(self, act: Act[c.GiveExpertOpinion], ctx: Context) -> None:
        """专家论证 (NX-10(4), XX-13(2)): each expert signs their own opinion."""
        self._require_report_open()
        draft = self.drafts.get(str(act.command.draft_id))
        if draft is None:
            raise NotFound(f"no draft report {act.command.draft_id} on this case")
        actor_id = str(ctx.actor.id)
        ctx.require(
            ctx.has_role(Role.EXPERT) and (actor_id in self.experts or actor_id in self.team),
            "only an expert engaged on this case or on its team may review the report",
            self._art("NX-10(4)", "XX-13(2)"),
        )
        if actor_id in draft["expert_opinions"]:
            raise Conflict("this expert has already given an opinion on this draft")
        self._record(self.ExpertOpinionGiven, act)

    def finalise_report(self, act: Act[c.FinaliseReport], ctx: Context) -> None:
        """正式形成评估报告 (NX-10(4), XX-13(3))."""
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_report_open()
        if not self.drafts:
            raise Refused(
                self._art("NX-10(4)", "XX-13(3)"),
                "应当先起草评估报告",
                "draft the report before finalising it",
            )
        if not self.evidence_closed:
            raise Refused(
                self._art("NX-10(4)", "XX-13(3)"),
                "证据收集结束之前不得正式形成评估报告",
                "close the evidence phase before finalising the report",
            )
        reviewed = any(draft["expert_opinions"] for draft in self.drafts.values())
        if not self.is_nx and not self.is_simplified and not reviewed:
            raise Refused(
                "XX-13(2)",
                "正式形成报告前应当组织有关专家对报告进行论证",
                "experts must review a draft before the report is finalised",
            )
        if self.report and self.report["report_id"] == act.command.report_id:
            raise Conflict("a report returned by the justice review is finalised under a new id")
        self._check_sections(act.command.sections)
        self._record(self.ReportFinalised, act)

    def pass_justice_review(self, act: Act[c.PassJusticeReview], ctx: Context) -> None:
        """司法行政部门审核通过 (XX-13(4))."""
        self._justice_review(act.command.report_id)
        self._record(self.JusticeReviewPassed, act)

    def return_justice_review(self, act: Act[c.ReturnJusticeReview], ctx: Context) -> None:
        """司法行政部门审核退回 (XX-13(4))."""
        self._justice_review(act.command.report_id)
        self._record(self.JusticeReviewReturned, act)

    def _justice_review(self, report_id: UUID) -> None:
        self._only(
            Jurisdiction.XX,
            "NX-10(4)",
            "宁夏商务厅办法未规定司法行政部门审核",
            "the NX text has no justice review",
        )
        self._require_current_report(report_id)
        if self.justice_review:
            raise Conflict("the justice review of this report is already recorded")

    def approve_report(self, act: Act[c.ApproveReport], ctx: Context) -> None:
        """县政府审定 (XX-13(4)): only after the justice review has passed."""
        self._only(
            Jurisdiction.XX,
            "NX-12b",
            "宁夏商务厅办法由承办处室提请厅决策机关审议，不设报告审定",
            "under NX the report is submitted to the decision organ, not approved",
        )
        self._require_current_report(act.command.report_id)
        if not (self.justice_review and self.justice_review["status"] == "passed"):
            raise Refused(
                "XX-13(4)",
                "评估报告经司法行政等部门审核通过后，方可提交县政府审定",
                "the county approves the report only after the justice review has passed",
            )
        if self.report_approval:
            raise Conflict("the report is already approved")
        self._record(self.ReportApproved, act)

    def submit_report(self, act: Act[c.SubmitReport], ctx: Context) -> None:
        """提请厅决策机关审议 (NX-12b)."""
        self._only(
            Jurisdiction.NX,
            "XX-13(4)",
            "息县办法的报告经司法行政部门审核后提交县政府审定",
            "under XX the report goes to justice review and county approval",
        )
        self._require_lead_unit(ctx)
        self._require_current_report(act.command.report_id)
        if self.submission:
            raise Conflict("the report is already submitted")
        self._record(self.ReportSubmitted, act)

    # --- results ------------------------------------------------------------------------

    def record_ruling(self, act: Act[c.RecordRuling], ctx: Context) -> None:
        """决策机关的决定 (NX-12a, NX-14, XX-16)."""
        self._require_current_report(act.command.report_id)
        if self.is_nx and not self.submission:
            raise Refused(
                "NX-12b",
                "承办处室提请厅决策机关审议之后，方可作出决定",
                "the decision organ rules after the report is submitted to it",
            )
        if not self.is_nx and not self.report_approval:
            raise Refused(
                "XX-16",
                "评估报告经县政府审定之后，方可作出决定",
                "the county rules after it has approved the report",
            )
        if self.ruling:
            raise Conflict("a ruling is already recorded on this case")
        self._record(self.RulingRecorded, act)

    def publish_results(self, act: Act[c.PublishResults], ctx: Context) -> None:
        """公开评估结果 (XX-17)."""
        self._require_lead_unit(ctx)
        self._require_current_report(act.command.report_id)
        if self.is_nx and not self.ruling:
            raise Refused(
                "NX-12a",
                "厅决策机关作出决定之后方可公开评估结果",
                "results are published after the decision organ's ruling",
            )
        if not self.is_nx and not self.report_approval:
            raise Refused(
                "XX-17",
                "评估报告经县政府审定之后方可公开",
                "results are published after the county has approved the report",
            )
        if self.publication:
            raise Conflict("the results are already published")
        unknown = [m for m in act.command.withheld_material_ids if str(m) not in self.materials]
        if unknown:
            raise NotFound(f"withheld materials not on this case: {', '.join(map(str, unknown))}")
        self._record(self.ResultsPublished, act)

    # --- events -----------------------------------------------------------------------------

    Opened = ev.Opened
    TeamFormed = ev.TeamFormed
    PlanSubmitted = ev.PlanSubmitted
    SurveyPrepared = ev.SurveyPrepared
    EvaluationApproved = ev.EvaluationApproved
    EvaluationDeclined = ev.EvaluationDeclined
    AgencyEntrusted = ev.AgencyEntrusted
    ExpertEngaged = ev.ExpertEngaged
    MaterialCollected = ev.MaterialCollected
    MaterialExcluded = ev.MaterialExcluded
    SurveyConducted = ev.SurveyConducted
    ForumHeld = ev.ForumHeld
    HearingHeld = ev.HearingHeld
    SiteVisited = ev.SiteVisited
    OpinionsSolicited = ev.OpinionsSolicited
    OpinionRecorded = ev.OpinionRecorded
    EvidenceClosed = ev.EvidenceClosed
    ConclusionDrawn = ev.ConclusionDrawn
    ReportDrafted = ev.ReportDrafted
    ExpertOpinionGiven = ev.ExpertOpinionGiven
    ReportFinalised = ev.ReportFinalised
    JusticeReviewPassed = ev.JusticeReviewPassed
    JusticeReviewReturned = ev.JusticeReviewReturned
    ReportApproved = ev.ReportApproved
    ReportSubmitted = ev.ReportSubmitted
    RulingRecorded = ev.RulingRecorded
    ResultsPublished = ev.ResultsPublished
