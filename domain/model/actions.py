"""Every action a person can sign, the aggregate it addresses, and who may sign it.

``roles`` lists the standing roles of which the signer needs one (``None``: any registered
principal); finer conditions — being the lead unit of *this* case, on its team, the principal
themself — are checked by the aggregate method.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import MalformedInput
from domain.model.accountability import Accountability
from domain.model.agency import Agency
from domain.model.aggregate import LedgerAggregate
from domain.model.case import EvaluationCase
from domain.model.commands import accountability as acc
from domain.model.commands import agency as ac
from domain.model.commands import case as cc
from domain.model.commands import credit as crc
from domain.model.commands import decision as dc
from domain.model.commands import eligibility as ec
from domain.model.commands import evidence as evc
from domain.model.commands import fault as fc
from domain.model.commands import findings as fnc
from domain.model.commands import holiday_notice as hc
from domain.model.commands import making as mc
from domain.model.commands import organisation as oc
from domain.model.commands import principal as pc
from domain.model.commands import supply as sc  # issue 18 — duty to supply (XX-6)
from domain.model.commands.base import Command
from domain.model.decision import Decision
from domain.model.holiday_notice import HolidayNotice
from domain.model.organisation import Organisation
from domain.model.principal import Principal
from domain.model.vocabulary import Role


@dataclass(frozen=True)
class ActionSpec:
    command: type[Command]
    aggregate: type[LedgerAggregate]
    method: str
    creates: bool = False
    roles: frozenset[Role] | None = None
    article: str | None = None  # the article that says who takes this step

    @property
    def name(self) -> str:
        return self.command.ACTION


def _spec(
    command: type[Command],
    aggregate: type[LedgerAggregate],
    method: str,
    *,
    creates: bool = False,
    roles: set[Role] | None = None,
    article: str | None = None,
) -> ActionSpec:
    return ActionSpec(
        command, aggregate, method, creates, frozenset(roles) if roles else None, article
    )


_ADMIN = {Role.ADMINISTRATOR}
_DECISION_KEEPERS = {Role.LEAD_UNIT, Role.DECISION_ORGAN, Role.GOVERNMENT_OFFICE}
_INSPECTORS = {Role.DISCIPLINE_INSPECTOR}  # H2 accountability
_ACCOUNTABLE = "NX-16 / XX-23 / XX-18"  # H2 accountability
_CONVENERS = {Role.DECISION_ORGAN, Role.GOVERNMENT_OFFICE}  # H1 making

_SPECS = [
    _spec(pc.RegisterPrincipal, Principal, "register", creates=True, roles=_ADMIN),
    _spec(pc.TransferPrincipal, Principal, "transfer", roles=_ADMIN),
    # H3 lifetime: retirement and change of name (issue 17 point 4)
    _spec(pc.RetirePrincipal, Principal, "retire", roles=_ADMIN, article="XX-18"),
    _spec(pc.RenamePrincipal, Principal, "rename", roles=_ADMIN, article="XX-18"),
    _spec(oc.RegisterOrganisation, Organisation, "register", creates=True, roles=_ADMIN),
    _spec(oc.NameText, Organisation, "name_text", roles=_ADMIN, article="NX-2 / XX-2"),
    _spec(pc.GrantRole, Principal, "grant_role", roles=_ADMIN),
    _spec(pc.RevokeRole, Principal, "revoke_role", roles=_ADMIN),
    _spec(pc.AddKey, Principal, "add_key"),
    _spec(pc.RotateKey, Principal, "rotate_key"),
    _spec(pc.RevokeKey, Principal, "revoke_key"),
    _spec(pc.ConfirmKey, Principal, "confirm_key", roles=_ADMIN),
    _spec(pc.RotateLedgerKey, Principal, "rotate_ledger_key", roles=_ADMIN),
    _spec(ac.RegisterAgency, Agency, "register", creates=True, roles={Role.ADMINISTRATOR, Role.LEAD_UNIT}),
    _spec(ac.RecordQualification, Agency, "record_qualification",
          roles={Role.ADMINISTRATOR, Role.LEAD_UNIT, Role.GOVERNMENT_OFFICE}, article="XX-21"),
    _spec(ac.RecordBadCredit, Agency, "record_bad_credit",
          roles={Role.LEAD_UNIT, Role.DISCIPLINE_INSPECTOR}, article="NX-17 / XX-24"),
    # H3 credit: 提请 by the entrusting unit, 决定 and 信用修复 by the credit department (NX-17, XX-24)
    _spec(crc.ProposeBadCredit, Agency, "propose_credit", roles={Role.LEAD_UNIT}, article="NX-17 / XX-24"),
    _spec(crc.DecideBadCredit, Agency, "decide_credit", roles={Role.CREDIT_AUTHORITY}, article="NX-17 / XX-24"),
    _spec(crc.RepairCredit, Agency, "repair_credit", roles={Role.CREDIT_AUTHORITY}, article="NX-17 / XX-24"),
    _spec(dc.RegisterDecision, Decision, "register", creates=True, roles=_DECISION_KEEPERS),
    _spec(dc.RecordDemonstrators, Decision, "record_demonstrators", roles=_DECISION_KEEPERS, article="NX-8 / 713-36"),
    _spec(dc.RecordSuperiorEvaluation, Decision, "record_superior_evaluation", roles=_DECISION_KEEPERS, article="XX-19"),
    _spec(cc.OpenCase, EvaluationCase, "open", creates=True, roles={Role.LEAD_UNIT}, article="NX-4 / XX-6"),
    _spec(cc.FormTeam, EvaluationCase, "form_team"),
    _spec(cc.SubmitPlan, EvaluationCase, "submit_plan"),
    _spec(cc.PrepareSurvey, EvaluationCase, "prepare_survey"),
    _spec(cc.ApproveEvaluation, EvaluationCase, "approve_evaluation", roles={Role.DECISION_ORGAN}, article="NX-10(2)"),
    _spec(cc.DeclineEvaluation, EvaluationCase, "decline_evaluation", roles={Role.DECISION_ORGAN}, article="NX-10(2)"),
    _spec(cc.EntrustAgency, EvaluationCase, "entrust_agency"),
    _spec(cc.EngageExpert, EvaluationCase, "engage_expert"),
    _spec(cc.CollectMaterial, EvaluationCase, "collect_material"),
    _spec(cc.ExcludeMaterial, EvaluationCase, "exclude_material"),
    _spec(cc.RecordShredding, EvaluationCase, "record_shredding", roles=_ADMIN, article="NX-15 / XX-22"),
    _spec(cc.ConductSurvey, EvaluationCase, "conduct_survey"),
    _spec(cc.HoldForum, EvaluationCase, "hold_forum"),
    _spec(cc.HoldHearing, EvaluationCase, "hold_hearing"),
    _spec(cc.VisitSite, EvaluationCase, "visit_site"),
    _spec(cc.SolicitOpinions, EvaluationCase, "solicit_opinions"),
    _spec(cc.RecordOpinion, EvaluationCase, "record_opinion"),
    _spec(cc.CloseEvidence, EvaluationCase, "close_evidence"),
    _spec(cc.DrawConclusion, EvaluationCase, "draw_conclusion"),
    _spec(cc.DraftReport, EvaluationCase, "draft_report"),
    _spec(cc.GiveExpertOpinion, EvaluationCase, "give_expert_opinion", roles={Role.EXPERT}, article="NX-10(4) / XX-13(2)"),
    _spec(cc.FinaliseReport, EvaluationCase, "finalise_report"),
    _spec(cc.PassJusticeReview, EvaluationCase, "pass_justice_review", roles={Role.JUSTICE_REVIEWER}, article="XX-6 / XX-13(4)"),
    _spec(cc.ReturnJusticeReview, EvaluationCase, "return_justice_review", roles={Role.JUSTICE_REVIEWER}, article="XX-6 / XX-13(4)"),
    _spec(cc.ApproveReport, EvaluationCase, "approve_report", roles={Role.DECISION_ORGAN}, article="XX-13(4)"),
    _spec(cc.SubmitReport, EvaluationCase, "submit_report"),
    _spec(cc.RecordRuling, EvaluationCase, "record_ruling", roles={Role.DECISION_ORGAN}, article="NX-12a / XX-16"),
    _spec(cc.PublishResults, EvaluationCase, "publish_results"),
    _spec(cc.HandOverWork, EvaluationCase, "hand_over_work"),
    _spec(fnc.FindMisconduct, EvaluationCase, "find_misconduct", roles={Role.DISCIPLINE_INSPECTOR},
          article="NX-16 / XX-23"),
    _spec(fc.ConfirmDecisionFault, EvaluationCase, "confirm_decision_fault", roles={Role.LEAD_UNIT},
          article="XX-18"),
    _spec(fnc.RaiseFinding, EvaluationCase, "raise_finding", roles={Role.LEDGER}),
    _spec(fnc.CloseFinding, EvaluationCase, "close_finding", roles={Role.DISCIPLINE_INSPECTOR},
          article="NX-16 / XX-23"),
    # 取消评估资格 (国令第713号第四十一条): by the unit that engaged the agency or expert on the case
    _spec(ec.RevokeAgencyEligibility, Agency, "revoke_eligibility", roles={Role.LEAD_UNIT}, article="713-41"),
    _spec(ec.RevokeExpertEligibility, Principal, "revoke_eligibility", roles={Role.LEAD_UNIT}, article="713-41"),
    # 通报批评、责令限期整改 and 整改完成 (国令第713号第四十一条): by the same unit
    _spec(ec.CriticiseAgency, Agency, "criticise", roles={Role.LEAD_UNIT}, article="713-41"),
    _spec(ec.CriticiseExpert, Principal, "criticise", roles={Role.LEAD_UNIT}, article="713-41"),
    _spec(ec.RecordAgencyRectification, Agency, "record_rectification", roles={Role.LEAD_UNIT}, article="713-41"),
    _spec(ec.RecordExpertRectification, Principal, "record_rectification", roles={Role.LEAD_UNIT}, article="713-41"),
    # H1 making: the making of a decision, signed by those who made it (XX-18; 713-30, 713-33)
    _spec(mc.RecordUndertaking, Decision, "record_undertaking", roles={Role.LEAD_UNIT}, article="XX-18"),
    _spec(mc.RecordParticipation, Decision, "record_participation", roles=_DECISION_KEEPERS, article="XX-18"),
    _spec(mc.RecordLegalityReview, Decision, "record_legality_review", roles={Role.JUSTICE_REVIEWER}, article="XX-18"),
    _spec(mc.ConveneDiscussion, Decision, "convene_discussion", roles=_CONVENERS, article="XX-18"),
    _spec(mc.StateOpinion, Decision, "state_opinion"),  # the member themself
    _spec(mc.Decide, Decision, "decide"),  # the head themself
    _spec(mc.RecordPublication, Decision, "record_publication", roles=_CONVENERS, article="XX-18"),
    _spec(mc.TranscribeMaking, Decision, "transcribe_making", roles=_CONVENERS, article="XX-18"),
    # H2 accountability: the procedure of 责任追究 (NX-16, XX-23, XX-18; 713-38)
    _spec(acc.OpenAccountability, Accountability, "open", creates=True, roles=_INSPECTORS, article=_ACCOUNTABLE),
    _spec(acc.InvestigateAccountability, Accountability, "investigate", roles=_INSPECTORS, article=_ACCOUNTABLE),
    _spec(acc.NotifySubject, Accountability, "notify", roles=_INSPECTORS, article=_ACCOUNTABLE),
    _spec(acc.StateDefence, Accountability, "state_defence"),  # the subject themself
    _spec(acc.DecideAccountability, Accountability, "decide", roles=_INSPECTORS, article=_ACCOUNTABLE),
    _spec(acc.AppealDecision, Accountability, "appeal"),  # the subject themself
    _spec(acc.ReviewDecision, Accountability, "review", roles=_INSPECTORS, article=_ACCOUNTABLE),
    # issue 18 — deadlines on the official calendar (民法典第二百零三条): the office adopts a year's
    # holiday notice, a second person of the office confirms it
    _spec(hc.AdoptHolidayNotice, HolidayNotice, "adopt", creates=True, roles={Role.GOVERNMENT_OFFICE}),
    _spec(hc.ConfirmHolidayNotice, HolidayNotice, "confirm", roles={Role.GOVERNMENT_OFFICE}),
    # issue 18 — duty to supply (XX-6; 713-40): the lead unit or team requests, a person of the
    # requested unit answers or refuses (checked by the case), the county government office coordinates
    _spec(sc.RequestMaterials, EvaluationCase, "request_materials"),
    _spec(sc.AnswerRequest, EvaluationCase, "answer_request"),
    _spec(sc.RefuseRequest, EvaluationCase, "refuse_request"),
    _spec(sc.CoordinateSupply, EvaluationCase, "coordinate_supply", roles={Role.GOVERNMENT_OFFICE}, article="XX-6"),
    # issue 18 — evidence (NX-9, XX-7): interim findings; a stance confirmed by a second person
    _spec(evc.RecordInterimFinding, EvaluationCase, "record_interim_finding"),
    _spec(evc.ConfirmStance, EvaluationCase, "confirm_stance"),
]

ACTIONS: dict[str, ActionSpec] = {spec.name: spec for spec in _SPECS}


def action(name: str) -> ActionSpec:
    try:
        return ACTIONS[name]
    except KeyError:
        raise MalformedInput(
            f"unknown action {name!r}; actions are: {', '.join(sorted(ACTIONS))}"
        ) from None
