"""Step definitions for `features/`: Chinese steps over the real ledger, no fakes of the rules.

Given steps build a case with its script (``tests/support.py``) up to a named step; when steps
take one action as a named person (:mod:`tests.bdd.steps_actions`); then steps assert what the
ledger stored, refused or raised. Steps name the procedure's steps as the texts do (尚待正式形成报告,
已完成起草报告环节), cite articles as a legal reader does (:mod:`tests.bdd.citations`) and name
phases and a finding's figures by their Chinese labels.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from pytest_bdd import given, parsers, then, when

from api.http.labels import PHASE_LABELS
from domain import clock
from domain.errors import NotFound, NotPermitted, Refused
from domain.model.calendar import china_date
from tests.bdd.citations import article_key
from tests.bdd.story import Story
from tests.credit_support import credit_officer, proposal_args, record_args
from tests.support import NXScript, XXScript, today

STEPS = {
    "立案": "open",
    "成立评估小组": "form_team",
    "制定评估方案": "submit_plan",
    "制定调查提纲": "prepare_survey",
    "厅决策机关审议": "approve_evaluation",
    "委托第三方": "entrust_agency",
    "外聘专家": "engage_expert",
    "收集资料": "collect_material",
    "召开座谈会": "hold_forum",
    "结束证据收集": "close_evidence",
    "得出初步结论": "draw_conclusion",
    "起草报告": "draft_report",
    "专家论证": "give_expert_opinion",
    "正式形成报告": "finalise_report",
    "提请审议": "submit_report",
    "作出决定": "record_ruling",
    "公开结果": "publish_results",
    "司法行政部门审核": "pass_justice_review",
    "县政府审定": "approve_report",
}
STANCES = {"支持": "supporting", "反对": "opposing", "中立": "neutral", "兼有": "mixed"}
CLASSES = {"无": "none", "工作秘密": "work_secret", "商业秘密": "commercial_secret",
           "个人隐私": "personal_privacy", "国家秘密": "state_secret"}
BODIES = {"厅党组会议": "party_group_meeting", "厅务会议": "office_meeting",
          "厅专题会议": "special_meeting", "县政府": "county_government"}
RULINGS = {"继续实施": "continue", "调整": "adjust", "中止": "suspend", "终止": "terminate"}
TASKS = {"收集资料": "materials", "问卷调查": "survey", "座谈会": "forum", "论证会": "hearing",
         "实地调研": "field_visit", "征求意见": "consultation", "分析": "analysis", "起草报告": "report_drafting"}
CONDUCTS = {"失职渎职": "dereliction", "弄虚作假": "falsification", "干扰评估": "interference",
            "工作不力": "ineffective_work"}
SECTIONS = {"NX": NXScript.SECTIONS, "XX": XXScript.SECTIONS}
#: The figures a finding records, as a legal reader names them
FIGURES = {"同一立场被剔除的资料份数": "excluded_on_stance", "该立场在所剔除资料中所占百分比": "share_percent",
           "逾期天数": "days_overdue"}
PHASES = {label: phase for phase, (label, _) in PHASE_LABELS.items()}
STEP = "|".join(STEPS)
TEXT = "宁夏商务厅|息县"
OUTCOMES = {"已追究责任": "held_accountable", "不予追究": "no_liability", "已整改": "rectified"}


def cited_key(cited: str) -> str:
    """The article key a step cites: 宁夏商务厅办法第十六条 (see :mod:`tests.bdd.citations`)."""
    return article_key(cited)


def names(text: str) -> list[str]:
    return [name for name in text.replace("，", "、").split("、") if name]


def script_of(story: Story, text: str, simplified: bool = False) -> NXScript | XXScript:
    if text == "宁夏商务厅":
        return NXScript(story.world)
    if text == "息县":
        return XXScript(story.world, simplified=simplified)
    raise AssertionError(f"unknown text {text}")


# --- given: cases and people --------------------------------------------------------------------


@given(parsers.parse("{text}登记了一项重大行政决策"))
def a_decision(story: Story, text: str) -> None:
    story.use(script_of(story, text))


@given(parsers.re(rf"^一个(?P<text>{TEXT})的评估案件尚待(?P<step>{STEP})$"))
def a_case_before(story: Story, text: str, step: str) -> None:
    story.use(script_of(story, text)).advance_to(STEPS[step])


@given(parsers.re(rf"^一个息县简易程序的评估案件尚待(?P<step>{STEP})$"))
def a_simplified_case_before(story: Story, step: str) -> None:
    story.use(script_of(story, "息县", simplified=True)).advance_to(STEPS[step])


@given(parsers.re(rf"^一个(?P<text>{TEXT})的评估案件已完成(?P<step>{STEP})环节$"))
def a_case_through(story: Story, text: str, step: str) -> None:
    story.use(script_of(story, text))
    case_continues_through(story, step)


@given(parsers.re(rf"^案件继续办理，尚待(?P<step>{STEP})$"))
def case_continues_before(story: Story, step: str) -> None:
    story.case_script.advance_to(STEPS[step])


@given(parsers.re(rf"^案件已完成(?P<step>{STEP})环节$"))
@when(parsers.re(rf"^案件完成(?P<step>{STEP})环节$"))
def case_continues_through(story: Story, step: str) -> None:
    script = story.case_script
    script.advance_to(STEPS[step])
    script.step(STEPS[step]).run()
    script.done.append(STEPS[step])


@given(parsers.parse("厅决策机关于{days:d}天前决定开始评估"))
def approval_days_ago(story: Story, days: int) -> None:
    story.nx.approval_date = today(-days)


@given(parsers.parse('决策前承担主要论证工作的专家"{name}"已登记'))
def a_demonstrator(story: Story, name: str) -> None:
    expert = story.add_person(name, ["expert"], "北方民族大学")
    story.world.do(story.case_script.member, "decision.record_demonstrators", story.case_script.decision_id, {
        "demonstrators": [{"name": name, "kind": "expert", "work": "主要论证",
                           "principal_id": str(expert.principal_id)}],
    })


@given(parsers.parse('决策前承担主要论证工作的机构"{name}"已登记'))
def a_demonstrating_agency(story: Story, name: str) -> None:
    agency = story.world.agency(name)
    story.agencies[name] = agency
    story.world.do(story.case_script.member, "decision.record_demonstrators", story.case_script.decision_id, {
        "demonstrators": [{"name": name, "kind": "agency", "work": "可行性论证", "agency_id": str(agency)}],
    })


@given(parsers.parse('另一位专家"{name}"已登记'))
def another_expert(story: Story, name: str) -> None:
    story.add_person(name, ["expert"], "宁夏大学")


@given(parsers.parse('评估机构"{name}"已记录信用良好、设备齐全、人员具备专业素质'))
def a_qualified_agency(story: Story, name: str) -> None:
    agency = story.world.agency(name)
    story.agencies[name] = agency
    story.world.do(story.world.admin, "agency.record_qualification", agency, {
        "credit_record_good": True, "has_equipment": True, "staff_qualified": True, "evidence": "资质证明材料",
    })


@given(parsers.parse('评估机构"{name}"未记录资质'))
def an_unqualified_agency(story: Story, name: str) -> None:
    story.agencies[name] = story.world.agency(name)


def entrusted_elsewhere(story: Story, name: str) -> NXScript:
    """Another NX case that entrusted the agency ``name`` (registered and qualified if new)."""
    if name not in story.agencies:
        a_qualified_agency(story, name)
    other = NXScript(story.world)
    other.agency_id = story.agencies[name]
    other.advance_to("engage_expert")
    return other


@given(parsers.parse('评估机构"{name}"在另一案件中违背客观事实出具报告，已纳入不良信用记录'))
def an_agency_with_bad_credit(story: Story, name: str) -> None:
    other = entrusted_elsewhere(story, name)
    proposal = uuid4()  # H3 credit: the entrusting unit proposes, the credit department records
    story.world.do(other.lead, "credit.propose", other.agency_id, proposal_args(
        story.world, other.case_id, proposal, conduct="报告数据与统计部门数据明显不符", consequences="导致决策调整失误"))
    story.world.do(credit_officer(story.world), "credit.decide", other.agency_id,
                   record_args(proposal, china_date(clock.now())))


@given(parsers.parse('"{name}"是评估机构"{agency}"的工作人员'))
def agency_staff(story: Story, name: str, agency: str) -> None:
    story.add_person(name, ["agency_staff"], agency, story.agencies[agency])


@given(parsers.parse('"{person}"已委托"{agency}"承担"{tasks}"'))
def entrusted(story: Story, person: str, agency: str, tasks: str) -> None:
    entrust(story, person, agency, tasks)
    story.require_success()


@when(parsers.parse('"{person}"委托"{agency}"承担"{tasks}"'))
def entrust(story: Story, person: str, agency: str, tasks: str) -> None:
    story.act(story.person(person), "case.entrust_agency", {
        "agency_id": str(story.agencies[agency]), "tasks": [TASKS[t] for t in names(tasks)],
        "scope": names(tasks), "agreement_ref": "委托协议",
    })


@given(parsers.parse('"{person}"收集了以下资料'))
def collected(story: Story, person: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        entry = dict(zip(header, row, strict=True))
        material = uuid4()
        story.materials[entry["标题"]] = material
        story.world.do(story.person(person), "case.collect_material", story.case_script.case_id,
                       story.case_script.material_args(material, title=entry["标题"],
                                                       stance=STANCES[entry["立场"]],
                                                       classification=CLASSES[entry.get("密级", "无")]))


# --- when: the step other modules take too (see tests/bdd/steps_actions.py for the others) ---------


@when(parsers.parse('"{person}"得出初步结论'))
def conclude(story: Story, person: str) -> None:
    story.act(story.person(person), "case.draw_conclusion", {"conclusion": "成效显著，建议继续实施"})


# --- then: what the ledger did ---------------------------------------------------------------


@then("该操作被记录")
def recorded(story: Story) -> None:
    assert story.error is None, f"refused: {story.error}"
    assert story.recorded is not None
    assert len(story.rows()) > len(story.before)


@then(parsers.re(r'^该操作被拒绝，依据(?P<cited>[^，]+)$'))
def refused(story: Story, cited: str) -> None:
    article = cited_key(cited)
    assert isinstance(story.error, Refused), f"expected a refusal citing {article}, got {story.error!r}"
    assert story.error.article == article, f"{story.error}"
    assert story.error.zh and story.error.en
    assert story.rows() == story.before, "a refused action leaves the store byte for byte unchanged"


@then(parsers.re(r'^该操作被拒绝，依据(?P<cited>[^，]+)，并记录这次企图$'))
def refused_and_recorded(story: Story, cited: str) -> None:
    article = cited_key(cited)
    assert isinstance(story.error, Refused) and story.error.article == article, f"{story.error!r}"
    after = story.rows()
    assert after[: len(story.before)] == story.before, "nothing stored before is changed"
    added = after[len(story.before):]
    assert [row[3].rsplit("/", 2)[-2] for row in added] == ["FindingRaised"], "only the finding is stored"
    assert story.findings()[-1]["attempted"] is True


@then("该操作因权限不足被拒绝")
def not_permitted(story: Story) -> None:
    assert isinstance(story.error, NotPermitted), f"{story.error!r}"
    assert story.rows() == story.before


@then("该操作因对象不存在被拒绝")
def not_found(story: Story) -> None:
    assert isinstance(story.error, NotFound), f"{story.error!r}"
    assert story.rows() == story.before


@then(parsers.re(r'^系统记录一条依据(?P<cited>.+?)的问题，责任人为"(?P<persons>[^"]+)"$'))
def a_finding(story: Story, cited: str, persons: str) -> None:
    article = cited_key(cited)
    matching = [f for f in story.findings() if article in f["articles"]]
    assert len(matching) == 1, f"findings: {[(f['rule'], f['articles']) for f in story.findings()]}"
    named = {story.name_of(p["principal_id"]) for p in matching[0]["persons"]}
    assert named == set(names(persons)), named
    assert matching[0]["cited_events"], "a finding cites the events that show it"


@then(parsers.re(r'^系统记录(?P<count>\d+)条依据(?P<cited>.+?)的问题$'))
def findings_counted(story: Story, count: str, cited: str) -> None:
    article = cited_key(cited)
    assert len([f for f in story.findings() if article in f["articles"]]) == int(count)


@then("没有记录任何问题")
def no_finding(story: Story) -> None:
    assert story.findings() == [], [f["rule"] for f in story.findings()]


@then(parsers.parse("问题记录的{label}为{value}"))
def finding_figure(story: Story, label: str, value: str) -> None:
    figures = story.findings()[-1]["figures"]
    assert str(figures[FIGURES[label]]) == value, figures


@then(parsers.parse('案件的办理状态为"{label}"'))
def phase_is(story: Story, label: str) -> None:
    assert story.case.phase == PHASES[label], story.case.phase


@then(parsers.parse('纪检监察认定记录在案，直接责任人为"{direct}"，领导责任人为"{leader}"'))
def misconduct_recorded(story: Story, direct: str, leader: str) -> None:
    found = story.findings("inspector")
    assert len(found) == 1
    by_role = {p["responsibility"]: story.name_of(p["principal_id"]) for p in found[0]["persons"]}
    assert by_role == {"direct": direct, "leader": leader}
    assert found[0]["cited_events"]


@then("认定记录仍在案件中，所引初步结论的事件哈希与账本记录一致")
def misconduct_stays(story: Story) -> None:
    found = story.findings("inspector")
    assert len(found) == 1 and found[0]["closed"] is None
    assert story.case.report is not None  # the case went on to its report, and the finding stayed
    for cited in found[0]["cited_events"]:
        stored = story.ledger.stored_event_hash(UUID(str(cited["aggregate_id"])), cited["version"])
        assert stored == cited["hash"], cited


@then(parsers.parse('该问题已办结，结果为"{outcome}"，仍保留在案件中'))
def finding_closed(story: Story, outcome: str) -> None:
    found = story.findings()
    assert len(found) == 1 and found[0]["closed"]["outcome"] == OUTCOMES[outcome]
    assert story.case.open_findings() == []


@then(parsers.parse('该资料的密级记录为"{level}"'))
def classification_is(story: Story, level: str) -> None:
    material = story.case.materials[str(story.materials["最新资料"])]
    assert material["classification"] == CLASSES[level]
