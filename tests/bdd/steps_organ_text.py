"""Steps of the text an organ's decisions fall under (宁夏商务厅办法第二条; 息县办法第二条、第二十六条):
the organ names its text when it is registered, what is under it inherits it, and a decision of
the organ is registered under that text only."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from domain.errors import Conflict
from tests.bdd.story import Story

TEXTS = {"宁夏商务厅": "NX", "息县": "XX"}


@pytest.fixture
def organs() -> dict[str, UUID]:
    return {}


@given(parsers.re(r'^"(?P<organ>[^"]+)"登记为决策机关，其重大行政决策适用(?P<text>宁夏商务厅|息县)办法$'))
def organ_with_text(story: Story, organs: dict[str, UUID], organ: str, text: str) -> None:
    organs[organ] = story.world.organisation(organ, "organ", jurisdiction=TEXTS[text])


@given(parsers.re(r'^"(?P<unit>[^"]+)"是"(?P<organ>[^"]+)"的处室（部门），"(?P<person>[^"]+)"在该处室负责登记决策$'))
def unit_with_keeper(story: Story, organs: dict[str, UUID], unit: str, organ: str, person: str) -> None:
    organs[unit] = story.world.organisation(unit, "unit", organs[organ])
    story.people[person] = story.world.member(person, ["lead_unit"], organs[unit], unit)


@when(parsers.re(r'^"(?P<person>[^"]+)"依(?P<text>宁夏商务厅|息县)办法登记"(?P<organ>[^"]+)"的一项重大行政决策$'))
def register_decision(story: Story, organs: dict[str, UUID], person: str, text: str, organ: str) -> None:
    jurisdiction = TEXTS[text]
    story.act(story.person(person), "decision.register", {
        "jurisdiction": jurisdiction, "title": "关于加快发展农村电子商务的实施意见",
        "document_number": "宁商发〔2021〕7号" if organ.startswith("宁夏") else "息政〔2021〕9号",
        "organ": organ, "decided_on": "2021-06-18", "purpose": "扩大农村电商覆盖面",
        "organisation_id": str(organs[organ])}, target=uuid4())


@when(parsers.re(r'^管理员在"(?P<organ>[^"]+)"下登记"(?P<unit>[^"]+)"，写明其决策适用(?P<text>宁夏商务厅|息县)办法$'))
def register_unit_with_text(story: Story, organs: dict[str, UUID], organ: str, unit: str, text: str) -> None:
    story.act(story.world.admin, "organisation.register",
              {"name": unit, "kind": "unit", "parent_id": str(organs[organ]), "jurisdiction": TEXTS[text]},
              target=uuid4())


@given(parsers.re(r'^"(?P<organ>[^"]+)"已登记为决策机关，未写明其决策适用的办法$'))
def organ_without_text(story: Story, organs: dict[str, UUID], organ: str) -> None:
    organs[organ] = story.world.organisation(organ, "organ")


@when(parsers.re(r'^管理员写明"(?P<organ>[^"]+)"的决策适用(?P<text>宁夏商务厅|息县)办法$'))
def name_text(story: Story, organs: dict[str, UUID], organ: str, text: str) -> None:
    story.act(story.world.admin, "organisation.name_text", {"jurisdiction": TEXTS[text]}, target=organs[organ])


@then("该操作因与已记录的内容冲突被拒绝")
def refused_as_conflict(story: Story) -> None:
    assert isinstance(story.error, Conflict), f"{story.error!r}"
    assert "不能更改" in str(story.error) and "does not change" in str(story.error)
    assert story.rows() == story.before
