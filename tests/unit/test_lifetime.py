"""A person for a lifetime (issue 17 point 4; XX-18): transfers, retirement and change of name
shown in one chain, and lookup by name, former name or staff number (H3 lifetime)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.signer import Signer
from domain.errors import Conflict, KeyNotActive, NotPermitted
from domain.evidence.signing import SigningKey
from projections import queries
from tests.support import Projected, World


@pytest.fixture
def setup(projected: Projected) -> Any:
    return projected.world, projected.projector, projected.clock


def _organisation(world: World, name: str) -> UUID:
    organisation_id = uuid4()
    world.do(world.admin, "organisation.register", organisation_id, {"name": name, "kind": "organ"})
    return organisation_id


def _person(world: World, name: str, organisation_id: UUID, identifier: str = "") -> Signer:
    key = SigningKey.generate()
    return world.enrol({"kind": "person", "name": name, "unit": "对外贸易处", "roles": ["lead_unit"],
                        "public_keys": [key.public_key.jwk], "organisation_id": str(organisation_id),
                        "identifier": identifier}, key)


def test_transfer_rename_and_retirement_show_in_one_chain(setup: Any) -> None:
    world, projector, fixed = setup
    nx, xx = _organisation(world, "宁夏回族自治区商务厅"), _organisation(world, "息县人民政府")
    person = _person(world, "韩雪", nx, "GH-0042")
    fixed.advance(timedelta(days=300))
    world.do(world.admin, "principal.transfer", person.principal_id,
             {"organisation_id": str(xx), "unit": "息县司法局", "reason": "干部交流"})
    fixed.advance(timedelta(days=30))
    world.do(world.admin, "principal.rename", person.principal_id, {"name": "韩雪梅", "reason": "依法变更姓名"})
    with pytest.raises(Conflict):  # the same name again is no change
        world.do(world.admin, "principal.rename", person.principal_id, {"name": "韩雪梅", "reason": "again"})
    fixed.advance(timedelta(days=30))
    world.do(world.admin, "principal.retire", person.principal_id, {"departure": "retired", "reason": "到龄退休"})
    projector.catch_up()

    chain = queries.person_chain(projector.views, str(person.principal_id))
    p = chain["principal"]
    assert (p["name"], p["unit"], p["status"], p["identifier"]) == ("韩雪梅", "息县司法局", "retired", "GH-0042")
    assert [f["name"] for f in p["former_names"]] == ["韩雪"]
    assert [(m["organisation_id"], m["unit"]) for m in p["memberships"]] == [
        (str(nx), "对外贸易处"), (str(xx), "息县司法局")]
    assert all(m["until"] for m in p["memberships"])  # retirement ends the last membership too
    assert p["retired"]["departure"] == "retired" and p["retired"]["by"] == str(world.admin.principal_id)
    assert p["roles"] == [] and all(k["active_until"] and k["ended_by"] == "retired" for k in p["keys"])
    assert [e["action"] for e in chain["lifetime"]] == [
        "principal.register", "principal.transfer", "principal.rename", "principal.retire"]
    assert chain["lifetime"][1]["unit"] == "息县司法局" and chain["lifetime"][3]["departure"] == "retired"


def test_a_retired_person_signs_nothing_more_and_is_never_moved_or_granted_again(setup: Any) -> None:
    world, projector, fixed = setup
    nx = _organisation(world, "宁夏回族自治区商务厅")
    person = _person(world, "马进", nx)
    world.do(world.admin, "principal.retire", person.principal_id, {"departure": "left", "reason": "辞职"})
    fixed.advance(timedelta(seconds=1))
    with pytest.raises(KeyNotActive, match="已离职"):
        world.do(person, "decision.register", uuid4(), {})
    for action, args in (
        ("principal.grant_role", {"role": "lead_unit"}),
        ("principal.transfer", {"organisation_id": str(nx), "unit": "另一处", "reason": "调动"}),
        ("principal.retire", {"departure": "retired", "reason": "again"}),
        ("principal.add_key", {"public_key": SigningKey.generate().public_key.jwk}),
    ):
        with pytest.raises(Conflict, match="已离职"):
            world.do(world.admin, action, person.principal_id, args)
    with pytest.raises(NotPermitted):  # an administrator does not record his own retirement
        world.do(world.admin, "principal.retire", world.admin.principal_id, {"departure": "left", "reason": "x"})
    with pytest.raises(NotPermitted):  # only administrators record it
        other = _person(world, "李明", nx)
        world.do(other, "principal.retire", other.principal_id, {"departure": "left", "reason": "x"})
    projector.catch_up()
    assert queries.person_chain(projector.views, str(person.principal_id))["principal"]["status"] == "left"


def test_lookup_by_name_former_name_or_staff_number_lists_the_candidates(setup: Any) -> None:
    world, projector, _ = setup
    nx = _organisation(world, "宁夏回族自治区商务厅")
    first = _person(world, "王芳", nx, "GH-0001")
    second = _person(world, "王芳", nx, "GH-0002")
    renamed = _person(world, "张丽", nx, "ZL-7")
    world.do(world.admin, "principal.rename", renamed.principal_id, {"name": "张丽华", "reason": "更名"})
    projector.catch_up()

    def found(q: str) -> set[str]:
        return {p["principal_id"] for p in queries.principals(projector.views, q=q)}

    assert found("王芳") == {str(first.principal_id), str(second.principal_id)}
    assert found("gh-0002") == {str(second.principal_id)}
    assert found("张丽") == {str(renamed.principal_id)}  # the current name contains it, and the former is it
    assert found("张丽华") == {str(renamed.principal_id)}
    assert found("赵六") == set() and found("  ") == set()
