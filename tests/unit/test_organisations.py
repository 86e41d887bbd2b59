"""The reach of a role held in an organisation (issue 16 point 1), and transfers, in memory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.signer import Signer
from domain import clock
from domain.errors import Conflict, NotFound, NotPermitted
from domain.evidence.signing import SigningKey
from domain.model.organisation import Organisation, acts_within, lineage, reaches
from domain.model.principal import Principal
from domain.service.ledger import Ledger
from tests.support import World


def organisation(world: World, name: str, kind: str, parent: UUID | None = None) -> UUID:
    return world.organisation(name, kind, parent)


@pytest.fixture
def world() -> World:
    return World(Ledger())


@pytest.fixture
def tree(world: World) -> dict[str, UUID]:
    """宁夏商务厅 with a 处室 and its inspection group; 息县人民政府 with its 司法局 and a township."""
    nx = organisation(world, "宁夏回族自治区商务厅", "organ")
    xx = organisation(world, "息县人民政府", "organ")
    return {
        "nx": nx,
        "nx_unit": organisation(world, "对外贸易处", "unit", nx),
        "nx_inspection": organisation(world, "驻厅纪检监察组", "inspection", nx),
        "xx": xx,
        "xx_justice": organisation(world, "息县司法局", "justice", xx),
        "xx_township": organisation(world, "城关镇人民政府", "organ", xx),
    }


def finder(world: World) -> Any:
    return lambda oid: world.ledger.find(oid, Organisation)


def test_a_serving_body_reaches_the_organ_it_serves_and_all_under_it(world: World, tree: dict[str, UUID]) -> None:
    find = finder(world)
    assert reaches(tree["xx_justice"], tree["xx"], find)
    assert reaches(tree["xx_justice"], tree["xx_township"], find)  # XX-26: the townships under the county
    assert not reaches(tree["xx_justice"], tree["nx"], find)
    assert reaches(tree["nx_inspection"], tree["nx_unit"], find)
    assert not reaches(tree["nx_inspection"], tree["xx"], find)


def test_a_unit_reaches_down_and_acts_on_its_own_organs_decisions(world: World, tree: dict[str, UUID]) -> None:
    find = finder(world)
    assert not reaches(tree["nx_unit"], tree["nx"], find)
    assert acts_within(tree["nx_unit"], tree["nx"], find)
    assert not acts_within(tree["nx_unit"], tree["xx"], find)
    assert not acts_within(tree["xx_township"], tree["nx"], find)
    assert lineage(tree["xx_township"], find) == [tree["xx_township"], tree["xx"]]


def test_targets_before_organisations_are_reached_by_role_alone(world: World, tree: dict[str, UUID]) -> None:
    find = finder(world)
    assert reaches(tree["xx_justice"], None, find) and reaches(None, None, find)
    assert not reaches(None, tree["xx"], find)


def test_only_an_organ_stands_alone_and_a_parent_must_exist(world: World) -> None:
    with pytest.raises(NotPermitted, match="parent_id"):
        organisation(world, "某处", "unit")
    with pytest.raises(NotFound):
        organisation(world, "某处", "unit", uuid4())


def test_a_transfer_keeps_one_principal_ends_the_old_roles_and_dates_each_membership(
        world: World, tree: dict[str, UUID]) -> None:
    key = SigningKey.generate()
    person = world.enrol({
        "kind": "person", "name": "韩雪", "unit": "对外贸易处", "roles": ["lead_unit"],
        "public_keys": [key.public_key.jwk], "organisation_id": str(tree["nx_unit"])}, key).principal_id
    registered = world.ledger.get_principal(person).memberships[0]["from"]
    start = clock.now()
    with clock.using(clock.ManualClock(start + timedelta(days=400))):
        world.do(world.admin, "principal.transfer", person, {
            "organisation_id": str(tree["xx_justice"]), "unit": "息县司法局", "reason": "干部交流"})
        moved: Principal = world.ledger.get_principal(person)
    assert moved.organisation_id == tree["xx_justice"] and moved.unit == "息县司法局" and moved.roles == []
    assert moved.role_history[0]["revoked_at"] is not None and moved.role_history[0]["ended_by"] == "transfer"
    assert moved.belonged_at(registered) == tree["nx_unit"]
    assert moved.belonged_at(start + timedelta(days=401)) == tree["xx_justice"]
    assert moved.belonged_at(registered - timedelta(seconds=1)) is None
    with pytest.raises(Conflict):
        world.do(world.admin, "principal.transfer", person, {
            "organisation_id": str(tree["xx_justice"]), "unit": "息县司法局", "reason": "again"})
    with pytest.raises(NotFound):
        world.do(world.admin, "principal.transfer", person, {
            "organisation_id": str(uuid4()), "unit": "某处", "reason": "nowhere"})
    signer = Signer(person, key, "韩雪")
    with pytest.raises(NotPermitted):  # only administrators move people
        world.do(signer, "principal.transfer", person, {
            "organisation_id": str(tree["nx_unit"]), "unit": "对外贸易处", "reason": "self"})
