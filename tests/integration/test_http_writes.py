"""Signed writes over HTTP on SQLite and PostgreSQL: what is recorded, and every refusal — a
precise RFC 9457 problem, and nothing stored (the event count and the checkpoint unchanged)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from api.http.service import MAX_BODY
from domain import clock
from domain.canonical import canonical_bytes
from domain.intent import new_intent, sign_intent
from domain.signing import SigningKey
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of

DECISION = {
    "jurisdiction": "NX", "title": "宁夏回族自治区商务厅关于促进会展业发展的意见",
    "document_number": "宁商发〔2023〕9号", "organ": "宁夏回族自治区商务厅（厅务会议）",
    "decided_on": "2023-05-10", "purpose": "促进全区会展业高质量发展",
}


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
    recorded = post(served, "/v1/decisions", served.sign("ma_xiaodong", "decision.register", decision, DECISION))
    assert recorded.status_code == 201, recorded.text
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
    assert served.stored() == before + 2
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


def test_a_replayed_request_is_never_recorded_twice(served: Served) -> None:
    agency = uuid4()
    envelope = served.sign("ma_xiaodong", "agency.register", agency, {
        "name": "宁夏某评估咨询有限公司", "kind": "consultancy", "credit_code": "91640100MA76TQ3K1Q"})
    assert post(served, "/v1/agencies", envelope).status_code == 201
    with nothing_stored(served):
        body = problem_of(post(served, "/v1/agencies", envelope), 409)
    assert body["type"].endswith(":replayed") and body["aggregate_id"] == str(agency) and body["version"] == 1


def test_a_stale_expected_version_is_a_conflict(served: Served) -> None:
    case = new_case(served)
    stale = served.sign("ma_xiaodong", "case.form_team", UUID(case), team(served), expected=0)
    with nothing_stored(served):
        body = problem_of(post(served, f"/v1/cases/{case}/team", stale), 409)
    assert body["type"].endswith(":conflict")
    fresh = served.sign("ma_xiaodong", "case.form_team", UUID(case), team(served))
    assert post(served, f"/v1/cases/{case}/team", fresh).status_code == 201, "retrying with a fresh read succeeds"


def test_a_rule_refusal_cites_its_article_in_both_languages(served: Served) -> None:
    case = new_case(served)
    early = served.sign("ma_xiaodong", "case.collect_material", UUID(case), {
        "material_id": str(uuid4()), "title": "会展业统计", "source": "统计局", "stance": "neutral",
        "classification": "none", "period": "after", "digest": "0" * 64, "summary": "统计"})
    with nothing_stored(served):
        body = problem_of(post(served, f"/v1/cases/{case}/materials", early), 422)
    assert body["type"].endswith(":refused") and body["article"] == "NX-10(2)"
    assert body["message_zh"] and body["message_en"] and body["rule"]


def test_a_role_that_may_not_act_is_refused(served: Served) -> None:
    case = new_case(served)
    ruling = served.sign("ma_xiaodong", "case.record_ruling", UUID(case), {
        "report_id": str(uuid4()), "ruling": "continue", "body": "office_meeting", "meeting": "厅务会"})
    with nothing_stored(served):
        body = problem_of(post(served, f"/v1/cases/{case}/ruling", ruling), 403)
    assert body["article"] == "NX-12a / XX-16" and "decision_organ" in body["detail"]
    register = served.sign("ma_xiaodong", "principal.register", uuid4(), {
        "name": "某人", "kind": "person", "unit": "某处", "roles": ["administrator"],
        "public_keys": [SigningKey.generate().public_key.jwk]})
    with nothing_stored(served):
        problem_of(post(served, "/v1/principals", register), 403)


def test_envelopes_that_are_not_what_they_claim(served: Served) -> None:
    case = new_case(served)
    args = team(served)
    good = served.sign("ma_xiaodong", "case.form_team", UUID(case), args).to_json()
    organ = served.people["ma_xiaodong"]
    # the signature over different bytes
    tampered = json.loads(base64.b64decode(good["payload"]))
    tampered["args"]["members"] = tampered["args"]["members"][:1]
    forged = {**good, "payload": base64.b64encode(canonical_bytes(tampered)).decode()}
    # a key the signer does not hold
    stranger = sign_intent(SigningKey.generate(), new_intent(organ.principal_id, "case.form_team",
                                                              UUID(case), 1, args)).to_json()
    # signed long ago
    with clock.using(clock.ManualClock(clock.now() - timedelta(hours=3))):
        old = sign_intent(organ.key, new_intent(organ.principal_id, "case.form_team", UUID(case), 1,
                                                args)).to_json()
    cases = {
        "signature over other bytes": (forged, 401, "signature-invalid"),
        "unknown key": (stranger, 403, "key-not-active"),
        "signed outside the allowed skew": (old, 400, "intent-time"),
    }
    for reason, (envelope, status, kind) in cases.items():
        with nothing_stored(served):
            body = problem_of(post(served, f"/v1/cases/{case}/team", envelope), status)
        assert body["type"].endswith(":" + kind), (reason, body)
    with nothing_stored(served):
        body = problem_of(post(served, f"/v1/cases/{case}/materials", good), 422)
        assert "case.collect_material" in body["detail"], "an action posted to another action's endpoint"
        body = problem_of(post(served, f"/v1/cases/{uuid4()}/team", good), 422)
        assert "targets" in body["detail"]
    assert post(served, f"/v1/cases/{case}/team", good).status_code == 201


def test_bad_input_is_a_precise_4xx_and_stores_nothing(served: Served) -> None:
    case = new_case(served)
    good = served.sign("ma_xiaodong", "case.form_team", UUID(case), team(served)).to_json()
    path = f"/v1/cases/{case}/team"
    raw = {"headers": {"content-type": "application/json"}}
    not_canonical = {**good, "payload": base64.b64encode(
        json.dumps(json.loads(base64.b64decode(good["payload"])), indent=1).encode()).decode()}
    wrong_args = json.loads(base64.b64decode(good["payload"]))
    wrong_args["args"]["members"][0]["team_role"] = "tea_boy"
    with nothing_stored(served):
        assert problem_of(served.client.post(path, content=b"{not json", **raw), 400)  # type: ignore[arg-type]
        assert problem_of(served.client.post(path, content=b'{"payload": "\xff\xfe"}', **raw), 400)  # type: ignore[arg-type]
        assert problem_of(served.client.post(path, json={**good, "signatures": "none"}), 422)
        assert problem_of(served.client.post(path, json={**good, "extra": 1}), 422)
        assert problem_of(served.client.post(path, json={k: v for k, v in good.items() if k != "payload"}), 422)
        assert problem_of(served.client.post(path, json={**good, "payloadType": "text/plain"}), 422)
        assert problem_of(served.client.post(path, json={**good, "payload": "!!!not base64!!!"}), 400)
        assert problem_of(served.client.post(path, json=not_canonical), 400)
        assert problem_of(served.client.post(path, json=[good]), 422)
        oversize = {**good, "payload": "A" * (MAX_BODY + 10)}
        body = problem_of(served.client.post(path, json=oversize), 413)
        assert str(MAX_BODY) in body["detail"]
        invalid = sign_intent(served.people["ma_xiaodong"].key, new_intent(
            served.people["ma_xiaodong"].principal_id, "case.form_team", UUID(case), 1,
            wrong_args["args"])).to_json()
        body = problem_of(served.client.post(path, json=invalid), 400)
        assert "team_role" in body["detail"]
        problem_of(served.client.post("/v1/cases/not-a-uuid/team", json=good), 422)
        problem_of(served.client.put(path, json=good), 405)
    assert served.client.post(path, json=good).status_code == 201
