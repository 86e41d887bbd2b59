"""Steps of 有关单位提供材料 (息县办法第六条; 《重大行政决策程序暂行条例》第四十条): requests to related
units, their answers and refusals signed by a person of the unit, silence found by the deadline
sweep, and the 县政府办公室's coordination."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from domain.model.calendar import china_date
from domain.model.rules.deadlines import official_calendar
from domain.model.supply import due_date
from tests.bdd.citations import article_key, number
from tests.bdd.story import Story
from tests.supply_support import (
    COUNTY,
    NX_ORGAN,
    Unit,
    answer_args,
    organisation,
    request_args,
    unit,
)

NUMERAL = "[一二三四五六七八九十]+"
QUOTED = re.compile(r'"([^"]+)"')


@dataclass
class Supply:
    """What a scenario of supply holds: its organs and units by name, the last request."""

    organs: dict[str, UUID] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    request_id: UUID | None = None
    materials: dict[str, UUID] = field(default_factory=dict)

    def unit(self, name: str) -> Unit:
        try:
            return self.units[name]
        except KeyError:
            raise AssertionError(f"no unit called {name} in this scenario: {sorted(self.units)}") from None

    def last_request(self) -> UUID:
        if self.request_id is None:
            raise AssertionError("no request for materials in this scenario")
        return self.request_id


@pytest.fixture
def supply() -> Supply:
    return Supply()


def _register(story: Story, supply: Supply, name: str, people: list[str]) -> Unit:
    """A related unit under the case's organ (息县人民政府 or 宁夏回族自治区商务厅), with its people."""
    organ = NX_ORGAN if story.case_script.jurisdiction == "NX" else COUNTY
    if organ not in supply.organs:
        supply.organs[organ] = organisation(story.world, organ, "organ")
    registered = supply.units[name] = unit(story.world, name, supply.organs[organ])
    for person in people:
        story.people[person] = registered.person(person)
    return registered


@given(parsers.re(r'^有关单位"(?P<name>[^"]+)"已登记，人员有(?P<people>.+)$'))
def a_related_unit(story: Story, supply: Supply, name: str, people: str) -> None:
    _register(story, supply, name, QUOTED.findall(people))


@given(parsers.parse('"{person}"是另一单位"{name}"的工作人员'))
def a_person_of_another_unit(story: Story, supply: Supply, person: str, name: str) -> None:
    _register(story, supply, name, [person])


@given(parsers.parse('县政府办公室工作人员"{person}"已登记'))
def a_county_office_person(story: Story, person: str) -> None:
    story.add_person(person, ["government_office"], "息县人民政府办公室")


def _request(story: Story, supply: Supply, person: str, name: str, days: str, items: list[str],
             responsible: str) -> None:
    supply.request_id = uuid4()
    args = request_args(supply.unit(name), story.person(responsible), supply.request_id, days=number(days),
                        items=items)
    story.act(story.person(person), "case.request_materials", args)


@given(parsers.re(rf'^"(?P<person>[^"]+)"已请求"(?P<name>[^"]+)"在(?P<days>{NUMERAL})日内提供材料，'
                  r'负责人为"(?P<responsible>[^"]+)"$'))
def requested(story: Story, supply: Supply, person: str, name: str, days: str, responsible: str) -> None:
    _request(story, supply, person, name, days, ["与决策实施情况有关的材料和数据"], responsible)
    story.require_success()


@when(parsers.re(rf'^"(?P<person>[^"]+)"请求"(?P<name>[^"]+)"在(?P<days>{NUMERAL})日内提供"(?P<items>[^"]+)"，'
                 r'负责人为"(?P<responsible>[^"]+)"$'))
def request(story: Story, supply: Supply, person: str, name: str, days: str, items: str, responsible: str) -> None:
    _request(story, supply, person, name, days, items.split("、"), responsible)


@given(parsers.re(rf'^"(?P<person>[^"]+)"已请求"(?P<name>[^"]+)"在(?P<days>{NUMERAL})日内提供"(?P<items>[^"]+)"，'
                  r'负责人为"(?P<responsible>[^"]+)"$'))
def requested_items(story: Story, supply: Supply, person: str, name: str, days: str, items: str,
                    responsible: str) -> None:
    _request(story, supply, person, name, days, items.split("、"), responsible)
    story.require_success()


def _answer(story: Story, supply: Supply, person: str, title: str, truthful: bool) -> None:
    """An answer supplying every item requested, one material each, the first titled ``title``."""
    material_id = supply.materials[title] = story.materials[title] = uuid4()
    items = story.case.supply_requests[str(supply.last_request())]["items"]
    args = answer_args(supply.last_request(), material_id, items=items, truthful=truthful)
    args["materials"][0]["title"] = title
    story.act(story.person(person), "case.answer_request", args)


@when(parsers.parse('"{person}"代表"{name}"提供"{title}"，如实说明实施中的问题和风险，并提出建议'))
def answer(story: Story, supply: Supply, person: str, name: str, title: str) -> None:
    _answer(story, supply, person, title, truthful=True)


@when(parsers.parse('"{person}"代表"{name}"提供"{title}"，但未承诺如实说明'))
def answer_without_attestation(story: Story, supply: Supply, person: str, name: str, title: str) -> None:
    _answer(story, supply, person, title, truthful=False)


@when(parsers.parse('"{person}"代表"{name}"答复，未提供任何材料，问题和风险、建议均为"无"'))
def empty_answer(story: Story, supply: Supply, person: str, name: str) -> None:
    story.act(story.person(person), "case.answer_request", answer_args(
        supply.last_request(), materials=[], problems_and_risks="无", suggestions="无"))


@when(parsers.parse('"{person}"代表"{name}"提供"{supplied}"，说明"{withheld}"未提供，理由为"{reason}"'))
def partial_answer(story: Story, supply: Supply, person: str, name: str, supplied: str, withheld: str,
                   reason: str) -> None:
    supply.materials[supplied] = story.materials[supplied] = uuid4()
    story.act(story.person(person), "case.answer_request", answer_args(
        supply.last_request(), supply.materials[supplied], items=[supplied],
        not_supplied=[{"item": withheld, "reason": reason}]))


@when(parsers.parse('"{person}"代表"{name}"拒绝提供材料，理由为"{reason}"'))
def refuse(story: Story, supply: Supply, person: str, name: str, reason: str) -> None:
    story.act(story.person(person), "case.refuse_request", {"request_id": str(supply.last_request()), "reason": reason})


@when(parsers.parse('"{person}"督促"{name}"提供材料'))
def urge(story: Story, supply: Supply, person: str, name: str) -> None:
    story.act(story.person(person), "case.coordinate_supply", {
        "request_id": str(supply.last_request()), "measure": "urge", "statement": f"督促{name}于三日内提供材料"})


@then(parsers.re(rf"^请求的期限届满日为请求之日后第(?P<days>{NUMERAL})日$"))
def due_after(story: Story, supply: Supply, days: str) -> None:
    request = story.case.supply_requests[str(supply.last_request())]
    due = due_date(request, official_calendar(story.ledger))
    assert due == china_date(request["at"]) + timedelta(days=number(days)), due  # a working day here


@then(parsers.parse('"{title}"作为案件资料记录在案，注明由"{person}"为答复该请求提供'))
def supplied_material(story: Story, supply: Supply, title: str, person: str) -> None:
    material = story.case.materials[str(supply.materials[title])]
    assert material["title"] == title and material["supplied_for"] == supply.last_request()
    assert material["collected"]["by"] == story.person(person).principal_id and material["digest"]
    answer = story.case.supply_requests[str(supply.last_request())]["answer"]
    assert answer["truthful"] and answer["problems_and_risks"] and answer["suggestions"]


@then(parsers.re(r"^协调记录在案，依据(?P<cited>.+?)记录的问题仍未办结$"))
def coordinated_finding_open(story: Story, supply: Supply, cited: str) -> None:
    request = story.case.supply_requests[str(supply.last_request())]
    assert [c["measure"] for c in request["coordination"]] == ["urge"]
    article = article_key(cited)
    found = [f for f in story.findings() if article in f["articles"]]
    assert len(found) == 1 and found[0]["closed"] is None


@then(parsers.parse('没有记录以"{person}"为责任人的问题'))
def no_finding_naming(story: Story, person: str) -> None:
    someone = story.person(person).principal_id
    named = [f["rule"] for f in story.findings() if any(p["principal_id"] == someone for p in f["persons"])]
    assert named == [], named
