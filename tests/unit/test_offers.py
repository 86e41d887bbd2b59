"""What a person may do, here and now (:mod:`domain.service.offers`): along NX-10's whole procedure,
each step is offered to the person who takes it before they take it, and every step NOT offered
to one of the case's people is refused by the ledger if that person signs it anyway — the offer
is read from the ledger's own tables, so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

import pytest

from domain import clock
from domain.errors import LedgerError
from domain.model.decision import Decision
from domain.service import offers
from tests.support import NXScript, World


def _offered(world: World, signer: Any, case_id: Any) -> set[str]:
    person = world.ledger.get_principal(signer.principal_id)
    return {o.action for o in offers.case_offers(world.ledger.get_case(case_id), person, world.ledger, clock.now())}


def test_every_step_is_offered_to_its_signer_and_nothing_unoffered_is_accepted(world: World) -> None:
    nx = NXScript(world)
    people = [nx.lead, nx.member, nx.organ, nx.agency_staff, nx.expert]
    decision = world.ledger.get_decision(nx.decision_id)
    lead = world.ledger.get_principal(nx.lead.principal_id)
    assert "case.open" in {o.action for o in offers.decision_offers(decision, lead, world.ledger)}
    organ = world.ledger.get_principal(nx.organ.principal_id)
    assert "case.open" not in {o.action for o in offers.decision_offers(decision, organ, world.ledger)}

    original = world.do
    checked: list[str] = []

    def checking_do(signer: Any, action: str, target: Any, args: dict[str, Any]) -> Any:
        if world.ledger.find_case(target) is not None:
            assert action in _offered(world, signer, target), f"{action} is not offered to its signer"
            for other in people:
                if other is signer or action in _offered(world, other, target):
                    continue
                before = world.ledger.version_of(target)
                with pytest.raises(LedgerError):
                    original(other, action, target, args)
                assert world.ledger.version_of(target) == before
            checked.append(action)
        return original(signer, action, target, args)

    world.do = checking_do  # type: ignore[method-assign]
    for step in nx.steps():
        step.run()
    assert len(checked) == len(nx.steps()) - 1, "every step after opening"
    assert not _offered(world, nx.lead, nx.case_id) & {"case.collect_material", "case.publish_results"}, "published"


def test_the_phase_decides(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("approve_evaluation")
    offered = _offered(world, nx.lead, nx.case_id)
    assert "case.collect_material" not in offered, "no work before the decision organ approves (NX-10(2))"
    assert "case.form_team" not in offered and "case.submit_plan" in offered
    assert "case.approve_evaluation" in _offered(world, nx.organ, nx.case_id)
    assert _offered(world, nx.expert, nx.case_id) == set(), "an expert not yet engaged"


def test_registering_a_decision_needs_a_keeper(world: World) -> None:
    nx = NXScript(world)
    assert offers.may_register_decision(world.ledger.get_principal(nx.member.principal_id))
    assert not offers.may_register_decision(world.ledger.get_principal(nx.expert.principal_id))
    assert isinstance(world.ledger.get_decision(nx.decision_id), Decision)


# issue 19 — forms2: the related unit's answer or refusal, the office's coordination, an inspector's
# finding and the lead unit's confirmation of a decision fault are offered as the ledger allows them


def _xx_with_a_request(world: World) -> tuple[Any, Any, Any, Any]:
    from uuid import uuid4

    from tests.supply_support import COUNTY, XX_OTHER, XX_RELATED, organisation, request_args, unit
    from tests.support import XXScript

    county = organisation(world, COUNTY, "organ")
    xx = XXScript(world)
    xx.advance_to("collect_material")
    finance, other = unit(world, XX_RELATED, county), unit(world, XX_OTHER, county)
    head, stranger = finance.person("刘志强"), other.person("赵磊")
    xx.do(xx.lead, "case.request_materials", request_args(finance, head, uuid4()))
    return xx, head, stranger, next(iter(xx.case.supply_requests))


def test_a_request_is_offered_for_answer_to_its_unit_only_and_the_office_coordinates(world: World) -> None:
    xx, head, stranger, request_id = _xx_with_a_request(world)
    offered = _offered(world, head, xx.case_id)
    assert {"case.answer_request", "case.refuse_request"} <= offered
    assert not {"case.answer_request", "case.refuse_request"} & _offered(world, stranger, xx.case_id)
    with pytest.raises(LedgerError):  # not offered to the stranger, and refused by the ledger
        xx.do(stranger, "case.refuse_request", {"request_id": request_id, "reason": "不是本单位的事"})
    office = world.person("郑红", ["government_office"], "息县人民政府办公室")
    assert "case.coordinate_supply" in _offered(world, office, xx.case_id)
    assert "case.coordinate_supply" not in _offered(world, xx.lead, xx.case_id), "the office's role"
    xx.do(head, "case.refuse_request", {"request_id": request_id, "reason": "涉及内部资料，不便提供"})
    assert not {"case.answer_request", "case.refuse_request"} & _offered(world, head, xx.case_id), "refused once"


def test_an_inspector_finds_misconduct_and_the_lead_unit_confirms_a_fault_once_the_report_is_formed(
        world: World) -> None:
    nx = NXScript(world)
    inspector = world.person("孔德明", ["discipline_inspector"], "自治区纪委监委驻商务厅纪检监察组")
    nx.advance_to("finalise_report")
    assert "case.find_misconduct" in _offered(world, inspector, nx.case_id)
    assert "case.find_misconduct" not in _offered(world, nx.lead, nx.case_id)
    assert "case.confirm_decision_fault" not in _offered(world, nx.lead, nx.case_id), "before the report"
    nx.step("finalise_report").run()
    assert "case.confirm_decision_fault" in _offered(world, nx.lead, nx.case_id)
    assert "case.confirm_decision_fault" not in _offered(world, nx.agency_staff, nx.case_id), "the lead unit's"
