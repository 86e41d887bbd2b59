"""Issue 18 point 1 — outsourcing (NX-4, XX-20): an agency works through its registered staff and
the experts it engaged, inside its entrustment; the lead unit finalises the report; anyone else
doing the agency's work is a hand-over, refused and kept as a finding."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import uuid4

import pytest

from domain.errors import MalformedInput, NotPermitted, Refused
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
