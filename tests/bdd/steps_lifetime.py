"""Steps of a person for a lifetime (H3 lifetime; issue 17 point 4; XX-18): 调动, 更名, 退休、离职,
and looking a person up, read through the read models as the API and the CLI read them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from api.settings import Database
from api.store.opening import open_projector
from domain.errors import KeyNotActive
from domain.evidence.signing import SigningKey
from projections import queries
from tests.bdd.story import Story

DEPARTURES = {"退休": "retired", "离职": "left"}
STATUS = {"在职": "active", "已退休": "retired", "已离职": "left"}


@pytest.fixture
def organs(story: Story) -> dict[str, UUID]:
    """The organisations a scenario registers, by name."""
    return {}


@pytest.fixture
def read_models(story: Story, story_store: str) -> Iterator[Any]:
    """The views of the scenario's store, caught up when a step reads them."""
    projector = open_projector(Database.parse(story_store), story.ledger)
    try:
        yield projector
    finally:
        projector.close()


def _organ(story: Story, organs: dict[str, UUID], name: str) -> UUID:
    if name not in organs:
        organs[name] = uuid4()
        story.world.do(story.world.admin, "organisation.register", organs[name], {"name": name, "kind": "organ"})
    return organs[name]


def _serving(story: Story, organs: dict[str, UUID], name: str, organ: str, unit: str, number: str, key: str) -> None:
    signing = SigningKey.generate()
    story.people[key] = story.world.enrol({
        "kind": "person", "name": name, "unit": unit, "roles": ["lead_unit"], "identifier": number,
        "public_keys": [signing.public_key.jwk], "organisation_id": str(_organ(story, organs, organ))}, signing)


def _chain(story: Story, read_models: Any, name: str) -> dict[str, Any]:
    read_models.catch_up()
    return queries.person_chain(read_models.views, str(story.person(name).principal_id))


def _found(read_models: Any, q: str) -> list[dict[str, Any]]:
    read_models.catch_up()
    return queries.principals(read_models.views, q=q)


# --- given -------------------------------------------------------------------------------------


@given(parsers.parse('"{name}"在"{organ}"的"{unit}"任职，工号为"{number}"'))
def serving(story: Story, organs: dict[str, UUID], name: str, organ: str, unit: str, number: str) -> None:
    _serving(story, organs, name, organ, unit, number, name)


@given(parsers.parse('另一位"{name}"在"{organ}"的"{unit}"任职，工号为"{number}"'))
def namesake(story: Story, organs: dict[str, UUID], name: str, organ: str, unit: str, number: str) -> None:
    _serving(story, organs, name, organ, unit, number, f"{name}（{number}）")


@given(parsers.re(r'^系统管理员已登记"(?P<name>[^"]+)"(?P<departure>退休|离职)$'))
def departed(story: Story, name: str, departure: str) -> None:
    retire(story, name, departure)
    story.require_success()


# --- when --------------------------------------------------------------------------------------


@when(parsers.parse('系统管理员将"{name}"调往"{organ}"的"{unit}"，理由为"{reason}"'))
def transfer(story: Story, organs: dict[str, UUID], name: str, organ: str, unit: str, reason: str) -> None:
    person = story.person(name)
    story.act(story.world.admin, "principal.transfer", {
        "organisation_id": str(_organ(story, organs, organ)), "unit": unit, "reason": reason},
        target=person.principal_id)


@when(parsers.parse('系统管理员登记"{name}"更名为"{new}"，理由为"{reason}"'))
def rename(story: Story, name: str, new: str, reason: str) -> None:
    person = story.person(name)
    story.act(story.world.admin, "principal.rename", {"name": new, "reason": reason}, target=person.principal_id)
    story.people[new] = person  # the same person, under the name they now bear


@when(parsers.re(r'^系统管理员登记"(?P<name>[^"]+)"(?P<departure>退休|离职)$'))
def retire(story: Story, name: str, departure: str) -> None:
    story.act(story.world.admin, "principal.retire", {"departure": DEPARTURES[departure], "reason": f"{departure}手续已办结"},
              target=story.person(name).principal_id)


@when(parsers.re(r'^"(?P<actor>[^"]+)"登记"(?P<name>[^"]+)"(?P<departure>退休|离职)$'))
def retire_by(story: Story, actor: str, name: str, departure: str) -> None:
    story.act(story.person(actor), "principal.retire", {"departure": DEPARTURES[departure], "reason": departure},
              target=story.person(name).principal_id)


@when(parsers.parse('"{name}"此后仍签署登记一项重大行政决策'))
def signs_after_leaving(story: Story, name: str) -> None:
    story.act(story.person(name), "decision.register", {
        "jurisdiction": "NX", "title": "关于支持跨境电子商务加快发展的若干措施", "document_number": "宁商规发〔2021〕3号",
        "organ": "宁夏回族自治区商务厅", "decided_on": "2021-06-18"}, target=uuid4())


# --- then --------------------------------------------------------------------------------------


@then(parsers.parse('"{name}"的终身责任链依次列出任职单位"{units}"'))
def units_over_time(story: Story, read_models: Any, name: str, units: str) -> None:
    chain = _chain(story, read_models, name)
    assert [m["unit"] for m in chain["principal"]["memberships"]] == units.split("、")
    assert chain["principal"]["principal_id"] == str(story.person(name).principal_id)  # one principal
    assert "principal.transfer" in [e["action"] for e in chain["lifetime"]]


@then(parsers.parse('"{name}"的终身责任链列出曾用名"{former}"'))
def former_name(story: Story, read_models: Any, name: str, former: str) -> None:
    person = _chain(story, read_models, name)["principal"]
    assert person["name"] == name and [f["name"] for f in person["former_names"]] == [former]


@then(parsers.parse('"{name}"的终身责任链仍可查阅，状态为"{status}"，其密钥和角色均已终止'))
def still_readable(story: Story, read_models: Any, name: str, status: str) -> None:
    person = _chain(story, read_models, name)["principal"]
    assert person["status"] == STATUS[status] and person["roles"] == []
    assert person["keys"] and all(k["ended_by"] == STATUS[status] for k in person["keys"])


@then("该签署因签署人已退休或离职被拒绝")
def refused_after_leaving(story: Story) -> None:
    assert isinstance(story.error, KeyNotActive), f"{story.error!r}"
    assert "已退休" in str(story.error) or "已离职" in str(story.error)
    assert story.rows() == story.before


@then(parsers.re(r'^按"(?P<q>[^"]+)"查找人员，列出(?P<count>\d+)名候选人员$'))
def candidates(read_models: Any, q: str, count: str) -> None:
    assert len(_found(read_models, q)) == int(count)


@then(parsers.re(r'^按"(?P<q>[^"]+)"查找人员，列出(?P<count>\d+)名候选人员，(?P<what>现用姓名|工号)为"(?P<value>[^"]+)"$'))
def candidates_showing(read_models: Any, q: str, count: str, what: str, value: str) -> None:
    found = _found(read_models, q)
    assert len(found) == int(count)
    assert all(p["name" if what == "现用姓名" else "identifier"] == value for p in found)


@then(parsers.re(r'^该认定列入"(?P<name>[^"]+)"的终身责任链，责任为(?P<role>直接责任|领导责任)$'))
def finding_in_chain(story: Story, read_models: Any, name: str, role: str) -> None:
    """XX-18 终身责任追究: the inspector's finding follows the person, whatever the case does next."""
    chain = _chain(story, read_models, name)
    wanted = {"直接责任": "direct", "领导责任": "leader"}[role]
    mine = [f for f in chain["findings"] if f.get("source") == "inspector"]
    assert len(mine) == 1, chain["findings"]
    assert mine[0].get("responsibility") == wanted, mine[0]
    assert str(story.case_script.case_id) in chain["cases"]
