"""The making of a decision (H1; XX-18, 国令第713号第三十条、第三十三条): each step a signed
event of the person who took it; refusals store nothing."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from domain.errors import Conflict, NotPermitted, Refused
from domain.model.decision import Decision
from projections import queries
from tests.making_support import Making
from tests.support import World
from tests.unit.test_projection_rebuild import build, snapshot


def decision(making: Making) -> Decision:
    found = making.world.ledger.find(making.decision_id, Decision)
    assert found is not None
    return found


@pytest.fixture
def nx(world: World) -> Making:
    return Making(world, "NX")


@pytest.fixture
def xx(world: World) -> Making:
    return Making(world, "XX")


def test_the_making_records_each_step_signed_by_its_actor(nx: Making) -> None:
    nx.made()
    made = decision(nx)
    assert made.undertaking is not None and made.undertaking["drafter_id"] == nx.drafter.principal_id
    assert made.undertaking["by"] == nx.drafter.principal_id
    assert made.legality_reviews[0]["reviewer_id"] == nx.reviewer.principal_id
    assert made.participation[0]["kind"] == "public_participation"
    discussion = made.discussions[str(nx.discussion_id)]
    dissent = discussion["opinions"][str(nx.dissenter.principal_id)]
    assert dissent["opinion"] == "disagree" and dissent["transcribed"] is False
    assert dissent["by"] == nx.dissenter.principal_id
    assert discussion["decision"]["outcome"] == "approve" and discussion["decision"]["by"] == nx.head.principal_id
    assert discussion["decision"]["against_majority"] is False
    assert made.publication is not None and made.publication["channel"] == "政府网站"


def test_dissent_of_gives_the_signed_record_that_accountability_cites(nx: Making) -> None:
    nx.made()
    made = decision(nx)
    [record] = made.dissent_of(nx.dissenter.principal_id)
    stored = nx.world.ledger.stored_event(nx.decision_id, record["version"])
    assert stored is not None and stored.hash == record["hash"]
    assert record["reasons"] == "财政补贴标准过高，风险评估不充分" and record["transcribed"] is False
    assert made.dissent_of(nx.agreeing.principal_id) == []
    assert made.dissent_of(nx.head.principal_id) == []


def test_a_wrong_body_is_refused_citing_the_article_of_its_text(nx: Making, xx: Making) -> None:
    with pytest.raises(Refused) as nx_refusal:
        nx.convene(body="county_standing_meeting")
    assert nx_refusal.value.article == "NX-4"
    with pytest.raises(Refused) as xx_refusal:
        xx.convene(body="office_meeting")
    assert xx_refusal.value.article == "713-30"
    assert decision(nx).discussions == {} and decision(xx).discussions == {}
    xx.convene(body="county_plenary_meeting")
    assert decision(xx).discussions[str(xx.discussion_id)]["body"] == "county_plenary_meeting"


def test_the_head_is_a_member_and_a_discussion_is_convened_once(nx: Making) -> None:
    with pytest.raises(Refused):
        nx.convene(head_id=str(nx.outsider.principal_id))
    nx.convene()
    with pytest.raises(Conflict):
        nx.convene()


def test_only_a_member_states_an_opinion_themself_and_once(nx: Making) -> None:
    nx.convene()
    before = decision(nx).version
    with pytest.raises(Refused) as refusal:
        nx.state(nx.outsider, "agree")
    assert refusal.value.article == "713-30"
    nx.state(nx.dissenter, "disagree")
    with pytest.raises(Refused):
        nx.state(nx.dissenter, "agree")
    assert decision(nx).version == before + 1


def test_only_the_head_decides(nx: Making) -> None:
    nx.convene()
    with pytest.raises(NotPermitted):
        nx.do(nx.agreeing, "decision.decide", {"discussion_id": str(nx.discussion_id), "outcome": "approve"})


def test_deciding_against_the_majority_needs_the_reason_stated_at_the_meeting(xx: Making) -> None:
    xx.convene()
    xx.state(xx.agreeing, "disagree", "资金来源不明确")
    xx.state(xx.dissenter, "disagree", "风险评估不充分")
    with pytest.raises(Refused) as refusal:
        xx.decide("approve")
    assert refusal.value.article == "713-30"
    assert decision(xx).discussions[str(xx.discussion_id)]["decision"] is None
    xx.decide("approve", "省级试点任务须按期落实，已在会上说明")
    recorded = decision(xx).discussions[str(xx.discussion_id)]["decision"]
    assert recorded["against_majority"] is True and recorded["reason_stated_at_meeting"]
    with pytest.raises(Refused):  # the head spoke last: no opinion after the decision
        xx.state(xx.head, "agree")


def test_a_decision_with_the_majority_or_on_a_tie_needs_no_reason(xx: Making) -> None:
    xx.convene()
    xx.state(xx.agreeing, "agree")
    xx.state(xx.dissenter, "disagree")
    xx.decide("defer")
    assert decision(xx).discussions[str(xx.discussion_id)]["decision"]["against_majority"] is False


def test_undertaking_is_recorded_by_someone_of_that_unit(nx: Making) -> None:
    args = {"undertaking_unit_id": str(nx.unit_id), "drafter_id": str(nx.drafter.principal_id)}
    outsider = nx.person("钱进", ["lead_unit"], nx.justice_id, "法规处")
    with pytest.raises(NotPermitted):
        nx.do(outsider, "decision.record_undertaking", args)
    nx.do(nx.drafter, "decision.record_undertaking", args)
    assert decision(nx).undertaking is not None


def test_a_transcribed_making_is_shown_as_transcribed_with_its_source(xx: Making) -> None:
    args = xx.transcription()
    xx.do(xx.convener, "decision.transcribe_making", args)
    made = decision(xx)
    discussion = made.discussions[args["discussion_id"]]
    dissent = discussion["opinions"][str(xx.dissenter.principal_id)]
    assert dissent["transcribed"] is True and dissent["source"] == "档案号 2019-决-017"
    assert dissent["by"] == xx.convener.principal_id  # the transcriber signed, not the member
    [record] = made.dissent_of(xx.dissenter.principal_id)
    assert record["transcribed"] is True and record["minutes_digest"] == args["minutes_digest"]
    assert discussion["decision"]["transcribed"] is True


def test_a_transcription_keeps_to_the_body_and_its_members(xx: Making) -> None:
    with pytest.raises(Refused):
        xx.do(xx.convener, "decision.transcribe_making", xx.transcription(body="office_meeting"))
    stranger = [{"member_id": str(uuid4()), "opinion": "agree", "reasons": "纪要"}]
    with pytest.raises(Refused):
        xx.do(xx.convener, "decision.transcribe_making", xx.transcription(opinions=stranger))
    assert decision(xx).discussions == {}



def test_the_read_model_and_reverse_tracing_reach_the_makers(tmp_path: Path) -> None:
    ledger, projector, world = build(tmp_path)
    nx = Making(world, "NX")
    nx.do(nx.drafter, "decision.record_undertaking", {
        "undertaking_unit_id": str(nx.unit_id), "drafter_id": str(nx.drafter.principal_id)})
    projector.catch_up()  # the rest arrives in later batches, as a deployment sees it
    nx.do(nx.reviewer, "decision.record_legality_review", {"opinion": "lawful", "statement": "合法"})
    nx.convene()
    nx.state(nx.agreeing, "agree", "有利于扩大进出口")
    dissent = nx.state(nx.dissenter, "disagree", "财政补贴标准过高")
    projector.catch_up()
    nx.decide("approve")
    transcription = nx.transcription()
    nx.do(nx.convener, "decision.transcribe_making", transcription)
    projector.catch_up()
    incremental = snapshot(projector)
    projector.rebuild()
    assert snapshot(projector) == incremental
    read = queries.decision(projector.views, str(nx.decision_id))
    assert [d["discussion_id"] for d in read["making"]["discussions"]] == [
        str(nx.discussion_id), transcription["discussion_id"]]
    trace = queries.trace_decision(projector.views, str(nx.decision_id))
    assert {"decision", "cases", "persons", "findings", "actions", "procedures"} <= set(trace)
    roles = [(m["name"], m["role"], m["opinion"], m["transcribed"]) for m in trace["makers"]]
    assert roles == [
        ("王建军", "drafter", None, False),
        ("刘芳", "legality_reviewer", "lawful", False),
        ("赵敏", "transcriber", None, False),
        ("李国华", "head", "approve", False),
        ("张伟", "member", "agree", False),
        ("陈静", "member", "disagree", False),
        ("李国华", "head", "approve", True),
        ("张伟", "member", "agree", True),
        ("陈静", "member", "disagree", True),
    ]
    own = trace["makers"][5]
    assert own["relief"] == {"ground": "recorded_dissent", "article": "713-38", "record": {
        "aggregate_id": str(nx.decision_id), "version": dissent.version, "hash": dissent.event_hash}}
    assert own["signed_by"] == str(nx.dissenter.principal_id)
    archived = trace["makers"][8]
    assert archived["source"] == "档案号 2019-决-017" and archived["signed_by"] == str(nx.convener.principal_id)
    assert trace["makers"][4]["relief"] is None
    projector.close()
    ledger.close()
