"""The NX acceptance audit, below the scenarios: a survey's parties concerned (NX-10(3)), a major
change on the case (NX-13), and articles named as a Chinese reader names them."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import MalformedInput
from domain.model.rules.common import article_words
from tests.support import NXScript, World


def test_a_survey_counts_no_more_parties_concerned_than_respondents(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("hold_forum")
    survey = {"survey_id": str(uuid4()), "online": False, "period_from": "2022-08-01", "period_to": "2022-08-10",
              "respondents": 40, "summary": "纸质问卷"}
    with pytest.raises(MalformedInput):
        nx.do(nx.agency_staff, "case.conduct_survey", {**survey, "stakeholder_respondents": 41})
    nx.do(nx.agency_staff, "case.conduct_survey", survey)  # the field defaults to none
    nx.do(nx.agency_staff, "case.conduct_survey", {**survey, "survey_id": str(uuid4()), "stakeholder_respondents": 25})
    kept = sorted(a.get("stakeholders", 0) for a in nx.case.activities.values() if a["kind"] == "survey")
    assert kept == [0, 25]
    assert all("stakeholder_respondents" not in a for a in nx.case.activities.values())


def test_an_nx_major_change_is_kept_on_the_case_with_its_procedure(world: World) -> None:
    nx = NXScript(world)
    nx.advance_to("record_ruling")
    nx.do(nx.organ, "case.record_ruling", {
        "report_id": str(nx.report_id), "ruling": "adjust", "body": "office_meeting", "meeting": "2022年第21次厅务会议",
        "measures": ["过渡期六个月"], "report_digest": nx.report_digest(), "major_change": True,
        "follow_up": "依照《宁夏回族自治区重大行政决策规定》重新履行集体讨论决定程序"})
    ruling = nx.case.ruling
    assert ruling["major_change"] is True and "自治区" in ruling["follow_up"] and "basis" not in ruling


@pytest.mark.parametrize(("key", "text", "words"), [
    ("NX-4", False, "第四条"), ("NX-4(8)", False, "第四条第（八）项"), ("XX-9(3)", True, "息县办法第九条第（三）项"),
    ("NX-12b", True, "宁夏商务厅办法第十二条"), ("XX-26", False, "第二十六条"), ("NX-10", False, "第十条"), ("任意", True, "任意"),
])
def test_articles_are_named_in_chinese(key: str, text: bool, words: str) -> None:
    assert article_words(key, text=text) == words
