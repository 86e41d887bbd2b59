"""The bad-input catalogue, on SQLite and PostgreSQL: every kind of bad write the service can be
sent gets a precise 4xx — its status, its RFC 9457 problem ``type``, and the ``article`` where a
rule or a role refuses — and leaves the store unchanged (``nothing_stored`` compares the event
count and the latest signed checkpoint before and after).

| bad input | answer |
|---|---|
| malformed JSON, invalid UTF-8, a payload nested too deep | 400 malformed-input |
| wrong types: in the envelope / inside the signed intent or its ``args`` | 422 invalid-request / 400 malformed-input |
| unknown fields: in the envelope / inside the signed intent or its ``args`` | 422 invalid-request / 400 malformed-input |
| a body over ``MAX_BODY`` (256 KiB), declared or streamed | 413 too-large |
| a signature over different bytes | 401 signature-invalid |
| an unknown key, a revoked key, a key not yet valid when the intent was signed | 403 key-not-active |
| a signing time outside the allowed skew, past or future | 400 intent-time |
| a replayed request | 409 replayed |
| a stale expected version | 409 conflict (a fresh read and signature succeed) |
| a role that may not take the action | 403 not-permitted, with the article |
| another jurisdiction's ground for opening a case | 422 refused, with the article |
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.http.service import MAX_BODY
from api.signer import Signer
from domain import clock
from domain.evidence.canonical import MAX_DEPTH, canonical_bytes
from domain.evidence.intent import MAX_CLOCK_SKEW, sign_intent
from domain.evidence.keys import make_proof
from domain.evidence.signing import INTENT_PAYLOAD_TYPE, Envelope, SigningKey, pae
from domain.model.acts import new_intent
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import DECISION, new_case, nothing_stored, post, team

PROBLEM = "urn:decision-ledger:problem:"
OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
JSON = {"content-type": "application/json"}


def refused(served: Served, send: Callable[[], Any], status: int, kind: str) -> dict[str, Any]:
    """Send one bad request: the precise problem, and nothing stored."""
    with nothing_stored(served):
        body = problem_of(send(), status)
    assert body["type"] == PROBLEM + kind, body
    return body


def payload_of(envelope: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(envelope["payload"]))  # type: ignore[no-any-return]


def signed_as(served: Served, handle: str, intent: dict[str, Any]) -> dict[str, Any]:
    """An envelope over exactly these intent fields, validly signed by the person's own key."""
    key = served.people[handle].key
    payload = canonical_bytes(intent)
    return Envelope(INTENT_PAYLOAD_TYPE, payload, key.keyid, key.sign(pae(INTENT_PAYLOAD_TYPE, payload))).to_json()


@pytest.fixture
def form_team(served: Served) -> tuple[str, dict[str, Any]]:
    """A fresh NX case and a good, unsent envelope forming its team: each bad input varies it."""
    case = new_case(served)
    return case, served.sign("ma_xiaodong", "case.form_team", UUID(case), team(served)).to_json()


# --- the bytes ------------------------------------------------------------------------------


def test_malformed_json_invalid_utf8_and_deep_nesting_are_unreadable(
        served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, good = form_team
    path = f"/v1/cases/{case}/team"
    for body in (b"{not json", b'{"payload": ', b'{"payload": "\xff\xfe"}', b'{"payload": "\xc3\x28"}', b"\xff"):
        refused(served, partial(served.client.post, path, content=body, headers=JSON), 400, "malformed-input")
    deep = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    for payload in (deep, b"[" * 100_000, '{"a":"\udc80"}'.encode("utf-8", "surrogatepass")):
        envelope = {**good, "payload": base64.b64encode(payload).decode()}
        refused(served, partial(post, served, path, envelope), 400, "malformed-input")
    assert post(served, path, good).status_code == 201


def test_a_payload_that_is_not_canonical_or_not_base64_is_unreadable(
        served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, good = form_team
    path = f"/v1/cases/{case}/team"
    pretty = json.dumps(payload_of(good), indent=1).encode()
    for payload in (base64.b64encode(pretty).decode(), "!!!not base64!!!", good["payload"].rstrip("=") + "\n"):
        body = refused(served, partial(post, served, path, {**good, "payload": payload}), 400, "malformed-input")
        assert "canonical" in body["detail"] or "base64" in body["detail"]


# --- the envelope and the intent: types and fields --------------------------------------------


def test_wrong_types_in_the_envelope_do_not_match_its_schema(
        served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, good = form_team
    path = f"/v1/cases/{case}/team"
    refused(served, lambda: served.client.post(path, content=b"", headers=JSON), 422, "invalid-request")
    for envelope in ({**good, "signatures": "none"}, {**good, "payload": 7}, {**good, "signatures": [good]},
                     [good], "envelope", {k: v for k, v in good.items() if k != "payload"},
                     {**good, "payloadType": "text/plain"}):
        refused(served, partial(served.client.post, path, json=envelope), 422, "invalid-request")


def test_wrong_types_inside_the_signed_intent_are_refused_by_its_model(
        served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, good = form_team
    path = f"/v1/cases/{case}/team"
    intent = payload_of(good)
    wrong = {
        "expected_version": {**intent, "expected_version": "1"},
        "args": {**intent, "args": ["members"]},
        "members": {**intent, "args": {"members": "马晓东"}},
        "team_role": {**intent, "args": {"members": [{**intent["args"]["members"][0], "team_role": "tea_boy"}]}},
        "principal_id": {**intent, "args": {"members": [{**intent["args"]["members"][0], "principal_id": 42}]}},
    }
    for field, changed in wrong.items():
        body = refused(served, partial(post, served, path, signed_as(served, "ma_xiaodong", changed)),
                       400, "malformed-input")
        assert field in body["detail"], (field, body["detail"])


def test_unknown_fields_anywhere_are_refused(served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, good = form_team
    path = f"/v1/cases/{case}/team"
    for envelope in ({**good, "extra": 1}, {**good, "signatures": [{**good["signatures"][0], "cert": "x"}]}):
        refused(served, partial(served.client.post, path, json=envelope), 422, "invalid-request")
    intent = payload_of(good)
    member = intent["args"]["members"][0]
    unknown = {
        "on_behalf_of": {**intent, "on_behalf_of": str(uuid4())},  # in the intent, validly signed
        "salary": {**intent, "args": {**intent["args"], "salary": 1}},  # in its args
        "clearance": {**intent, "args": {"members": [{**member, "clearance": "top"}]}},  # nested in args
    }
    for field, changed in unknown.items():
        body = refused(served, partial(post, served, path, signed_as(served, "ma_xiaodong", changed)),
                       400, "malformed-input")
        assert field in body["detail"], (field, body["detail"])
    assert post(served, path, good).status_code == 201


def test_the_envelope_must_be_posted_to_its_own_action_and_target(
        served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, good = form_team
    body = refused(served, lambda: post(served, f"/v1/cases/{case}/materials", good), 422, "invalid-request")
    assert "case.collect_material" in body["detail"]
    body = refused(served, lambda: post(served, f"/v1/cases/{uuid4()}/team", good), 422, "invalid-request")
    assert "targets" in body["detail"]
    refused(served, lambda: post(served, "/v1/cases/not-a-uuid/team", good), 422, "invalid-request")
    refused(served, lambda: served.client.put(f"/v1/cases/{case}/team", json=good), 405, "method-not-allowed")


# --- size -----------------------------------------------------------------------------------


def test_a_body_over_the_stated_limit_is_too_large(served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, good = form_team
    path = f"/v1/cases/{case}/team"
    assert MAX_BODY == 256 * 1024 and "bodies over 256 KiB" in OPERATIONS.read_text(encoding="utf-8")
    declared = json.dumps({**good, "payload": "A" * MAX_BODY}).encode()
    body = refused(served, lambda: served.client.post(path, content=declared, headers=JSON), 413, "too-large")
    assert str(MAX_BODY) in body["detail"]

    def streamed() -> Any:  # no Content-Length: counted as it arrives
        chunks = iter([declared[i:i + 65536] for i in range(0, len(declared), 65536)])
        return served.client.post(path, content=chunks, headers=JSON)

    refused(served, streamed, 413, "too-large")
    assert post(served, path, good).status_code == 201


# --- the signature and the key --------------------------------------------------------------


def test_a_signature_over_different_bytes_does_not_verify(
        served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, good = form_team
    intent = payload_of(good)
    intent["args"]["members"] = intent["args"]["members"][:1]
    forged = {**good, "payload": base64.b64encode(canonical_bytes(intent)).decode()}
    refused(served, lambda: post(served, f"/v1/cases/{case}/team", forged), 401, "signature-invalid")


def test_a_key_the_signer_does_not_hold_is_not_active(
        served: Served, form_team: tuple[str, dict[str, Any]]) -> None:
    case, _ = form_team
    me = served.people["ma_xiaodong"]
    stranger = sign_intent(SigningKey.generate(), new_intent(me.principal_id, "case.form_team", UUID(case), 1,
                                                              team(served)))
    body = refused(served, lambda: post(served, f"/v1/cases/{case}/team", stranger), 403, "key-not-active")
    assert "is not a key of" in body["detail"]
    nobody = sign_intent(me.key, new_intent(uuid4(), "case.form_team", UUID(case), 1, team(served)))
    body = refused(served, lambda: post(served, f"/v1/cases/{case}/team", nobody), 403, "key-not-active")
    assert "not a registered principal" in body["detail"]


def _new_lead_unit(served: Served) -> Signer:
    """A person the administrators register now (one proposes, the second confirms), with one key,
    as lead unit of the NX unit."""
    key = SigningKey.generate()
    person = uuid4()
    proof = make_proof(key, str(served.ledger.genesis().ledger_id), str(person))
    recorded = post(served, "/v1/principals", served.sign("admin", "principal.register", person, {
        "name": "刘芳", "kind": "person", "unit": "宁夏回族自治区商务厅对外贸易处", "roles": ["lead_unit"],
        "identifier": str(person)[:8], "public_keys": [key.public_key.jwk], "proofs": [proof]}))
    assert recorded.status_code == 201, recorded.text
    confirmed = post(served, f"/v1/principals/{person}/key-confirmations",
                     served.sign("second_admin", "principal.confirm_key", person, {"keyid": key.keyid}))
    assert confirmed.status_code == 201, confirmed.text
    return Signer(person, key, "lead_unit")


def _register_decision(served: Served, signer: Signer, when: datetime | None = None) -> Envelope:
    with clock.using(clock.ManualClock(when)) if when else nullcontext():
        return signer.sign("decision.register", uuid4(), 0, DECISION)


def test_a_revoked_key_is_not_active(served: Served) -> None:
    person = _new_lead_unit(served)
    signed_before = _register_decision(served, person)
    revoked = post(served, f"/v1/principals/{person.principal_id}/key-revocations", served.sign(
        "admin", "principal.revoke_key", person.principal_id, {"keyid": person.key.keyid, "reason": "密钥泄露"}))
    assert revoked.status_code == 201, revoked.text
    for envelope in (_register_decision(served, person), signed_before):
        body = refused(served, partial(post, served, "/v1/decisions", envelope), 403, "key-not-active")
        assert "revoked" in body["detail"]


def test_a_key_not_yet_valid_when_the_intent_was_signed_is_not_active(served: Served) -> None:
    """The person signs with a new key, backdated within the skew, before that key is recorded:
    the signature predates the key's validity, so it is refused though the key is active now."""
    person = _new_lead_unit(served)
    new_key = SigningKey.generate()
    early = Signer(person.principal_id, new_key)
    backdated = _register_decision(served, early, clock.now() - MAX_CLOCK_SKEW / 2)
    added = post(served, f"/v1/principals/{person.principal_id}/keys", person.sign(
        "principal.add_key", person.principal_id, served.ledger.version_of(person.principal_id),
        {"public_key": new_key.public_key.jwk,
         "proof": make_proof(new_key, str(served.ledger.genesis().ledger_id), str(person.principal_id))}))
    assert added.status_code == 201, added.text
    body = refused(served, lambda: post(served, "/v1/decisions", backdated), 403, "key-not-active")
    assert "not valid before" in body["detail"]
    assert post(served, "/v1/decisions", _register_decision(served, early)).status_code == 201, \
        "signed now, the new key is accepted"


@pytest.mark.parametrize("direction", [-1, 1], ids=["past", "future"])
def test_a_signing_time_outside_the_allowed_skew_is_refused(
        served: Served, form_team: tuple[str, dict[str, Any]], direction: int) -> None:
    case, _ = form_team
    me = served.people["ma_xiaodong"]
    when = clock.now() + direction * (MAX_CLOCK_SKEW + timedelta(seconds=30))
    with clock.using(clock.ManualClock(when)):
        skewed = sign_intent(me.key, new_intent(me.principal_id, "case.form_team", UUID(case), 1, team(served)))
    body = refused(served, lambda: post(served, f"/v1/cases/{case}/team", skewed), 400, "intent-time")
    assert f"at most {int(MAX_CLOCK_SKEW.total_seconds())} s" in body["detail"]


# --- position and permission ----------------------------------------------------------------


def test_a_replayed_request_is_never_recorded_twice(served: Served) -> None:
    agency = uuid4()
    envelope = served.sign("ma_xiaodong", "agency.register", agency, {
        "name": "宁夏某评估咨询有限公司", "kind": "consultancy", "credit_code": "91640100MA76TQ3K1Q"})
    assert post(served, "/v1/agencies", envelope).status_code == 201
    body = refused(served, lambda: post(served, "/v1/agencies", envelope), 409, "replayed")
    assert body["aggregate_id"] == str(agency) and body["version"] == 1


def test_a_stale_expected_version_is_a_conflict_and_a_fresh_signature_succeeds(served: Served) -> None:
    case = new_case(served)
    stale = served.sign("ma_xiaodong", "case.form_team", UUID(case), team(served), expected=0)
    body = refused(served, lambda: post(served, f"/v1/cases/{case}/team", stale), 409, "conflict")
    assert "version 1" in body["detail"]
    fresh = served.sign("ma_xiaodong", "case.form_team", UUID(case), team(served))
    assert post(served, f"/v1/cases/{case}/team", fresh).status_code == 201


def test_a_role_that_may_not_take_the_action_is_not_permitted(served: Served) -> None:
    case = new_case(served)
    ruling = served.sign("ma_xiaodong", "case.record_ruling", UUID(case), {
        "report_id": str(uuid4()), "ruling": "continue", "body": "office_meeting", "meeting": "厅务会"})
    body = refused(served, lambda: post(served, f"/v1/cases/{case}/ruling", ruling), 403, "not-permitted")
    assert body["article"] == "NX-12a / XX-16" and "decision_organ" in body["detail"]
    assert body["message_zh"].startswith("「决策机关作出决定」须由决策机关办理") and "决策机关作出决定" in body["detail"]
    assert "case.record_ruling (record the ruling) needs one of the roles decision_organ" in body["message_en"]
    register = served.sign("ma_xiaodong", "principal.register", uuid4(), {
        "name": "某人", "kind": "person", "unit": "某处", "roles": ["administrator"],
        "public_keys": [SigningKey.generate().public_key.jwk]})
    refused(served, lambda: post(served, "/v1/principals", register), 403, "not-permitted")


# --- the rulebook ---------------------------------------------------------------------------


XX_DECISION = {
    "jurisdiction": "XX", "title": "息县城区停车管理实施办法", "document_number": "息政办〔2023〕12号",
    "organ": "息县人民政府（县政府常务会议）", "decided_on": "2023-04-20", "purpose": "规范城区停车秩序",
}


@pytest.mark.parametrize(("handle", "decision", "unit", "grounds", "article"), [
    ("chen_jianhua", XX_DECISION, "息县住房和城乡建设局", ["NX-4(2)"], "XX-9"),
    ("ma_xiaodong", DECISION, "宁夏回族自治区商务厅对外贸易处", ["XX-9(3)"], "NX-4"),
], ids=["XX case on an NX ground", "NX case on an XX ground"])
def test_a_case_opened_on_another_texts_ground_is_refused_citing_its_own_article(
        served: Served, handle: str, decision: dict[str, str], unit: str, grounds: list[str], article: str) -> None:
    decision_id = uuid4()
    organ = "息县人民政府" if decision is XX_DECISION else "宁夏回族自治区商务厅"
    decision = {**decision, "organisation_id": served.demo.organisations[organ]}
    assert post(served, "/v1/decisions", served.sign(handle, "decision.register", decision_id,
                                                     decision)).status_code == 201
    opening = served.sign(handle, "case.open", uuid4(), {
        "decision_id": str(decision_id), "jurisdiction": decision["jurisdiction"], "title": "实施情况后评估",
        "lead_unit": unit, "grounds": grounds, "ground_statement": "实施满两年"})
    body = refused(served, lambda: post(served, "/v1/cases", opening), 422, "refused")
    assert body["article"] == article and grounds[0] in body["detail"]
    assert body["message_zh"] and body["message_en"] and body["rule"]
