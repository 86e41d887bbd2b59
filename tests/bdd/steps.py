"""Step definitions for `features/`: Chinese steps over the real ledger, no fakes of the rules.

Given steps build a case with its script (``tests/support.py``) up to a named step; when steps
take one action as a named person; then steps assert what the ledger stored, refused or raised.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from uuid import uuid4

from pytest_bdd import given, parsers, then, when

from domain import clock
from domain.errors import NotFound, NotPermitted, Refused
from domain.model.rules.templates import china_date
from domain.model.vocabulary import PLAN_PARTS, Jurisdiction
from tests.bdd.citations import article_key
from tests.bdd.story import Story
from tests.credit_support import credit_officer, proposal_args, record_args
from tests.support import NX_UNIT, NXScript, XXScript, digest, today

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
    "证据收集结束": "close_evidence",
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


def cited_key(cited: str) -> str:
    """The article key a step cites: 宁夏商务厅办法第十六条 (the form scenarios use, see
    :mod:`tests.bdd.citations`), or a key in quotes (\"NX-16\"), which older scenarios used."""
    return cited.strip('"') if cited.startswith('"') else article_key(cited)


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


@given(parsers.parse('一个{text}的评估案件进行到"{step}"之前'))
def a_case_before(story: Story, text: str, step: str) -> None:
    story.use(script_of(story, text)).advance_to(STEPS[step])


@given(parsers.parse('一个息县简易程序的评估案件进行到"{step}"之前'))
def a_simplified_case_before(story: Story, step: str) -> None:
    story.use(script_of(story, "息县", simplified=True)).advance_to(STEPS[step])


@given(parsers.parse('一个{text}的评估案件已完成"{step}"'))
def a_case_through(story: Story, text: str, step: str) -> None:
    script = story.use(script_of(story, text))
    script.advance_to(STEPS[step])
    script.step(STEPS[step]).run()
    script.done.append(STEPS[step])


@given(parsers.parse('案件继续进行到"{step}"之前'))
def case_continues_before(story: Story, step: str) -> None:
    story.case_script.advance_to(STEPS[step])


@given(parsers.parse('案件已完成"{step}"'))
@when(parsers.parse('案件完成"{step}"'))
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
    story.world.do(story.person("李娜"), "decision.record_demonstrators", story.case_script.decision_id, {
        "demonstrators": [{"name": name, "kind": "expert", "work": "主要论证",
                           "principal_id": str(expert.principal_id)}],
    })


@given(parsers.parse('决策前承担主要论证工作的机构"{name}"已登记'))
def a_demonstrating_agency(story: Story, name: str) -> None:
    agency = story.world.agency(name)
    story.agencies[name] = agency
    story.world.do(story.person("李娜"), "decision.record_demonstrators", story.case_script.decision_id, {
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


@given(parsers.parse('评估机构"{name}"在另一案件中违背客观事实出具报告，已纳入不良信用记录'))
def an_agency_with_bad_credit(story: Story, name: str) -> None:
    if name not in story.agencies:
        a_qualified_agency(story, name)
    other = NXScript(story.world)
    other.agency_id = story.agencies[name]
    other.advance_to("engage_expert")
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


# --- when: actions ---------------------------------------------------------------------------


@when(parsers.parse('执行"{step}"'))
def take_step(story: Story, step: str) -> None:
    story.run(STEPS[step])


@when(parsers.parse('"{person}"以评估情形"{grounds}"依{text}办法立案'))
def open_case(story: Story, person: str, grounds: str, text: str) -> None:
    jurisdiction = {"宁夏商务厅": "NX", "息县": "XX"}[text]
    signer = story.person(person)
    story.case_script.case_id = uuid4()
    story.act(signer, "case.open", {
        "decision_id": str(story.decision_id), "jurisdiction": jurisdiction, "title": "后评估",
        "lead_unit": story.ledger.get_principal(signer.principal_id).unit,
        "grounds": names(grounds), "ground_statement": "立案理由",
    })


@when(parsers.parse('"{person}"对未登记的决策立案'))
def open_unregistered(story: Story, person: str) -> None:
    story.decision_id = uuid4()
    open_case(story, person, "NX-4(2)", "宁夏商务厅")


@when(parsers.parse('"{person}"以部分评估方式立案，列明"{parts}"'))
def open_partial(story: Story, person: str, parts: str) -> None:
    script = story.case_script
    args = script.open_args() if isinstance(script, XXScript) else {
        "decision_id": str(script.decision_id), "jurisdiction": "NX", "title": "后评估", "lead_unit": NX_UNIT,
        "grounds": ["NX-4(2)"], "ground_statement": "未达预期",
    }
    story.act(story.person(person), "case.open", {**args, "scope": "partial", "scope_parts": names(parts)})


@when(parsers.parse('"{person}"以部分评估方式立案，未列明评估内容'))
def open_partial_without_parts(story: Story, person: str) -> None:
    script = story.case_script
    args = script.open_args() if isinstance(script, XXScript) else {
        "decision_id": str(script.decision_id), "jurisdiction": "NX", "title": "后评估", "lead_unit": NX_UNIT,
        "grounds": ["NX-4(2)"], "ground_statement": "未达预期",
    }
    story.act(story.person(person), "case.open", {**args, "scope": "partial"})


@when(parsers.parse('"{person}"以简易程序立案，理由为"{reason}"'))
def open_simplified(story: Story, person: str, reason: str) -> None:
    script = story.case_script
    if isinstance(script, XXScript):
        args = script.open_args()
    else:
        args = {"decision_id": str(script.decision_id), "jurisdiction": "NX", "title": "后评估",
                "lead_unit": NX_UNIT, "grounds": ["NX-4(2)"], "ground_statement": "未达预期"}
    story.act(story.person(person), "case.open",
              {**args, "procedure": "simplified", "simplified_reason": reason})


@when(parsers.parse('"{person}"提交缺少"{part}"的评估方案'))
def incomplete_plan(story: Story, person: str, part: str) -> None:
    script = story.case_script
    plan = dict(script.PLAN)
    labels = PLAN_PARTS[Jurisdiction(script.jurisdiction)]
    del plan[next(key for key, label in labels.items() if label == part)]
    story.act(story.person(person), "case.submit_plan", {"parts": plan, "content_items": script.ITEMS})


@when(parsers.parse('"{person}"提交列有评估内容"{items}"的评估方案'))
def plan_with_items(story: Story, person: str, items: str) -> None:
    script = story.case_script
    story.act(story.person(person), "case.submit_plan", {"parts": script.PLAN, "content_items": names(items)})


@when(parsers.parse('{body}于今日审议决定开展评估'))
def approve_by(story: Story, body: str) -> None:
    script = story.case_script
    organ = script.organ if isinstance(script, NXScript) else cast(XXScript, script).county
    story.act(organ, "case.approve_evaluation", {
        "body": BODIES[body], "meeting": f"{body}第1次会议", "decided_on": today(),
    })


@when(parsers.parse('厅务会议决定开展评估，审议日期记为{days:d}天后'))
def approve_in_future(story: Story, days: int) -> None:
    story.act(story.nx.organ, "case.approve_evaluation", {
        "body": "office_meeting", "meeting": "厅务会议", "decided_on": today(days),
    })


@given("厅党组会议已决定不开展评估")
def declined(story: Story) -> None:
    decline(story)
    story.require_success()


@when("厅党组会议决定不开展评估")
def decline(story: Story) -> None:
    story.act(story.nx.organ, "case.decline_evaluation", {
        "body": "party_group_meeting", "meeting": "厅党组会议", "decided_on": today(), "reason": "该措施已被替代",
    })


@when(parsers.parse('"{person}"收集一份"{stance}"立场、密级为"{level}"的资料'))
def collect_one(story: Story, person: str, stance: str, level: str) -> None:
    material = uuid4()
    story.materials["最新资料"] = material
    story.act(story.person(person), "case.collect_material",
              story.case_script.material_args(material, stance=STANCES[stance], classification=CLASSES[level]))


@when(parsers.parse('"{person}"以明文收集一份密级为"{level}"的资料'))
def collect_in_clear(story: Story, person: str, level: str) -> None:
    story.act(story.person(person), "case.collect_material",
              story.case_script.material_args(uuid4(), classification=CLASSES[level], sealed=False))


@when(parsers.parse('"{person}"收集一份资料'))
def collect_plain(story: Story, person: str) -> None:
    collect_one(story, person, "中立", "无")


@when(parsers.parse('"{person}"组织实地调研'))
def visit(story: Story, person: str) -> None:
    story.act(story.person(person), "case.visit_site", {
        "visit_id": str(uuid4()), "visited_on": today(), "place": "银川综合保税区", "summary": "实地查看",
    })


@when(parsers.parse('"{person}"将"{tasks}"转交"{to}"实施'))
def hand_over(story: Story, person: str, tasks: str, to: str) -> None:
    story.act(story.person(person), "case.hand_over_work", {
        "tasks": [TASKS[t] for t in names(tasks)], "to": to, "arrangement": "整体交由对方实施，费用分成",
    })


@when(parsers.parse('"{person}"外聘专家"{expert}"'))
def engage(story: Story, person: str, expert: str) -> None:
    engage_with(story, person, expert, "")


@when(parsers.parse('"{person}"外聘专家"{expert}"，理由为"{reason}"'))
def engage_with(story: Story, person: str, expert: str, reason: str) -> None:
    signer = story.person(person)
    args: dict[str, Any] = {"expert_id": str(story.person(expert).principal_id), "field": "国际贸易",
                            "justification": reason}
    agency = story.ledger.get_principal(signer.principal_id).agency_id
    if agency is not None:
        args["agency_id"] = str(agency)
    story.act(signer, "case.engage_expert", args)


@when(parsers.parse('"{person}"委托"{agency}"，理由为"{reason}"'))
def entrust_with_reason(story: Story, person: str, agency: str, reason: str) -> None:
    story.act(story.person(person), "case.entrust_agency", {
        "agency_id": str(story.agencies[agency]), "tasks": ["survey"], "scope": ["问卷调查"],
        "agreement_ref": "委托协议", "justification": reason,
    })


@when(parsers.parse('"{person}"得出初步结论'))
def conclude(story: Story, person: str) -> None:
    story.act(story.person(person), "case.draw_conclusion", {"conclusion": "成效显著，建议继续实施"})


@when(parsers.parse('"{person}"起草评估报告'))
def draft(story: Story, person: str) -> None:
    script = story.case_script
    story.act(story.person(person), "case.draft_report",
              script.report_args(SECTIONS[script.jurisdiction], "draft_id", uuid4()))


@when(parsers.parse('"{person}"起草只含"{sections}"的评估报告稿'))
def partial_draft(story: Story, person: str, sections: str) -> None:
    wanted = {key: "内容" for key in names(sections)}
    story.act(story.person(person), "case.draft_report",
              story.case_script.report_args(wanted, "draft_id", uuid4()))


@when(parsers.parse('"{person}"正式形成缺少"{missing}"的评估报告'))
def finalise_without(story: Story, person: str, missing: str) -> None:
    script = story.case_script
    sections = {k: v for k, v in SECTIONS[script.jurisdiction].items() if k not in names(missing)}
    finalise_sections(story, person, sections, script.ITEMS)


@when(parsers.parse('"{person}"正式形成回应评估内容"{items}"的评估报告'))
def finalise_items(story: Story, person: str, items: str) -> None:
    script = story.case_script
    finalise_sections(story, person, SECTIONS[script.jurisdiction], names(items))


def finalise_sections(story: Story, person: str, sections: dict[str, str], items: list[str]) -> None:
    script = story.case_script
    script.report_id = uuid4()
    story.act(story.person(person), "case.finalise_report", {
        **script.report_args(sections, "report_id", script.report_id),
        "recommendation": "continue", "addressed_items": items,
    })


@when(parsers.parse('"{person}"以"{reason}"为由剔除"{title}"'))
def exclude(story: Story, person: str, reason: str, title: str) -> None:
    material = story.materials.get(title, story.case_script.material_id)  # the script's own material
    story.act(story.person(person), "case.exclude_material", {"material_id": str(material), "reason": reason})


@when(parsers.parse('"{person}"依次剔除以下资料'))
def exclude_many(story: Story, person: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        entry = dict(zip(header, row, strict=True))
        exclude(story, person, entry["理由"], entry["标题"])
        if story.error is not None:
            return


@when(parsers.parse('{body}作出"{ruling}"决定，未记录措施'))
def rule_without_measures(story: Story, body: str, ruling: str) -> None:
    rule_with(story, body, ruling, [])


@when(parsers.parse('{body}作出"{ruling}"决定，措施为"{measures}"'))
def rule_with_measures(story: Story, body: str, ruling: str, measures: str) -> None:
    rule_with(story, body, ruling, names(measures))


def rule_with(story: Story, body: str, ruling: str, measures: list[str], report: Any = None) -> None:
    script = story.case_script
    organ = script.organ if isinstance(script, NXScript) else cast(XXScript, script).county
    story.act(organ, "case.record_ruling", {
        "report_id": str(report or script.report_id), "ruling": RULINGS[ruling], "body": BODIES[body],
        "meeting": f"{body}会议", "measures": measures,
    })


@when(parsers.parse('厅务会议援引另一份报告作出"{ruling}"决定'))
def rule_on_other_report(story: Story, ruling: str) -> None:
    rule_with(story, "厅务会议", ruling, ["过渡期"], report=uuid4())


@when(parsers.parse('"{person}"公开评估结果，不予公开"{titles}"'))
def publish_withholding(story: Story, person: str, titles: str) -> None:
    withheld = [story.materials.get(t, story.case_script.material_id) for t in names(titles)]
    publish(story, person, withheld)


@when(parsers.parse('"{person}"公开评估结果，不列不予公开的资料'))
def publish_all(story: Story, person: str) -> None:
    publish(story, person, [])


def publish(story: Story, person: str, withheld: list[Any]) -> None:
    script = story.case_script
    story.act(story.person(person), "case.publish_results", {
        "report_id": str(script.report_id), "url": "http://www.xixian.gov.cn/pgbg/1.html",
        "summary": "评估结论", "withheld_material_ids": [str(m) for m in withheld],
    })


@when(parsers.parse("时间过去{days:d}天"))
def time_passes(story: Story, days: int) -> None:
    story.clock.advance(timedelta(days=days))


@when("账本检查评估期限")
def sweep(story: Story) -> None:
    story.before = story.rows()
    story.raised = story.ledger.check_deadlines()
    story.error = None


@when(parsers.parse('纪检监察人员"{inspector}"认定"{persons}"存在"{conduct}"，领导责任人为"{leader}"，援引其初步结论'))
def find_misconduct(story: Story, inspector: str, persons: str, conduct: str, leader: str) -> None:
    case = story.case
    cited = [{"aggregate_id": str(case.id), "version": c["version"], "hash": c["hash"]} for c in case.conclusions]
    misconduct(story, inspector, persons, conduct, leader, cited)


@when(parsers.parse('纪检监察人员"{inspector}"认定"{persons}"存在"{conduct}"，援引一个哈希不符的事件'))
def find_with_bad_citation(story: Story, inspector: str, persons: str, conduct: str) -> None:
    case = story.case
    cited = [{"aggregate_id": str(case.id), "version": 1, "hash": digest("伪造")}]
    misconduct(story, inspector, persons, conduct, "", cited)


def misconduct(story: Story, inspector: str, persons: str, conduct: str, leader: str, cited: list[Any]) -> None:
    people = [{"principal_id": str(story.person(n).principal_id), "responsibility": "direct"} for n in names(persons)]
    if leader:
        people.append({"principal_id": str(story.person(leader).principal_id), "responsibility": "leader"})
    story.act(story.person(inspector), "case.find_misconduct", {
        "finding_id": str(uuid4()), "conduct": CONDUCTS[conduct], "persons": people,
        "cited_events": cited, "statement": "经核查认定",
    })


@given(parsers.parse('司法行政部门审核人员"{name}"已登记'))
def a_justice_reviewer(story: Story, name: str) -> None:
    story.add_person(name, ["justice_reviewer"], "自治区司法厅")


@given(parsers.parse('纪检监察人员"{name}"已登记'))
def an_inspector(story: Story, name: str) -> None:
    story.add_person(name, ["discipline_inspector"], "纪检监察组")


@when(parsers.parse('"{person}"记录该决策由"{superior}"组织评估，县级不重复评估，依据为"{reason}"'))
def superior_exempt(story: Story, person: str, superior: str, reason: str) -> None:
    story.act(story.person(person), "decision.record_superior_evaluation", {
        "superior_organ": superior, "task": "落实上级改革任务", "arrangement": "上级统一组织评估",
        "county_exempt": True, "exemption_reason": reason,
    }, target=story.decision_id)


@given(parsers.parse('已记录该决策由"{superior}"组织评估'))
def superior_recorded(story: Story, superior: str) -> None:
    story.world.do(story.person("孙丽"), "decision.record_superior_evaluation", story.case_script.decision_id, {
        "superior_organ": superior, "task": "落实上级改革任务", "arrangement": "上级统一组织评估",
        "county_exempt": True, "exemption_reason": "依第十九条可不重复组织评估",
    })


@when(parsers.parse('"{person}"立案，说明依据为"{kind}"：{statement}'))
def open_with_basis(story: Story, person: str, kind: str, statement: str) -> None:
    basis = {"接受上级委任": "commissioned", "协助上级评估": "assisting", "本级自行评估": "own_reason"}[kind]
    story.act(story.person(person), "case.open",
              {**story.xx.open_args(), "superior_basis": {"kind": basis, "statement": statement}})


@when(parsers.parse('"{person}"立案，未说明上级评估的依据'))
def open_without_basis(story: Story, person: str) -> None:
    story.act(story.person(person), "case.open", story.xx.open_args())


@when(parsers.parse('"{person}"执行司法审核'))
def justice_by(story: Story, person: str) -> None:
    story.act(story.person(person), "case.pass_justice_review",
              {"report_id": str(story.case_script.report_id), "opinion": "合法"})


@when(parsers.parse('司法行政部门退回报告，理由为"{reason}"'))
def justice_returns(story: Story, reason: str) -> None:
    script = story.case_script
    story.act(story.xx.justice, "case.return_justice_review",
              {"report_id": str(script.report_id), "reasons": reason})


@when("承办单位以新的编号重新正式形成报告")
def refinalise(story: Story) -> None:
    script = story.case_script
    finalise_sections(story, "陈建华", SECTIONS["XX"], script.ITEMS)


OUTCOMES = {"已追究责任": "held_accountable", "不予追究": "no_liability", "已整改": "rectified"}


@when(parsers.parse('纪检监察人员"{inspector}"以"{outcome}"办结该问题'))
def close_finding(story: Story, inspector: str, outcome: str) -> None:
    finding = story.findings()[-1]
    story.act(story.person(inspector), "case.close_finding", {
        "finding_id": str(finding["finding_id"]), "outcome": OUTCOMES[outcome], "statement": "经核查，已整改到位",
    })


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


@then(parsers.parse("问题的数据显示{key}为{value}"))
def finding_figure(story: Story, key: str, value: str) -> None:
    figures = story.findings()[-1]["figures"]
    assert str(figures[key]) == value, figures


@then(parsers.parse('案件处于"{phase}"阶段'))
def phase_is(story: Story, phase: str) -> None:
    assert story.case.phase.value == phase


@then(parsers.parse('纪检监察认定记录在案，直接责任人为"{direct}"，领导责任人为"{leader}"'))
def misconduct_recorded(story: Story, direct: str, leader: str) -> None:
    found = story.findings("inspector")
    assert len(found) == 1
    by_role = {p["responsibility"]: story.name_of(p["principal_id"]) for p in found[0]["persons"]}
    assert by_role == {"direct": direct, "leader": leader}
    assert found[0]["cited_events"]


@then("认定记录仍在案件中")
def misconduct_stays(story: Story) -> None:
    assert len(story.findings("inspector")) == 1


@then(parsers.parse('该问题已办结，结果为"{outcome}"，仍保留在案件中'))
def finding_closed(story: Story, outcome: str) -> None:
    found = story.findings()
    assert len(found) == 1 and found[0]["closed"]["outcome"] == OUTCOMES[outcome]
    assert story.case.open_findings() == []


@then(parsers.parse('该资料的密级记录为"{level}"'))
def classification_is(story: Story, level: str) -> None:
    material = story.case.materials[str(story.materials["最新资料"])]
    assert material["classification"] == CLASSES[level]
