"""What a person may do, here and now (issue 19 point 2): the actions a page offers the signed-in
person on a case or a decision, at the step the case has reached.

The answer is read from the tables and predicates the ledger itself authorises and orders steps
with — :data:`domain.model.actions.ACTIONS` (who may sign: standing roles), the organisation scope
(:func:`domain.model.organisation.acts_within`, as :meth:`Judge.within_scope`), and the case's own
checks (:class:`domain.model.case_state.CaseState`: lead unit, team, team leader, evaluator,
phase, work open, evidence open, report final). An action not offered can still be signed and
submitted; the ledger then refuses it with its article. The offer never adds a condition of its
own: each line below restates a ``_require…`` of :mod:`domain.model.case` with the same predicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.model import supply as supplying
from domain.model.actions import ACTIONS, ActionSpec
from domain.model.aggregate import Context, Directory
from domain.model.case import EvaluationCase
from domain.model.decision import Decision
from domain.model.organisation import Organisation, acts_within
from domain.model.principal import Principal
from domain.model.vocabulary import SCOPED_ROLES, Jurisdiction, Role
from domain.service.access import organisation_of

Check = Callable[[EvaluationCase, Context], bool]


def _work(case: EvaluationCase, ctx: Context) -> bool:
    """``_require_work``: the work is open, the signer an evaluator, the evidence open."""
    return not case.declined and case.work_open and case.is_evaluator(ctx) and not case.evidence_closed


def _lead_or_team(case: EvaluationCase, ctx: Context) -> bool:
    return case.is_lead_unit_staff(ctx) or str(ctx.actor.id) in case.team


def _report_open(case: EvaluationCase) -> bool:
    return not case.report_is_final


def _final(case: EvaluationCase) -> bool:
    return case.report_is_final and case.report is not None


#: the evaluation steps of a case, in the order of NX-10 and XX-10..13, each with the case's own
#: conditions on who takes it and when (:mod:`domain.model.case`)
CASE_STEPS: dict[str, Check] = {
    "case.form_team": lambda c, x: not c.declined and c.is_lead_unit_staff(x) and not c.evidence_closed
    and c.team_formed is None,
    "case.submit_plan": lambda c, x: not c.declined and _lead_or_team(c, x)
    and (c.team_formed is not None or c.is_simplified) and not (c.is_nx and c.approval)
    and not c.evidence_closed,
    "case.prepare_survey": lambda c, x: not c.declined and c.is_evaluator(x)
    and (c.plan is not None or c.is_simplified) and not c.evidence_closed and c.survey_plan is None,
    "case.approve_evaluation": lambda c, x: c.is_nx and not c.declined and c.plan is not None and not c.approval,
    "case.decline_evaluation": lambda c, x: c.is_nx and not c.declined and c.plan is not None and not c.approval,
    "case.entrust_agency": lambda c, x: not c.declined and c.is_lead_unit_staff(x) and not c.evidence_closed,
    "case.engage_expert": lambda c, x: not c.declined and _report_open(c)
    and (c.is_lead_unit_staff(x) or c.acting_agency(x) is not None),
    "case.collect_material": _work,
    "case.conduct_survey": _work,
    "case.hold_forum": _work,
    "case.hold_hearing": _work,
    "case.visit_site": _work,
    "case.solicit_opinions": _work,
    "case.record_opinion": _work,
    "case.record_interim_finding": _work,
    # issue 18 — duty to supply (XX-6; 713-40): the lead unit or the team asks a related unit
    "case.request_materials": lambda c, x: not c.declined and c.work_open and _lead_or_team(c, x)
    and not c.evidence_closed,
    "case.confirm_stance": lambda c, x: c.is_evaluator(x) and _report_open(c) and bool(c.materials),
    "case.exclude_material": lambda c, x: not c.declined and c.work_open and c.is_evaluator(x)
    and _report_open(c) and any(not m["excluded"] for m in c.materials.values()),
    "case.close_evidence": lambda c, x: not c.declined and c.work_open
    and (c.is_lead_unit_staff(x) or c.is_team_leader(x)) and not c.evidence_closed,
    "case.draw_conclusion": lambda c, x: not c.declined and c.work_open and c.is_evaluator(x) and _report_open(c),
    "case.draft_report": lambda c, x: not c.declined and c.work_open and c.is_evaluator(x) and _report_open(c)
    and bool(c.conclusions),
    "case.give_expert_opinion": lambda c, x: _report_open(c) and bool(c.drafts) and x.has_role(Role.EXPERT)
    and (str(x.actor.id) in c.experts or str(x.actor.id) in c.team)
    and any(str(x.actor.id) not in d["expert_opinions"] for d in c.drafts.values()),
    "case.finalise_report": lambda c, x: not c.declined and c.work_open and c.is_evaluator(x) and _report_open(c)
    and bool(c.drafts) and c.evidence_closed is not None
    and (c.is_nx or c.is_simplified or any(d["expert_opinions"] for d in c.drafts.values())),
    "case.pass_justice_review": lambda c, x: not c.is_nx and _final(c) and not c.justice_review,
    "case.return_justice_review": lambda c, x: not c.is_nx and _final(c) and not c.justice_review,
    "case.approve_report": lambda c, x: not c.is_nx and _final(c) and not c.report_approval
    and bool(c.justice_review and c.justice_review["status"] == "passed"),
    "case.submit_report": lambda c, x: c.is_nx and c.is_lead_unit_staff(x) and _final(c) and not c.submission,
    "case.record_ruling": lambda c, x: _final(c) and not c.ruling
    and bool(c.submission if c.is_nx else c.report_approval),
    "case.publish_results": lambda c, x: c.is_lead_unit_staff(x) and _final(c) and not c.publication
    and bool(c.ruling if c.is_nx else c.report_approval),
    # 结案 (NX-16, XX-23): an inspector, while a finding is open
    "case.close_finding": lambda c, x: bool(c.open_findings()),
    # issue 19 — forms2: the related unit answers or refuses (XX-6; 713-40), while the evidence is
    # open, a request to its own unit; the 县政府办公室 coordinates (XX-6 第一款, 息县 only)
    "case.answer_request": lambda c, x: not c.evidence_closed and bool(supplying.answerable_by(c, x)),
    "case.refuse_request": lambda c, x: not c.evidence_closed and bool(supplying.answerable_by(c, x)),
    "case.coordinate_supply": lambda c, x: not c.is_nx and bool(c.supply_requests),
    # 纪检监察认定 (NX-16, XX-23): an inspector whose scope reaches the case, at any step
    "case.find_misconduct": lambda c, x: True,
    # 确认决策过错 (XX-18; 713-38): the lead unit, once the report is formed
    "case.confirm_decision_fault": lambda c, x: c.is_lead_unit_staff(x) and bool(c.report),
}

#: the case's actions no page offers, and why (docs/acting-in-the-browser.md)
NOT_OFFERED = {
    "case.record_shredding": "the data key is destroyed by the service's key store: `decision-ledger shred`",
    "case.hand_over_work": "never recorded: an entrusted agency's hand-over is refused and kept as a finding",
    "case.raise_finding": "signed by the ledger's own key, never by a person",
}

#: what a decision's page offers: its pre-decision demonstrators (NX-8) and opening a case on it
DECISION_STEPS = ("decision.record_demonstrators", "decision.record_superior_evaluation", "case.open")


@dataclass(frozen=True)
class Offer:
    """One action the person may take now, and the article that says who takes it."""

    action: str
    article: str | None

    @property
    def spec(self) -> ActionSpec:
        return ACTIONS[self.action]


def holds_role(spec: ActionSpec, person: Principal) -> bool:
    """``Judge.authorise``: one of the standing roles the action needs."""
    return spec.roles is None or any(person.has_role(role) for role in spec.roles)


def _in_scope(spec: ActionSpec, person: Principal, organisation: UUID | None, directory: Directory) -> bool | None:
    """``Judge.within_scope``: True within the organisation's scope; None when outside it but the
    action is open by case membership (the case decides); False when refused for scope."""
    if acts_within(person.organisation_id, organisation, lambda o: directory.find(o, Organisation)):
        return True
    if spec.roles is not None and not [r for r in spec.roles - SCOPED_ROLES if person.has_role(r)]:
        return False
    return None


def case_offers(case: EvaluationCase, person: Principal, directory: Directory, now: datetime) -> list[Offer]:
    """The steps of this case the person may take at its phase, in the order of the texts."""
    organisation = organisation_of(case, directory)
    offers = []
    for name, check in CASE_STEPS.items():
        spec = ACTIONS[name]
        if not holds_role(spec, person):
            continue
        scope = _in_scope(spec, person, organisation, directory)
        if scope is False:
            continue
        ctx = Context(actor=person, directory=directory, now=now, in_scope=bool(scope))
        if check(case, ctx):
            offers.append(Offer(name, spec.article))
    return offers


def decision_offers(decision: Decision, person: Principal, directory: Directory) -> list[Offer]:
    """What the person may do with a registered decision: record its demonstrators (NX-8; once),
    record a superior's evaluation (XX-19), open a case on it (NX-4, XX-6: the lead unit, once the
    demonstrators are recorded)."""
    offers = []
    for name in DECISION_STEPS:
        spec = ACTIONS[name]
        if not holds_role(spec, person) or _in_scope(spec, person, decision.organisation_id, directory) is False:
            continue
        if name == "decision.record_demonstrators" and decision.demonstrators_recorded:
            continue
        if name == "decision.record_superior_evaluation" and decision.jurisdiction != Jurisdiction.XX.value:
            continue
        if name == "case.open" and not decision.demonstrators_recorded:
            continue
        offers.append(Offer(name, spec.article))
    return offers


def may_register_decision(person: Principal) -> bool:
    """登记重大行政决策: the decision's keepers (lead unit, decision organ, government office)."""
    return holds_role(ACTIONS["decision.register"], person)
