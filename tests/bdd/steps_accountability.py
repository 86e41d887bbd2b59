"""Steps of the accountability procedure (H2; NX-16, XX-23, XX-18; 《重大行政决策程序暂行条例》第三十八条):
立案, 调查, 告知, 陈述申辩, 决定, 申诉, 复核, in the words a legal reader uses."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from domain.errors import MalformedInput
from domain.model.accountability import Accountability
from domain.model.acts import stored_act
from tests.accountability_support import DOCUMENT, decided, notice, open_args, subject
from tests.bdd.steps import conclude
from tests.bdd.story import Story
from tests.support import digest

CONDUCT = {"失职渎职": "dereliction", "弄虚作假": "falsification", "干扰评估": "interference",
           "工作不力、方式方法简单": "ineffective_work"}
FAULTS = {"决策严重失误": "serious_error", "久拖不决造成重大损失、恶劣影响": "undue_delay",
          "未按照规定履行决策程序": "procedure_not_followed", "履行决策程序时失职渎职": "dereliction_in_procedure",
          "履行决策程序时弄虚作假": "falsification_in_procedure"}
SANCTIONS = {"警告": "warning", "记过": "demerit", "记大过": "major_demerit", "降级": "demotion", "撤职": "removal",
             "开除": "expulsion", "通报": "circulated", "诫勉": "admonition", "组织调整或者组织处理": "organisational"}
OUTCOMES = {"不予追究": "no_liability", "减轻责任": "reduced", "免除责任": "exempted", "给予处分": "sanctioned"}
STEPS = {"立案": "open", "调查": "investigate", "告知": "notify", "陈述申辩": "state_defence", "决定": "decide",
         "申诉": "appeal", "复核": "review"}


@dataclass
class Procedure:
    """The procedure a scenario opens, and the units it registers."""

    procedure_id: UUID = field(default_factory=uuid4)
    units: dict[str, UUID] = field(default_factory=dict)


@pytest.fixture
def procedure() -> Procedure:
    return Procedure()


def _conclusions(story: Story) -> list[dict[str, Any]]:
    case = story.case
    return [{"aggregate_id": str(case.id), "version": c["version"], "hash": c["hash"]} for c in case.conclusions]


def _open(story: Story, procedure: Procedure, inspector: str, subjects: list[dict[str, Any]], **changes: Any) -> None:
    script = story.case_script
    args = open_args(script.jurisdiction, script.decision_id, subjects, events=_conclusions(story),
                     case_id=script.case_id, **changes)
    story.act(story.person(inspector), "accountability.open", args, target=procedure.procedure_id)


def _person(story: Story, name: str, role: str) -> dict[str, Any]:
    return subject(story.person(name).principal_id, role)


def _the(story: Story, procedure: Procedure) -> Accountability:
    found = story.ledger.find(procedure.procedure_id, Accountability)
    assert found is not None, f"no procedure was opened: {story.error}"
    return found


# --- given -------------------------------------------------------------------------------------


@given(parsers.parse('"{person}"已得出初步结论'))
def concluded(story: Story, person: str) -> None:
    conclude(story, person)
    story.require_success()


@given(parsers.parse('单位"{name}"已登记'))
def a_unit(story: Story, procedure: Procedure, name: str) -> None:
    unit = uuid4()
    story.world.do(story.world.admin, "organisation.register", unit, {"name": name, "kind": "organ"})
    procedure.units[name] = unit


# --- 立案 --------------------------------------------------------------------------------------


@when(parsers.parse('纪检监察人员"{inspector}"以"{conduct}"对"{direct}"立案追究责任，领导责任人为"{leader}"，援引其初步结论'))
def open_for_conduct(story: Story, procedure: Procedure, inspector: str, conduct: str, direct: str, leader: str) -> None:
    _open(story, procedure, inspector, [_person(story, direct, "direct"), _person(story, leader, "leader")],
          conduct=CONDUCT[conduct])


@when(parsers.parse('纪检监察人员"{inspector}"以"工作不力、方式方法简单"对"{direct}"立案追究责任，指明本案评估结果无法运用'))
def open_for_unusable_result(story: Story, procedure: Procedure, inspector: str, direct: str) -> None:
    _open(story, procedure, inspector, [_person(story, direct, "direct")], conduct="ineffective_work",
          unusable_case_id=story.case_script.case_id)


@when(parsers.parse('纪检监察人员"{inspector}"以"工作不力、方式方法简单"对"{direct}"立案追究责任，未指明评估结果无法运用的评估'))
def open_without_unusable_result(story: Story, procedure: Procedure, inspector: str, direct: str) -> None:
    _open(story, procedure, inspector, [_person(story, direct, "direct")], conduct="ineffective_work")


@when(parsers.parse('纪检监察人员"{inspector}"以其他行为"{description}"对"{direct}"立案追究责任'))
def open_for_other_conduct(story: Story, procedure: Procedure, inspector: str, description: str, direct: str) -> None:
    _open(story, procedure, inspector, [_person(story, direct, "direct")], conduct="other",
          conduct_description=description)


@when(parsers.parse('纪检监察人员"{inspector}"以其他行为对"{direct}"立案追究责任，未描述该行为'))
def open_for_undescribed_conduct(story: Story, procedure: Procedure, inspector: str, direct: str) -> None:
    _open(story, procedure, inspector, [_person(story, direct, "direct")], conduct="other")


@when(parsers.parse('纪检监察人员"{inspector}"以"{conduct}"对单位"{unit}"立案追究责任，直接责任人员为"{direct}"'))
def open_against_unit(story: Story, procedure: Procedure, inspector: str, conduct: str, unit: str, direct: str) -> None:
    _open(story, procedure, inspector, [subject(procedure.units[unit], "unit"), _person(story, direct, "direct")],
          conduct=CONDUCT[conduct])


@when(parsers.parse('纪检监察人员"{inspector}"以"{fault}"对该决策立案追究责任，行政首长为"{head}"，直接责任人员为"{direct}"'))
def open_for_fault(story: Story, procedure: Procedure, inspector: str, fault: str, head: str, direct: str) -> None:
    _open(story, procedure, inspector, [_person(story, head, "head"), _person(story, direct, "direct")],
          ground="decision_fault", fault=FAULTS[fault])


# --- 调查、告知、陈述申辩 ------------------------------------------------------------------------


@when(parsers.parse('纪检监察人员"{inspector}"调查取证，补充账外文件"{title}"'))
def investigate(story: Story, procedure: Procedure, inspector: str, title: str) -> None:
    document = {**DOCUMENT, "title": title, "digest": digest(title)}
    story.act(story.person(inspector), "accountability.investigate",
              {"evidence": {"events": [], "documents": [document]}, "facts": "经调查查明上述事实"},
              target=procedure.procedure_id)


@when(parsers.parse('纪检监察人员"{inspector}"向"{person}"告知认定的事实和拟处理意见'))
def notify(story: Story, procedure: Procedure, inspector: str, person: str) -> None:
    story.act(story.person(inspector), "accountability.notify", notice(story.person(person).principal_id),
              target=procedure.procedure_id)


@when(parsers.parse('纪检监察人员"{inspector}"向单位"{unit}"告知认定的事实和拟处理意见'))
def notify_unit(story: Story, procedure: Procedure, inspector: str, unit: str) -> None:
    story.act(story.person(inspector), "accountability.notify", notice(procedure.units[unit]),
              target=procedure.procedure_id)


@when(parsers.parse('"{person}"提出陈述申辩'))
def state_defence(story: Story, procedure: Procedure, person: str) -> None:
    story.act(story.person(person), "accountability.state_defence", {"statement": "本人对认定的事实陈述如下"},
              target=procedure.procedure_id)


# --- 决定、申诉、复核 --------------------------------------------------------------------------


def _decide(story: Story, procedure: Procedure, inspector: str, decision: dict[str, Any]) -> None:
    story.act(story.person(inspector), "accountability.decide", {"decisions": [decision]},
              target=procedure.procedure_id)


@when(parsers.parse('纪检监察人员"{inspector}"决定给予"{person}"{sanction}'))
def sanction(story: Story, procedure: Procedure, inspector: str, person: str, sanction: str) -> None:
    sanctions = tuple(SANCTIONS.get(s, s) for s in sanction.split("、"))
    _decide(story, procedure, inspector, decided(story.person(person).principal_id, "sanctioned", sanctions=sanctions))


@when(parsers.parse('纪检监察人员"{inspector}"以容错纠错为由决定对"{person}"减轻责任，给予{sanction}，理由为"{why}"'))
def reduce(story: Story, procedure: Procedure, inspector: str, person: str, sanction: str, why: str) -> None:
    _decide(story, procedure, inspector, decided(
        story.person(person).principal_id, "reduced", sanctions=(SANCTIONS[sanction],),
        relief={"ground": "fault_tolerance", "description": why}))


@when(parsers.parse('纪检监察人员"{inspector}"决定给予单位"{unit}"{sanction}'))
def sanction_unit(story: Story, procedure: Procedure, inspector: str, unit: str, sanction: str) -> None:
    _decide(story, procedure, inspector, decided(procedure.units[unit], "sanctioned", sanctions=(SANCTIONS[sanction],)))


@when(parsers.parse('纪检监察人员"{inspector}"以"{person}"在集体讨论中持不同意见为由决定免除其责任，援引"{signer}"签署的记录'))
def exempt_for_dissent(story: Story, procedure: Procedure, inspector: str, person: str, signer: str) -> None:
    """The record cited is the first event of the case that ``signer`` signed."""
    case_id, signer_id = story.case_script.case_id, story.person(signer).principal_id
    version = next(v for v in range(1, story.case.version + 1)
                   if (e := story.ledger.stored_event(case_id, v)) is not None and stored_act(e).actor_id == signer_id)
    event = story.ledger.stored_event(case_id, version)
    assert event is not None
    record = {"aggregate_id": str(case_id), "version": version, "hash": event.hash}
    _decide(story, procedure, inspector, decided(story.person(person).principal_id, "exempted",
                                                 relief={"ground": "recorded_dissent", "record": record}))


@when(parsers.parse('"{person}"对处理决定提出申诉'))
def appeal(story: Story, procedure: Procedure, person: str) -> None:
    story.act(story.person(person), "accountability.appeal", {"statement": "处分过重，请求复核"},
              target=procedure.procedure_id)


@when(parsers.parse('纪检监察人员"{inspector}"复核后将对"{person}"的处分变更为{sanction}'))
def review_changed(story: Story, procedure: Procedure, inspector: str, person: str, sanction: str) -> None:
    principal_id = story.person(person).principal_id
    story.act(story.person(inspector), "accountability.review", {
        "subject_id": str(principal_id), "result": "changed", "reasons": "情节较轻",
        "decision": decided(principal_id, "sanctioned", sanctions=(SANCTIONS[sanction],)),
    }, target=procedure.procedure_id)


@when(parsers.parse('纪检监察人员"{inspector}"复核后维持对"{person}"的原决定'))
def review_upheld(story: Story, procedure: Procedure, inspector: str, person: str) -> None:
    story.act(story.person(inspector), "accountability.review", {
        "subject_id": str(story.person(person).principal_id), "result": "upheld", "reasons": "事实清楚，处理适当",
    }, target=procedure.procedure_id)


# --- then --------------------------------------------------------------------------------------


@then("该操作因处分种类不在法定种类之内被拒绝")
def sanction_outside_the_list(story: Story) -> None:
    assert isinstance(story.error, MalformedInput), f"{story.error!r}"
    assert "sanctions" in str(story.error)
    assert story.rows() == story.before


@then(parsers.parse('"{person}"在该程序中的步骤依次为"{steps}"，每一步由其行为人签署'))
def steps_of(story: Story, procedure: Procedure, person: str, steps: str) -> None:
    principal_id = str(story.person(person).principal_id)
    mine = [s for s in _the(story, procedure).steps if principal_id in s["subjects"]]
    assert [s["step"] for s in mine] == [STEPS[s] for s in steps.split("、")]
    for step in mine:
        signer = story.person(person).principal_id if step["step"] in ("state_defence", "appeal") else None
        assert signer is None or step["by"] == signer, step


@then(parsers.parse('对"{person}"的决定为"{outcome}"，处分为"{sanction}"'))
def decision_is(story: Story, procedure: Procedure, person: str, outcome: str, sanction: str) -> None:
    entry = _the(story, procedure).subjects[str(story.person(person).principal_id)]["decision"]
    decision = entry.get("decision") or entry  # a review's new decision, or the decision itself
    assert decision["outcome"] == OUTCOMES[outcome]
    assert decision["sanctions"] == [SANCTIONS[s] for s in sanction.split("、")]


@then(parsers.parse('单位"{unit}"作为被认定有关行为的一方记录在案'))
def unit_is_party(story: Story, procedure: Procedure, unit: str) -> None:
    assert _the(story, procedure).subjects[str(procedure.units[unit])]["role"] == "unit"


# --- the same acts as set-up steps (假如/并且 …已…), which must be recorded -----------------------


def _set_up(step: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(step)
    def recorded(**kwargs: Any) -> None:
        step(**kwargs)
        kwargs["story"].require_success()
    return recorded


given(parsers.parse('纪检监察人员"{inspector}"以"{conduct}"对"{direct}"立案追究责任，领导责任人为"{leader}"，援引其初步结论'))(_set_up(open_for_conduct))
given(parsers.parse('纪检监察人员"{inspector}"以"{conduct}"对单位"{unit}"立案追究责任，直接责任人员为"{direct}"'))(_set_up(open_against_unit))
given(parsers.parse('纪检监察人员"{inspector}"以"{fault}"对该决策立案追究责任，行政首长为"{head}"，直接责任人员为"{direct}"'))(_set_up(open_for_fault))
given(parsers.parse('纪检监察人员"{inspector}"已向"{person}"告知认定的事实和拟处理意见'))(_set_up(notify))
given(parsers.parse('纪检监察人员"{inspector}"已决定给予"{person}"{sanction}'))(_set_up(sanction))
given(parsers.parse('"{person}"已对处理决定提出申诉'))(_set_up(appeal))
