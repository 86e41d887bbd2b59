"""Steps of issue 18 point 6 (bodies and readings): the 厅决策机关 of NX-4, the county government
of XX-13(4) and XX-16, the deciding organ under XX-26, XX-16's second paragraph (国令第713号第三十七条),
XX-19's exception, and XX-8 on the simplified procedure."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from tests.bdd.citations import article_keys
from tests.bdd.steps import RULINGS, STEP, STEPS, names
from tests.bdd.story import Story
from tests.bodies_support import TOWNSHIP, TownshipScript
from tests.support import today

#: the bodies a scenario names, as the ledger records them
BODIES = {
    "县政府": "county_government", "县政府常务会议": "county_standing_meeting",
    "县政府全体会议": "county_plenary_meeting", "厅务会议": "office_meeting", "厅党组会议": "party_group_meeting",
    TOWNSHIP: "deciding_organ",
}
PARTS = {"委任本县评估": "commissioned", "要求本县协助评估": "assisting"}


# --- NX-4 ------------------------------------------------------------------------------------------


@when("厅长办公会以厅务会议的名义审议决定开展评估")
def approve_by_directors_meeting(story: Story) -> None:
    story.act(story.nx.organ, "case.approve_evaluation", {
        "body": "office_meeting", "meeting": "2022年第4次厅长办公会", "decided_on": today(),
    })


# --- XX-13(4), XX-16, XX-26 ----------------------------------------------------------------------


@given(parsers.re(rf"^一个乡镇人民政府参照息县办法评估其自身决策的案件尚待(?P<step>{STEP})$"))
def a_township_case_before(story: Story, step: str) -> None:
    story.use(TownshipScript(story.world)).advance_to(STEPS[step])


@when(parsers.re(r"^(?P<body>县政府|县政府常务会议|县政府全体会议|厅务会议|厅党组会议)审定评估报告$"))
def approve_report_by(story: Story, body: str) -> None:
    xx = story.xx
    story.act(xx.county, "case.approve_report", {
        "report_id": str(xx.report_id), "report_digest": xx.report_digest(), "body": BODIES[body], "meeting": f"{body}第36次会议",
    })


@when(parsers.parse('以县政府的名义审定评估报告，会议名称为"{meeting}"'))
def approve_report_at(story: Story, meeting: str) -> None:
    xx = story.xx
    story.act(xx.county, "case.approve_report", {
        "report_id": str(xx.report_id), "report_digest": xx.report_digest(), "body": "county_government",
        "meeting": meeting,
    })


@when(parsers.parse('"{person}"以{body}的名义审定评估报告'))
def approve_report_as(story: Story, person: str, body: str) -> None:
    story.act(story.person(person), "case.approve_report", {
        "report_id": str(story.xx.report_id), "report_digest": story.xx.report_digest(), "body": BODIES[body], "meeting": f"{body}会议",
    })


@when(parsers.parse('"{person}"以{body}的名义作出"{ruling}"决定'))
def rule_as(story: Story, person: str, body: str, ruling: str) -> None:
    story.act(story.person(person), "case.record_ruling", {
        "report_id": str(story.xx.report_id), "report_digest": story.xx.report_digest(), "ruling": RULINGS[ruling], "body": BODIES[body],
        "meeting": f"{body}会议",
    })


@then(parsers.parse("评估报告由{body}审定"))
def approved_by(story: Story, body: str) -> None:
    assert story.case.report_approval["body"] == BODIES[body]


# --- XX-16 第二款, 国令第713号第三十七条 -------------------------------------------------------------


def _ruling(story: Story, ruling: str, **extra: Any) -> None:
    xx = story.xx
    story.act(xx.county, "case.record_ruling", {
        "report_id": str(xx.report_id), "report_digest": xx.report_digest(), "ruling": RULINGS[ruling], "body": "county_government",
        "meeting": "县政府第40次常务会议", **extra,
    })


@when(parsers.parse('县政府经研究同意后决定"{ruling}"，措施为"{measures}"'))
def rule_studied(story: Story, ruling: str, measures: str) -> None:
    _ruling(story, ruling, measures=names(measures), basis="studied_and_agreed")


@when(parsers.parse('县长因情况紧急先决定"{ruling}"，紧急情况为"{emergency}"，措施为"{measures}"'))
def rule_in_emergency(story: Story, ruling: str, emergency: str, measures: str) -> None:
    _ruling(story, ruling, measures=names(measures), basis="emergency_suspension", emergency=emergency.strip())


@when(parsers.parse('县政府经研究同意对决策内容作重大修改，措施为"{measures}"，后续程序为"{follow_up}"'))
def major_change(story: Story, measures: str, follow_up: str) -> None:
    _ruling(story, "调整", measures=names(measures), basis="studied_and_agreed", major_change=True,
            follow_up=follow_up.strip())


@then(parsers.parse('决定载明的程序依据为"{basis}"'))
def ruling_basis(story: Story, basis: str) -> None:
    labels = {"经报县政府研究同意": "studied_and_agreed", "情况紧急时行政首长先决定中止执行": "emergency_suspension"}
    assert story.case.ruling["basis"] == labels[basis]


# --- XX-19 ---------------------------------------------------------------------------------------


@given(parsers.parse('已记录该决策由"{superior}"组织评估，并{part}'))
def superior_with_part(story: Story, superior: str, part: str) -> None:
    story.world.do(story.person("孙丽"), "decision.record_superior_evaluation", story.case_script.decision_id, {
        "superior_organ": superior, "task": "落实上级改革任务", "arrangement": "上级统一组织评估",
        "county_exempt": False, "county_part": PARTS[part], "county_part_ref": "信政办〔2022〕9号",
    })


@when(parsers.parse('"{person}"记录该决策由"{superior}"组织评估并{part}，同时记录县级不重复评估'))
def superior_part_and_exempt(story: Story, person: str, superior: str, part: str) -> None:
    story.act(story.person(person), "decision.record_superior_evaluation", {
        "superior_organ": superior, "task": "落实上级改革任务", "arrangement": "上级统一组织评估",
        "county_exempt": True, "exemption_reason": "市政府统一组织评估", "county_part": PARTS[part],
        "county_part_ref": "信政办〔2022〕9号",
    }, target=story.decision_id)


# --- XX-8 on the simplified procedure ------------------------------------------------------------


@when(parsers.parse('"{person}"正式形成只回应{items}所列评估内容的评估报告'))
def finalise_addressing(story: Story, person: str, items: str) -> None:
    xx = story.xx
    story.act(story.person(person), "case.finalise_report", {
        **xx.report_args(xx.SECTIONS, "report_id", xx.report_id), "recommendation": "continue",
        "addressed_items": article_keys(items),
    })


@then(parsers.parse("正式形成的评估报告包括{sections}所列内容"))
def report_has_sections(story: Story, sections: str) -> None:
    report = story.case.report
    assert report is not None and set(article_keys(sections)) <= set(report["sections"]), report


@then(parsers.parse("正式形成的评估报告逐项回应{items}所列评估内容"))
def report_addresses(story: Story, items: str) -> None:
    assert story.case.report["addressed_items"] == article_keys(items)
