"""Steps where the making of a decision meets the accountability that follows it: a fault of a
decision made in a collective discussion, and the relief of a member whose 不同意 is on record
(XX-18; 《重大行政决策程序暂行条例》第三十条、第三十八条)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from pytest_bdd import given, parsers, then, when

from domain.model.accountability import Accountability
from domain.model.decision import Decision
from tests.accountability_support import decided, open_args, subject
from tests.bdd.steps_accountability import FAULTS, Procedure
from tests.bdd.steps_making import MakingHolder
from tests.bdd.story import Story


def _decision(story: Story, made: MakingHolder) -> Decision:
    found = story.ledger.find(made.it.decision_id, Decision)
    assert found is not None
    return found


def _dissent(story: Story, made: MakingHolder, member: str) -> dict[str, Any]:
    """The record of the member's 不同意 (as accountability cites it)."""
    (record,) = _decision(story, made).dissent_of(story.person(member).principal_id)
    return {"aggregate_id": str(record["aggregate_id"]), "version": record["version"], "hash": record["hash"]}


@given(parsers.parse('纪检监察人员"{name}"在该决策机关的纪检监察机构登记'))
def an_inspector_of_the_organ(story: Story, made: MakingHolder, name: str) -> None:
    it = made.it
    inspection = uuid4()
    story.world.do(story.world.admin, "organisation.register", inspection,
                   {"name": "纪检监察组", "kind": "inspection", "parent_id": str(it.organ_id)})
    story.people[name] = it.person(name, ["discipline_inspector"], inspection, "纪检监察组")


@given(parsers.parse('纪检监察人员"{inspector}"以"{fault}"对该决策立案追究责任，追究行政首长"{head}"和组成人员"{member}"的责任'))
def open_on_the_making(story: Story, made: MakingHolder, procedure: Procedure, inspector: str, fault: str,
                       head: str, member: str) -> None:
    """The head's decision is the evidence (it is what the fault was in)."""
    (discussion,) = _decision(story, made).discussions.values()
    decided_by_head = discussion["decision"]
    evidence = {"aggregate_id": str(made.it.decision_id), "version": decided_by_head["version"],
                "hash": decided_by_head["hash"]}
    args = open_args(made.it.jurisdiction, made.it.decision_id,
                     [subject(story.person(head).principal_id, "head"),
                      subject(story.person(member).principal_id, "leader")],
                     events=[evidence], ground="decision_fault", fault=FAULTS[fault])
    story.act(story.person(inspector), "accountability.open", args, target=procedure.procedure_id)
    story.require_success()


@when(parsers.parse('纪检监察人员"{inspector}"以"{member}"在集体讨论中表示不同意并记录在案为由，决定免除其责任'))
def exempt_the_dissenter(story: Story, made: MakingHolder, procedure: Procedure, inspector: str, member: str) -> None:
    exempt(story, made, procedure, inspector, member, member)


@when(parsers.parse('纪检监察人员"{inspector}"以"{member}"在集体讨论中表示不同意为由，决定免除"{other}"的责任'))
def exempt(story: Story, made: MakingHolder, procedure: Procedure, inspector: str, member: str, other: str) -> None:
    relief = {"ground": "recorded_dissent", "record": _dissent(story, made, member)}
    story.act(story.person(inspector), "accountability.decide",
              {"decisions": [decided(story.person(other).principal_id, "exempted", relief=relief)]},
              target=procedure.procedure_id)


@then(parsers.parse('对"{member}"的决定为免除责任，理由为其在集体讨论中本人签署的不同意意见'))
def exempted_on_own_dissent(story: Story, made: MakingHolder, procedure: Procedure, member: str) -> None:
    found = story.ledger.find(procedure.procedure_id, Accountability)
    assert found is not None
    decision = found.subjects[str(story.person(member).principal_id)]["decision"]
    assert decision["outcome"] == "exempted" and decision["sanctions"] == []
    assert decision["relief"]["ground"] == "recorded_dissent"
    cited = decision["relief"]["record"]
    assert {**cited, "aggregate_id": str(cited["aggregate_id"])} == _dissent(story, made, member)
    (record,) = _decision(story, made).dissent_of(story.person(member).principal_id)
    assert not record["transcribed"] and record["by"] == story.person(member).principal_id


# --- 经评估发现并确认决策过错 (XX-18) ----------------------------------------------------------


@when(parsers.parse('"{person}"确认评估发现决策严重失误，援引本案立案记录'))
def confirm_fault(story: Story, person: str) -> None:
    case_id = story.case_script.case_id
    first = story.ledger.stored_event(case_id, 1)
    assert first is not None
    story.act(story.person(person), "case.confirm_decision_fault", {
        "finding_id": str(uuid4()), "fault": "serious_error",
        "cited_events": [{"aggregate_id": str(case_id), "version": 1, "hash": first.hash}],
        "statement": "评估确认：决策未经充分论证，造成重大损失，属决策严重失误"})


@then(parsers.parse("案件载有评估确认的决策过错，依据{cited}"))
def fault_confirmed(story: Story, cited: str) -> None:
    from tests.bdd.steps import cited_key

    (found,) = [f for f in story.case.findings if f["source"] == "evaluation"]
    assert found["articles"] == [cited_key(cited)] and found["conduct"] == "serious_error"
