"""Issue 18 point 1 — outsourcing (NX-4, XX-20): an agency works through its registered staff and
the experts it engaged, inside its entrustment; the lead unit finalises the report; anyone else
doing the agency's work is a hand-over, refused and kept as a finding."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import uuid4

import pytest

from domain.errors import Conflict, MalformedInput, NotPermitted, Refused
from domain.evidence.signing import SigningKey
from tests.support import NXScript, World, XXScript, digest, today


def count(world: World) -> int:
    return world.ledger.recorder.max_notification_id() or 0


def refused(world: World, article: str, act: Any) -> Refused:
    before = count(world)
    with pytest.raises(Refused) as caught:
        act()
    assert caught.value.article == article, caught.value
    assert count(world) == before, "a refusal stores nothing"
    return caught.value


class SurveyOnly(NXScript):
    TASKS: ClassVar[list[str]] = ["survey"]


def survey_only(world: World) -> tuple[NXScript, Any]:
    """The loophole of issue 18: a survey-only entrustment, an expert the agency engaged."""
    nx = SurveyOnly(world)
    nx.advance_to("collect_material")
    return nx, nx.expert


def test_an_agency_expert_cannot_do_the_whole_evaluation_under_a_survey_only_entrustment(world: World) -> None:
    nx, expert = survey_only(world)
    assert nx.case.experts[str(expert.principal_id)]["agency_id"] == nx.agency_id
    refused(world, "NX-4", lambda: nx.do(expert, "case.collect_material", nx.material_args(uuid4())))
    refused(world, "NX-4", lambda: nx.do(expert, "case.draw_conclusion", {"conclusion": "总体有效"}))
    nx.do(nx.lead, "case.collect_material", nx.material_args())
    nx.do(nx.lead, "case.close_evidence", {})
    nx.do(nx.lead, "case.draw_conclusion", {"conclusion": "总体有效"})
    refused(world, "NX-4", lambda: nx.do(expert, "case.draft_report",
                                         nx.report_args(nx.SECTIONS, "draft_id", uuid4())))
    nx.do(nx.lead, "case.draft_report", nx.report_args(nx.SECTIONS, "draft_id", nx.draft_id))
    error = refused(world, "NX-4", lambda: nx.do(expert, "case.finalise_report", {
        **nx.report_args(nx.SECTIONS, "report_id", uuid4()), "recommendation": "adjust", "addressed_items": nx.ITEMS}))
    assert "外聘的专家" in error.zh
    # refused outright, so no hand-over is found (the lead unit's own conclusion, drawn here with no
    # opinion heard, is the evidence rules' concern: NX/conclusion-without-opinion)
    assert not [f for f in nx.case.findings if "hand-over" in f["rule"]] and nx.case.report is None


def test_the_expert_works_inside_the_entrustment(world: World) -> None:
    nx, expert = survey_only(world)
    nx.do(expert, "case.conduct_survey", {
        "survey_id": str(uuid4()), "online": False, "period_from": today(-2), "period_to": today(),
        "respondents": 50, "summary": "问卷"})
    assert len(nx.case.activities) == 1 and nx.case.findings == []


def test_only_lead_unit_staff_finalise(world: World) -> None:
    xx = XXScript(world)
    xx.advance_to("finalise_report")
    args = {**xx.report_args(xx.SECTIONS, "report_id", xx.report_id), "recommendation": "continue",
            "addressed_items": xx.ITEMS}
    error = refused(world, "XX-6", lambda: xx.do(xx.expert, "case.finalise_report", args))  # team, not the unit
    assert "决策执行单位" in error.zh and error.rule == "XX/report-by-lead-unit"
    xx.step("finalise_report").run()
    assert xx.case.report is not None


def test_a_person_of_the_agency_without_evidence_of_employment_is_a_hand_over(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("collect_material")
    stranger = world.person("王磊", [], "宁夏大学", nx.agency_id)  # the agency's name, not its staff
    material = uuid4()
    before = count(world)
    with pytest.raises(Refused) as caught:
        nx.do(stranger, "case.collect_material", nx.material_args(material))
    assert caught.value.article == "NX-4" and caught.value.rule == "NX/hand-over-by-conduct"
    assert count(world) == before + 1, "only the finding is stored"
    assert str(material) not in nx.case.materials
    finding = nx.case.findings[-1]
    assert finding["rule"] == "NX/hand-over-by-conduct" and finding["attempted"] is True
    assert [p["principal_id"] for p in finding["persons"]] == [stranger.principal_id]
    entrustment = nx.case.agencies[str(nx.agency_id)]
    assert [c["hash"] for c in finding["cited_events"]] == [entrustment["hash"]], "it cites the entrustment"


def test_staff_whose_role_was_revoked_and_granted_again_need_the_evidence(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("collect_material")
    staff = nx.agency_staff
    employment = world.ledger.get_principal(staff.principal_id).employment
    assert employment is not None and employment["document"] == "labour_contract"
    world.do(world.admin, "principal.revoke_role", staff.principal_id, {"role": "agency_staff", "reason": "合同到期"})
    assert world.ledger.get_principal(staff.principal_id).employment is None
    with pytest.raises(MalformedInput, match="employment"):
        world.do(world.admin, "principal.grant_role", staff.principal_id, {"role": "agency_staff"})
    world.do(world.admin, "principal.grant_role", staff.principal_id, {
        "role": "agency_staff", "employment": {"document": "appointment_letter", "digest": digest("聘任文件")}})
    nx.step("collect_material").run()
    assert nx.case.findings == []


def test_evidence_of_employment_is_for_agency_staff_only(world: World) -> None:
    key, principal_id = SigningKey.generate(), uuid4()
    args = {"kind": "person", "name": "某人", "unit": "某单位", "roles": ["expert"],
            "public_keys": [key.public_key.jwk], "proofs": [world.proof(key, principal_id)]}
    before = count(world)
    with pytest.raises(MalformedInput, match="agency_staff"):
        world.do(world.admin, "principal.register", principal_id, {
            **args, "employment": {"document": "labour_contract", "digest": digest("x")}})
    with pytest.raises(MalformedInput, match="employment"):
        world.do(world.admin, "principal.register", principal_id, {
            **args, "roles": ["agency_staff"], "agency_id": str(world.agency())})
    assert count(world) == before + 1, "only the agency was registered"


def test_xx20_statement_only_for_an_agency_engagement(world: World) -> None:
    xx = XXScript(world)
    xx.advance_to("collect_material")
    outside = world.person("刘强", ["expert"], "信阳农林学院")
    xx.do(xx.lead, "case.engage_expert", {"expert_id": str(outside.principal_id), "field": "环境"})  # the unit's own
    assert xx.case.experts[str(outside.principal_id)]["own_staff_insufficient"] == ""


def test_a_stranger_with_no_agency_is_simply_not_permitted(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("collect_material")
    stranger = world.person("路人", [], "某公司")
    before = count(world)
    with pytest.raises(NotPermitted):
        nx.do(stranger, "case.collect_material", nx.material_args(uuid4()))
    assert count(world) == before



# --- review fixes (issue 18): the team, old staff, each text's words ------------------------------


def with_agency_person_on_team(world: World, name: str | None = None) -> tuple[NXScript, Any]:
    """The 承办处室 puts a person of the entrusted agency on its team: its staff member 杨帆, or
    ``name``, registered with the agency but not as its staff."""
    nx = NXScript(world)
    person = nx.agency_staff if name is None else world.person(name, [], "宁夏大学", nx.agency_id)
    nx.advance_to("form_team")
    nx.do(nx.lead, "case.form_team", {"members": [
        {"principal_id": str(nx.lead.principal_id), "team_role": "leader"},
        {"principal_id": str(person.principal_id), "team_role": "member"}]})
    nx.done.append("form_team")
    nx.advance_to("collect_material")
    assert str(person.principal_id) in nx.case.team
    return nx, person


def test_agency_staff_on_the_team_still_work_inside_the_entrustment(world: World) -> None:
    nx, staff = with_agency_person_on_team(world)
    assert "field_visit" not in nx.case.agencies[str(nx.agency_id)]["tasks"]
    error = refused(world, "NX-4", lambda: nx.do(staff, "case.visit_site", {
        "visit_id": str(uuid4()), "visited_on": today(-1), "place": "银川", "summary": "调研"}))
    assert error.rule == "NX/entrusted-scope"
    nx.step("collect_material").run()  # inside the entrustment: recorded
    assert nx.case.findings == []


def test_a_person_of_the_agency_on_the_team_without_evidence_is_a_hand_over(world: World) -> None:
    nx, person = with_agency_person_on_team(world, "王磊")
    before = count(world)
    with pytest.raises(Refused) as caught:
        nx.do(person, "case.collect_material", nx.material_args(uuid4()))
    assert caught.value.rule == "NX/hand-over-by-conduct"
    assert count(world) == before + 1, "only the finding is stored"
    finding = nx.case.findings[-1]
    assert finding["rule"] == "NX/hand-over-by-conduct"
    assert [p["principal_id"] for p in finding["persons"]] == [person.principal_id]


def test_the_lead_unit_s_own_team_members_act_as_the_lead_unit(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("collect_material")
    nx.do(nx.member, "case.visit_site", {  # on the team, of no agency: not judged by the entrustment
        "visit_id": str(uuid4()), "visited_on": today(-1), "place": "银川", "summary": "调研"})
    assert nx.case.findings == []


def old_staff(world: World, nx: NXScript, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A staff member of the agency registered before issue 18: the role, no evidence on record."""
    from domain.model import outsourcing

    monkeypatch.setattr(outsourcing, "require_employment", lambda *_: None)
    key = SigningKey.generate()
    person = world.enrol({"kind": "person", "name": "老员工", "public_keys": [key.public_key.jwk],
                          "roles": ["agency_staff"], "unit": "宁夏大学", "agency_id": str(nx.agency_id)}, key)
    monkeypatch.undo()
    assert world.ledger.get_principal(person.principal_id).employment is None
    return person


def test_old_staff_without_evidence_are_refused_without_a_finding(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    nx = NXScript(world)
    nx.advance_to("collect_material")
    person = old_staff(world, nx, monkeypatch)
    error = refused(world, "NX-4", lambda: nx.do(person, "case.collect_material", nx.material_args(uuid4())))
    assert error.rule == "NX/hand-over-by-conduct"
    assert "principal.grant_role" in error.zh and "employment" in error.en
    assert nx.case.findings == [], "not a hand-over: the evidence was never asked for"


def test_an_administrator_records_the_evidence_of_old_staff(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    nx = NXScript(world)
    nx.advance_to("collect_material")
    person = old_staff(world, nx, monkeypatch)
    with pytest.raises(NotPermitted):  # an administrator's act, as every grant
        world.do(person, "principal.grant_role", person.principal_id, {
            "role": "agency_staff", "employment": {"document": "labour_contract", "digest": digest("合同")}})
    with pytest.raises(Conflict):  # the role is held: without the evidence there is nothing to record
        world.do(world.admin, "principal.grant_role", person.principal_id, {"role": "agency_staff"})
    world.do(world.admin, "principal.grant_role", person.principal_id, {
        "role": "agency_staff", "employment": {"document": "appointment_letter", "digest": digest("聘任文件")}})
    principal = world.ledger.get_principal(person.principal_id)
    assert principal.roles.count("agency_staff") == 1 and len(principal.role_history) == 1
    assert principal.employment is not None and principal.employment["digest"] == digest("聘任文件")
    with pytest.raises(Conflict):  # recorded once; a second time is a grant of a held role
        world.do(world.admin, "principal.grant_role", person.principal_id, {
            "role": "agency_staff", "employment": {"document": "labour_contract", "digest": digest("合同")}})
    nx.do(person, "case.collect_material", nx.material_args(uuid4()))
    assert nx.case.findings == []


def test_nx_quotes_nx4_and_xx_quotes_xx20_on_hand_over(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("collect_material")
    with pytest.raises(Refused) as caught:
        nx.do(nx.agency_staff, "case.hand_over_work", {
            "tasks": ["survey"], "to": "某公司", "arrangement": "整体交由对方实施"})
    assert caught.value.article == "NX-4"
    assert "不得擅自将委托事项变相转包给其他单位（" in caught.value.zh and "或者个人" not in caught.value.zh
    stranger = world.person("王磊", [], "宁夏大学", nx.agency_id)
    with pytest.raises(Refused) as caught:
        nx.do(stranger, "case.collect_material", nx.material_args(uuid4()))
    assert caught.value.zh.endswith("不得擅自将委托事项变相转包给其他单位") and "或者个人" not in caught.value.zh
    assert all("或者个人" not in f["summary_zh"] for f in nx.case.findings)
