"""Steps of credit as a process (H3 credit; NX-17, XX-24, XX-21): the entrusting unit's 提请, the
credit department's 决定 with a period, and 信用修复, in the words a legal reader uses."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from domain import clock
from domain.model.calendar import china_date
from tests.bdd.story import Story
from tests.credit_support import credit_officer, proposal_args, record_args


@dataclass
class Credit:
    """The proposal a scenario makes."""

    proposal_id: UUID | None = None


@pytest.fixture
def credit() -> Credit:
    return Credit()


def _today() -> str:
    return china_date(clock.now()).isoformat()


# --- given -------------------------------------------------------------------------------------


@given(parsers.parse('"{person}"已提请将受委托机构的行为纳入不良信用记录'))
def proposed(story: Story, credit: Credit, person: str) -> None:
    propose(story, credit, person)
    story.require_success()


@given(parsers.parse("信用主管部门已决定纳入不良信用记录，期限为{days:d}天"))
def record_recorded(story: Story, credit: Credit, days: int) -> None:
    record(story, credit, days)
    story.require_success()


# --- when --------------------------------------------------------------------------------------


@when(parsers.parse('"{person}"提请将受委托机构在本案中违背客观事实出具报告的行为纳入不良信用记录'))
def propose(story: Story, credit: Credit, person: str) -> None:
    credit.proposal_id = uuid4()
    story.act(story.person(person), "credit.propose",
              proposal_args(story.world, story.case_script.case_id, credit.proposal_id), target=story.nx.agency_id)


@when(parsers.parse('"{person}"提请将评估机构"{agency}"的行为纳入不良信用记录'))
def propose_other(story: Story, person: str, agency: str) -> None:
    story.act(story.person(person), "credit.propose", proposal_args(story.world, story.case_script.case_id),
              target=story.agencies[agency])


@when(parsers.parse("信用主管部门决定纳入不良信用记录，期限为{days:d}天"))
def record(story: Story, credit: Credit, days: int) -> None:
    assert credit.proposal_id is not None, "nothing was proposed"
    story.act(credit_officer(story.world), "credit.decide",
              record_args(credit.proposal_id, china_date(clock.now()), days), target=story.nx.agency_id)


@when(parsers.parse('"{person}"决定纳入不良信用记录'))
def record_by(story: Story, credit: Credit, person: str) -> None:
    assert credit.proposal_id is not None, "nothing was proposed"
    story.act(story.person(person), "credit.decide", record_args(credit.proposal_id, china_date(clock.now())),
              target=story.nx.agency_id)


@when(parsers.parse('信用主管部门决定不予纳入，理由为"{reasons}"'))
def record_declined(story: Story, credit: Credit, reasons: str) -> None:
    story.act(credit_officer(story.world), "credit.decide", {
        "proposal_id": str(credit.proposal_id), "outcome": "declined", "reasons": reasons}, target=story.nx.agency_id)


@when("信用主管部门对该记录作出信用修复")
def repair(story: Story, credit: Credit) -> None:
    story.act(credit_officer(story.world), "credit.repair", {
        "proposal_id": str(credit.proposal_id), "reasons": "已履行整改义务，申请信用修复"}, target=story.nx.agency_id)


@when(parsers.parse('信用主管部门对评估机构"{agency}"的记录作出信用修复'))
def repair_of(story: Story, agency: str) -> None:
    agency_id = story.agencies[agency]
    [proposal] = [p for p in story.ledger.get_agency(agency_id).credit.values() if p["decision"]]
    story.act(credit_officer(story.world), "credit.repair", {
        "proposal_id": str(proposal["proposal_id"]), "reasons": "已履行整改义务，申请信用修复"}, target=agency_id)
    story.require_success()


@when(parsers.parse('"{person}"直接将受委托机构纳入不良信用记录'))
def record_directly(story: Story, person: str) -> None:
    story.act(story.person(person), "agency.record_bad_credit", {
        "case_id": str(story.case_script.case_id), "conduct": "报告数据与事实不符", "consequences": "误导决策",
    }, target=story.nx.agency_id)


@when(parsers.parse('"{person}"直接将评估机构"{agency}"纳入不良信用记录'))
def record_directly_named(story: Story, person: str, agency: str) -> None:
    story.act(story.person(person), "agency.record_bad_credit", {
        "case_id": str(story.case_script.case_id), "conduct": "报告数据与事实不符", "consequences": "误导决策",
    }, target=story.agencies[agency])


# --- then --------------------------------------------------------------------------------------


@then(parsers.parse('评估机构"{agency}"有{count:d}条生效的不良信用记录'))
def in_force(story: Story, agency: str, count: int) -> None:
    agency_id = story.agencies.get(agency) or story.nx.agency_id
    assert len(story.ledger.get_agency(agency_id).credit_in_force(china_date(clock.now()))) == count


@then(parsers.parse('评估机构"{agency}"的信用档案仍载有该提请、决定和信用修复'))
def history_kept(story: Story, credit: Credit, agency: str) -> None:
    agency_id = story.agencies.get(agency) or story.nx.agency_id
    proposal = story.ledger.get_agency(agency_id).credit[str(credit.proposal_id)]
    assert proposal["decision"]["outcome"] == "recorded" and proposal["repair"] is not None
