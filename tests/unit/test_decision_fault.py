"""经评估发现并确认决策过错 (XX-18; 国令第713号第三十八条): the evaluation's own finding that the
decision it evaluates was made at fault — by the lead unit, once the report is formed, citing the
events that show it — which an inspector's procedure then takes up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.clock import ManualClock
from domain.errors import NotPermitted, Refused
from tests.accountability_support import open_args, subject
from tests.support import NXScript, Signer, World, XXScript


def _args(script: NXScript | XXScript, **changes: Any) -> dict[str, Any]:
    event = script.world.ledger.stored_event(script.case_id, 1)
    assert event is not None
    return {"finding_id": str(uuid4()), "fault": "serious_error",
            "cited_events": [{"aggregate_id": str(script.case_id), "version": 1, "hash": event.hash}],
            "statement": "评估确认决策严重失误", **changes}


def _stored(world: World) -> int:
    return world.ledger.recorder.max_notification_id() or 0


def test_the_lead_unit_confirms_the_fault_once_the_report_is_formed(world: World) -> None:
    xx = XXScript(world).advance_to("finalise_report")
    assert isinstance(xx, XXScript)
    before = _stored(world)
    with pytest.raises(Refused) as refused:
        xx.do(xx.lead, "case.confirm_decision_fault", _args(xx))
    assert refused.value.article == "XX-18" and "报告" in refused.value.zh and _stored(world) == before
    xx.advance_to("pass_justice_review")  # the report is formed
    before = _stored(world)
    with pytest.raises(NotPermitted):  # the legality reviewer is not the lead unit
        xx.do(xx.justice, "case.confirm_decision_fault", _args(xx))
    with pytest.raises(Refused) as refused:
        xx.do(xx.lead, "case.confirm_decision_fault", _args(xx, cited_events=[
            {"aggregate_id": str(xx.case_id), "version": 1, "hash": "0" * 64}]))
    assert refused.value.article == "XX-18" and _stored(world) == before
    args = _args(xx)
    xx.do(xx.lead, "case.confirm_decision_fault", args)
    (found,) = [f for f in world.ledger.get_case(xx.case_id).findings if f["source"] == "evaluation"]
    assert found["articles"] == ["XX-18"] and found["conduct"] == "serious_error" and found["persons"] == []
    assert found["by"] == xx.lead.principal_id

    inspector = world.person("蒋卫国", ["discipline_inspector"], "纪检监察组")
    procedure = uuid4()
    world.do(inspector, "accountability.open", procedure, open_args(
        "XX", xx.decision_id, [subject(xx.lead.principal_id, "direct")], events=args["cited_events"],
        ground="decision_fault", fault="serious_error", case_id=xx.case_id, finding_id=args["finding_id"]))


def test_under_the_ningxia_text_the_fault_cites_decree_713(world: World) -> None:
    nx = NXScript(world).advance_to("submit_report")
    assert isinstance(nx, NXScript)
    nx.do(nx.lead, "case.confirm_decision_fault", _args(nx))
    (found,) = [f for f in world.ledger.get_case(nx.case_id).findings if f["source"] == "evaluation"]
    assert found["articles"] == ["713-38"] and found["rule"] == "NX/decision-fault"


def _unit_of_the_making(world: World, xx: XXScript, name: str) -> tuple[UUID, Signer]:
    """A working unit of the county that records itself as undertaking the decision."""
    unit = world.organisation(name, "unit", world.organisation("息县人民政府", "organ"))
    staff = world.member(f"{name}工作人员", ["lead_unit"], unit, name)
    world.do(staff, "decision.record_undertaking", xx.decision_id,
             {"undertaking_unit_id": str(unit), "drafter_id": str(staff.principal_id)})
    return unit, staff


def test_a_procedure_takes_up_a_finding_as_the_evaluation_confirmed_it(world: World) -> None:
    """ARTICLE: 713-38, 713-39 — a procedure that follows a finding rests on the fault found: it
    cannot turn a 决策严重失误 (the head answers, 713-38) into a unit's procedural fault (the head
    is not a subject, 713-39), nor name another unit than the one the evaluation found at fault."""
    xx = XXScript(world).advance_to("pass_justice_review")
    assert isinstance(xx, XXScript)
    housing, staff = _unit_of_the_making(world, xx, "息县住房和城乡建设局")
    serious = _args(xx)
    xx.do(xx.lead, "case.confirm_decision_fault", serious)
    procedural = _args(xx, fault="procedure_not_followed", unit_id=str(housing))
    xx.do(xx.lead, "case.confirm_decision_fault", procedural)
    reviewer_unit = world.organisation("息县司法局", "justice", world.organisation("息县人民政府", "organ"))
    reviewer = world.member("审查人员", ["justice_reviewer"], reviewer_unit, "息县司法局")
    world.do(reviewer, "decision.record_legality_review", xx.decision_id,
             {"opinion": "lawful", "statement": "经审查，草案合法"})
    inspector = world.person("蒋卫国", ["discipline_inspector"], "纪检监察组")
    leader = world.member("赵刚", ["lead_unit"], housing, "息县住房和城乡建设局")

    def open_on(finding: dict[str, Any], fault: str, subjects: list[dict[str, Any]]) -> None:
        world.do(inspector, "accountability.open", uuid4(), open_args(
            "XX", xx.decision_id, subjects, events=finding["cited_events"], ground="decision_fault",
            fault=fault, case_id=xx.case_id, finding_id=finding["finding_id"]))

    persons = [subject(leader.principal_id, "leader"), subject(staff.principal_id, "direct")]
    before = _stored(world)
    with pytest.raises(Refused) as refused:  # the head would escape a 决策严重失误
        open_on(serious, "procedure_not_followed", persons)
    assert refused.value.rule == "decision-fault/finding-taken-up" and "第三十八条" in refused.value.zh
    with pytest.raises(Refused) as refused:
        open_on(procedural, "serious_error", persons)
    assert refused.value.rule == "decision-fault/finding-taken-up"
    with pytest.raises(Refused) as refused:  # the legality reviewer's unit did work, but was not found at fault
        open_on(procedural, "procedure_not_followed", [subject(reviewer_unit, "unit"), *persons])
    assert refused.value.article == "713-39" and refused.value.rule == "decision-fault/finding-taken-up"
    assert _stored(world) == before
    open_on(procedural, "procedure_not_followed", [subject(housing, "unit"), *persons])


def test_a_unit_that_once_undertook_the_decision_stays_a_unit_of_the_making(world: World) -> None:
    """ARTICLE: 713-39 — 终身责任追究: the unit recorded as undertaking the decision answers for
    its part even after another unit records that it undertakes it."""
    xx = XXScript(world).advance_to("pass_justice_review")
    assert isinstance(xx, XXScript)
    first, _ = _unit_of_the_making(world, xx, "息县住房和城乡建设局")
    second, _ = _unit_of_the_making(world, xx, "息县发展和改革委员会")
    for unit in (first, second):
        xx.do(xx.lead, "case.confirm_decision_fault", _args(xx, fault="falsification_in_procedure",
                                                           unit_id=str(unit)))
    found = [f["unit_id"] for f in world.ledger.get_case(xx.case_id).findings if f["source"] == "evaluation"]
    assert found == [first, second]


def test_a_transferred_signer_ties_the_work_to_the_unit_they_were_in(world: World,
                                                                     manual_clock: ManualClock) -> None:
    """ARTICLE: 713-39 — the unit that did the work is the one its signer belonged to when signing:
    a reviewer transferred afterwards does not make their new unit a unit of the making, nor does
    the unit of someone who only transcribed a discussion from the archive."""
    xx = XXScript(world).advance_to("pass_justice_review")
    assert isinstance(xx, XXScript)
    county = world.organisation("息县人民政府", "organ")
    justice, finance = world.organisation("息县司法局", "justice", county), world.organisation("息县财政局", "unit", county)
    reviewer = world.member("审查人员", ["justice_reviewer"], justice, "息县司法局")
    world.do(reviewer, "decision.record_legality_review", xx.decision_id,
             {"opinion": "lawful", "statement": "经审查，草案合法"})
    manual_clock.advance(timedelta(days=200))
    world.do(world.admin, "principal.transfer", reviewer.principal_id,
             {"organisation_id": str(finance), "unit": "息县财政局", "reason": "干部交流"})
    with pytest.raises(Refused) as refused:
        xx.do(xx.lead, "case.confirm_decision_fault", _args(xx, fault="dereliction_in_procedure",
                                                           unit_id=str(finance)))
    assert refused.value.rule == "decision-fault/unit-of-the-making"
    xx.do(xx.lead, "case.confirm_decision_fault", _args(xx, fault="dereliction_in_procedure", unit_id=str(justice)))


def test_the_decision_dossier_names_the_unit_found_at_fault(tmp_path: Path) -> None:
    """713-33, 713-39: the decision's archive shows, beside a unit's fault in the procedure, the
    unit the evaluation found at fault (the finding names no person: the unit is who it is about)."""
    from api.dossier import decision as dossier_of
    from domain.model.decision import Decision
    from projections import queries
    from tests.unit.test_projection_rebuild import build

    ledger, projector, world = build(tmp_path)
    xx = XXScript(world).advance_to("pass_justice_review")
    assert isinstance(xx, XXScript)
    housing, _ = _unit_of_the_making(world, xx, "息县住房和城乡建设局")
    xx.do(xx.lead, "case.confirm_decision_fault", _args(xx, fault="procedure_not_followed", unit_id=str(housing)))
    projector.catch_up()
    decision = ledger.find(xx.decision_id, Decision)
    trace = queries.trace_decision(projector.views, str(xx.decision_id), acts=False)
    page = dossier_of.html(dossier_of.gather(ledger, decision, trace, None, None), "zh")
    finding = page[page.index('<div class="finding">'):]
    assert "承担责任的单位：息县住房和城乡建设局" in finding[:finding.index("</div>")]
    assert "Unit at fault：息县住房和城乡建设局" in dossier_of.html(dossier_of.gather(ledger, decision, trace, None, None),
                                                               "en")
