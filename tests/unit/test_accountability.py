"""The accountability procedure (H2; NX-16, XX-23, XX-18; 国令第713号第三十八条): each step a
signed event of its actor, in order, refusing what the texts do not allow and storing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.signer import Signer
from domain import clock
from domain.errors import Conflict, MalformedInput, NotFound, NotPermitted, Refused
from domain.model.accountability import Accountability
from domain.model.acts import stored_act
from domain.model.decision import Decision
from projections import queries
from tests.accountability_support import cite, decided, notice, open_args, subject
from tests.making_support import Making
from tests.support import NXScript, World, XXScript
from tests.unit.test_projection_rebuild import build, snapshot


@pytest.fixture
def nx(world: World) -> NXScript:
    return NXScript(world).advance_to("close_evidence")  # type: ignore[return-value]


def inspector(world: World) -> Signer:
    return world.person("孔德明", ["discipline_inspector"], "纪检监察组")


def opened(world: World, script: NXScript | XXScript, **changes: Any) -> tuple[UUID, Signer]:
    who = inspector(world)
    procedure_id = uuid4()
    first = world.ledger.stored_event(script.case_id, 1)
    assert first is not None
    events = [{"aggregate_id": str(script.case_id), "version": 1, "hash": first.hash}]
    args = open_args(script.jurisdiction, script.decision_id, [
        subject(script.lead.principal_id, "leader"), subject(script.member.principal_id, "direct")],
        events=events, case_id=script.case_id, conduct="falsification")
    args.update(changes)
    world.do(who, "accountability.open", procedure_id, args)
    return procedure_id, who


def stored(world: World) -> int:
    return world.ledger.recorder.max_notification_id() or 0


def test_the_whole_procedure_is_signed_step_by_step(world: World, nx: NXScript) -> None:
    procedure_id, who = opened(world, nx)
    world.do(who, "accountability.investigate", procedure_id, {
        "evidence": {"events": [], "documents": [{"title": "谈话笔录", "source": "纪检监察组",
                                                  "digest": "a" * 64}]}, "facts": "查明伪造调查数据"})
    world.do(who, "accountability.notify", procedure_id, notice(nx.member.principal_id))
    world.do(nx.member, "accountability.state_defence", procedure_id, {"statement": "数据系机构提供"})
    world.do(who, "accountability.decide", procedure_id, {"decisions": [
        decided(nx.member.principal_id, "sanctioned", sanctions=("demerit",))]})
    world.do(nx.member, "accountability.appeal", procedure_id, {"statement": "处分过重"})
    world.do(who, "accountability.review", procedure_id, {
        "subject_id": str(nx.member.principal_id), "result": "changed", "reasons": "情节较轻",
        "decision": decided(nx.member.principal_id, "sanctioned", sanctions=("warning",))})
    procedure = world.ledger.find(procedure_id, Accountability)
    assert procedure is not None and procedure.article == "NX-16"
    member = procedure.subjects[str(nx.member.principal_id)]
    assert [s["step"] for s in procedure.steps] == [
        "open", "investigate", "notify", "state_defence", "decide", "appeal", "review"]
    assert member["decision"]["decision"]["sanctions"] == ["warning"]  # the review's new decision
    assert member["defences"][0]["by"] == nx.member.principal_id
    assert [s["by"] for s in procedure.steps][2:4] == [who.principal_id, nx.member.principal_id]


def test_a_decision_before_the_subject_was_told_is_refused(world: World, nx: NXScript) -> None:
    procedure_id, who = opened(world, nx)
    before = stored(world)
    with pytest.raises(Refused) as refused:
        world.do(who, "accountability.decide", procedure_id, {"decisions": [
            decided(nx.member.principal_id, "sanctioned", sanctions=("warning",))]})
    assert refused.value.article == "NX-16" and "告知" in refused.value.zh
    assert stored(world) == before


def test_a_sanction_outside_the_list_is_refused(world: World, nx: NXScript) -> None:
    procedure_id, who = opened(world, nx)
    world.do(who, "accountability.notify", procedure_id, notice(nx.member.principal_id))
    with pytest.raises(MalformedInput):
        world.do(who, "accountability.decide", procedure_id, {"decisions": [
            decided(nx.member.principal_id, "sanctioned", sanctions=("罚款",))]})
    with pytest.raises(Refused):  # a sanction decision names one
        world.do(who, "accountability.decide", procedure_id, {"decisions": [
            decided(nx.member.principal_id, "sanctioned")]})


def test_only_the_subject_states_their_defence_and_only_after_being_told(world: World, nx: NXScript) -> None:
    procedure_id, who = opened(world, nx)
    with pytest.raises(Refused, match="尚未告知"):
        world.do(nx.member, "accountability.state_defence", procedure_id, {"statement": "申辩"})
    world.do(who, "accountability.notify", procedure_id, notice(nx.member.principal_id))
    with pytest.raises(Refused, match="本人"):
        world.do(nx.organ, "accountability.state_defence", procedure_id, {"statement": "代为申辩"})
    world.do(nx.member, "accountability.state_defence", procedure_id, {"statement": "申辩"})


def test_nx16_fourth_ground_names_the_unusable_evaluation(world: World, nx: NXScript) -> None:
    with pytest.raises(Refused) as refused:
        opened(world, nx, conduct="ineffective_work")
    assert refused.value.article == "NX-16"
    procedure_id, _ = opened(world, nx, conduct="ineffective_work", unusable_case_id=str(nx.case_id))
    assert world.ledger.find(procedure_id, Accountability) is not None


def test_xx23_has_no_fourth_ground_but_names_units_as_parties(world: World) -> None:
    xx = XXScript(world).advance_to("close_evidence")
    assert isinstance(xx, XXScript)
    with pytest.raises(Refused) as refused:
        opened(world, xx, conduct="ineffective_work", unusable_case_id=str(xx.case_id))
    assert refused.value.article == "XX-23"
    unit = uuid4()
    world.do(world.admin, "organisation.register", unit, {"name": "某咨询公司", "kind": "organ"})
    procedure_id, who = opened(world, xx, subjects=[subject(unit, "unit"), subject(xx.member.principal_id, "direct")])
    with pytest.raises(Refused, match="单位"):
        world.do(who, "accountability.notify", procedure_id, notice(unit))
    with pytest.raises(Refused, match="“等”"):
        opened(world, xx, conduct="other")
    opened(world, xx, conduct="other", conduct_description="拖延提供资料")


def test_units_are_not_parties_under_nx16(world: World, nx: NXScript) -> None:
    unit = uuid4()
    world.do(world.admin, "organisation.register", unit, {"name": "某处室", "kind": "organ"})
    with pytest.raises(Refused, match="工作人员"):
        opened(world, nx, subjects=[subject(unit, "unit"), subject(nx.member.principal_id, "direct")])


def test_evidence_is_checked_against_the_ledger(world: World, nx: NXScript) -> None:
    with pytest.raises(Refused, match="不符"):
        opened(world, nx, evidence={"events": [{"aggregate_id": str(nx.case_id), "version": 1,
                                                "hash": "0" * 64}], "documents": []})
    with pytest.raises(Refused, match="证据"):
        opened(world, nx, evidence={"events": [], "documents": []})


def test_a_decision_fault_and_the_dissenters_relief(world: World) -> None:
    """XX-18 / 713-38: a fault of the decision; the member who stated 不同意 at the collective
    discussion is exempted citing that record (and a transcribed dissent counts as well); an
    agreeing member's opinion, or an event of the dissenter's that is not a dissent, is refused."""
    making = Making(world, "XX")
    making.convene()
    dissent = cite(making.state(making.dissenter, "disagree", "规模过大，未论证需求"))
    agreed = cite(making.state(making.agreeing, "agree"))
    making.state(making.head, "agree")
    decided_event = cite(making.decide("approve"))
    inspection = making.world.organisation("县纪检监察组", "inspection", making.organ_id)
    who = making.person("蒋卫国", ["discipline_inspector"], inspection, "县纪检监察组")
    procedure_id = uuid4()
    world.do(who, "accountability.open", procedure_id, open_args(
        "XX", making.decision_id, [subject(making.head.principal_id, "head"),
                                   subject(making.dissenter.principal_id, "leader"),
                                   subject(making.agreeing.principal_id, "leader")],
        events=[decided_event], ground="decision_fault", fault="serious_error"))
    procedure = world.ledger.find(procedure_id, Accountability)
    assert procedure is not None and procedure.article == "XX-18"
    for person in (making.head, making.dissenter, making.agreeing):
        world.do(who, "accountability.notify", procedure_id, notice(person.principal_id))

    def relieved(person: Signer, record: dict[str, Any]) -> dict[str, Any]:
        return decided(person.principal_id, "exempted", relief={"ground": "recorded_dissent", "record": record})

    before = stored(world)
    for person, record in ((making.dissenter, agreed), (making.agreeing, agreed), (making.dissenter, decided_event)):
        with pytest.raises(Refused) as refused:
            world.do(who, "accountability.decide", procedure_id, {"decisions": [relieved(person, record)]})
        assert refused.value.article == "713-38" and "不同意" in refused.value.zh
    assert stored(world) == before
    world.do(who, "accountability.decide", procedure_id, {"decisions": [
        relieved(making.dissenter, dissent),
        decided(making.head.principal_id, "sanctioned", sanctions=("demerit",)),
        decided(making.agreeing.principal_id, "sanctioned", sanctions=("warning",))]})
    with pytest.raises(Conflict):
        world.do(who, "accountability.decide", procedure_id, {"decisions": [
            decided(making.head.principal_id, "no_liability")]})


def test_a_dissent_transcribed_from_the_archive_grounds_relief_as_well(world: World) -> None:
    """A decision made before the ledger: the member's 不同意, transcribed with its source, is the
    record the relief cites (713-38)."""
    making = Making(world, "XX")
    transcribed = cite(making.do(making.convener, "decision.transcribe_making", making.transcription()))
    decision = world.ledger.find(making.decision_id, Decision)
    assert decision is not None
    (dissent,) = decision.dissent_of(making.dissenter.principal_id)
    assert dissent["transcribed"] and dissent["hash"] == transcribed["hash"]
    inspection = making.world.organisation("县纪检监察组", "inspection", making.organ_id)
    who = making.person("蒋卫国", ["discipline_inspector"], inspection, "县纪检监察组")
    procedure_id = uuid4()
    world.do(who, "accountability.open", procedure_id, open_args(
        "XX", making.decision_id, [subject(making.dissenter.principal_id, "leader")],
        events=[transcribed], ground="decision_fault", fault="undue_delay"))
    world.do(who, "accountability.notify", procedure_id, notice(making.dissenter.principal_id))
    world.do(who, "accountability.decide", procedure_id, {"decisions": [decided(
        making.dissenter.principal_id, "reduced", relief={"ground": "recorded_dissent", "record": transcribed})]})
    procedure = world.ledger.find(procedure_id, Accountability)
    assert procedure is not None
    assert procedure.subjects[str(making.dissenter.principal_id)]["decision"]["outcome"] == "reduced"


def _signer(event: Any) -> UUID:
    return stored_act(event).intent.actor


def test_only_inspectors_open_and_subjects_must_exist(world: World, nx: NXScript) -> None:
    with pytest.raises(NotPermitted):
        world.do(nx.lead, "accountability.open", uuid4(), open_args(
            "NX", nx.decision_id, [subject(nx.member.principal_id, "direct")], case_id=nx.case_id,
            conduct="falsification"))
    with pytest.raises(NotFound):
        opened(world, nx, subjects=[subject(uuid4(), "direct")])


def test_the_read_models_of_a_procedure_rebuild_to_the_same_rows(tmp_path: Path,
                                                                 manual_clock: clock.ManualClock) -> None:
    """Projected step by step or rebuilt from zero, the procedure's rows are the same; the chain
    of the subject lists every step concerning them, the trace every procedure on the decision."""
    ledger, projector, world = build(tmp_path)
    nx = NXScript(world).advance_to("close_evidence")
    assert isinstance(nx, NXScript)
    procedure_id, who = opened(world, nx)
    projector.catch_up()
    world.do(who, "accountability.notify", procedure_id, notice(nx.member.principal_id))
    world.do(nx.member, "accountability.state_defence", procedure_id, {"statement": "申辩"})
    projector.catch_up()
    world.do(who, "accountability.decide", procedure_id, {"decisions": [
        decided(nx.member.principal_id, "no_liability")]})
    projector.catch_up()
    incremental = snapshot(projector)
    assert len(incremental["dl_accountabilities"]) == 1 and len(incremental["dl_accountability_subjects"]) == 2
    projector.rebuild()
    assert snapshot(projector) == incremental
    chain = queries.person_chain(projector.views, str(nx.member.principal_id))
    (mine,) = chain["procedures"]
    assert [s["step"] for s in mine["steps"]] == ["open", "notify", "state_defence", "decide"]
    assert mine["decision"]["outcome"] == "no_liability" and mine["role"] == "direct"
    lead = queries.person_chain(projector.views, str(nx.lead.principal_id))["procedures"]
    assert [s["step"] for s in lead[0]["steps"]] == ["open"] and lead[0]["decision"] is None
    trace = queries.trace_decision(projector.views, str(nx.decision_id))
    assert [p["accountability_id"] for p in trace["procedures"]] == [str(procedure_id)]
    projector.close()
    ledger.close()


def test_a_unit_is_a_party_only_to_misconduct_in_an_evaluation(world: World) -> None:
    """XX-23 names units (参与评估工作的单位); XX-18 holds persons to account."""
    xx = XXScript(world).advance_to("close_evidence")
    assert isinstance(xx, XXScript)
    unit = uuid4()
    world.do(world.admin, "organisation.register", unit, {"name": "某咨询公司", "kind": "organ"})
    with pytest.raises(Refused) as refused:
        opened(world, xx, ground="decision_fault", fault="undue_delay", conduct=None,
               subjects=[subject(unit, "unit"), subject(xx.member.principal_id, "direct")])
    assert refused.value.article == "XX-18"
    with pytest.raises(Refused, match="领导人员"):
        opened(world, xx, subjects=[subject(unit, "unit")])
