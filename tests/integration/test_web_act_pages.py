"""The action pages' content through the test client (issue 19 point 2): what each demo person is
offered on a case at its step, the generated forms (no JSON text areas; Chinese labels, English in
English mode), and the decision pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.integration.http_support import Served

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


@pytest.fixture
def as_person(served: Served) -> Iterator[object]:
    yield served.sign_in
    served.client.cookies.clear()


def _offers(html: str) -> list[str]:
    return re.findall(r'class="offer" data-action="([a-z_.]+)"', html)


def test_a_ruled_case_offers_its_lead_unit_only_what_is_left(served: Served, as_person: object) -> None:
    nx = served.demo.cases[0]  # the demo's NX case, ruled: only the publication is left
    as_person("ma_xiaodong")  # type: ignore[operator]
    page = served.client.get(f"/cases/{nx['id']}/act")
    assert page.status_code == 200, page.text
    assert _offers(page.text) == ["case.publish_results", "case.confirm_decision_fault"], \
        "ruled: the publication is left, and a fault the evaluation found may be confirmed (XX-18)"
    assert 'data-action="case.collect_material"' in page.text, "other actions stay reachable (the ledger refuses)"
    case_page = served.client.get(f"/cases/{nx['id']}")
    assert f'href="/cases/{nx["id"]}/act"' in case_page.text, "the case page links to 办理"


def test_the_decision_organ_is_offered_no_evaluation_work(served: Served, as_person: object) -> None:
    nx = served.demo.cases[0]
    as_person("zhao_min")  # type: ignore[operator]
    offered = _offers(served.client.get(f"/cases/{nx['id']}/act").text)
    assert not any(a in offered for a in ("case.collect_material", "case.draft_report", "case.submit_report"))


def test_forms_are_generated_in_chinese_without_json(served: Served, as_person: object) -> None:
    nx = served.demo.cases[0]
    as_person("ma_xiaodong")  # type: ignore[operator]
    form = served.client.get(f"/cases/{nx['id']}/act/case.hold_forum").text
    for words in ("召开座谈会", "召开日期", "参加人员", "利害关系人", "添加一行", 'type="date"', "签名并提交"):
        assert words in form, words
    assert 'data-kind="newid"' in form and 'data-kind="list"' in form
    assert "JSON" not in form.upper().replace("APPLICATION/JSON", "")
    english = served.client.get(f"/cases/{nx['id']}/act/case.hold_forum?lang=en").text
    assert "participants" in english and "party concerned" in english and "Sign and submit" in english
    team = served.client.get(f"/cases/{nx['id']}/act/case.form_team?lang=zh").text
    assert 'data-source="people"' in team and "组长" in team, "a person looked up by name, an enum by its word"
    plan = served.client.get(f"/cases/{nx['id']}/act/case.submit_plan").text
    assert "评估程序与时间安排" in plan and "NX-6(5)" in plan, "the plan's parts and the text's content items"
    digest = served.client.get(f"/cases/{nx['id']}/act/case.draft_report").text
    assert 'type="file"' in digest and "NX-7(1)" in digest


def test_decision_pages(served: Served, as_person: object) -> None:
    as_person("li_na")  # type: ignore[operator]
    new = served.client.get("/decisions/new")
    assert new.status_code == 200 and "登记重大行政决策" in new.text and "文号" in new.text
    assert "宁夏回族自治区商务厅" in new.text, "the deciding organ chosen by name"


def test_an_inspector_is_offered_to_close_the_findings_of_a_case_in_scope(served: Served, as_person: object) -> None:
    flagged = served.demo.cases[2]  # the NX case with misconduct the rules flag
    as_person("kong_deming")  # type: ignore[operator]
    assert "case.close_finding" in _offers(served.client.get(f"/cases/{flagged['id']}/act").text)
    form = served.client.get(f"/cases/{flagged['id']}/act/case.close_finding").text
    assert "不得预设评估结论" in form and "已追究责任" in form, "findings by their rule's name, outcomes in words"
    as_person("ma_xiaodong")  # type: ignore[operator]
    assert "case.close_finding" not in _offers(served.client.get(f"/cases/{served.demo.cases[0]['id']}/act").text)
