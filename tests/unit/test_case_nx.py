"""NX-10's four steps, in order, and every step taken out of order refused with its article."""

from uuid import uuid4

import pytest

from domain.errors import Conflict, MalformedInput, NotFound, NotPermitted, Refused
from domain.model.case import Phase
from tests.support import NX_UNIT, NXScript, World


@pytest.fixture
def nx(world: World) -> NXScript:
    return NXScript(world)


def count(world: World) -> int:
    return world.ledger.recorder.max_notification_id() or 0


def refused(script: NXScript, step: str, article: str) -> Refused:
    before = count(script.world)
    with pytest.raises(Refused) as caught:
        script.step(step).run()
    assert caught.value.article == article
    assert caught.value.zh and caught.value.en
    assert count(script.world) == before, "a refusal stores nothing"
    return caught.value


def test_the_whole_procedure(nx: NXScript) -> None:
    phases = []
    for step in nx.steps():
        step.run()
        phases.append(nx.case.phase)
    assert phases[0] is Phase.PREPARATION
    assert Phase.AWAITING_APPROVAL in phases and Phase.IMPLEMENTATION in phases
    case = nx.case
    assert case.phase is Phase.PUBLISHED
    assert case.jurisdiction == "NX" and case.grounds == ["NX-4(2)"]
    assert case.approval["body"] == "office_meeting"
    assert case.ruling["ruling"] == "adjust" and case.ruling["measures"] == ["过渡期六个月"]
    assert case.version == len(nx.steps())
    material = case.materials[str(nx.material_id)]
    assert material["collected"]["by"] == nx.agency_staff.principal_id


def test_each_event_applies_only_what_was_signed(nx: NXScript) -> None:
    nx.run_all()
    replayed = nx.world.ledger.get_case(nx.case_id)
    halfway = nx.world.ledger.get_case(nx.case_id, version=4)
    assert replayed.phase is Phase.PUBLISHED
    assert halfway.phase is Phase.IMPLEMENTATION and halfway.materials == {}


# --- opening (NX-4, NX-2, NX-5) -------------------------------------------------------------


def open_args(nx: NXScript, **changes: object) -> dict[str, object]:
    args: dict[str, object] = {
        "decision_id": str(nx.decision_id), "jurisdiction": "NX", "title": "后评估",
        "lead_unit": NX_UNIT, "grounds": ["NX-4(2)"], "ground_statement": "未达预期",
    }
    args.update(changes)
    return args


@pytest.mark.parametrize(
    ("changes", "article"),
    [
        ({"grounds": ["XX-9(3)"]}, "NX-4"),
        ({"grounds": ["NX-4(8)"]}, "NX-4"),
        ({"jurisdiction": "XX", "grounds": ["XX-9(3)"]}, "XX-2"),
        ({"procedure": "simplified", "simplified_reason": "快"}, "NX-10"),
        ({"scope": "partial"}, "NX-5"),
    ],
)
def test_opening_refusals(nx: NXScript, changes: dict, article: str) -> None:
    with pytest.raises(Refused) as caught:
        nx.do(nx.lead, "case.open", open_args(nx, **changes))
    assert caught.value.article == article


def test_only_the_lead_unit_opens_its_case(nx: NXScript) -> None:
    other = nx.world.person("钱多", ["lead_unit"], "宁夏回族自治区商务厅财务处")
    with pytest.raises(NotPermitted) as caught:
        nx.do(other, "case.open", open_args(nx))
    assert caught.value.article == "NX-4"
    assert "可以启动其评估" in caught.value.zh and "may open its evaluation" in caught.value.en
    with pytest.raises(NotPermitted):
        nx.do(nx.organ, "case.open", open_args(nx))


def test_a_case_needs_a_registered_decision(nx: NXScript) -> None:
    with pytest.raises(NotFound, match="decision"):
        nx.do(nx.lead, "case.open", open_args(nx, decision_id=str(uuid4())))


def test_partial_scope_lists_its_parts(nx: NXScript) -> None:
    nx.do(nx.lead, "case.open", open_args(nx, scope="partial", scope_parts=["资金支持"]))
    assert nx.case.scope_parts == ["资金支持"]


# --- NX-10(1) team and plan, NX-10(2) approval ------------------------------------------------


def test_plan_before_team_is_refused(nx: NXScript) -> None:
    nx.advance_to("form_team")
    refused(nx, "submit_plan", "NX-10(1)")


def test_plan_parts_and_content_items_are_the_texts_own(nx: NXScript) -> None:
    nx.advance_to("submit_plan")
    with pytest.raises(Refused, match="object_and_content") as caught:
        nx.do(nx.member, "case.submit_plan", {"parts": {"object_and_content": "x"}, "content_items": ["NX-6(1)"]})
    assert caught.value.article == "NX-10(1)"
    with pytest.raises(Refused) as caught:
        nx.do(nx.member, "case.submit_plan", {"parts": NXScript.PLAN, "content_items": ["XX-8(1)"]})
    assert caught.value.article == "NX-6"


def test_approval_needs_a_plan(nx: NXScript) -> None:
    nx.advance_to("submit_plan")
    refused(nx, "approve_evaluation", "NX-10(2)")


def test_no_evaluation_work_before_approval(nx: NXScript) -> None:
    nx.advance_to("approve_evaluation")
    assert nx.case.phase is Phase.AWAITING_APPROVAL
    with pytest.raises(Refused) as caught:
        nx.do(nx.lead, "case.collect_material", nx.material_args())
    assert caught.value.article == "NX-10(2)"
    with pytest.raises(Refused):
        nx.do(nx.lead, "case.draw_conclusion", {"conclusion": "预设结论"})


def test_approval_only_by_the_decision_organ_and_once(nx: NXScript) -> None:
    nx.advance_to("approve_evaluation")
    with pytest.raises(NotPermitted) as caught:
        nx.do(nx.lead, "case.approve_evaluation", {
            "body": "office_meeting", "meeting": "厅务会议", "decided_on": "2022-08-09",
        })
    assert caught.value.article == "NX-10(2)"
    assert caught.value.zh.startswith("「决定开展评估」须由决策机关办理；")  # the step and the role, in Chinese
    assert str(caught.value).startswith("NX-10(2): 「决定开展评估」") and "decision_organ" in caught.value.en
    nx.step("approve_evaluation").run()
    with pytest.raises(Conflict):
        nx.step("approve_evaluation").run()
    refused(nx, "submit_plan", "NX-10(2)")


def test_a_declined_evaluation_closes_the_case(nx: NXScript) -> None:
    nx.advance_to("approve_evaluation")
    nx.do(nx.organ, "case.decline_evaluation", {
        "body": "party_group_meeting", "meeting": "厅党组会议", "decided_on": "2022-08-09",
        "reason": "该措施已被新政策替代",
    })
    assert nx.case.phase is Phase.DECLINED
    refused(nx, "approve_evaluation", "NX-10(2)")
    refused(nx, "entrust_agency", "NX-10(2)")


# --- entrustment and experts (NX-4) -----------------------------------------------------------


def test_entrustment_needs_a_registered_agency_once(nx: NXScript) -> None:
    nx.advance_to("entrust_agency")
    with pytest.raises(NotFound):
        nx.do(nx.lead, "case.entrust_agency", {
            "agency_id": str(uuid4()), "tasks": ["survey"], "scope": ["x"], "agreement_ref": "y",
        })
    nx.step("entrust_agency").run()
    with pytest.raises(Conflict):
        nx.step("entrust_agency").run()


def test_agency_staff_engage_experts_only_under_their_entrustment(nx: NXScript) -> None:
    nx.advance_to("engage_expert")
    other_agency = nx.world.agency("某咨询公司")
    outsider = nx.world.person("外人", ["agency_staff"], "某咨询公司", other_agency)
    with pytest.raises(NotFound, match="not entrusted"):
        nx.do(outsider, "case.engage_expert", {
            "expert_id": str(nx.expert.principal_id), "field": "x", "agency_id": str(other_agency),
        })
    with pytest.raises(NotPermitted) as caught:
        nx.do(outsider, "case.engage_expert", {
            "expert_id": str(nx.expert.principal_id), "field": "x", "agency_id": str(nx.agency_id),
        })
    assert caught.value.article == "NX-4"
    with pytest.raises(NotPermitted, match="未登记为专家 / .* is not registered as an expert"):
        nx.do(nx.lead, "case.engage_expert", {"expert_id": str(nx.member.principal_id), "field": "x"})
    nx.step("engage_expert").run()
    with pytest.raises(Conflict):
        nx.step("engage_expert").run()


# --- NX-10(3) evaluation work ---------------------------------------------------------------


def test_only_evaluators_record_work(nx: NXScript) -> None:
    nx.advance_to("collect_material")
    with pytest.raises(NotPermitted) as caught:
        nx.do(nx.organ, "case.collect_material", nx.material_args())
    assert caught.value.article == "NX-4"


def test_materials_are_collected_once_and_excluded_with_a_reason(nx: NXScript) -> None:
    nx.advance_to("hold_forum")
    with pytest.raises(Conflict):
        nx.step("collect_material").run()
    exclude = {"material_id": str(nx.material_id), "reason": "来源无法核实"}
    with pytest.raises(Refused, match="NX-9"):
        nx.do(nx.lead, "case.exclude_material", {"material_id": str(nx.material_id), "reason": " "})
    with pytest.raises(NotFound):
        nx.do(nx.lead, "case.exclude_material", {**exclude, "material_id": str(uuid4())})
    nx.do(nx.lead, "case.exclude_material", exclude)
    assert nx.case.materials[str(nx.material_id)]["excluded"]["by"] == nx.lead.principal_id
    with pytest.raises(Conflict):
        nx.do(nx.lead, "case.exclude_material", exclude)


def test_opinions_come_from_a_recorded_activity(nx: NXScript) -> None:
    nx.advance_to("close_evidence")
    opinion = {"opinion_id": str(uuid4()), "source": "企业代表", "stance": "opposing", "summary": "门槛高"}
    with pytest.raises(NotFound):
        nx.do(nx.agency_staff, "case.record_opinion", {**opinion, "via": str(uuid4())})
    nx.do(nx.agency_staff, "case.record_opinion", {**opinion, "via": str(nx.forum_id)})
    assert nx.case.opinions[opinion["opinion_id"]]["stance"] == "opposing"


def test_survey_period_runs_forward(nx: NXScript) -> None:
    nx.advance_to("close_evidence")
    with pytest.raises(MalformedInput, match="after period_to"):
        nx.do(nx.agency_staff, "case.conduct_survey", {
            "survey_id": str(uuid4()), "online": True, "period_from": "2022-09-05",
            "period_to": "2022-08-20", "respondents": 10, "summary": "问卷",
        })


def test_nothing_is_collected_after_the_evidence_phase_closes(nx: NXScript) -> None:
    nx.advance_to("draw_conclusion")
    with pytest.raises(Refused) as caught:
        nx.do(nx.agency_staff, "case.collect_material", nx.material_args(uuid4()))
    assert caught.value.article == "NX-10(3)"
    with pytest.raises(Refused):
        nx.do(nx.agency_staff, "case.hold_forum", nx.forum_args(uuid4()))
    with pytest.raises(Refused):
        nx.step("close_evidence").run()


def test_only_lead_unit_or_team_leader_closes_evidence(nx: NXScript) -> None:
    nx.advance_to("close_evidence")
    with pytest.raises(NotPermitted):
        nx.do(nx.agency_staff, "case.close_evidence", {})


# --- NX-10(4) report ---------------------------------------------------------------------------


def test_report_draft_follows_a_preliminary_conclusion(nx: NXScript) -> None:
    nx.advance_to("draw_conclusion")
    refused(nx, "draft_report", "NX-10(4)")


def test_report_sections_are_nx7s(nx: NXScript) -> None:
    nx.advance_to("draft_report")
    with pytest.raises(Refused) as caught:
        nx.do(nx.agency_staff, "case.draft_report", nx.report_args({"XX-14(1)": "x"}, "draft_id", uuid4()))
    assert caught.value.article == "NX-7"


def test_only_an_engaged_expert_reviews(nx: NXScript) -> None:
    nx.advance_to("give_expert_opinion")
    stranger = nx.world.person("路人专家", ["expert"], "某大学")
    with pytest.raises(NotPermitted) as caught:
        nx.do(stranger, "case.give_expert_opinion", {
            "draft_id": str(nx.draft_id), "opinion": "agree", "comments": "同意",
        })
    assert caught.value.article == "NX-10(4)"
    with pytest.raises(NotPermitted):  # not an expert at all
        nx.do(nx.lead, "case.give_expert_opinion", {
            "draft_id": str(nx.draft_id), "opinion": "agree", "comments": "同意",
        })
    nx.step("give_expert_opinion").run()
    with pytest.raises(Conflict):
        nx.step("give_expert_opinion").run()


def test_finalising_needs_a_draft_and_closed_evidence(nx: NXScript) -> None:
    nx.advance_to("close_evidence")
    refused(nx, "finalise_report", "NX-10(4)")  # evidence still open
    nx.advance_to("draft_report")
    refused(nx, "finalise_report", "NX-10(4)")  # no draft yet


def test_expert_review_is_optional_under_nx(nx: NXScript) -> None:
    nx.advance_to("give_expert_opinion")
    nx.step("finalise_report").run()
    assert nx.case.phase is Phase.REPORT_FINALISED
    refused(nx, "draft_report", "NX-10(4)")


def test_xx_only_steps_are_refused(nx: NXScript) -> None:
    nx.advance_to("submit_report")
    with pytest.raises(Refused) as caught:
        nx.do(nx.organ, "case.approve_report", {
            "report_id": str(nx.report_id), "body": "county_government", "meeting": "x",
        })
    assert caught.value.article == "NX-12b"
    justice = nx.world.person("司法", ["justice_reviewer"], "司法厅")
    with pytest.raises(Refused) as caught:
        nx.do(justice, "case.pass_justice_review", {"report_id": str(nx.report_id), "opinion": "x"})
    assert caught.value.article == "NX-10(4)"


# --- NX-12b submission, NX-12a / NX-14 ruling -------------------------------------------------


def test_ruling_follows_submission(nx: NXScript) -> None:
    nx.advance_to("submit_report")
    refused(nx, "record_ruling", "NX-12b")


def test_ruling_cites_the_finalised_report(nx: NXScript) -> None:
    nx.advance_to("record_ruling")
    with pytest.raises(Refused) as caught:
        nx.do(nx.organ, "case.record_ruling", {
            "report_id": str(uuid4()), "ruling": "continue", "body": "office_meeting", "meeting": "厅务会议",
        })
    assert caught.value.article == "NX-12a"
    nx.step("record_ruling").run()
    with pytest.raises(Conflict):
        nx.step("record_ruling").run()


def test_submission_before_a_report_is_refused(nx: NXScript) -> None:
    nx.advance_to("finalise_report")
    refused(nx, "submit_report", "NX-12a")


def test_publication_follows_the_ruling(nx: NXScript) -> None:
    nx.advance_to("record_ruling")
    refused(nx, "publish_results", "NX-12a")
