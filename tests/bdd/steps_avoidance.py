"""Steps of avoidance (回避; NX-8, 国令第713号第三十六条): the demonstrator list on the decision before
a case opens, and every door into the evaluation — the team, an engagement, an expert review, an
act on the case by staff of a demonstrating unit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pytest_bdd import given, parsers, when

from tests.bdd.steps import TEXT, script_of
from tests.bdd.story import Story

_NONE_STATED = "无承担主要论证工作的专家、机构"


def _record(story: Story, person: str, args: dict[str, Any]) -> None:
    story.act(story.person(person), "decision.record_demonstrators", args, target=story.case_script.decision_id)


@given(parsers.re(rf"^(?P<text>{TEXT})登记了一项重大行政决策，尚未记录决策作出前承担主要论证工作的专家、机构$"))
def a_decision_without_list(story: Story, text: str) -> None:
    script = story.use(script_of(story, text))
    script.decision_id = story.world.decision(script.jurisdiction, script.member, demonstrators=False)
    story.decision_id = script.decision_id


@given(parsers.parse('"{person}"已在决策上记录“{statement}”'))
@when(parsers.parse('"{person}"在决策上记录“{statement}”'))
def record_none(story: Story, person: str, statement: str) -> None:
    assert statement == _NONE_STATED, statement
    _record(story, person, {"none": True})


def _demonstrating_unit(story: Story, name: str) -> UUID:
    agency = story.agencies.get(name) or story.world.agency(name)
    story.agencies[name] = agency
    story.world.do(story.case_script.member, "decision.record_demonstrators", story.case_script.decision_id, {
        "demonstrators": [{"name": name, "kind": "agency", "work": "决策前可行性论证", "agency_id": str(agency)}],
    })
    return agency


@given(parsers.parse('"{name}"被记录为决策作出前承担主要论证工作的机构'))
def a_unit_on_record(story: Story, name: str) -> None:
    _demonstrating_unit(story, name)


@given(parsers.parse('受委托机构"{name}"被补记为决策作出前承担主要论证工作的机构'))
def the_entrusted_unit_on_record(story: Story, name: str) -> None:
    story.agencies[name] = story.nx.agency_id if story.case_script.jurisdiction == "NX" else story.agencies[name]
    _demonstrating_unit(story, name)


@given(parsers.parse('"{name}"被补记为决策作出前承担主要论证工作的专家'))
def a_person_on_record(story: Story, name: str) -> None:
    story.world.do(story.case_script.member, "decision.record_demonstrators", story.case_script.decision_id, {
        "demonstrators": [{"name": name, "kind": "expert", "work": "决策前专家论证",
                           "principal_id": str(story.person(name).principal_id)}],
    })


@given(parsers.parse('"{name}"是决策前论证机构"{agency}"的工作人员'))
def staff_of_the_unit(story: Story, name: str, agency: str) -> None:
    story.add_person(name, ["expert"], agency, story.agencies[agency])


def _form_team(story: Story, person: str, member: str, reason: str) -> None:
    script = story.case_script
    entry: dict[str, Any] = {"principal_id": str(story.person(member).principal_id), "team_role": "member",
                             "affiliation": "sector_expert"}
    if reason:
        entry["justification"] = reason
    story.act(story.person(person), "case.form_team", {"members": [
        {"principal_id": str(script.lead.principal_id), "team_role": "leader"}, entry,
    ]})


@when(parsers.parse('"{person}"成立评估小组，吸收"{member}"为成员'))
def team_with(story: Story, person: str, member: str) -> None:
    _form_team(story, person, member, "")


@when(parsers.parse('"{person}"成立评估小组，吸收"{member}"为成员，理由为"{reason}"'))
def team_with_reason(story: Story, person: str, member: str, reason: str) -> None:
    _form_team(story, person, member, reason)


@when(parsers.parse('专家"{expert}"对评估报告稿发表论证意见'))
def expert_review(story: Story, expert: str) -> None:
    story.act(story.person(expert), "case.give_expert_opinion", {
        "draft_id": str(story.case_script.draft_id), "opinion": "agree", "comments": "同意",
    })
