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
