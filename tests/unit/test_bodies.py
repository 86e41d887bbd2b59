"""Issue 18 point 6: the bodies that decide and the readings of XX-16, XX-19, XX-8 and XX-26.

NX-4 names the three 厅决策机关; XX-13(4) and XX-16 the county government, or under XX-26 the
township government or county department whose own decision it is; XX-16's second paragraph
(国令第713号第三十七条) needs a ruling's procedural basis; XX-19's exception; XX-8 on the
simplified procedure. Every refusal cites its article and stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import NotPermitted, Refused
from domain.model.case import Phase
from tests.bodies_support import TownshipScript
from tests.support import NXScript, World, XXScript, today


def refused(script: Any, act: Callable[[], Any], article: str) -> Refused:
    before = script.world.ledger.recorder.max_notification_id()
    with pytest.raises(Refused) as caught:
        act()
    assert caught.value.article == article
    assert script.world.ledger.recorder.max_notification_id() == before
    return caught.value


# --- NX-4: the three 厅决策机关 --------------------------------------------------------------------


@pytest.mark.parametrize(("body", "meeting"), [
    ("party_group_meeting", "2022年第3次厅党组会议"),
    ("office_meeting", "2022年第15次厅务会议"),
    ("special_meeting", "县域商业专题会议"),
])
def test_nx_approval_by_each_of_the_three_bodies(world: World, body: str, meeting: str) -> None:
    nx = NXScript(world)
    nx.advance_to("approve_evaluation")
    nx.do(nx.organ, "case.approve_evaluation", {"body": body, "meeting": meeting, "decided_on": today()})
    assert nx.case.approval["body"] == body and nx.case.phase is Phase.IMPLEMENTATION


@pytest.mark.parametrize(("body", "meeting"), [
    ("office_meeting", "2022年第4次厅长办公会"),  # a 厅长办公会 recorded as a 厅务会议
    ("office_meeting", "厅务会议（厅长办公会）"),
    ("special_meeting", "2022年第15次厅务会议"),  # the name is another body's
    ("county_government", "县政府常务会议"),
])
def test_nx_approval_by_another_body_or_meeting_is_refused_citing_nx_4(world: World, body: str, meeting: str) -> None:
    nx = NXScript(world)
    nx.advance_to("approve_evaluation")
    error = refused(nx, lambda: nx.do(nx.organ, "case.approve_evaluation", {
        "body": body, "meeting": meeting, "decided_on": today()}), "NX-4")
    assert "厅党组会议、厅务会议以及厅专题会议" in error.zh
    refused(nx, lambda: nx.do(nx.organ, "case.decline_evaluation", {
        "body": body, "meeting": meeting, "decided_on": today(), "reason": "不必评估"}), "NX-4")


def test_nx_approval_dated_ahead_is_refused_citing_nx_10_2(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("approve_evaluation")
    refused(nx, lambda: nx.do(nx.organ, "case.approve_evaluation", {
        "body": "office_meeting", "meeting": "厅务会议", "decided_on": today(3)}), "NX-10(2)")


def test_nx_ruling_only_by_the_three_bodies(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("record_ruling")
    ruling = {"report_id": str(nx.report_id), "report_digest": nx.report_digest(), "ruling": "adjust", "measures": ["过渡期六个月"]}
    refused(nx, lambda: nx.do(nx.organ, "case.record_ruling", {
        **ruling, "body": "county_government", "meeting": "县政府常务会议"}), "NX-4")
    refused(nx, lambda: nx.do(nx.organ, "case.record_ruling", {
        **ruling, "body": "office_meeting", "meeting": "厅长办公会"}), "NX-4")
    nx.do(nx.organ, "case.record_ruling", {**ruling, "body": "party_group_meeting", "meeting": "厅党组会议"})
    assert nx.case.phase is Phase.RULED


# --- XX-13(4), XX-16: the county government; XX-26: the deciding organ ------------------------


@pytest.mark.parametrize("body", ["county_government", "county_standing_meeting", "county_plenary_meeting"])
def test_xx_report_approved_by_the_county_government_or_its_meetings(world: World, body: str) -> None:
    xx = XXScript(world)
    xx.advance_to("approve_report")
    meeting = {"county_plenary_meeting": "县政府第3次全体会议"}.get(body, "县政府第36次常务会议")
    xx.do(xx.county, "case.approve_report", {"report_id": str(xx.report_id), "report_digest": xx.report_digest(),
                                             "body": body, "meeting": meeting})
    assert xx.case.phase is Phase.REPORT_APPROVED


@pytest.mark.parametrize(("body", "meeting"), [
    ("county_government", "2022年第15次厅务会议"),  # a 厅 meeting, whatever the body field says (review of issue 18)
    ("county_standing_meeting", "县政府第3次全体会议"),  # not the body claimed
    ("county_plenary_meeting", "县长办公会议"),
])
def test_xx_report_approved_at_a_meeting_that_is_not_the_county_governments_is_refused(
        world: World, body: str, meeting: str) -> None:
    xx = XXScript(world)
    xx.advance_to("approve_report")
    refused(xx, lambda: xx.do(xx.county, "case.approve_report", {
        "report_id": str(xx.report_id), "report_digest": xx.report_digest(), "body": body, "meeting": meeting}),
        "XX-13(4)")


@pytest.mark.parametrize("body", ["office_meeting", "party_group_meeting", "deciding_organ"])
def test_xx_report_approved_by_another_body_is_refused_citing_xx_13_4(world: World, body: str) -> None:
    xx = XXScript(world)
    xx.advance_to("approve_report")
    refused(xx, lambda: xx.do(xx.county, "case.approve_report", {
        "report_id": str(xx.report_id), "report_digest": xx.report_digest(), "body": body, "meeting": "2022年第15次厅务会议"}), "XX-13(4)")


def test_xx_ruling_by_another_body_is_refused_citing_xx_16(world: World) -> None:
    xx = XXScript(world)
    xx.run_all()
    ruling = {"report_id": str(xx.report_id), "report_digest": xx.report_digest(), "ruling": "continue", "meeting": "厅务会议"}
    refused(xx, lambda: xx.do(xx.county, "case.record_ruling", {**ruling, "body": "office_meeting"}), "XX-16")
    xx.do(xx.county, "case.record_ruling", {**ruling, "body": "county_government", "meeting": "县政府常务会议"})
    assert xx.case.ruling["body"] == "county_government"


def test_xx_26_a_townships_own_decision_is_approved_by_the_township(world: World) -> None:
    town = TownshipScript(world)
    town.advance_to("approve_report")
    # not the county government, not a county body
    refused(town, lambda: town.do(town.county_officer, "case.approve_report",
                                  town.approval("county_government", "县政府常务会议")), "XX-13(4)")
    refused(town, lambda: town.do(town.township_head, "case.approve_report",
                                  town.approval("county_standing_meeting", "县政府常务会议")), "XX-13(4)")
    # the deciding organ, but signed by someone outside the township
    with pytest.raises((Refused, NotPermitted)):
        town.do(town.county_officer, "case.approve_report", town.approval())
    town.do(town.township_head, "case.approve_report", town.approval())
    assert town.case.report_approval["body"] == "deciding_organ"
    refused(town, lambda: town.do(town.township_head, "case.record_ruling", {
        "report_id": str(town.report_id), "report_digest": town.report_digest(), "ruling": "continue", "body": "county_government",
        "meeting": "县政府常务会议"}), "XX-16")
    town.do(town.township_head, "case.record_ruling", {
        "report_id": str(town.report_id), "report_digest": town.report_digest(), "ruling": "continue", "body": "deciding_organ", "meeting": "项店镇党政联席会议"})
    assert town.case.phase is Phase.RULED


def test_xx_26_a_county_departments_own_decision_is_approved_by_the_department(world: World) -> None:
    department = TownshipScript(world, department="息县商务局")
    department.advance_to("approve_report")
    refused(department, lambda: department.do(department.county_officer, "case.approve_report",
                                              department.approval("county_government", "县政府常务会议")), "XX-13(4)")
    department.do(department.township_head, "case.approve_report", department.approval(meeting="局党组会议"))
    assert department.case.report_approval["body"] == "deciding_organ"


# --- XX-16 第二款, 国令第713号第三十七条 ------------------------------------------------------------


def _ruled(world: World) -> XXScript:
    xx = XXScript(world)
    xx.advance_to("publish_results")
    return xx


def _ruling(xx: XXScript, ruling: str, **extra: Any) -> dict[str, Any]:
    return {"report_id": str(xx.report_id), "report_digest": xx.report_digest(), "ruling": ruling, "body": "county_government",
            "meeting": "县政府第40次常务会议", "measures": ["妥善处理已签订的合同"], **extra}


@pytest.mark.parametrize("ruling", ["suspend", "terminate"])
def test_stop_or_suspend_without_its_procedure_is_refused(world: World, ruling: str) -> None:
    xx = _ruled(world)
    error = refused(xx, lambda: xx.do(xx.county, "case.record_ruling", _ruling(xx, ruling)), "XX-16")
    assert "经报县政府研究同意" in error.zh
    xx.do(xx.county, "case.record_ruling", _ruling(xx, ruling, basis="studied_and_agreed"))
    assert xx.case.ruling["basis"] == "studied_and_agreed"


def test_the_head_may_first_suspend_in_an_emergency_only(world: World) -> None:
    xx = _ruled(world)
    refused(xx, lambda: xx.do(xx.county, "case.record_ruling", _ruling(
        xx, "terminate", basis="emergency_suspension", emergency="垃圾处理场渗漏")), "XX-16")
    refused(xx, lambda: xx.do(xx.county, "case.record_ruling", _ruling(
        xx, "suspend", basis="emergency_suspension", emergency=" ")), "XX-16")
    xx.do(xx.county, "case.record_ruling", _ruling(xx, "suspend", basis="emergency_suspension", emergency="垃圾处理场渗漏"))
    assert xx.case.ruling["emergency"] == "垃圾处理场渗漏"


def test_a_major_change_names_the_procedure_that_follows(world: World) -> None:
    xx = _ruled(world)
    refused(xx, lambda: xx.do(xx.county, "case.record_ruling", _ruling(
        xx, "adjust", major_change=True, basis="studied_and_agreed")), "XX-16")
    refused(xx, lambda: xx.do(xx.county, "case.record_ruling", _ruling(
        xx, "continue", major_change=True, basis="studied_and_agreed", follow_up="重新论证")), "XX-16")
    xx.do(xx.county, "case.record_ruling", _ruling(
        xx, "adjust", major_change=True, basis="studied_and_agreed",
        follow_up="依照《重大行政决策程序暂行条例》重新履行公众参与、专家论证、合法性审查和集体讨论决定程序"))
    assert xx.case.ruling["major_change"] is True


def test_an_ordinary_adjustment_needs_only_its_measures(world: World) -> None:
    xx = _ruled(world)
    xx.do(xx.county, "case.record_ruling", _ruling(xx, "adjust"))
    assert "basis" not in xx.case.ruling


# --- XX-19 -----------------------------------------------------------------------------------


def _superior(xx: XXScript, **extra: Any) -> Any:
    return xx.world.do(xx.member, "decision.record_superior_evaluation", xx.decision_id, {
        "superior_organ": "信阳市人民政府", "task": "落实上级改革任务", "arrangement": "市政府统一组织评估",
        "county_exempt": False, **extra})


def _open(xx: XXScript, kind: str) -> Any:
    return xx.do(xx.lead, "case.open", {**xx.open_args(), "superior_basis": {"kind": kind, "statement": "说明"}})


@pytest.mark.parametrize("part", ["commissioned", "assisting"])
def test_a_commissioned_county_cannot_be_exempt(world: World, part: str) -> None:
    xx = XXScript(world)
    refused(xx, lambda: _superior(xx, county_exempt=True, exemption_reason="市里统一评估",
                                  county_part=part, county_part_ref="信政办〔2022〕9号"), "XX-19")
    refused(xx, lambda: _superior(xx, county_part="commissioned"), "XX-19")  # no reference
    refused(xx, lambda: _superior(xx, county_part="own_reason", county_part_ref="x"), "XX-19")


@pytest.mark.parametrize("part", ["commissioned", "assisting"])
def test_a_commission_is_the_basis_only_where_recorded(world: World, part: str) -> None:
    xx = XXScript(world)
    _superior(xx, county_exempt=True, exemption_reason="市政府统一组织评估，县级可不重复评估")
    refused(xx, lambda: _open(xx, part), "XX-19")  # exempt, and no commission recorded
    _open(xx, "own_reason")  # the text permits skipping; it does not forbid evaluating
    assert xx.case.opened


@pytest.mark.parametrize("part", ["commissioned", "assisting"])
def test_a_recorded_commission_is_the_cases_basis(world: World, part: str) -> None:
    xx = XXScript(world)
    _superior(xx, county_part=part, county_part_ref="信政办〔2022〕9号")
    refused(xx, lambda: _open(xx, "own_reason"), "XX-19")
    other = "assisting" if part == "commissioned" else "commissioned"
    refused(xx, lambda: _open(xx, other), "XX-19")
    _open(xx, part)
    assert xx.case.opened


def test_a_recorded_commission_cannot_be_overwritten_by_an_exemption(world: World) -> None:
    xx = XXScript(world)
    _superior(xx, county_part="commissioned", county_part_ref="信政办〔2022〕9号")
    refused(xx, lambda: _superior(xx, county_exempt=True, exemption_reason="市政府统一组织评估"), "XX-19")
    superior = world.ledger.get_decision(xx.decision_id).superior_evaluation
    assert superior is not None and superior["county_part"] == "commissioned" and not superior["county_exempt"]


# --- XX-8 on the simplified procedure ----------------------------------------------------------


def test_a_simplified_report_addresses_every_item_of_xx_8(world: World) -> None:
    simple = XXScript(world, simplified=True)
    simple.advance_to("finalise_report")
    final = {**simple.report_args(simple.SECTIONS, "report_id", simple.report_id), "recommendation": "continue",
             "process_record_digest": simple.process_digest()}
    refused(simple, lambda: simple.do(simple.lead, "case.finalise_report", {**final, "addressed_items": []}), "XX-8")
    error = refused(simple, lambda: simple.do(simple.lead, "case.finalise_report", {
        **final, "addressed_items": ["XX-8(1)", "XX-8(2)"]}), "XX-8")
    assert "XX-8(6)" in error.zh
    simple.step("finalise_report").run()
    assert simple.case.report["addressed_items"] == simple.SIMPLIFIED_ITEMS


def test_a_simplified_partial_report_addresses_at_least_one_item(world: World) -> None:
    simple = XXScript(world, simplified=True)
    simple.open_args = lambda: {**XXScript.open_args(simple), "scope": "partial",  # type: ignore[method-assign]
                                "scope_parts": ["农村垃圾收运"]}
    simple.advance_to("finalise_report")
    final = {**simple.report_args(simple.SECTIONS, "report_id", simple.report_id), "recommendation": "continue",
             "process_record_digest": simple.process_digest()}
    refused(simple, lambda: simple.do(simple.lead, "case.finalise_report", {**final, "addressed_items": []}), "XX-8")
    simple.do(simple.lead, "case.finalise_report", {**final, "addressed_items": ["XX-8(2)"], "report_id": str(uuid4())})
    assert simple.case.phase is Phase.REPORT_FINALISED
