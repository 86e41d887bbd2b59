"""Credit as a process over HTTP (H3 credit; NX-17, XX-24, XX-21), on SQLite and PostgreSQL: the
direct recording refused, 提请 by the entrusting unit, 决定 and 信用修复 by the credit department,
and the agencies read (API and CLI) showing proposals, decisions, periods and repairs."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

from tests.integration.commands import invoke
from tests.integration.enrolment import enrol
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import nothing_stored, post


def test_proposal_decision_repair_and_the_agencies_read(served: Served) -> None:
    organ, department = uuid4(), uuid4()
    assert post(served, "/v1/organisations", served.sign("admin", "organisation.register", organ, {
        "name": "宁夏回族自治区发展和改革委员会", "kind": "organ"})).status_code == 201
    assert post(served, "/v1/organisations", served.sign("admin", "organisation.register", department, {
        "name": "自治区发展改革委信用处", "kind": "credit", "parent_id": str(organ)})).status_code == 201
    served.demo.organisations["自治区发展改革委信用处"] = str(department)
    enrol(served, "credit", "周信", "自治区发展改革委信用处", "自治区发展改革委信用处", ["credit_authority"])

    nx = UUID(str(served.demo.cases[0]["id"]))
    [agency] = served.ledger.get_case(nx).agencies  # the agency the NX case entrusted
    version = served.ledger.version_of(nx)
    cited = [{"aggregate_id": str(nx), "version": version, "hash": served.ledger.stored_event_hash(nx, version)}]
    facts = {"case_id": str(nx), "conduct": "报告数据与事实不符", "consequences": "误导决策，造成严重后果"}

    direct = served.sign("ma_xiaodong", "agency.record_bad_credit", UUID(agency), facts)
    with nothing_stored(served):
        body = problem_of(post(served, f"/v1/agencies/{agency}/bad-credit", direct), 422)
    assert body["article"] == "NX-17" and "credit.propose" in body["detail"]

    proposal = uuid4()
    propose = served.sign("ma_xiaodong", "credit.propose", UUID(agency),
                          {"proposal_id": str(proposal), **facts, "cited_events": cited})
    assert post(served, f"/v1/agencies/{agency}/credit-proposals", propose).status_code == 201
    today = date.today()
    decide = {"proposal_id": str(proposal), "outcome": "recorded", "reasons": "经核实，符合纳入条件",
              "valid_from": (today - timedelta(days=1)).isoformat(), "valid_until": (today + timedelta(days=365)).isoformat()}
    with nothing_stored(served):  # the proposer does not decide
        problem_of(post(served, f"/v1/agencies/{agency}/credit-decisions",
                        served.sign("ma_xiaodong", "credit.decide", UUID(agency), decide)), 403)
    assert post(served, f"/v1/agencies/{agency}/credit-decisions",
                served.sign("credit", "credit.decide", UUID(agency), decide)).status_code == 201

    def shown() -> dict:
        rows = served.get("/v1/agencies", "kong_deming").json()["items"]
        return next(r for r in rows if r["agency_id"] == agency)

    row = shown()
    assert row["credit_in_force"] == 1
    [entry] = row["records"]["credit"]
    assert entry["decision"]["valid_until"] == decide["valid_until"] and entry["repair"] is None
    listed = invoke("agencies", "--db", served.url)
    assert listed.code == 0 and f"proposal {proposal}" in listed.out and "recorded" in listed.out

    repair = served.sign("credit", "credit.repair", UUID(agency), {"proposal_id": str(proposal), "reasons": "已整改"})
    assert post(served, f"/v1/agencies/{agency}/credit-repairs", repair).status_code == 201
    row = shown()
    assert row["credit_in_force"] == 0 and row["records"]["credit"][0]["repair"]["reasons"] == "已整改"
