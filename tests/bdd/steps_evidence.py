"""Steps of the evidence work (NX-9, XX-7, NX-10(3), XX-12(1)): interim findings, a stance from
its source or a second person, opinions heard, a plan that states a conclusion, and the finding
a named rule raised, told apart by the rule's Chinese title."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from pytest_bdd import given, parsers, then, when

from domain.model.rules import rulebook_for
from tests.bdd.steps import STANCES, cited_key, names
from tests.bdd.story import Story
from tests.support import digest

PERIODS = {"实施前": "before", "实施中": "during", "实施后": "after"}
#: A finding's figures as a legal reader names them
FIGURES = {"立场": "stance", "剔除资料份数": "excluded_total", "同一立场被剔除份数": "excluded_on_stance",
           "同一立场所占百分比": "share_percent", "资料份数": "collected_total",
           "该立场资料份数": "collected_on_stance", "该立场资料所占百分比": "collected_share_percent",
           "意见条数": "opinions_total", "该立场意见所占百分比": "opinions_share_percent"}
STANCE_NAMES = {**{v: k for k, v in STANCES.items()}, "unconfirmed": "未经核实"}


def _collect(story: Story, person: str, datatable: list[list[str]], via: UUID | None = None) -> list[UUID]:
    header, *rows = datatable
    ids = []
    for row in rows:
        entry = dict(zip(header, row, strict=True))
        material = uuid4()
        story.materials[entry["标题"]] = material
        args: dict[str, Any] = {
            "material_id": str(material), "title": entry["标题"], "source": "评估资料", "stance": STANCES[entry["立场"]],
            "classification": "none", "period": PERIODS[entry.get("时期", "实施后")],
            "digest": digest(entry["标题"]), "summary": entry["标题"],
        }
        if via is not None:
            args["via"] = str(via)
        story.act(story.person(person), "case.collect_material", args)
        story.require_success()
        ids.append(material)
    return ids


@given(parsers.parse('"{person}"自行标注立场，收集了以下资料'))
def collected_labelled(story: Story, person: str, datatable: list[list[str]]) -> None:
    _collect(story, person, datatable)


@given(parsers.parse('"{person}"收集了以下资料，立场经"{checker}"核实'))
def collected_confirmed(story: Story, person: str, checker: str, datatable: list[list[str]]) -> None:
    stances = {row[0]: row[1] for row in datatable[1:]}
    for title, material in zip(stances, _collect(story, person, datatable), strict=True):
        story.act(story.person(checker), "case.confirm_stance", {
            "material_id": str(material), "stance": STANCES[stances[title]], "note": "已核对原件"})
        story.require_success()


@given(parsers.parse('"{person}"从座谈会收集了以下资料'))
def collected_from_forum(story: Story, person: str, datatable: list[list[str]]) -> None:
    _collect(story, person, datatable, via=story.case_script.forum_id)


@when(parsers.parse('"{person}"从未在本案记录的座谈会收集一份资料'))
def collect_from_unknown_forum(story: Story, person: str) -> None:
    story.act(story.person(person), "case.collect_material", story.case_script.material_args(
        uuid4(), classification="none", via=str(uuid4())))


@given(parsers.parse('"{person}"记录了座谈会上的以下意见'))
def opinions(story: Story, person: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        entry = dict(zip(header, row, strict=True))
        story.act(story.person(person), "case.record_opinion", {
            "opinion_id": str(uuid4()), "source": entry["来源"], "stance": STANCES[entry["立场"]],
            "summary": f"{entry['来源']}的意见", "via": str(story.case_script.forum_id)})
        story.require_success()


def _forum(story: Story, person: str, stakeholder: bool) -> None:
    args = story.case_script.forum_args()
    args["participants"] = [{"name": "企业代表", "affiliation": "企业", "stakeholder": stakeholder}] if stakeholder \
        else [{"name": "行业协会专家", "affiliation": "行业协会", "stakeholder": False}]
    story.act(story.person(person), "case.hold_forum", args)
    story.case_script.done.append("hold_forum")


@given(parsers.parse('"{person}"召开了有利害关系人参加的座谈会'))
def forum_with_stakeholders(story: Story, person: str) -> None:
    _forum(story, person, True)
    story.require_success()


@when(parsers.parse('"{person}"召开座谈会，参加人均非利害关系人'))
def forum_without_stakeholders(story: Story, person: str) -> None:
    _forum(story, person, False)


@then(parsers.parse("座谈会记录有{count:d}名利害关系人参加"))
def stakeholders_recorded(story: Story, count: int) -> None:
    forum = story.case.activities[str(story.case_script.forum_id)]
    assert forum["stakeholders"] == count, forum


@given(parsers.parse('"{person}"已结束证据收集'))
def evidence_closed(story: Story, person: str) -> None:
    close_evidence(story, person)
    story.require_success()


@when(parsers.parse('"{person}"结束证据收集'))
def close_evidence(story: Story, person: str) -> None:
    story.act(story.person(person), "case.close_evidence", {})
    story.case_script.done.append("close_evidence")


@when(parsers.parse('"{person}"记录阶段性发现"{statement}"'))
def interim(story: Story, person: str, statement: str) -> None:
    story.act(story.person(person), "case.record_interim_finding", {"interim_id": str(uuid4()), "statement": statement})


@then(parsers.parse("案件记录了{count:d}条阶段性发现"))
def interim_count(story: Story, count: int) -> None:
    assert len(story.case.interim_findings) == count


@when(parsers.parse('"{person}"得出初步结论"{conclusion}"'))
def conclude_with(story: Story, person: str, conclusion: str) -> None:
    story.act(story.person(person), "case.draw_conclusion", {"conclusion": conclusion})


@given(parsers.parse('"{person}"提交评估方案，其评估目的写明"{purpose}"'))
def plan_stating(story: Story, person: str, purpose: str) -> None:
    script = story.case_script
    story.act(story.person(person), "case.submit_plan", {"parts": {**script.PLAN, "purpose": purpose},
                                                         "content_items": script.ITEMS})
    story.require_success()
    script.done.append("submit_plan")


@given(parsers.parse('"{person}"委托评估机构，委托协议写明"{scope}"'))
def entrustment_stating(story: Story, person: str, scope: str) -> None:
    script = story.nx
    story.act(story.person(person), "case.entrust_agency", {
        "agency_id": str(script.agency_id), "tasks": script.TASKS, "scope": [scope], "agreement_ref": "委〔2022〕07号"})
    story.require_success()
    script.done.append("entrust_agency")


@when(parsers.parse('"{person}"核实"{title}"的立场为"{stance}"'))
def confirm(story: Story, person: str, title: str, stance: str) -> None:
    story.act(story.person(person), "case.confirm_stance", {
        "material_id": str(story.materials[title]), "stance": STANCES[stance]})


@then(parsers.parse('"{title}"计入的立场为"{stance}"'))
def counted(story: Story, title: str, stance: str) -> None:
    from domain.model.evidence_work import counted_stance

    assert STANCE_NAMES[counted_stance(story.case, story.case.materials[str(story.materials[title])])] == stance


def _of_rule(story: Story, title: str) -> list[dict[str, Any]]:
    book = rulebook_for(story.case.jurisdiction)
    return [f for f in story.findings() if book.rule(f["rule"]).title == title]


@then(parsers.re(r'^系统记录一条“(?P<title>[^”]+)”的问题，依据(?P<cited>[^，]+)，责任人为"(?P<persons>[^"]+)"$'))
def a_finding_of_rule(story: Story, title: str, cited: str, persons: str) -> None:
    found = _of_rule(story, title)
    assert len(found) == 1, [f["rule"] for f in story.findings()]
    assert found[0]["articles"] == [cited_key(cited)], found[0]["articles"]
    named = {story.name_of(p["principal_id"]) for p in found[0]["persons"]}
    assert named == set(names(persons)), named
    assert found[0]["cited_events"], "a finding cites the events that show it"


@then(parsers.parse("没有记录“{title}”的问题"))
def no_finding_of_rule(story: Story, title: str) -> None:
    assert _of_rule(story, title) == [], [f["rule"] for f in story.findings()]


@then(parsers.parse("该问题记录的{label}为{value}"))
def figure(story: Story, label: str, value: str) -> None:
    figures = story.findings()[-1]["figures"]
    got = figures[FIGURES[label]]
    assert (STANCE_NAMES.get(str(got), str(got)) if label == "立场" else str(got)) == value, figures
