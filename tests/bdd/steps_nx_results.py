"""Steps of features/nx_12b_13_提请审议与重大修改.feature: who submits the report to the decision organ
(NX-12b), and a major change of the decision's content (NX-13)."""

from __future__ import annotations

from uuid import uuid4

from pytest_bdd import parsers, then, when

from domain.errors import NotPermitted
from tests.bdd.citations import article_key
from tests.bdd.steps import BODIES, RULINGS, names
from tests.bdd.story import Story
from tests.support import today


@when(parsers.parse('{body}作出"{ruling}"决定并认定为对决策内容作重大修改，措施为"{measures}"，后续程序为"{follow_up}"'))
def rule_major_change(story: Story, body: str, ruling: str, measures: str, follow_up: str) -> None:
    nx = story.nx
    story.act(nx.organ, "case.record_ruling", {
        "report_id": str(nx.report_id), "report_digest": nx.report_digest(), "ruling": RULINGS[ruling],
        "body": BODIES[body], "meeting": f"2022年第21次{body}", "measures": names(measures),
        "major_change": True, "follow_up": follow_up.strip(),
    })


@then(parsers.parse('决定载明对决策内容作重大修改，后续程序为"{follow_up}"'))
def ruling_major_change(story: Story, follow_up: str) -> None:
    ruling = story.case.ruling
    assert ruling["major_change"] is True and ruling["follow_up"] == follow_up, ruling


@when(parsers.parse('受委托评估机构的工作人员"{person}"向厅决策机关提请审议'))
def agency_submits(story: Story, person: str) -> None:
    nx = story.nx
    story.act(story.person(person), "case.submit_report", {
        "report_id": str(nx.report_id), "recommendation": "adjust", "note": "提请审议",
        "report_digest": nx.report_digest(),
    })


@then(parsers.re(r'^该操作因权限不足被拒绝，依据(?P<cited>[^，]+)$'))
def not_permitted_citing(story: Story, cited: str) -> None:
    assert isinstance(story.error, NotPermitted), f"{story.error!r}"
    assert story.error.article == article_key(cited), f"{story.error!r} cites {story.error.article}"
    assert story.rows() == story.before, "a refused action leaves the store byte for byte unchanged"


@when(parsers.parse('"{meeting}"以{body}的名义审议决定开展评估'))
def approve_as_body(story: Story, meeting: str, body: str) -> None:
    """NX-4: a meeting recorded under one of the three bodies' names (the audit of NX-4's bodies)."""
    story.act(story.nx.organ, "case.approve_evaluation", {
        "body": BODIES[body], "meeting": meeting, "decided_on": today(),
    })


@when(parsers.parse('"{person}"开展问卷调查，收回问卷{respondents:d}份，其中利害关系人填写{stakeholders:d}份'))
def survey_with_stakeholders(story: Story, person: str, respondents: int, stakeholders: int) -> None:
    """NX-10(3): a survey is one of the ways the parties concerned are heard."""
    story.act(story.person(person), "case.conduct_survey", {
        "survey_id": str(uuid4()), "online": False, "period_from": "2022-09-01", "period_to": "2022-09-10",
        "respondents": respondents, "stakeholder_respondents": stakeholders, "summary": "受补贴企业问卷调查",
    })
