"""Authority follows the organisation (issue 16 point 1, attack H2), on SQLite and PostgreSQL:
a role acts and reads within the scope of the organisation its holder belongs to; a transfer is
an event on the one principal, whose lifetime chain continues across it, and each inspector sees
the acts done while the person belonged within the inspector's scope."""

from __future__ import annotations

from uuid import UUID, uuid4

from tests.integration.enrolment import enrol, principal_id
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import DECISION, new_case, nothing_stored, post

XX_DECISION = {
    "jurisdiction": "XX", "title": "息县关于推进农村人居环境整治的实施意见", "document_number": "息政〔2023〕5号",
    "organ": "息县人民政府", "decided_on": "2023-03-01", "purpose": "改善农村人居环境",
}


def test_another_organs_bodies_cannot_act_on_its_cases(served: Served) -> None:
    """H2: 息县's decision organ approving the 宁夏商务厅's evaluation, and 息县's lead unit recording
    demonstrators on the 商务厅's decision, are refused, citing the scope, and store nothing."""
    case = new_case(served)
    approval = served.sign("wu_tao", "case.approve_evaluation", UUID(case), {
        "body": "county_government", "meeting": "县政府常务会议", "decided_on": "2024-01-05"})
    with nothing_stored(served):
        body = problem_of(post(served, f"/v1/cases/{case}/approval", approval), 403)
    assert "scope" in body["detail"] and "职权" in body["detail"] and body["article"] == "NX-10(2)"
    nx_decision = served.demo.cases[0]["decision_id"]
    demonstrators = served.sign("sun_li", "decision.record_demonstrators", UUID(nx_decision), {"demonstrators": [
        {"name": "某研究所", "kind": "organisation", "work": "论证"}]})
    with nothing_stored(served):
        problem_of(post(served, f"/v1/decisions/{nx_decision}/demonstrators", demonstrators), 403)
    # nor may 息县's lead unit open an evaluation of the 商务厅's decision
    opening = served.sign("sun_li", "case.open", uuid4(), {
        "decision_id": nx_decision, "jurisdiction": "NX", "title": "越权立案", "lead_unit": "息县住房和城乡建设局",
        "grounds": ["NX-4(2)"], "ground_statement": "越权"})
    with nothing_stored(served):
        problem_of(post(served, "/v1/cases", opening), 403)


def test_a_decision_names_the_organ_it_belongs_to(served: Served) -> None:
    """A registrar who belongs to an organisation names the deciding organ; one outside the
    registrar's organisation is refused."""
    unnamed = served.sign("ma_xiaodong", "decision.register", uuid4(), DECISION)
    with nothing_stored(served):
        assert "organisation_id" in problem_of(post(served, "/v1/decisions", unnamed), 400)["detail"]
    foreign = served.sign("ma_xiaodong", "decision.register", uuid4(),
                          {**XX_DECISION, "organisation_id": served.demo.organisations["息县人民政府"]})
    with nothing_stored(served):
        problem_of(post(served, "/v1/decisions", foreign), 403)


def test_organisations_form_a_hierarchy_of_registered_parents(served: Served) -> None:
    orphan = served.sign("admin", "organisation.register", uuid4(), {"name": "无上级处室", "kind": "unit"})
    with nothing_stored(served):
        assert "parent_id" in problem_of(post(served, "/v1/organisations", orphan), 403)["detail"]
    lost = served.sign("admin", "organisation.register", uuid4(),
                       {"name": "某处", "kind": "unit", "parent_id": str(uuid4())})
    with nothing_stored(served):
        problem_of(post(served, "/v1/organisations", lost), 404)
    by_inspector = served.sign("kong_deming", "organisation.register", uuid4(), {"name": "某厅", "kind": "organ"})
    with nothing_stored(served):
        problem_of(post(served, "/v1/organisations", by_inspector), 403)


def test_a_transfer_keeps_one_chain_and_each_inspector_sees_their_part(served: Served) -> None:
    mover = enrol(served, "mover", "韩雪", "宁夏回族自治区商务厅对外贸易处", "宁夏回族自治区商务厅对外贸易处", ["lead_unit"])
    nx_decision = uuid4()
    assert post(served, "/v1/decisions", served.sign("mover", "decision.register", nx_decision, {
        **DECISION, "organisation_id": served.demo.organisations["宁夏回族自治区商务厅"]})).status_code == 201
    transfer = served.sign("admin", "principal.transfer", mover.principal_id, {
        "organisation_id": served.demo.organisations["息县住房和城乡建设局"], "unit": "息县住房和城乡建设局",
        "title": "副局长", "reason": "干部交流"})
    assert post(served, f"/v1/principals/{mover.principal_id}/transfers", transfer).status_code == 201
    # the roles held in the 商务厅's scope ended with the move
    again = served.sign("mover", "decision.register", uuid4(), {
        **DECISION, "organisation_id": served.demo.organisations["宁夏回族自治区商务厅"]})
    with nothing_stored(served):
        problem_of(post(served, "/v1/decisions", again), 403)
    granted = served.sign("admin", "principal.grant_role", mover.principal_id, {"role": "lead_unit"})
    assert post(served, f"/v1/principals/{mover.principal_id}/roles", granted).status_code == 201
    xx_decision = uuid4()
    assert post(served, "/v1/decisions", served.sign("mover", "decision.register", xx_decision, {
        **XX_DECISION, "organisation_id": served.demo.organisations["息县人民政府"]})).status_code == 201

    person = f"/v1/persons/{mover.principal_id}"
    own = served.get(person, "mover").json()
    assert [a["aggregate_id"] for a in own["actions"]] == [str(nx_decision), str(xx_decision)]
    assert own["withheld"] == 0
    seen_by_nx = served.get(person, "kong_deming").json()
    assert [a["aggregate_id"] for a in seen_by_nx["actions"]] == [str(nx_decision)] and seen_by_nx["withheld"] == 1
    seen_by_xx = served.get(person, "jiang_weiguo").json()
    assert [a["aggregate_id"] for a in seen_by_xx["actions"]] == [str(xx_decision)] and seen_by_xx["withheld"] == 1
    # a bundle is whole or nothing: neither inspector exports a chain they see only part of
    problem_of(served.get(f"/v1/exports/persons/{mover.principal_id}", "kong_deming"), 403)
    directory = served.get(f"/v1/principals/{mover.principal_id}", "jiang_weiguo").json()
    assert [m["organisation_id"] for m in directory["memberships"]] == [
        served.demo.organisations["宁夏回族自治区商务厅对外贸易处"], served.demo.organisations["息县住房和城乡建设局"]]
    assert directory["organisation_id"] == served.demo.organisations["息县住房和城乡建设局"]
    # the 息县 inspector oversees 息县's case and not the 商务厅's
    nx, xx, _ = (str(c["id"]) for c in served.demo.cases[:3])
    assert served.get(f"/v1/cases/{xx}", "jiang_weiguo").status_code == 200
    problem_of(served.get(f"/v1/cases/{nx}", "jiang_weiguo"), 403)
    assert principal_id(served, "mover") == mover.principal_id
