"""回避 (NX-8; 国令第713号第三十六条): the demonstrator list, or none, before a case opens; the unit
that did the main demonstration never entrusted; a person checked at every door of the evaluation."""

from uuid import UUID, uuid4

import pytest

from domain.errors import Conflict, MalformedInput, Refused
from domain.model.commands.decision import RecordDemonstrators
from tests.support import NXScript, World, XXScript


def _unit(world: World, script: NXScript | XXScript, name: str = "宁夏社会科学院综合经济研究所") -> UUID:
    agency = world.agency(name)
    world.do(script.member, "decision.record_demonstrators", script.decision_id, {"demonstrators": [
        {"name": name, "kind": "organisation", "work": "可行性论证", "agency_id": str(agency)}]})
    return agency


def test_a_list_or_none_but_not_both_nor_neither() -> None:
    assert RecordDemonstrators.parse({"none": True}).none
    with pytest.raises(MalformedInput):
        RecordDemonstrators.parse({})
    with pytest.raises(MalformedInput):
        RecordDemonstrators.parse({"none": True, "demonstrators": [{"name": "张三", "kind": "expert", "work": "论证"}]})


def test_none_cannot_follow_a_list_but_a_list_may_follow_none(world: World) -> None:
    clerk = world.person("李娜", ["lead_unit"])
    decision_id = world.decision("NX", clerk)  # none stated
    world.do(clerk, "decision.record_demonstrators", decision_id, {"demonstrators": [
        {"name": "宁夏社会科学院", "kind": "organisation", "work": "论证"}]})
    with pytest.raises(Conflict):
        world.do(clerk, "decision.record_demonstrators", decision_id, {"none": True})
    decision = world.ledger.get_decision(decision_id)
    assert decision.no_demonstrators is not None and len(decision.demonstrators) == 1


@pytest.mark.parametrize(("script_of", "article"), [(NXScript, "NX-8"), (XXScript, "713-36")])
def test_a_case_opens_only_once_the_list_or_none_is_recorded(world: World, script_of: type, article: str) -> None:
    script = script_of(world)
    script.decision_id = world.decision(script.jurisdiction, script.member, demonstrators=False)
    before = world.ledger.recorder.max_notification_id()
    with pytest.raises(Refused) as caught:
        script.step("open").run()
    assert caught.value.article == article and str(caught.value.rule).endswith("/demonstrators-recorded")
    assert world.ledger.recorder.max_notification_id() == before
    world.do(script.member, "decision.record_demonstrators", script.decision_id, {"none": True})
    script.step("open").run()
    assert script.case.decision_id == script.decision_id


def test_the_demonstrating_unit_is_refused_under_xx_whatever_the_reason(world: World) -> None:
    xx = XXScript(world)
    xx.advance_to("collect_material")
    agency = _unit(world, xx, "信阳市发展研究中心")
    world.do(world.admin, "agency.record_qualification", agency, {
        "credit_record_good": True, "has_equipment": True, "staff_qualified": True, "evidence": "资质证明"})
    with pytest.raises(Refused) as caught:
        xx.do(xx.lead, "case.entrust_agency", {"agency_id": str(agency), "tasks": ["survey"], "scope": ["问卷"],
                                               "agreement_ref": "委托协议", "justification": "本地仅此一家"})
    assert caught.value.article == "713-36"
    assert str(agency) not in xx.case.agencies


def test_an_expert_engaged_from_a_demonstrating_unit_needs_a_reason_under_nx(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("collect_material")
    agency = _unit(world, nx)
    staff = world.person("刘芳", ["expert"], "宁夏社会科学院", agency)
    args = {"expert_id": str(staff.principal_id), "field": "国际贸易"}
    with pytest.raises(Refused) as caught:
        nx.do(nx.lead, "case.engage_expert", args)
    assert caught.value.article == "NX-8"
    nx.do(nx.lead, "case.engage_expert", {**args, "justification": "只核对数据口径"})
    [finding] = nx.case.findings_of_rule("NX/demonstrators-excluded")
    assert {p["principal_id"] for p in finding["persons"]} == {nx.lead.principal_id, staff.principal_id}
    nx.do(staff, "case.collect_material", nx.material_args(uuid4()))  # admitted with a reason: no second refusal
    assert len(nx.case.findings_of_rule("NX/demonstrators-excluded")) == 1


def test_under_xx_a_demonstrator_on_the_team_is_flagged_once(world: World) -> None:
    xx = XXScript(world)
    xx.advance_to("give_expert_opinion")
    world.do(xx.member, "decision.record_demonstrators", xx.decision_id, {"demonstrators": [
        {"name": "周丽", "kind": "expert", "work": "论证", "principal_id": str(xx.expert.principal_id)}]})
    xx.step("give_expert_opinion").run()
    xx.do(xx.expert, "case.draw_conclusion", {"conclusion": "目标基本实现"})  # a later act: no second finding
    [finding] = xx.case.findings_of_rule("XX/demonstrators-excluded")
    assert finding["articles"] == ["713-36"]
    assert {p["principal_id"] for p in finding["persons"]} == {xx.expert.principal_id}
