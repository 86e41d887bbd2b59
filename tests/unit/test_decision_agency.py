"""Decisions (NX-2, XX-3, NX-8) and entrusted agencies (NX-4, XX-20)."""

from uuid import uuid4

import pytest

from domain.errors import MalformedInput, NotFound, NotPermitted
from tests.support import World


def test_a_decision_is_registered_with_its_demonstrators(world: World) -> None:
    clerk = world.person("李娜", ["lead_unit"])
    expert = world.person("张卫东", ["expert"], "宁夏社会科学院")
    decision_id = world.decision("NX", clerk)
    world.do(clerk, "decision.record_demonstrators", decision_id, {"demonstrators": [
        {"name": "张卫东", "kind": "expert", "work": "主论证专家", "principal_id": str(expert.principal_id)},
        {"name": "宁夏社会科学院综合经济研究所", "kind": "organisation", "work": "可行性论证"},
    ]})
    decision = world.ledger.get_decision(decision_id)
    assert (decision.jurisdiction, decision.document_number) == ("NX", "宁商规发〔2021〕3号")
    assert decision.demonstrator_ids() == {expert.principal_id}
    assert decision.registered_by == clerk.principal_id


def test_demonstrators_must_be_registered_when_named(world: World) -> None:
    clerk = world.person("李娜", ["lead_unit"])
    decision_id = world.decision("NX", clerk)
    with pytest.raises(NotFound):
        world.do(clerk, "decision.record_demonstrators", decision_id, {"demonstrators": [
            {"name": "某人", "kind": "expert", "work": "论证", "principal_id": str(uuid4())},
        ]})


def test_decision_keepers_only(world: World) -> None:
    expert = world.person("专家", ["expert"], "某大学")
    with pytest.raises(NotPermitted):
        world.decision("NX", expert)


@pytest.mark.parametrize("bad", [{"decided_on": "2021-13-01"}, {"decided_on": "18 June 2021"}, {"jurisdiction": "BJ"}])
def test_decision_fields_are_validated(world: World, bad: dict) -> None:
    clerk = world.person("李娜", ["lead_unit"])
    args = {"jurisdiction": "NX", "title": "t", "document_number": "n", "organ": "o",
            "decided_on": "2021-06-18", "purpose": "p", **bad}
    with pytest.raises(MalformedInput):
        world.do(clerk, "decision.register", uuid4(), args)


def test_agencies_are_registered_with_a_credit_code(world: World) -> None:
    agency_id = world.agency("宁夏大学经济管理学院")
    agency = world.ledger.get_agency(agency_id)
    assert (agency.name, agency.kind, agency.credit_code) == ("宁夏大学经济管理学院", "university", "12640000455380040F")
    with pytest.raises(MalformedInput, match="credit_code"):
        world.do(world.admin, "agency.register", uuid4(), {"name": "x", "kind": "university", "credit_code": "123"})
