"""XX-10..13's three phases, XX-15's simplified procedure, justice review and county approval
(XX-13(4)), results (XX-16, XX-17); each step out of order refused with its article."""

from uuid import uuid4

import pytest

from domain.errors import Conflict, NotFound, NotPermitted, Refused
from domain.model.case import Phase
from tests.support import World, XXScript


@pytest.fixture
def xx(world: World) -> XXScript:
    return XXScript(world)


@pytest.fixture
def simple(world: World) -> XXScript:
    return XXScript(world, simplified=True)


def refused(script: XXScript, step: str, article: str) -> None:
    before = script.world.ledger.recorder.max_notification_id()
    with pytest.raises(Refused) as caught:
        script.step(step).run()
    assert caught.value.article == article
    assert script.world.ledger.recorder.max_notification_id() == before


def test_the_standard_procedure(xx: XXScript) -> None:
    seen = []
    for step in xx.steps():
        step.run()
        seen.append(xx.case.phase)
    assert seen[:3] == [Phase.PREPARATION] * 3
    assert Phase.IMPLEMENTATION in seen and Phase.JUSTICE_REVIEW_PASSED in seen
    case = xx.case
    assert case.phase is Phase.PUBLISHED
    assert case.publication["withheld_material_ids"] == [xx.material_id]
    assert case.survey_plan["questions"] == 1


def test_the_simplified_procedure_skips_preparation_never_the_report(simple: XXScript) -> None:
    simple.advance_to("collect_material")
    case = simple.case
    assert case.procedure == "simplified" and case.phase is Phase.IMPLEMENTATION
    simple.run_all()
    assert simple.case.phase is Phase.PUBLISHED
    assert "submit_plan" not in simple.done


def test_simplified_needs_its_reason(simple: XXScript) -> None:
    with pytest.raises(Refused) as caught:
        simple.do(simple.lead, "case.open", {**simple.open_args(), "simplified_reason": " "})
    assert caught.value.article == "XX-15"


def test_implementation_waits_for_the_plan(xx: XXScript) -> None:
    xx.advance_to("submit_plan")
    refused(xx, "collect_material", "XX-11")
    refused(xx, "hold_forum", "XX-11")


def test_preparation_in_order(xx: XXScript) -> None:
    xx.advance_to("form_team")
    refused(xx, "submit_plan", "XX-11(1)")
    refused(xx, "prepare_survey", "XX-11(3)")


def test_plan_content_items_are_xx8s(xx: XXScript) -> None:
    xx.advance_to("submit_plan")
    with pytest.raises(Refused) as caught:
        xx.do(xx.member, "case.submit_plan", {"parts": XXScript.PLAN, "content_items": ["NX-6(1)"]})
    assert caught.value.article == "XX-8"


def test_xx_has_no_approval_before_evaluation(xx: XXScript) -> None:
    xx.advance_to("collect_material")
    with pytest.raises(Refused) as caught:
        xx.do(xx.county, "case.approve_evaluation", {
            "body": "county_government", "meeting": "常务会议", "decided_on": "2023-01-05",
        })
    assert caught.value.article == "XX-10"


def test_standard_report_needs_expert_review(xx: XXScript) -> None:
    xx.advance_to("give_expert_opinion")
    refused(xx, "finalise_report", "XX-13(2)")


def test_team_experts_may_review(xx: XXScript) -> None:
    xx.advance_to("give_expert_opinion")
    xx.step("give_expert_opinion").run()  # 周丽 sits on the team as a sector expert
    assert xx.case.drafts[str(xx.draft_id)]["expert_opinions"]


def test_county_approval_follows_a_passed_justice_review(xx: XXScript) -> None:
    xx.advance_to("pass_justice_review")
    refused(xx, "approve_report", "XX-13(4)")


def test_only_justice_reviewers_review(xx: XXScript) -> None:
    xx.advance_to("pass_justice_review")
    with pytest.raises(NotPermitted) as caught:
        xx.do(xx.lead, "case.pass_justice_review", {"report_id": str(xx.report_id), "opinion": "合法"})
    assert caught.value.article == "XX-6 / XX-13(4)"
    assert "「合法性审核通过」须由司法行政部门办理" in caught.value.zh


def test_a_returned_report_is_finalised_again_and_reviewed_again(xx: XXScript) -> None:
    xx.advance_to("pass_justice_review")
    xx.do(xx.justice, "case.return_justice_review", {"report_id": str(xx.report_id), "reasons": "依据条款引用有误"})
    assert xx.case.phase is Phase.CONCLUSION
    refused(xx, "approve_report", "XX-13(4)")
    with pytest.raises(Conflict, match="new id"):
        xx.step("finalise_report").run()
    xx.report_id = uuid4()
    xx.step("finalise_report").run()
    xx.step("pass_justice_review").run()
    with pytest.raises(Conflict):
        xx.step("pass_justice_review").run()
    xx.step("approve_report").run()
    assert xx.case.phase is Phase.REPORT_APPROVED


def test_nx_only_steps_are_refused(xx: XXScript) -> None:
    xx.advance_to("approve_report")
    with pytest.raises(Refused) as caught:
        xx.do(xx.lead, "case.submit_report", {"report_id": str(xx.report_id), "recommendation": "continue", "note": "x"})
    assert caught.value.article == "XX-13(4)"


def test_ruling_follows_county_approval(xx: XXScript) -> None:
    xx.advance_to("approve_report")
    ruling = {"report_id": str(xx.report_id), "ruling": "suspend", "body": "county_government",
              "meeting": "县政府常务会议", "measures": ["妥善处理已签订的保洁合同"],
              "basis": "studied_and_agreed", "report_digest": xx.report_digest()}
    with pytest.raises(Refused) as caught:
        xx.do(xx.county, "case.record_ruling", ruling)
    assert caught.value.article == "XX-16"
    xx.step("approve_report").run()
    xx.do(xx.county, "case.record_ruling", ruling)
    assert xx.case.phase is Phase.RULED


def test_publication_follows_county_approval(xx: XXScript) -> None:
    xx.advance_to("approve_report")
    refused(xx, "publish_results", "XX-17")


def test_publication_withholds_only_case_materials(xx: XXScript) -> None:
    xx.advance_to("publish_results")
    with pytest.raises(NotFound, match="withheld"):
        xx.do(xx.lead, "case.publish_results", {
            "report_id": str(xx.report_id), "channels": xx.channels(), "report_digest": xx.report_digest(),
            "summary": "继续实施", "withheld_material_ids": [str(xx.material_id), str(uuid4())],
        })
    xx.step("publish_results").run()
    with pytest.raises(Conflict):
        xx.step("publish_results").run()
