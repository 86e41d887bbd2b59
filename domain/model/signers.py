"""Who may sign each action beyond its standing roles: the membership of the aggregate acted on
(the case's lead unit, its team and team leader, an entrusted agency's staff, an engaged expert;
the person themself; the subject of a procedure; a member of a collective discussion).

The standing roles are :data:`domain.model.actions.ACTIONS`' ``roles``, which the ledger checks
before the aggregate (:meth:`domain.service.judging.Judge.authorise`); the conditions here are
checked by the aggregate's own method. Each condition names the checks that carry it out
(``checks``): ``tests/unit/test_signers.py`` finds one of them in the code of every action's
method (and the helpers it calls), and finds no membership check in a method this table gives no
condition for, so the table and the checks cannot part. The API document's ``x-who-may-sign``
(:mod:`api.http.openapi_doc`) is generated from both tables.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    zh: str
    en: str
    checks: tuple[str, ...]  # the names in the aggregate's code that check it


_EVALUATOR_CHECKS = ("is_evaluator", "_require_evaluator", "_require_work", "_record_activity")

CONDITIONS: dict[str, Condition] = {
    "lead_unit_staff": Condition(
        "本案承办单位（承办处室、决策执行单位）的工作人员（持承办单位角色，在本单位职权范围内）",
        "staff of this case's lead unit (holding the lead-unit role, within their organisation's scope)",
        ("is_lead_unit_staff", "_require_lead_unit", *_EVALUATOR_CHECKS)),
    "team_member": Condition("本案评估小组成员（组长或成员）", "a member of this case's evaluation team (leader or member)",
                             ("self.team", "case.team", *_EVALUATOR_CHECKS)),
    "team_leader": Condition("本案评估小组组长", "the leader of this case's evaluation team", ("is_team_leader",)),
    "agency_staff": Condition("本案受委托评估机构的在册工作人员（在委托范围内）",
                              "registered staff of an agency entrusted on this case (within the entrustment)",
                              ("acting_agency", *_EVALUATOR_CHECKS)),
    "engaged_expert": Condition("本案外聘的专家", "an expert engaged on this case", ("self.experts", *_EVALUATOR_CHECKS)),
    "requested_unit": Condition("被请求提供材料的有关单位的人员", "a person of the unit the request is addressed to",
                                ("check_answer", "check_refusal")),
    "the_person": Condition("本人（所涉人员自己）", "the person themself", ("ctx.actor.id == self.id",
                                                                   "_require_self_or_administrator")),
    "administrator": Condition("系统管理员", "an administrator", ("_require_self_or_administrator",)),
    "discussion_member": Condition("参加集体讨论的组成人员本人", "a member of the collective discussion, themself",
                                   ("check_opinion",)),
    "head": Condition("行政首长本人", "the head of the organ, themself", ("check_decide",)),
    "subject": Condition("被追究责任的人员本人", "the subject of the procedure, themself",
                         ("subjects.get(str(act.actor_id))",)),
    "entrusting_unit": Condition("所涉案件中委托该机构或聘请该专家的承办单位工作人员",
                                 "staff of the lead unit of the case named, which entrusted the agency or engaged "
                                 "the expert", ("case.is_lead_unit_staff",)),
    "nobody": Condition("无人：转交委托事项一律拒绝，受委托机构的尝试记为发现（NX-4、XX-20）",
                        "nobody: handing entrusted work on is refused, an agency's attempt recorded as a finding "
                        "(NX-4, XX-20)", ("raise NotPermitted",)),
}

_EVALUATORS = ("lead_unit_staff", "team_member", "agency_staff", "engaged_expert")

#: action → the conditions of which the signer meets one (besides one of the action's roles, if it
#: names any); an action absent here is decided by its roles alone
MEMBERSHIP: dict[str, tuple[str, ...]] = {
    "principal.add_key": ("the_person", "administrator"),
    "principal.rotate_key": ("the_person",),
    "principal.revoke_key": ("the_person", "administrator"),
    "case.form_team": ("lead_unit_staff",),
    "case.submit_plan": ("lead_unit_staff", "team_member"),
    "case.prepare_survey": _EVALUATORS,
    "case.entrust_agency": ("lead_unit_staff",),
    "case.engage_expert": ("lead_unit_staff", "agency_staff"),
    "case.hand_over_work": ("nobody",),
    "case.collect_material": _EVALUATORS,
    "case.exclude_material": _EVALUATORS,
    "case.conduct_survey": _EVALUATORS,
    "case.hold_forum": _EVALUATORS,
    "case.hold_hearing": _EVALUATORS,
    "case.visit_site": _EVALUATORS,
    "case.solicit_opinions": _EVALUATORS,
    "case.record_opinion": _EVALUATORS,
    "case.close_evidence": ("lead_unit_staff", "team_leader"),
    "case.draw_conclusion": _EVALUATORS,
    "case.record_interim_finding": _EVALUATORS,
    "case.confirm_stance": _EVALUATORS,
    "case.draft_report": _EVALUATORS,
    "case.give_expert_opinion": ("engaged_expert", "team_member"),
    "case.finalise_report": _EVALUATORS,
    "case.submit_report": ("lead_unit_staff",),
    "case.publish_results": ("lead_unit_staff",),
    "case.confirm_decision_fault": ("lead_unit_staff",),
    "case.request_materials": ("lead_unit_staff", "team_member"),
    "case.answer_request": ("requested_unit",),
    "case.refuse_request": ("requested_unit",),
    "credit.propose": ("entrusting_unit",),
    "agency.revoke_eligibility": ("entrusting_unit",),
    "principal.revoke_eligibility": ("entrusting_unit",),
    "agency.criticise": ("entrusting_unit",),
    "principal.criticise": ("entrusting_unit",),
    "agency.record_rectification": ("entrusting_unit",),
    "principal.record_rectification": ("entrusting_unit",),
    "decision.state_opinion": ("discussion_member",),
    "decision.decide": ("head",),
    "accountability.state_defence": ("subject",),
    "accountability.appeal": ("subject",),
}

#: the names whose presence in a method's code means it checks membership
MEMBERSHIP_CHECKS = frozenset(check for condition in CONDITIONS.values() for check in condition.checks)
