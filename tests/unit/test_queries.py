"""What the read models answer: cases at any moment, lifetime chains that survive role changes
and key rotation, reverse tracing, findings, deadlines, agencies and annual figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from api.signer import Signer
from domain import clock
from domain.errors import MalformedInput, NotFound
from domain.evidence.signing import SigningKey
from domain.model.calendar import china_date
from projections import queries
from tests.conftest import Projected
from tests.credit_support import credit_officer, proposal_args, record_args
from tests.support import NXScript, XXScript, today


@pytest.fixture
def setup(projected: Projected) -> Any:
    return projected.ledger, projected.world, projected.projector, projected.clock


def test_a_case_at_any_version_or_moment(setup: Any) -> None:
    ledger, world, _, fixed = setup
    nx = NXScript(world)
    times = []
    for step in nx.steps()[:6]:
        fixed.advance(timedelta(days=1))
        step.run()
        times.append(clock.now())
    assert queries.case_state(ledger, nx.case_id)["case"]["phase"] == "implementation"
    at_three = queries.case_state(ledger, nx.case_id, 3)
    assert at_three["as_of"]["version"] == 3 and at_three["case"]["phase"] == "awaiting_approval"
    between = queries.case_state(ledger, nx.case_id, times[1] + timedelta(hours=1))
    assert between["as_of"]["version"] == 2 and between["case"]["team"]
    with pytest.raises(NotFound):
        queries.case_state(ledger, nx.case_id, times[0] - timedelta(days=1))
    with pytest.raises(NotFound):
        queries.case_state(ledger, nx.case_id, 99)
    moment = queries.parse_moment("2026-03-02T09:00:00+08:00")
    assert not isinstance(moment, int) and moment.utcoffset() == timedelta(hours=8)
    with pytest.raises(MalformedInput):
        queries.parse_moment("2026-03-02T09:00:00")


def test_a_lifetime_chain_survives_role_changes_and_key_rotation(setup: Any) -> None:
    _, world, projector, fixed = setup
    nx = NXScript(world)
    nx.advance_to("close_evidence")
    staff = nx.agency_staff
    world.do(staff, "case.draw_conclusion", nx.case_id, {"conclusion": "预设结论"})  # flagged: NX-9
    new_key = SigningKey.generate()
    world.do(staff, "principal.rotate_key", staff.principal_id, {
        "old_keyid": staff.key.keyid, "public_key": new_key.public_key.jwk,
        "proof": world.proof(new_key, staff.principal_id),
    })
    fixed.advance(timedelta(days=1))
    world.do(world.admin, "principal.revoke_role", staff.principal_id, {"role": "agency_staff", "reason": "离职"})
    rotated = Signer(staff.principal_id, new_key, staff.name)
    xx = XXScript(world)
    xx.advance_to("collect_material")
    world.do(xx.lead, "case.form_team", xx.case_id, {"members": [
        {"principal_id": str(xx.lead.principal_id), "team_role": "leader"},
        {"principal_id": str(staff.principal_id), "team_role": "member",
         "affiliation": "sector_expert"},  # invited: not the 决策执行单位's staff (XX-11(1))
    ]})
    world.do(rotated, "case.collect_material", xx.case_id, xx.material_args(uuid4()))
    projector.catch_up()

    chain = queries.person_chain(projector.views, str(staff.principal_id))
    cases = {a["case_id"] for a in chain["actions"] if a["case_id"]}
    assert cases == {str(nx.case_id), str(xx.case_id)}, "acts in every case"
    assert [a["event"] for a in chain["actions"]][-1] == "MaterialCollected"
    assert {a["keyid"] for a in chain["actions"]} == {staff.key.keyid, new_key.keyid}
    assert [f["rule"] for f in chain["findings"]] == ["NX/preset-conclusion"]
    assert chain["findings"][0]["open"] is True
    person = chain["principal"]
    assert person["roles"] == [] and person["role_history"][0]["revoked_at"]
    assert [k["ended_by"] for k in person["keys"]] == ["rotated", ""]


def test_reverse_tracing_from_a_decision(setup: Any) -> None:
    _, world, projector, _ = setup
    nx = NXScript(world)
    nx.advance_to("close_evidence")
    world.do(nx.agency_staff, "case.draw_conclusion", nx.case_id, {"conclusion": "预设结论"})
    projector.catch_up()
    trace = queries.trace_decision(projector.views, str(nx.decision_id))
    assert [c["case_id"] for c in trace["cases"]] == [str(nx.case_id)]
    names = {p["name"] for p in trace["persons"]}
    assert {"李娜", "马晓东", "赵敏", "杨帆"} <= names
    assert [f["rule"] for f in trace["findings"]] == ["NX/preset-conclusion"]
    assert trace["actions"][0]["event"] == "Registered" and trace["actions"][0]["aggregate_type"] == "Decision"
    with pytest.raises(NotFound):
        queries.trace_decision(projector.views, str(uuid4()))


def test_findings_open_and_closed(setup: Any) -> None:
    _, world, projector, _ = setup
    nx = NXScript(world)
    nx.advance_to("close_evidence")
    world.do(nx.agency_staff, "case.draw_conclusion", nx.case_id, {"conclusion": "预设结论"})
    inspector = world.person("孔德明", ["discipline_inspector"], "纪检监察组")
    projector.catch_up()
    [finding] = queries.findings(projector.views, open_only=True)
    world.do(inspector, "case.close_finding", nx.case_id, {
        "finding_id": finding["finding_id"], "outcome": "rectified", "statement": "已整改",
    })
    projector.catch_up()
    assert queries.findings(projector.views, open_only=True) == []
    [closed] = queries.findings(projector.views)
    assert closed["outcome"] == "rectified" and closed["persons"][0]["principal_id"] == str(nx.agency_staff.principal_id)
    chain = queries.person_chain(projector.views, str(nx.agency_staff.principal_id))
    assert chain["findings"][0]["open"] is False, "a closed finding stays on the chain"


def test_deadlines_and_annual_figures(setup: Any) -> None:
    _, world, projector, fixed = setup
    on_time = NXScript(world)
    on_time.run_all()
    late = NXScript(world)
    late.approval_date = today(-95)
    late.advance_to("finalise_report")
    late.step("finalise_report").run()
    pending = NXScript(world)
    pending.advance_to("collect_material")
    XXScript(world).run_all()
    projector.catch_up()
    rows = queries.deadlines(projector.views, china_date(clock.now()))
    status = {(r["case_id"], r["article"]): r["status"] for r in rows}
    assert status[(str(on_time.case_id), "NX-11")] == "met"
    assert status[(str(on_time.case_id), "NX-12b")] == "met"
    assert status[(str(late.case_id), "NX-11")] == "late"
    assert status[(str(late.case_id), "NX-12b")] == "open"
    assert status[(str(pending.case_id), "NX-11")] == "open"
    fixed.advance(timedelta(days=100))
    later = {(r["case_id"], r["article"]): r for r in queries.deadlines(projector.views, china_date(clock.now()))}
    assert later[(str(pending.case_id), "NX-11")]["status"] == "overdue"
    assert later[(str(late.case_id), "NX-12b")]["status"] == "overdue"
    figures = {f["unit"]: f for f in queries.annual_figures(projector.views, china_date(clock.now()))}
    nx_unit = figures["宁夏回族自治区商务厅对外贸易处"]
    assert (nx_unit["opened"], nx_unit["finished"], nx_unit["finished_on_time"], nx_unit["overdue"]) == (3, 2, 1, 2)
    assert nx_unit["findings"] == 1 and figures["息县住房和城乡建设局"]["finished_on_time"] == 1


def test_agencies_and_cases_lists(setup: Any) -> None:
    _, world, projector, _ = setup
    nx = NXScript(world)
    nx.advance_to("engage_expert")
    world.do(world.admin, "agency.record_qualification", nx.agency_id, {
        "credit_record_good": True, "has_equipment": True, "staff_qualified": True, "evidence": "证书",
    })
    officer, proposal = credit_officer(world), uuid4()  # H3 credit: 提请, then the department decides
    world.do(nx.lead, "credit.propose", nx.agency_id, proposal_args(world, nx.case_id, proposal, conduct="数据不实"))
    world.do(officer, "credit.decide", nx.agency_id, record_args(proposal, china_date(clock.now())))
    XXScript(world).advance_to("collect_material")
    projector.catch_up()
    [agency] = queries.agencies(projector.views, china_date(clock.now()))
    assert agency["qualified"] is True and agency["credit_in_force"] == 1
    assert agency["records"]["credit"][0]["conduct"] == "数据不实"
    all_cases = queries.cases(projector.views)
    assert [c["jurisdiction"] for c in all_cases] == ["NX", "XX"]
    assert [c["case_id"] for c in queries.cases(projector.views, jurisdiction="XX")] == [all_cases[1]["case_id"]]
    assert queries.cases(projector.views, limit=1, offset=1) == [all_cases[1]]
