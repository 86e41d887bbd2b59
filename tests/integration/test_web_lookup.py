"""Looking people, organisations and agencies up by name (issue 19 point 2): ``GET /v1/lookup/…``
answers the forms' typed inputs with a few matches within the reader's scope — a province's
directory is never listed in a page — and the new forms (a related unit's answer, an inspector's
finding, a decision fault) are offered and rendered in Chinese, naming events and requests in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import uuid4

import pytest

from api.demo_cast import NX_UNIT, XX_UNIT
from api.http.writes import ROUTES
from tests.integration.http_support import Served

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


@pytest.fixture
def as_person(served: Served) -> Iterator[object]:
    yield served.sign_in
    served.client.cookies.clear()


def _look(served: Served, handle: str, source: str, **params: str) -> list[dict[str, str]]:
    answer = served.get(f"/v1/lookup/{source}", handle, **params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def test_people_are_found_by_name_within_the_readers_organ(served: Served) -> None:
    found = _look(served, "ma_xiaodong", "people", q="马")
    names = [m["name"] for m in found]
    assert "马晓东" in names and "马建国" in names, "a colleague, and an outside expert of no organisation"
    assert all(re.fullmatch(r"[0-9a-f-]{36}", m["id"]) for m in found)
    assert any(m["label"].startswith("马晓东（") and "对外贸易处" in m["label"] for m in found), found
    assert _look(served, "ma_xiaodong", "people", q="陈建华") == [], "息县's people are outside 商务厅's scope"
    assert [m["name"] for m in _look(served, "chen_jianhua", "people", q="陈建华")] == ["陈建华"]
    experts = [m["name"] for m in _look(served, "ma_xiaodong", "experts", q="周")]
    assert experts == ["周丽"], "experts only"


def test_people_are_narrowed_to_a_unit_and_organisations_to_the_organ(served: Served) -> None:
    justice = served.demo.organisations["息县司法局"]
    assert [m["name"] for m in _look(served, "chen_jianhua", "people", q="黄", organisation=str(justice))] == ["黄志刚"]
    assert _look(served, "chen_jianhua", "people", q="陈", organisation=str(justice)) == []
    units = _look(served, "chen_jianhua", "organisations", q="司法")
    assert [m["name"] for m in units] == ["息县司法局"] and "息县人民政府" in units[0]["label"]
    assert _look(served, "ma_xiaodong", "organisations", q="司法") == [], "another organ's units"
    assert [m["name"] for m in _look(served, "ma_xiaodong", "organisations", q="对外贸易")] == [NX_UNIT]
    assert _look(served, "ma_xiaodong", "agencies", q="宁夏"), "the agencies' register"


def test_a_lookup_is_bounded_and_needs_a_reader(served: Served) -> None:
    assert served.client.get("/v1/lookup/people", params={"q": "马"}).status_code == 401
    assert served.get("/v1/lookup/people", "ma_xiaodong").status_code == 422, "q is required"
    assert served.get("/v1/lookup/everyone", "ma_xiaodong", q="马").status_code in (404, 422)
    one = served.get("/v1/lookup/people", "ma_xiaodong", q="%", limit="1").json()
    assert one["items"] == [], "a LIKE wildcard is only a character"
    many = served.get("/v1/lookup/people", "ma_xiaodong", q="马", limit="1").json()
    assert len(many["items"]) == 1 and many["more"] is True


def test_forms_look_people_up_instead_of_listing_them(served: Served, as_person: object) -> None:
    nx = served.demo.cases[0]
    as_person("ma_xiaodong")  # type: ignore[operator]
    team = served.client.get(f"/cases/{nx['id']}/act/case.form_team").text
    assert 'role="combobox"' in team and 'data-source="people"' in team and "组员（输入姓名查找）" in team
    assert "马建国" not in team, "no directory in the page"


def _post(served: Served, handle: str, action: str, target: object, args: dict[str, object]) -> None:
    path, parameter = ROUTES[action]
    url = path.replace("{" + parameter + "}", str(target)) if parameter else path
    answer = served.client.post(url, json=served.sign(handle, action, target, args).to_json())  # type: ignore[arg-type]
    assert answer.status_code == 201, answer.text


def test_the_supply_finding_and_fault_forms_are_offered_in_words(served: Served, as_person: object) -> None:
    xx = served.demo.cases[1]
    case_id = uuid4()
    _post(served, "chen_jianhua", "case.open", case_id, {
        "decision_id": xx["decision_id"], "jurisdiction": "XX", "title": "补充评估", "lead_unit": XX_UNIT,
        "grounds": ["XX-9(3)"], "ground_statement": "群众意见较多", "procedure": "simplified",
        "simplified_reason": "关注点集中"})
    justice = served.demo.organisations["息县司法局"]
    _post(served, "chen_jianhua", "case.request_materials", case_id, {
        "request_id": str(uuid4()), "unit_id": str(justice), "items": ["合法性审查意见书"], "within_days": 10,
        "responsible_id": str(served.people["huang_zhigang"].principal_id)})
    as_person("huang_zhigang")  # type: ignore[operator]
    offered = re.findall(r'class="offer" data-action="([a-z_.]+)"', served.client.get(f"/cases/{case_id}/act").text)
    assert {"case.answer_request", "case.refuse_request"} <= set(offered)
    answer = served.client.get(f"/cases/{case_id}/act/case.answer_request").text
    assert "息县司法局：合法性审查意见书" in answer and "本人承诺如实说明" in answer
    assert '<datalist id="suggest-item"><option value="合法性审查意见书">' in answer
    as_person("jiang_weiguo")  # type: ignore[operator]
    finding = served.client.get(f"/cases/{case_id}/act/case.find_misconduct").text
    assert "案件第1版 · " in finding and "陈建华" in finding and "据以认定的事件" in finding
    assert "负有责任的领导人员" in finding and "失职渎职" in finding
    as_person("chen_jianhua")  # type: ignore[operator]
    fault = served.client.get(f"/cases/{served.demo.cases[3]['id']}/act").text
    assert 'data-action="case.confirm_decision_fault"' in fault, "the lead unit, once the report is formed"


def test_a_blank_query_offers_nothing_from_any_source(served: Served) -> None:
    """`q` is part of a name (spec §24): spaces alone match no one, in every source alike — not
    a person, and not the organ's every organisation or the whole agency register either."""
    for source in ("people", "experts", "organisations", "agencies"):
        answer = served.get(f"/v1/lookup/{source}", "chen_jianhua", q="   ")
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"items": [], "more": False}, source
