"""The when steps of `features/`: one action as a named person (see :mod:`tests.bdd.steps` for
the given and then steps and the vocabulary both share)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from uuid import uuid4

from pytest_bdd import given, parsers, when

from domain.model.vocabulary import PLAN_PARTS, Jurisdiction
from tests.bdd.citations import article_keys
from tests.bdd.steps import (
    BODIES,
    CLASSES,
    CONDUCTS,
    OUTCOMES,
    RULINGS,
    SECTIONS,
    STANCES,
    STEP,
    STEPS,
    TASKS,
    TEXT,
    names,
)
from tests.bdd.story import Story
from tests.support import NX_UNIT, NXScript, XXScript, digest, today

# --- when: actions ---------------------------------------------------------------------------


@when(parsers.re(rf"^办理(?P<step>{STEP})环节$"))
def take_step(story: Story, step: str) -> None:
    story.run(STEPS[step])


@when(parsers.re(rf'^"(?P<person>[^"]+)"依(?P<text>{TEXT})办法立案，评估情形为(?P<grounds>.+)$'))
def open_case(story: Story, person: str, text: str, grounds: str) -> None:
    open_on(story, person, article_keys(grounds), text)


def open_on(story: Story, person: str, grounds: list[str], text: str) -> None:
    jurisdiction = {"宁夏商务厅": "NX", "息县": "XX"}[text]
    signer = story.person(person)
    story.case_script.case_id = uuid4()
    story.act(signer, "case.open", {
        "decision_id": str(story.decision_id), "jurisdiction": jurisdiction, "title": "后评估",
        "lead_unit": story.ledger.get_principal(signer.principal_id).unit,
        "grounds": grounds, "ground_statement": "立案理由",
    })


@when(parsers.parse('"{person}"对未登记的决策立案'))
def open_unregistered(story: Story, person: str) -> None:
    story.decision_id = uuid4()
    open_on(story, person, ["NX-4(2)"], "宁夏商务厅")


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


@when(parsers.parse('"{person}"提交列有{items}所列评估内容的评估方案'))
def plan_with_items(story: Story, person: str, items: str) -> None:
    script = story.case_script
    story.act(story.person(person), "case.submit_plan", {"parts": script.PLAN, "content_items": article_keys(items)})


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


@when(parsers.parse('"{person}"起草评估报告'))
def draft(story: Story, person: str) -> None:
    script = story.case_script
    story.act(story.person(person), "case.draft_report",
              script.report_args(SECTIONS[script.jurisdiction], "draft_id", uuid4()))


@when(parsers.parse('"{person}"起草只含{sections}所列内容的评估报告稿'))
def partial_draft(story: Story, person: str, sections: str) -> None:
    wanted = {key: "内容" for key in article_keys(sections)}
    story.act(story.person(person), "case.draft_report",
              story.case_script.report_args(wanted, "draft_id", uuid4()))


@when(parsers.parse('"{person}"正式形成缺少{missing}所列内容的评估报告'))
def finalise_without(story: Story, person: str, missing: str) -> None:
    script = story.case_script
    sections = {k: v for k, v in SECTIONS[script.jurisdiction].items() if k not in article_keys(missing)}
    finalise_sections(story, person, sections, script.ITEMS)


@when(parsers.parse('"{person}"正式形成回应{items}所列评估内容的评估报告'))
def finalise_items(story: Story, person: str, items: str) -> None:
    script = story.case_script
    finalise_sections(story, person, SECTIONS[script.jurisdiction], article_keys(items))


def finalise_sections(story: Story, person: str, sections: dict[str, str], items: list[str]) -> None:
    script = story.case_script
    script.report_id = uuid4()
    story.act(story.person(person), "case.finalise_report", {
        **script.report_args(sections, "report_id", script.report_id),
        "recommendation": "continue", "addressed_items": items,
        "process_record_digest": script.process_digest(),
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
        "meeting": f"{body}会议", "measures": measures, "report_digest": script.report_digest(),
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
        "report_id": str(script.report_id), "channels": script.channels(), "report_digest": script.report_digest(),
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


@when(parsers.parse('承办处室负责人"{person}"认定"{persons}"存在"{conduct}"，领导责任人为"{leader}"，援引其初步结论'))
def find_misconduct_as_lead(story: Story, person: str, persons: str, conduct: str, leader: str) -> None:
    """The same finding, signed by someone who is not an inspector (NX-16: refused)."""
    find_misconduct(story, person, persons, conduct, leader)


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


@when(parsers.parse('纪检监察人员"{inspector}"以"{outcome}"办结该问题'))
def close_finding(story: Story, inspector: str, outcome: str) -> None:
    finding = story.findings()[-1]
    story.act(story.person(inspector), "case.close_finding", {
        "finding_id": str(finding["finding_id"]), "outcome": OUTCOMES[outcome], "statement": "经核查，已整改到位",
    })



@when(parsers.parse('承办处室负责人"{person}"以"{outcome}"办结该问题'))
def close_finding_as_lead(story: Story, person: str, outcome: str) -> None:
    """The same closing, signed by someone who is not an inspector (refused)."""
    close_finding(story, person, outcome)