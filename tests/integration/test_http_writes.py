"""Signed writes over HTTP on SQLite and PostgreSQL: what is recorded, and a rule's refusal — a
precise RFC 9457 problem, and nothing stored (the event count and the checkpoint unchanged).
Every kind of bad input is catalogued in ``test_bad_input.py``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID, uuid4

from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of

DECISION = {
    "jurisdiction": "NX", "title": "宁夏回族自治区商务厅关于促进会展业发展的意见",
    "document_number": "宁商发〔2023〕9号", "organ": "宁夏回族自治区商务厅（厅务会议）",
    "decided_on": "2023-05-10", "purpose": "促进全区会展业高质量发展",
}


def decision_of(served: Served) -> dict[str, str]:
    """The decision, as the 宁夏商务厅's organ's own."""
    return {**DECISION, "organisation_id": served.demo.organisations["宁夏回族自治区商务厅"]}


def post(served: Served, path: str, envelope: Any) -> Any:
    return served.client.post(path, json=envelope if not hasattr(envelope, "to_json") else envelope.to_json())


@contextmanager
def nothing_stored(served: Served) -> Iterator[None]:
    before = served.stored(), served.client.get("/v1/public/checkpoint").text
    yield
    after = served.stored(), served.client.get("/v1/public/checkpoint").text
    assert after == before, "a refusal stored something"


def new_case(served: Served) -> str:
    """A decision registered and a case opened on it by the NX lead unit, over HTTP."""
    decision = uuid4()
    recorded = post(served, "/v1/decisions", served.sign("ma_xiaodong", "decision.register", decision,
                                                         decision_of(served)))
    assert recorded.status_code == 201, recorded.text
    none = post(served, f"/v1/decisions/{decision}/demonstrators", served.sign(  # NX-8; 713-36
        "ma_xiaodong", "decision.record_demonstrators", decision, {"none": True}))
    assert none.status_code in (200, 201), none.text
    case = uuid4()
    opened = post(served, "/v1/cases", served.sign("ma_xiaodong", "case.open", case, {
        "decision_id": str(decision), "jurisdiction": "NX", "title": "会展业意见实施情况后评估",
        "lead_unit": "宁夏回族自治区商务厅对外贸易处", "grounds": ["NX-4(2)"],
        "ground_statement": "实施满两年，需评估成效",
    }))
    assert opened.status_code == 201, opened.text
    return str(case)


def team(served: Served) -> dict[str, Any]:
    return {"members": [
        {"principal_id": str(served.people["ma_xiaodong"].principal_id), "team_role": "leader", "affiliation": "staff"},
        {"principal_id": str(served.people["li_na"].principal_id), "team_role": "member", "affiliation": "staff"},
    ]}


def test_a_signed_action_is_recorded_and_readable(served: Served) -> None:
    before = served.stored()
    case = new_case(served)
    assert served.stored() == before + 3  # the decision, its demonstrators (none: NX-8; 713-36), the case
    version = served.get(f"/v1/aggregates/{case}/version", "ma_xiaodong").json()["version"]
    assert version == 1
    timeline = served.get(f"/v1/cases/{case}/timeline", "kong_deming").json()["items"]
    assert [(e["action"], e["actor"], e["verified"]) for e in timeline] == [("case.open", "马晓东", True)]
    formed = post(served, f"/v1/cases/{case}/team", served.sign("ma_xiaodong", "case.form_team", UUID(case),
                                                                team(served)))
    assert formed.status_code == 201, formed.text
    body = formed.json()
    assert body["aggregate_id"] == case and body["version"] == 2 and body["event"] == "TeamFormed"
    assert len(body["hash"]) == 64 and body["notification_id"] == served.stored() and body["findings"] == []
    assert 'dl_events_appended_total{event="TeamFormed"}' in served.client.get("/metrics").text


def test_a_rule_refusal_cites_its_article_in_both_languages(served: Served) -> None:
    case = new_case(served)
    early = served.sign("ma_xiaodong", "case.collect_material", UUID(case), {
        "material_id": str(uuid4()), "title": "会展业统计", "source": "统计局", "stance": "neutral",
        "classification": "none", "period": "after", "digest": "0" * 64, "summary": "统计"})
    with nothing_stored(served):
        body = problem_of(post(served, f"/v1/cases/{case}/materials", early), 422)
    assert body["type"].endswith(":refused") and body["article"] == "NX-10(2)"
    assert body["message_zh"] and body["message_en"] and body["rule"]
