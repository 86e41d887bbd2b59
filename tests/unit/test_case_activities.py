"""The ways opinions are heard (NX-10(3), XX-12(2), XX-15) and the team (NX-10(1), XX-11(1)):
each recorded once, by evaluators, inside the evidence phase."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.errors import Conflict, MalformedInput, NotFound, NotPermitted, Refused
from tests.support import NXScript, World, XXScript


def survey(item: UUID) -> dict[str, Any]:
    return {"survey_id": str(item), "online": False, "period_from": "2022-08-01",
            "period_to": "2022-08-10", "respondents": 40, "summary": "纸质问卷"}


def meeting(item: UUID) -> dict[str, Any]:
    return {"meeting_id": str(item), "held_on": "2022-08-12", "place": "厅三楼会议室",
            "participants": [{"name": "律师", "affiliation": "律师事务所", "stakeholder": False},
                             {"name": "企业代表", "affiliation": "企业", "stakeholder": True}],
            "summary": "论证补贴标准"}


def visit(item: UUID) -> dict[str, Any]:
    return {"visit_id": str(item), "visited_on": "2022-08-15", "place": "银川综合保税区", "summary": "查看海外仓"}


def consultation(item: UUID) -> dict[str, Any]:
    return {"consultation_id": str(item), "channel": "门户网站", "period_from": "2022-08-01",
            "period_to": "2022-08-31", "responses": 12, "summary": "公开征求意见"}


ACTIVITIES: list[tuple[str, str, Callable[[UUID], dict[str, Any]]]] = [
    ("case.conduct_survey", "survey", survey),
    ("case.hold_forum", "forum", meeting),
    ("case.hold_hearing", "hearing", meeting),
    ("case.visit_site", "site_visit", visit),
    ("case.solicit_opinions", "consultation", consultation),
]


@pytest.mark.parametrize(("action", "kind", "args"), ACTIVITIES)
def test_each_activity_is_recorded_once_by_an_evaluator(world: World, action: str, kind: str, args) -> None:  # type: ignore[no-untyped-def]
    nx = NXScript(world)
    nx.advance_to("collect_material")
    item = uuid4()
    with pytest.raises(NotPermitted):
        nx.do(nx.organ, action, args(item))
    recorded = nx.do(nx.member, action, args(item))
    activity = nx.case.activities[str(item)]
    assert activity["kind"] == kind and activity["by"] == nx.member.principal_id
    assert recorded.version == nx.case.version
    if "participants" in args(item):
        assert (activity["participants"], activity["stakeholders"]) == (2, 1)
    with pytest.raises(Conflict):
        nx.do(nx.member, action, args(item))


@pytest.mark.parametrize(("action", "kind", "args"), ACTIVITIES)
def test_no_activity_before_approval_or_after_evidence_closes(world: World, action: str, kind: str, args) -> None:  # type: ignore[no-untyped-def]
    nx = NXScript(world)
    nx.advance_to("approve_evaluation")
    with pytest.raises(Refused) as before:
        nx.do(nx.lead, action, args(uuid4()))
    assert before.value.article == "NX-10(2)"
    nx.advance_to("draw_conclusion")
    with pytest.raises(Refused) as after:
        nx.do(nx.lead, action, args(uuid4()))
    assert after.value.article == "NX-10(3)"


@pytest.mark.parametrize(("action", "kind", "args"), ACTIVITIES)
def test_simplified_xx_hears_opinions_at_once(world: World, action: str, kind: str, args) -> None:  # type: ignore[no-untyped-def]
    xx = XXScript(world, simplified=True)
    xx.advance_to("collect_material")
    xx.do(xx.member, action, args(uuid4()))
    assert [a["kind"] for a in xx.case.activities.values()] == [kind]


def test_the_team_is_formed_by_the_lead_unit_from_registered_people(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("form_team")
    member = {"principal_id": str(nx.member.principal_id), "team_role": "member"}
    with pytest.raises(NotPermitted) as caught:
        nx.do(nx.agency_staff, "case.form_team", {"members": [member]})
    assert caught.value.article == "NX-4"
    with pytest.raises(MalformedInput, match="twice"):
        nx.do(nx.lead, "case.form_team", {"members": [member, member]})
    with pytest.raises(NotFound):
        nx.do(nx.lead, "case.form_team", {"members": [{"principal_id": str(uuid4()), "team_role": "leader"}]})
    with pytest.raises(MalformedInput, match="members"):
        nx.do(nx.lead, "case.form_team", {"members": []})
    nx.step("form_team").run()
    assert nx.case.team[str(nx.lead.principal_id)] == {"team_role": "leader", "affiliation": "staff"}


def test_the_team_can_change_until_evidence_closes(world: World) -> None:
    xx = XXScript(world)
    xx.advance_to("close_evidence")
    deputy = world.person("人大代表刘", [], "息县人大常委会")
    xx.do(xx.lead, "case.form_team", {"members": [
        {"principal_id": str(xx.lead.principal_id), "team_role": "leader"},
        {"principal_id": str(deputy.principal_id), "team_role": "member", "affiliation": "npc_deputy"},
    ]})
    assert xx.case.team[str(deputy.principal_id)]["affiliation"] == "npc_deputy"
    xx.step("close_evidence").run()
    with pytest.raises(Refused) as caught:
        xx.step("form_team").run()
    assert caught.value.article == "XX-12"


def test_a_finalised_report_freezes_exclusions_conclusions_and_experts(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("submit_report")
    for action, args in [
        ("case.exclude_material", {"material_id": str(nx.material_id), "reason": "事后剔除"}),
        ("case.draw_conclusion", {"conclusion": "另一个结论"}),
        ("case.engage_expert", {"expert_id": str(nx.expert.principal_id), "field": "x"}),
    ]:
        with pytest.raises(Refused) as caught:
            nx.do(nx.lead, action, args)
        assert caught.value.article == "NX-10(4)", action
