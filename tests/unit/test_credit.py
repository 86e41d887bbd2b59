"""Credit as a process (H3 credit; NX-17, XX-24, XX-21): 提请 by the entrusting unit, 决定 by the
credit department with a period, 信用修复; what XX-21's check at entrustment sees."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain import clock
from domain.errors import Conflict, MalformedInput, NotFound, NotPermitted, Refused
from domain.model.calendar import china_date
from projections import queries
from tests.conftest import Projected
from tests.credit_support import credit_officer, proposal_args, record_args
from tests.support import NXScript, XXScript


@pytest.fixture
def setup(projected: Projected) -> Any:
    return projected.world, projected.projector, projected.clock


def test_proposal_decision_period_and_repair(setup: Any) -> None:
    world, projector, _ = setup
    officer = credit_officer(world)
    nx = NXScript(world)
    nx.advance_to("engage_expert")
    with pytest.raises(Refused) as direct:  # the old direct recording is refused for new submissions
        world.do(nx.lead, "agency.record_bad_credit", nx.agency_id, {
            "case_id": str(nx.case_id), "conduct": "数据不实", "consequences": "误导决策"})
    assert direct.value.article == "NX-17" and "credit.propose" in direct.value.zh
    proposal = uuid4()
    with pytest.raises(Refused):  # cited events must be stored ones
        world.do(nx.lead, "credit.propose", nx.agency_id, proposal_args(world, nx.case_id, proposal, cited_events=[
            {"aggregate_id": str(nx.case_id), "version": 1, "hash": "0" * 64}]))
    with pytest.raises(NotPermitted):  # the credit department decides; it does not propose
        world.do(officer, "credit.propose", nx.agency_id, proposal_args(world, nx.case_id, proposal))
    world.do(nx.lead, "credit.propose", nx.agency_id, proposal_args(world, nx.case_id, proposal))
    today = china_date(clock.now())
    assert world.ledger.get_agency(nx.agency_id).credit_in_force(today) == []  # proposed is not recorded
    with pytest.raises(NotPermitted):  # the proposer does not decide
        world.do(nx.lead, "credit.decide", nx.agency_id, record_args(proposal, today))
    with pytest.raises(MalformedInput):  # a record has its period
        world.do(officer, "credit.decide", nx.agency_id, {"proposal_id": str(proposal), "outcome": "recorded",
                                                            "reasons": "核实"})
    with pytest.raises(NotFound):
        world.do(officer, "credit.decide", nx.agency_id, record_args(uuid4(), today))
    world.do(officer, "credit.decide", nx.agency_id, record_args(proposal, today, days=30))
    with pytest.raises(Conflict):
        world.do(officer, "credit.decide", nx.agency_id, record_args(proposal, today))
    agency = world.ledger.get_agency(nx.agency_id)
    assert len(agency.credit_in_force(today)) == 1
    assert agency.credit_in_force(today + timedelta(days=30)) == []  # the period ran out
    world.do(officer, "credit.repair", nx.agency_id, {"proposal_id": str(proposal), "reasons": "已整改并完成信用修复"})
    assert world.ledger.get_agency(nx.agency_id).credit_in_force(today) == []
    with pytest.raises(Conflict):
        world.do(officer, "credit.repair", nx.agency_id, {"proposal_id": str(proposal), "reasons": "again"})
    projector.catch_up()
    [row] = queries.agencies(projector.views, today)
    [shown] = row["records"]["credit"]
    assert shown["decision"]["outcome"] == "recorded" and shown["decision"]["valid_until"]
    assert shown["repair"]["reasons"] == "已整改并完成信用修复" and row["credit_in_force"] == 0


def test_xx21_refuses_entrustment_only_while_a_record_is_in_force(setup: Any) -> None:
    world, _, fixed = setup
    officer = credit_officer(world)
    nx = NXScript(world)
    nx.advance_to("engage_expert")
    world.do(world.admin, "agency.record_qualification", nx.agency_id, {
        "credit_record_good": True, "has_equipment": True, "staff_qualified": True, "evidence": "证书"})
    proposal = uuid4()
    world.do(nx.lead, "credit.propose", nx.agency_id, proposal_args(world, nx.case_id, proposal))
    declined = uuid4()
    world.do(nx.lead, "credit.propose", nx.agency_id, proposal_args(world, nx.case_id, declined))
    world.do(officer, "credit.decide", nx.agency_id, {"proposal_id": str(declined), "outcome": "declined",
                                                        "reasons": "后果不属严重"})
    world.do(officer, "credit.decide", nx.agency_id, record_args(proposal, china_date(clock.now()), days=10))
    xx = XXScript(world)
    xx.advance_to("collect_material")
    entrustment = {"agency_id": str(nx.agency_id), "tasks": ["survey"], "scope": ["问卷调查"], "agreement_ref": "委托协议"}
    with pytest.raises(Refused) as refused:
        world.do(xx.lead, "case.entrust_agency", xx.case_id, entrustment)
    assert refused.value.article == "XX-21"
    fixed.advance(timedelta(days=11))  # the period ended: the agency may be entrusted again
    world.do(xx.lead, "case.entrust_agency", xx.case_id, entrustment)
