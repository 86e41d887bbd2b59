"""Steps of a unit's fault in the decision procedure (《重大行政决策程序暂行条例》第三十九条; 息县办法第十八条):
the evaluation confirms it naming the unit — the undertaking unit, or one that did recorded work
on the decision — and an inspector holds the unit's responsible leaders and direct persons to account."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from domain.model.accountability import Accountability
from projections import queries, units
from tests.accountability_support import subject
from tests.bdd.citations import article_keys
from tests.bdd.steps_accountability import FAULTS, Procedure, _open, _person
from tests.bdd.story import Story

ORGANS = {"NX": "宁夏回族自治区商务厅", "XX": "息县人民政府"}


def _unit(story: Story, procedure: Procedure, name: str, kind: str = "unit") -> Any:
    """A working unit (or the legality reviewer) of the organ of the case's text."""
    organ = ORGANS[story.case_script.jurisdiction]
    if organ not in procedure.units:
        procedure.units[organ] = story.world.organisation(organ, "organ")
    if name not in procedure.units:
        procedure.units[name] = story.world.organisation(name, kind, procedure.units[organ])
    return procedure.units[name]


@given(parsers.parse('该决策的承办单位"{unit}"由其工作人员"{person}"记录在案'))
def undertaken(story: Story, procedure: Procedure, unit: str, person: str) -> None:
    unit_id = _unit(story, procedure, unit)
    staff = story.world.member(person, ["lead_unit"], unit_id, unit)
    story.people[person] = staff
    story.act(staff, "decision.record_undertaking",
              {"undertaking_unit_id": str(unit_id), "drafter_id": str(staff.principal_id)},
              target=story.case_script.decision_id)
    story.require_success()


@given(parsers.parse('该决策的合法性审查意见由"{unit}"的"{person}"签署'))
def legality_reviewed(story: Story, procedure: Procedure, unit: str, person: str) -> None:
    unit_id = _unit(story, procedure, unit, "justice")
    reviewer = story.world.member(person, ["justice_reviewer"], unit_id, unit)
    story.people[person] = reviewer
    story.act(reviewer, "decision.record_legality_review", {"opinion": "lawful", "statement": "经审查，草案合法"},
              target=story.case_script.decision_id)
    story.require_success()


@given(parsers.parse('"{unit}"的负责人"{person}"已登记'))
def unit_head(story: Story, procedure: Procedure, unit: str, person: str) -> None:
    story.people[person] = story.world.member(person, ["lead_unit"], _unit(story, procedure, unit), unit)


@pytest.fixture
def confirmed() -> dict[str, UUID]:
    """The findings a scenario confirmed against a unit, by the unit's name (713-39)."""
    return {}


def _confirm(story: Story, person: str, fault: str, unit_id: Any) -> UUID:
    case_id = story.case_script.case_id
    first = story.ledger.stored_event(case_id, 1)
    assert first is not None
    finding_id = uuid4()
    args: dict[str, Any] = {
        "finding_id": str(finding_id), "fault": FAULTS[fault],
        "cited_events": [{"aggregate_id": str(case_id), "version": 1, "hash": first.hash}],
        "statement": "评估确认：决策草案未经规定程序即提交讨论"}
    if unit_id is not None:
        args["unit_id"] = str(unit_id)
    story.act(story.person(person), "case.confirm_decision_fault", args)
    return finding_id


@when(parsers.parse('"{person}"确认评估发现"{unit}"{fault}，援引本案立案记录'))
def confirm_unit_fault(story: Story, procedure: Procedure, person: str, unit: str, fault: str) -> None:
    _confirm(story, person, fault, procedure.units[unit])


@when(parsers.parse('"{person}"确认评估发现有关单位{fault}，未指明单位'))
def confirm_without_unit(story: Story, person: str, fault: str) -> None:
    _confirm(story, person, fault, None)


@when(parsers.parse('"{person}"确认评估发现{fault}并指明单位"{unit}"'))
def confirm_naming_a_unit(story: Story, procedure: Procedure, person: str, fault: str, unit: str) -> None:
    _confirm(story, person, fault, procedure.units[unit])


@when(parsers.parse('纪检监察人员"{inspector}"以"{fault}"对单位"{unit}"立案追究责任，负有责任的领导人员为"{leader}"，'
                    '直接责任人员为"{direct}"'))
def open_against_the_unit(story: Story, procedure: Procedure, confirmed: dict[str, UUID], inspector: str, fault: str,
                          unit: str, leader: str, direct: str) -> None:
    taken_up = {"finding_id": confirmed[unit]} if unit in confirmed else {}  # the evaluation's finding, if any
    _open(story, procedure, inspector, [subject(procedure.units[unit], "unit"), _person(story, leader, "leader"),
                                        _person(story, direct, "direct")],
          ground="decision_fault", fault=FAULTS[fault], **taken_up)


@then(parsers.parse('案件载有评估确认的决策过错，依据{cited}，指明单位"{unit}"'))
def unit_fault_confirmed(story: Story, procedure: Procedure, cited: str, unit: str) -> None:
    (found,) = [f for f in story.case.findings if f["source"] == "evaluation"]
    assert found["articles"] == article_keys(cited), found["articles"]
    assert found["unit_id"] == procedure.units[unit]


@then(parsers.parse('该程序依据{cited}，单位"{unit}"作为一方记录在案'))
def procedure_on_the_unit(story: Story, procedure: Procedure, cited: str, unit: str) -> None:
    found = story.ledger.find(procedure.procedure_id, Accountability)
    assert found is not None, f"no procedure was opened: {story.error}"
    assert [found.article] == article_keys(cited)
    assert found.subjects[str(procedure.units[unit])]["role"] == "unit"


# --- a unit's record, and the chains of the persons held to account (713-39; XX-18) -------------

ROLES = {"负有责任的领导人员": "leader", "直接责任人员": "direct"}


@given(parsers.parse('"{person}"已确认评估发现"{unit}"{fault}，援引本案立案记录'))
def unit_fault_was_confirmed(story: Story, procedure: Procedure, confirmed: dict[str, UUID], person: str, unit: str,
                             fault: str) -> None:
    confirmed[unit] = _confirm(story, person, fault, procedure.units[unit])
    story.require_success()


def _record(read_models: Any, procedure: Procedure, unit: str) -> dict[str, Any]:
    read_models.catch_up()
    return units.record(read_models.views, str(procedure.units[unit]))


@then(parsers.parse('单位"{unit}"的过错记录载有一项过错：{fault}，依据{cited}，由"{person}"确认，所涉决策为本案评估的决策'))
def unit_record_holds_the_fault(story: Story, procedure: Procedure, read_models: Any, unit: str, fault: str,
                                cited: str, person: str) -> None:
    (found,) = _record(read_models, procedure, unit)["findings"]
    (confirmed_now,) = [f for f in story.case.findings if f["source"] == "evaluation"]
    assert found["finding_id"] == str(confirmed_now["finding_id"])
    assert found["unit"] == {"unit_id": str(procedure.units[unit]), "name": unit}
    assert found["fault"] == FAULTS[fault] and found["articles"] == article_keys(cited)
    assert found["confirmed_by"] == str(story.person(person).principal_id) and found["confirmed_by_name"] == person
    assert found["confirmed_at"] and found["decision_id"] == str(story.case_script.decision_id)
    assert found["case_id"] == str(story.case_script.case_id) and found["open"]


@then(parsers.parse('单位"{unit}"的过错记录没有过错'))
def unit_record_is_empty(procedure: Procedure, read_models: Any, unit: str) -> None:
    assert _record(read_models, procedure, unit)["findings"] == []


@then(parsers.parse('"{person}"的终身责任链载有依据{cited}的追究程序，其为{role}，所涉单位为"{unit}"'))
def chain_holds_the_unit_s_procedure(story: Story, procedure: Procedure, read_models: Any, person: str, cited: str,
                                     role: str, unit: str) -> None:
    read_models.catch_up()
    chain = queries.person_chain(read_models.views, str(story.person(person).principal_id))
    (held,) = [p for p in chain["procedures"] if p["accountability_id"] == str(procedure.procedure_id)]
    assert [held["article"]] == article_keys(cited) and held["role"] == ROLES[role]
    assert held["units"] == [str(procedure.units[unit])]
    assert [s["step"] for s in held["steps"]] == ["open"]  # never closed: the procedure stands on the chain


@then(parsers.parse('单位"{unit}"的过错记录载有该程序，追究"{leader}"（负有责任的领导人员）和"{direct}"（直接责任人员），'
                    '并援引评估确认的过错'))
def unit_record_holds_the_procedure(story: Story, procedure: Procedure, read_models: Any, unit: str, leader: str,
                                    direct: str) -> None:
    record = _record(read_models, procedure, unit)
    (held,) = record["procedures"]
    (finding,) = record["findings"]
    assert held["accountability_id"] == str(procedure.procedure_id) and held["finding_id"] == finding["finding_id"]
    assert {(p["principal_id"], p["name"], p["role"]) for p in held["persons"]} == {
        (str(story.person(leader).principal_id), leader, "leader"),
        (str(story.person(direct).principal_id), direct, "direct")}
