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

from uuid import UUID

from domain.errors import Conflict, MalformedInput, NotFound, NotPermitted
from domain.model import case_events as ev
from domain.model import evidence_work, fault
from domain.model import process_record as pr
from domain.model import publication as pub
from domain.model import supply as supplying  # issue 18 — duty to supply (XX-6)
from domain.model.acts import Act
from domain.model.agency import Agency
from domain.model.aggregate import Context
from domain.model.case_state import CaseState, Phase
from domain.model.commands import case as c
from domain.model.commands import evidence as evc
from domain.model.commands import findings as fc
from domain.model.commands import supply as sc  # issue 18 — duty to supply (XX-6)
from domain.model.commands.fault import ConfirmDecisionFault
from domain.model.decision import Decision
from domain.model.eligibility import refuse_if_revoked
from domain.model.principal import Principal
from domain.model.rules import procedure as P
from domain.model.sealing import Place, open_with
from domain.model.vocabulary import Classification, Jurisdiction, Procedure, Role, Scope

__all__ = ["EvaluationCase", "Phase"]  # Phase: where a case stands, from domain.model.case_state


class EvaluationCase(CaseState):
    """评估案件: the steps of a case, each checked and recorded as its event."""

    TOPIC = "decision-ledger/EvaluationCase/v1"

    # --- opening and preparation -------------------------------------------------------------

    @classmethod
    def open(cls, act: Act[c.OpenCase], ctx: Context) -> EvaluationCase:
        """立案: bind the case to its jurisdiction (its grounds are judged by the rulebook)."""
        command = act.command
        jurisdiction = command.jurisdiction.value
        decision = ctx.directory.find(command.decision_id, Decision)
        if decision is None:
            raise NotFound(f"决策 {command.decision_id} 未登记 / no decision {command.decision_id} is registered (NX-2, XX-3)")
        if decision.jurisdiction != jurisdiction:
            raise P.DECISION_OF_OTHER_TEXT.refusal(jurisdiction)
        if command.procedure is Procedure.SIMPLIFIED:
            if command.jurisdiction is Jurisdiction.NX:
                raise P.NO_SIMPLIFIED_PROCEDURE.refusal(jurisdiction)
            if not command.simplified_reason.strip():
                raise P.SIMPLIFIED_NEEDS_REASON.refusal(jurisdiction)
        if command.scope is Scope.PARTIAL and not command.scope_parts:
            raise P.PARTIAL_SCOPE_PARTS.refusal(jurisdiction)
        ctx.require(
            ctx.has_role(Role.LEAD_UNIT) and ctx.actor.unit == command.lead_unit,
            f"只有{command.lead_unit}的人员可以启动其评估", f"only staff of {command.lead_unit} may open its evaluation",
            "NX-4" if command.jurisdiction is Jurisdiction.NX else "XX-6",
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
            if ctx.directory.find(principal_id, Principal) is None:
                raise NotFound(f"人员 {principal_id} 未登记 / no principal {principal_id} is registered")
        self._record(self.TeamFormed, act)

    def submit_plan(self, act: Act[c.SubmitPlan], ctx: Context) -> None:
        """制定评估方案 (NX-10(1), XX-11(2))."""
        self._require_not_closed()
        ctx.require(
            self.is_lead_unit_staff(ctx) or str(ctx.actor.id) in self.team,
            "只有承办单位或评估小组可以制定评估方案", "only the lead unit or the evaluation team may submit the plan",
            self._art("NX-10(1)", "XX-11(1)"),
        )
        if self.team_formed is None and not self.is_simplified:
            raise self._refuse(P.TEAM_BEFORE_PLAN)
        if self.is_nx and self.approval:
            raise self._refuse(P.PLAN_FROZEN_AFTER_APPROVAL)
        self._require_evidence_open()
        self._record(self.PlanSubmitted, act)

    def prepare_survey(self, act: Act[c.PrepareSurvey], ctx: Context) -> None:
        """制定调查提纲，设计调查问卷 (XX-11(3))."""
        self._require_not_closed()
        self._require_evaluator(ctx)
        if self.plan is None and not self.is_simplified:
            raise self._refuse(P.PLAN_BEFORE_SURVEY)
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
        self._only(Jurisdiction.NX, P.NO_APPROVAL_STEP)
        self._require_not_closed()
        if self.plan is None:
            raise self._refuse(P.PLAN_BEFORE_APPROVAL)
        if self.approval:
            raise Conflict("决策机关已决定开展此评估 / the decision organ has already approved this evaluation")

    def entrust_agency(self, act: Act[c.EntrustAgency], ctx: Context) -> None:
        """委托第三方机构评估 (NX-4, XX-20)."""
        self._require_not_closed()
        self._require_lead_unit(ctx)
        self._require_evidence_open()
        agency_id = act.command.agency_id
        agency = ctx.directory.find(agency_id, Agency)
        if agency is None:
            raise NotFound(f"评估机构 {agency_id} 未登记 / no agency {agency_id} is registered")
        refuse_if_revoked(agency.name, agency.eligibility_revoked)  # 713-41, under either text
        if str(agency_id) in self.agencies:
            raise Conflict(f"评估机构 {agency_id} 已受托 / agency {agency_id} is already entrusted on this case")
        self._record(self.AgencyEntrusted, act)

    def engage_expert(self, act: Act[c.EngageExpert], ctx: Context) -> None:
        """外聘专家 (NX-4, XX-20)."""
        self._require_not_closed()
        self._require_report_open()
        command = act.command
        if command.agency_id is not None and str(command.agency_id) not in self.agencies:
            raise NotFound(f"评估机构未受托本案 / agency {command.agency_id} is not entrusted on this case")
        by_agency = command.agency_id is not None and self.acting_agency(ctx) == command.agency_id
        ctx.require(
            self.is_lead_unit_staff(ctx) or by_agency,
            "专家由承办单位或受委托机构外聘", "experts are engaged by the lead unit, or by an entrusted agency under its entrustment",
            self._art("NX-4", "XX-20"),
        )
        expert = ctx.directory.find(command.expert_id, Principal)
        if expert is None:
            raise NotFound(f"人员 {command.expert_id} 未登记 / no principal {command.expert_id} is registered")
        if not expert.has_role(Role.EXPERT):
            raise NotPermitted(f"{expert.name} 未登记为专家", f"{expert.name} is not registered as an expert")
        refuse_if_revoked(expert.name, expert.eligibility_revoked)  # 713-41, under either text
        if str(command.expert_id) in self.experts:
            raise Conflict(f"{expert.name}已受聘本案 / {expert.name} is already engaged on this case")
        self._record(self.ExpertEngaged, act)

    def hand_over_work(self, act: Act[c.HandOverWork], ctx: Context) -> None:
        """转交委托事项: never recorded. The rulebook refuses an entrusted agency's attempt and
        records it as a finding (NX-4, XX-20); anyone else holds no entrusted work to hand on."""
        raise NotPermitted(
            "只有受委托机构承担委托事项，且不得转交", "only an entrusted agency holds entrusted work, and it may not hand it on",
            article=self._art("NX-4", "XX-20"),
        )

    # --- evaluation work ---------------------------------------------------------------------

    def collect_material(self, act: Act[c.CollectMaterial], ctx: Context) -> None:
        """收集信息资料 (NX-9, XX-12(1))."""
        self._require_work(ctx)
        self._require_new(self.materials, act.command.material_id, "material")
        classified = act.command.classification != Classification.NONE
        if classified and act.command.sealed is None:
            # ARTICLE: NX-15, XX-22 — classified content never enters the ledger in clear
            raise P.CLASSIFIED_MATERIAL_SEALED.refusal(self.jurisdiction)
        if not classified and act.command.sealed is not None:
            raise P.UNCLASSIFIED_MATERIAL_IN_CLEAR.refusal(self.jurisdiction)
        if act.command.sealed is not None and ctx.keyring is not None:
            content = open_with(ctx.keyring, act.command.sealed.model_dump(),
                                Place(self.id, act.command.material_id))
            try:
                c.MaterialContent.model_validate(content)
            except ValueError as error:
                raise MalformedInput(f"sealed material content: {error}") from None
        self._record(self.MaterialCollected, act)

    def record_shredding(self, act: Act[c.RecordShredding], ctx: Context) -> None:
        """销毁个人信息 (NX-15, XX-22): record who asked for a sealed material's data key to be
        destroyed, and why. The key itself lives outside the ledger; the caller destroys it once
        this is stored."""
        material = self.materials.get(str(act.command.material_id))
        if material is None:
            raise NotFound(f"本案没有该资料 / no material {act.command.material_id} on this case")
        sealed = material.get("sealed")
        if sealed is None or sealed["kid"] != act.command.kid:
            raise P.SHREDDING_OF_SEALED_MATERIAL.refusal(self.jurisdiction)
        if material.get("shredded"):
            raise Conflict(f"该资料已销毁 / material {act.command.material_id} is already shredded")
        self._record(self.MaterialShredded, act)

    def exclude_material(self, act: Act[c.ExcludeMaterial], ctx: Context) -> None:
        """剔除资料 (NX-9, XX-7): the exclusion names its reason and who chose it."""
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_report_open()
        material = self.materials.get(str(act.command.material_id))
        if material is None:
            raise NotFound(f"本案没有该资料 / no material {act.command.material_id} on this case")
        if material["excluded"]:
            raise Conflict(f"该资料已剔除 / material {act.command.material_id} is already excluded")
        self._record(self.MaterialExcluded, act)

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
            raise NotFound(f"本案没有该调查或会议 / no survey, meeting or consultation {via} on this case")
        self._record(self.OpinionRecorded, act)

    def close_evidence(self, act: Act[c.CloseEvidence], ctx: Context) -> None:
        """证据收集结束."""
        self._require_work_open()
        ctx.require(
            self.is_lead_unit_staff(ctx) or self.is_team_leader(ctx),
            "由承办单位或评估小组组长结束证据收集", "the lead unit or the team leader closes the evidence phase",
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

    # issue 18 — evidence (NX-9, XX-7): interim findings and a stance confirmed by a second person

    def record_interim_finding(self, act: Act[evc.RecordInterimFinding], ctx: Context) -> None:
        """记录阶段性发现 (NX-9, XX-7): while the evidence is open; never judged as a conclusion."""
        self._require_work(ctx)
        evidence_work.check_interim(self, act)
        self._record(self.InterimFindingRecorded, act)

    def confirm_stance(self, act: Act[evc.ConfirmStance], ctx: Context) -> None:
        """核实资料立场 (NX-9, XX-7): a second person, not the collector."""
        self._require_evaluator(ctx)
        self._require_report_open()
        evidence_work.check_stance_confirmation(self, act, ctx)
        self._record(self.StanceConfirmed, act)

    # --- report -------------------------------------------------------------------------

    def draft_report(self, act: Act[c.DraftReport], ctx: Context) -> None:
        """起草评估报告 (NX-10(4), XX-13(1))."""
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_report_open()
        if not self.conclusions:
            raise self._refuse(P.CONCLUSION_BEFORE_DRAFT)
        self._require_new(self.drafts, act.command.draft_id, "draft")
        self._record(self.ReportDrafted, act)

    def give_expert_opinion(self, act: Act[c.GiveExpertOpinion], ctx: Context) -> None:
        """专家论证 (NX-10(4), XX-13(2)): each expert signs their own opinion."""
        self._require_report_open()
        draft = self.drafts.get(str(act.command.draft_id))
        if draft is None:
            raise NotFound(f"本案没有该报告稿 / no draft report {act.command.draft_id} on this case")
        actor_id = str(ctx.actor.id)
        ctx.require(
            ctx.has_role(Role.EXPERT) and (actor_id in self.experts or actor_id in self.team),
            "只有本案外聘或小组中的专家可以论证报告", "only an expert engaged on this case or on its team may review the report",
            self._art("NX-10(4)", "XX-13(2)"),
        )
        if actor_id in draft["expert_opinions"]:
            raise Conflict("该专家已对此稿发表意见 / this expert has already given an opinion on this draft")
        self._record(self.ExpertOpinionGiven, act)

    def finalise_report(self, act: Act[c.FinaliseReport], ctx: Context) -> None:
        """正式形成评估报告 (NX-10(4), XX-13(3))."""
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_report_open()
        if not self.drafts:
            raise self._refuse(P.DRAFT_BEFORE_FINAL)
        if not self.evidence_closed:
            raise self._refuse(P.EVIDENCE_BEFORE_FINAL)
        reviewed = any(draft["expert_opinions"] for draft in self.drafts.values())
        if not self.is_nx and not self.is_simplified and not reviewed:
            raise self._refuse(P.EXPERT_REVIEW_BEFORE_FINAL)
        if self.report and self.report["report_id"] == act.command.report_id:
            raise Conflict("退回的报告须以新编号形成 / a report returned by the justice review is finalised under a new id")
        pr.check_finalisation(self, act.command.process_record_digest, ctx)
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
        self._only(Jurisdiction.XX, P.NO_JUSTICE_REVIEW)
        self._require_current_report(report_id)
        if self.justice_review:
            raise Conflict("该报告的合法性审核已记录 / the justice review of this report is already recorded")

    def approve_report(self, act: Act[c.ApproveReport], ctx: Context) -> None:
        """县政府审定 (XX-13(4)): only after the justice review has passed."""
        self._only(Jurisdiction.XX, P.NO_REPORT_APPROVAL)
        self._require_current_report(act.command.report_id)
        if not (self.justice_review and self.justice_review["status"] == "passed"):
            raise self._refuse(P.JUSTICE_BEFORE_APPROVAL)
        if self.report_approval:
            raise Conflict("报告已审定 / the report is already approved")
        pr.check_report_digest(self, act.command.report_digest, "XX-13(4)")
        self._record(self.ReportApproved, act)

    def submit_report(self, act: Act[c.SubmitReport], ctx: Context) -> None:
        """提请厅决策机关审议 (NX-12b)."""
        self._only(Jurisdiction.NX, P.NO_SUBMISSION)
        self._require_lead_unit(ctx, nx="NX-12b")  # ARTICLE: NX-12b 承办处室……向厅决策机关提请审议
        self._require_current_report(act.command.report_id)
        if self.submission:
            raise Conflict("报告已提请审议 / the report is already submitted")
        pr.check_report_digest(self, act.command.report_digest, "NX-12b")
        self._record(self.ReportSubmitted, act)

    # --- results ------------------------------------------------------------------------

    def record_ruling(self, act: Act[c.RecordRuling], ctx: Context) -> None:
        """决策机关的决定 (NX-12a, NX-14, XX-16)."""
        self._require_current_report(act.command.report_id)
        if self.is_nx and not self.submission:
            raise self._refuse(P.SUBMISSION_BEFORE_RULING)
        if not self.is_nx and not self.report_approval:
            raise self._refuse(P.APPROVAL_BEFORE_RULING)
        if self.ruling:
            raise Conflict("本案已记录决定 / a ruling is already recorded on this case")
        pr.check_report_digest(self, act.command.report_digest, self._art("NX-12a", "XX-16"))
        self._record(self.RulingRecorded, act)

    def publish_results(self, act: Act[c.PublishResults], ctx: Context) -> None:
        """公开评估结果 (XX-17)."""
        self._require_lead_unit(ctx)
        self._require_current_report(act.command.report_id)
        if self.is_nx and not self.ruling:
            raise self._refuse(P.RULING_BEFORE_PUBLICATION)
        if not self.is_nx and not self.report_approval:
            raise self._refuse(P.APPROVAL_BEFORE_PUBLICATION)
        if self.publication:
            raise Conflict("结果已公开 / the results are already published")
        pr.check_report_digest(self, act.command.report_digest, self._art("NX-12a", "XX-17"))
        pub.check_channels(self, act.command)
        unknown = [m for m in act.command.withheld_material_ids if str(m) not in self.materials]
        if unknown:
            raise NotFound(f"不公开的资料不在本案 / withheld materials not on this case: {', '.join(map(str, unknown))}")
        self._record(self.ResultsPublished, act)

    # --- accountability and findings ----------------------------------------------------------

    def find_misconduct(self, act: Act[fc.FindMisconduct], ctx: Context) -> None:
        """纪检监察认定 (NX-16, XX-23, XX-18): citations are checked by the rulebook."""
        for person in act.command.persons:
            if ctx.directory.find(person.principal_id, Principal) is None:
                raise NotFound(f"人员未登记 / no principal {person.principal_id} is registered")
        self._require_new_finding(act.command.finding_id)
        self._record(self.MisconductFound, act)

    def confirm_decision_fault(self, act: Act[ConfirmDecisionFault], ctx: Context) -> None:
        """经评估发现并确认决策过错 (XX-18; 713-38): the lead unit, once the report is formed."""
        self._require_lead_unit(ctx)
        self._require_new_finding(act.command.finding_id)
        fault.check_confirmation(self, act, ctx)
        self._record(self.DecisionFaultConfirmed, act)

    # issue 18 — duty to supply (XX-6; 713-40): domain/model/supply.py
    def request_materials(self, act: Act[sc.RequestMaterials], ctx: Context) -> None:
        """请求有关单位提供材料 (XX-6; 713-40): while evaluation work and evidence are open."""
        self._require_work_open()
        self._require_evidence_open()
        supplying.check_request(self, act, ctx)
        self._record(self.MaterialsRequested, act)

    def answer_request(self, act: Act[sc.AnswerRequest], ctx: Context) -> None:
        """有关单位答复 (XX-6): a person of the requested unit, while evidence is open."""
        self._require_evidence_open()
        supplying.check_answer(self, act, ctx)
        self._record(self.RequestAnswered, act)

    def refuse_request(self, act: Act[sc.RefuseRequest], ctx: Context) -> None:
        """有关单位拒绝提供 (XX-6; 713-40): recorded; the rulebook raises a finding on the signer."""
        self._require_evidence_open()
        supplying.check_refusal(self, act, ctx)
        self._record(self.RequestRefused, act)

    def coordinate_supply(self, act: Act[sc.CoordinateSupply], ctx: Context) -> None:
        """县政府办公室协调 (XX-6 第一款); it closes no finding."""
        supplying.check_coordination(self, act, ctx)
        self._record(self.SupplyCoordinated, act)

    def raise_finding(self, act: Act[fc.RaiseFinding], ctx: Context) -> None:
        """发现问题: only the ledger raises a rule's finding, with its own key."""
        ctx.require(ctx.has_role(Role.LEDGER), "只有账本提出规则发现的问题", "only the ledger raises a rule's finding")
        self._require_new_finding(act.command.finding_id)
        self._record(self.FindingRaised, act)

    def close_finding(self, act: Act[fc.CloseFinding], ctx: Context) -> None:
        """结案: an inspector records the outcome of a finding; the finding stays on record."""
        finding = next((f for f in self.findings if f["finding_id"] == act.command.finding_id), None)
        if finding is None:
            raise NotFound(f"本案没有该问题 / no finding {act.command.finding_id} on this case")
        if finding["closed"]:
            raise Conflict(f"该问题已结案 / finding {act.command.finding_id} is already closed")
        self._record(self.FindingClosed, act)

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
    MaterialShredded = ev.MaterialShredded
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
    MisconductFound = ev.MisconductFound
    DecisionFaultConfirmed = fault.DecisionFaultConfirmed
    FindingRaised = ev.FindingRaised
    FindingClosed = ev.FindingClosed
    # issue 18 — duty to supply (XX-6)
    MaterialsRequested = supplying.MaterialsRequested
    RequestAnswered = supplying.RequestAnswered
    RequestRefused = supplying.RequestRefused
    SupplyCoordinated = supplying.SupplyCoordinated
    # issue 18 — evidence (NX-9, XX-7)
    InterimFindingRecorded = evidence_work.InterimFindingRecorded
    StanceConfirmed = evidence_work.StanceConfirmed
