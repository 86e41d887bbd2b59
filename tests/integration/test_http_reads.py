"""The JSON API's reads, public endpoints and operations endpoints, by role, on SQLite and
PostgreSQL, over the demo's three cases. Checkpoints and proofs are checked with code that
shares nothing with the ledger's (the C2SP note by hand, RFC 9162 from the RFC's text)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from api.demo_cast import MARKET_UNIT
from api.http.auth import AUDIENCE, MAX_LIFETIME
from api.http.examples import EXAMPLE_KEY
from api.http.writes import ROUTES
from domain import clock
from domain.evidence.signing import Envelope, SigningKey
from domain.service.access import WITHHELD
from tests.integration.http_support import Served
from tests.integration.read_examples_gen import answer, procedure_id, requests
from tests.integration.rfc9162 import consistency_ok, inclusion_ok

PROBLEM = "application/problem+json"


def cases_of(served: Served) -> tuple[str, str, str]:
    """The demo's cases: NX (跨境电商, ruled), XX (息县, published), NX (县域商业, misconduct)."""
    nx, xx, flagged = (c["id"] for c in served.demo.cases[:3])  # the fourth: a decision at fault (XX-18)
    return nx, xx, flagged


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    assert body["type"].startswith("urn:decision-ledger:problem:")
    return body


def read_paths(served: Served) -> list[str]:
    """Every authenticated GET of the API, with real ids filled in."""
    nx, _, _ = cases_of(served)
    he_jing = served.demo.handles["he_jing"]
    decision = served.demo.cases[0]["decision_id"]
    procedure = procedure_id(served)  # H2 accountability
    paths = []
    for path, item in served.client.get("/openapi.json").json()["paths"].items():
        if "get" not in item or not path.startswith("/v1/") or path.startswith("/v1/public/"):
            continue
        paths.append(path.replace("{case_id}", nx).replace("{principal_id}", he_jing)
                     .replace("{decision_id}", decision).replace("{aggregate_id}", nx)
                     .replace("{accountability_id}", procedure)
                     .replace("/v1/lookup/{source}", "/v1/lookup/people?q=孔")  # issue 19 — forms2
                     .replace("{unit_id}", served.demo.organisations[MARKET_UNIT]))  # 713-39
    return paths


# --- public and operations ---------------------------------------------------------------------


def test_health_readiness_and_metrics(served: Served) -> None:
    assert served.client.get("/healthz").json() == {"status": "ok"}
    ready = served.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["stored_events"] == served.stored()
    metrics = served.client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    for name in ("dl_http_requests_total", "dl_http_request_duration_seconds_bucket", "dl_projection_lag_events"):
        assert name in text
    assert 'route="/healthz",status="200"' in text


def test_readiness_fails_when_projections_fall_far_behind(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(served.service.projector, "pending", lambda: 5000)
    body = problem_of(served.client.get("/readyz"), 503)
    assert "5000 events behind" in body["detail"]


def test_public_results_are_published_and_redacted(served: Served) -> None:
    """XX-17: only published cases; classified and withheld materials are counted, never shown."""
    _, xx, _ = cases_of(served)
    page = served.get("/v1/public/results").json()
    assert [r["case_id"] for r in page["items"]] == [xx]
    result = page["items"][0]
    assert result["recommendation"] == "continue" and result["summary"]
    # issue 18 — XX-17: 县政府门户网站 and 本单位网站, each with its address
    assert sorted(c["channel"] for c in result["channels"]) == ["county_portal", "unit_site"]
    assert all(c["url"].startswith("http") for c in result["channels"])
    page_html = served.client.get("/").text  # the public results page names both channels
    assert "县政府门户网站" in page_html and "本单位网站" in page_html
    assert all(c["url"] in page_html for c in result["channels"])
    titles = {m["title"] for m in result["materials"]}
    assert "2020—2022年农村保洁经费拨付情况" in titles
    hotline = "县长热线垃圾清运诉求登记表（含来电人信息）"
    assert hotline not in titles, "personal privacy is never published (XX-17, XX-22)"
    assert result["materials_withheld"] >= 1
    assert hotline not in served.client.get("/v1/public/results").text


def test_the_process_record_is_served_and_bound(served: Served) -> None:
    """NX-10(4): the 全过程记录 of a finalised case, its digest bound by the report, later acts marked later;
    the client recomputes the digest with the one function the ledger checks with (issue 18)."""
    from domain.model.process_record import digest_of

    _, xx, _ = cases_of(served)
    document = served.get(f"/v1/cases/{xx}/process-record", "chen_jianhua").json()
    record = document["record"]
    assert digest_of(record) == document["digest"] == document["binding"]["process_record_digest"]
    assert document["binding"]["matches"] is True
    assert [a["version"] for a in record["acts"]] == list(range(1, record["through_version"] + 1))
    assert [e["action"] for e in document["later"]][:1] == ["case.finalise_report"]
    assert all(e["later"] for e in document["later"])
    page = served.client.get(f"/cases/{xx}", headers=served.session("chen_jianhua")).text  # the case page
    assert document["digest"] in page and "与账本生成的一致" in page
    assert page.count('class="event later"') == len(document["later"])


def checkpoint_parts(served: Served) -> tuple[int, bytes]:
    """Verify the latest checkpoint against the published verifier key, by hand (C2SP)."""
    note = served.client.get("/v1/public/checkpoint")
    assert note.status_code == 200 and note.headers["content-type"].startswith("text/plain")
    vkey = served.client.get("/v1/public/vkey").text.strip()
    name, key_id, encoded = vkey.split("+", 2)
    raw = base64.b64decode(encoded)
    text, _, signatures = note.text.rpartition("\n\n")
    origin, size, root = text.split("\n")
    assert origin == name
    line = next(line for line in signatures.splitlines() if line.startswith(f"\u2014 {name} "))
    signature = base64.b64decode(line.split(" ")[-1])
    assert signature[:4].hex() == key_id == hashlib.sha256(name.encode() + b"\n\x01" + raw[1:]).digest()[:4].hex()
    Ed25519PublicKey.from_public_bytes(raw[1:]).verify(signature[4:], (text + "\n").encode())
    return int(size), base64.b64decode(root)


def test_checkpoint_and_proofs_verify_independently(served: Served) -> None:
    size, root = checkpoint_parts(served)
    assert size == served.stored()
    nx, _, _ = cases_of(served)
    timeline = served.get(f"/v1/cases/{nx}/timeline", "kong_deming").json()["items"]
    for entry in (timeline[0], timeline[-1]):
        proof = served.client.get(entry["proof"]).json()
        assert proof["tree_size"] == size and proof["event_hash"] == entry["hash"]
        leaf = bytes.fromhex(proof["leaf_hash"])
        assert inclusion_ok(leaf, proof["leaf_index"], size, [bytes.fromhex(h) for h in proof["inclusion_path"]],
                            root)
        assert not inclusion_ok(leaf, proof["leaf_index"] ^ 1, size,
                                [bytes.fromhex(h) for h in proof["inclusion_path"]], root)
    old = served.client.get("/v1/public/proofs/consistency", params={"old": 7, "new": size}).json()
    assert old["new_root"] == root.hex()
    assert consistency_ok(7, size, bytes.fromhex(old["old_root"]), root,
                          [bytes.fromhex(h) for h in old["consistency_path"]])
    at_size = served.client.get(f"/v1/public/checkpoints/{size}")
    assert at_size.status_code == 200 and at_size.text.split("\n")[1] == str(size)


def test_public_errors_are_problems(served: Served) -> None:
    problem_of(served.client.get("/v1/public/checkpoints/999999"), 404)
    problem_of(served.client.get("/v1/public/proofs/inclusion", params={"event": f"{uuid4()}:1"}), 404)
    problem_of(served.client.get("/v1/public/proofs/inclusion", params={"event": "not-an-event"}), 422)
    problem_of(served.client.get("/v1/public/proofs/consistency", params={"old": 9, "new": 3}), 422)
    problem_of(served.client.get("/v1/public/proofs/consistency", params={"old": "x", "new": 3}), 422)
    problem_of(served.client.get("/v1/no-such-thing"), 404)


# --- authentication ----------------------------------------------------------------------------


def test_every_read_needs_a_token(served: Served) -> None:
    paths = read_paths(served)
    assert len(paths) >= 16
    for path in paths:
        body = problem_of(served.client.get(path), 401)
        assert "Bearer" in body["detail"] or "token" in body["detail"]


def _token(key: SigningKey, claims: dict[str, Any], **headers: Any) -> str:
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.keyid, **headers})


def test_tokens_that_do_not_authenticate(served: Served) -> None:
    inspector = served.people["kong_deming"]
    now = int(clock.now().timestamp())
    good = {"sub": str(inspector.principal_id), "aud": AUDIENCE, "iat": now, "exp": now + 60}
    assert served.client.get("/v1/me", headers={"Authorization": "Bearer " + _token(inspector.key, good)}
                             ).json()["name"] == "孔德明"
    stranger = SigningKey.generate()
    bad = {
        "garbage": "not.a.jwt",
        "expired": _token(inspector.key, {**good, "iat": now - 600, "exp": now - 300}),
        "wrong audience": _token(inspector.key, {**good, "aud": "someone-else"}),
        "another key": _token(stranger, good),
        "too long-lived": _token(inspector.key, {**good, "exp": now + MAX_LIFETIME + 600}),
        "issued in the future": _token(inspector.key, {**good, "iat": now + 900, "exp": now + 1000}),
        "unknown subject": _token(inspector.key, {**good, "sub": str(uuid4())}),
        "no subject": _token(inspector.key, {k: v for k, v in good.items() if k != "sub"}),
        "alg none": jwt.encode(good, "", algorithm="none"),
        "HS256 with the public key": jwt.encode(good, b"k" * 32, algorithm="HS256", headers={"kid": inspector.key.keyid}),
    }
    for reason, token in bad.items():
        response = served.client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, reason
        problem_of(response, 401)


# --- authorisation by role, membership and classification --------------------------------------


def test_inspectors_read_everything_within_their_scope(served: Served) -> None:
    for path in read_paths(served):
        response = served.get(path, "kong_deming")
        assert response.status_code == 200, (path, response.text)
    nx, xx, flagged = cases_of(served)
    # 孔德明 is stationed in 宁夏回族自治区商务厅: its cases are his, 息县's are not (issue 16 H2)
    listed = served.get("/v1/cases", "kong_deming").json()["items"]
    assert [c["case_id"] for c in listed] == [nx, flagged]
    for path in (f"/v1/cases/{xx}", f"/v1/cases/{xx}/timeline", f"/v1/exports/cases/{xx}",
                 f"/v1/findings?case={xx}"):
        problem_of(served.get(path, "kong_deming"), 403)
    xx_decision = served.demo.cases[1]["decision_id"]
    problem_of(served.get(f"/v1/decisions/{xx_decision}/trace", "kong_deming"), 403)
    assert {f["case_id"] for f in served.get("/v1/findings", "kong_deming").json()["items"]} <= {nx, flagged}


def test_case_members_read_their_case_only(served: Served) -> None:
    nx, xx, flagged = cases_of(served)
    for handle in ("ma_xiaodong", "yang_fan", "ma_jianguo"):  # lead unit, agency staff, expert of the NX case
        assert served.get(f"/v1/cases/{nx}", handle).status_code == 200, handle
        assert served.get(f"/v1/cases/{nx}/timeline", handle).status_code == 200, handle
        problem_of(served.get(f"/v1/cases/{xx}", handle), 403)
        problem_of(served.get(f"/v1/cases/{flagged}/timeline", handle), 403)
        assert [c["case_id"] for c in served.get("/v1/cases", handle).json()["items"]] == [nx]
    assert served.get(f"/v1/cases/{xx}", "sun_li").status_code == 200
    problem_of(served.get(f"/v1/cases/{nx}", "sun_li"), 403)


def test_reviewing_bodies_read_the_cases_of_their_own_organ_only(served: Served) -> None:
    """Issue 16 H2: 息县's justice reviewer and government office read 息县's case, not 宁夏商务厅's;
    the 商务厅's office reads the 商务厅's."""
    nx, xx, _ = cases_of(served)
    for handle in ("huang_zhigang", "wu_tao"):  # 息县司法局, 息县人民政府办公室
        assert served.get(f"/v1/cases/{xx}", handle).status_code == 200
        for path in (f"/v1/cases/{nx}", f"/v1/cases/{nx}/timeline"):
            problem = problem_of(served.get(path, handle), 403)
            assert "scope" in problem["detail"] or "范围" in problem["detail"]
        fault = str(served.demo.cases[3]["id"])  # 息县's second case, on the decision found at fault
        assert sorted(c["case_id"] for c in served.get("/v1/cases", handle).json()["items"]) == sorted([xx, fault])
    assert served.get(f"/v1/cases/{nx}", "zhao_min").status_code == 200  # 商务厅办公室
    problem_of(served.get(f"/v1/cases/{xx}", "zhao_min"), 403)


def _materials(served: Served, case_id: str, handle: str) -> dict[str, dict[str, Any]]:
    case = served.get(f"/v1/cases/{case_id}", handle).json()["case"]
    return {m["classification"] + ":" + mid: m for mid, m in case["materials"].items()}


def test_classified_materials_are_withheld_from_readers_not_cleared(served: Served) -> None:
    """NX-15, XX-22: the decision organ reads the NX case but not the commercial secret in it;
    the lead unit, its collector and inspectors do."""
    nx, xx, _ = cases_of(served)
    secret_title = "企业来函：补贴申报材料重复提交问题"
    for handle, cleared in (("zhao_min", False), ("ma_jianguo", False), ("ma_xiaodong", True),
                            ("liu_yang", True), ("kong_deming", True)):
        commercial = [m for k, m in _materials(served, nx, handle).items() if k.startswith("commercial_secret")]
        assert len(commercial) == 1
        assert (commercial[0]["title"] == secret_title) is cleared, handle
        if not cleared:
            assert commercial[0]["title"] == WITHHELD and commercial[0]["withheld"] is True
        timeline = served.get(f"/v1/cases/{nx}/timeline", handle).text
        assert (secret_title in timeline) is cleared, handle
    privacy = [m for k, m in _materials(served, xx, "huang_zhigang").items() if k.startswith("personal_privacy")]
    assert privacy and privacy[0]["title"] == WITHHELD
    hotline = "县长热线垃圾清运诉求登记表（含来电人信息）"
    assert hotline not in served.get(f"/v1/cases/{xx}/timeline", "huang_zhigang").text
    assert "诉求43件及办理情况" not in served.get(f"/v1/cases/{xx}/timeline", "huang_zhigang").text
    assert hotline in served.get(f"/v1/cases/{xx}/timeline", "sun_li").text


def test_case_at_a_version_and_at_a_moment(served: Served) -> None:
    nx, _, _ = cases_of(served)
    now = served.get(f"/v1/cases/{nx}", "kong_deming").json()
    at3 = served.get(f"/v1/cases/{nx}", "kong_deming", at="3").json()
    assert at3["as_of"]["version"] == 3 and now["as_of"]["version"] > 3
    assert at3["case"]["phase"] == "awaiting_approval" and now["case"]["phase"] == "ruled"
    timeline = served.get(f"/v1/cases/{nx}/timeline", "kong_deming").json()["items"]
    moment = timeline[4]["recorded_at"]
    assert served.get(f"/v1/cases/{nx}", "kong_deming", at=moment).json()["as_of"]["version"] == 5
    problem_of(served.get(f"/v1/cases/{nx}", "kong_deming", at="9999"), 404)
    problem_of(served.get(f"/v1/cases/{nx}", "kong_deming", at="yesterday"), 400)
    problem_of(served.get(f"/v1/cases/{uuid4()}", "kong_deming"), 404)
    problem_of(served.get("/v1/cases/not-a-uuid", "kong_deming"), 422)


def test_timeline_shows_signer_article_verification_and_proof(served: Served) -> None:
    nx, _, _ = cases_of(served)
    page = served.get(f"/v1/cases/{nx}/timeline", "kong_deming").json()
    items = page["items"]
    assert [e["version"] for e in items] == list(range(1, len(items) + 1))
    assert all(e["verified"] and not e["problems"] for e in items)
    first = items[0]
    assert first["action"] == "case.open" and first["actor"] == "马晓东" and first["articles"] == ["NX-4"]
    assert first["proof"].startswith("/v1/public/proofs/inclusion?event=")
    paged = served.get(f"/v1/cases/{nx}/timeline", "kong_deming", limit=2, offset=2).json()
    assert [e["version"] for e in paged["items"]] == [3, 4]


def test_person_chain_for_the_person_and_inspectors(served: Served) -> None:
    he_jing = served.demo.handles["he_jing"]
    for handle in ("he_jing", "kong_deming"):
        chain = served.get(f"/v1/persons/{he_jing}", handle).json()
        assert chain["principal"]["name"] == "何静" and chain["withheld"] == 0
        assert {f["rule"] for f in chain["findings"]} >= {"NX/preset-conclusion", "NX/skewed-exclusions"}
    # L4: the administrator keeps the directory, not the acts (which show case content)
    problem_of(served.get(f"/v1/persons/{he_jing}", "admin"), 403)
    assert served.get(f"/v1/principals/{he_jing}", "admin").json()["name"] == "何静"
    for handle in ("gao_feng", "ma_xiaodong", "yang_fan"):
        problem_of(served.get(f"/v1/persons/{he_jing}", handle), 403)


def test_oversight_reads_are_for_inspectors(served: Served) -> None:
    _, _, flagged = cases_of(served)
    decision = served.demo.cases[2]["decision_id"]
    trace = served.get(f"/v1/decisions/{decision}/trace", "kong_deming").json()
    assert {p["name"] for p in trace["persons"]} >= {"高峰", "何静", "罗斌", "孔德明"}
    bundle = served.get(f"/v1/exports/cases/{flagged}", "kong_deming").json()
    assert bundle["format"] == "decision-ledger/bundle/v3" and bundle["subject"]["id"] == flagged
    findings = served.get("/v1/findings", "kong_deming", open="true").json()["items"]
    assert len(findings) == 8 and all(f["open"] for f in findings)
    for handle in ("ma_xiaodong", "zhao_min", "huang_zhigang"):
        for path in (f"/v1/decisions/{decision}/trace", f"/v1/exports/cases/{flagged}", "/v1/findings",
                     f"/v1/exports/persons/{served.demo.handles['he_jing']}"):
            problem_of(served.get(path, handle), 403)
    # findings of a case are read by those who read the case
    assert len(served.get("/v1/findings", "gao_feng", case=flagged).json()["items"]) == 8
    problem_of(served.get("/v1/findings", "ma_xiaodong", case=flagged), 403)


def test_figures_for_inspectors_reviewers_administrators_and_lead_units(served: Served) -> None:
    _, _, flagged = cases_of(served)
    for handle in ("kong_deming", "zhao_min", "ma_xiaodong"):  # all of 宁夏商务厅
        deadlines = served.get("/v1/deadlines", handle).json()["items"]
        assert {(d["case_id"], d["article"]): d["status"] for d in deadlines}[(flagged, "NX-11")] == "late"
        annual = served.get("/v1/annual", handle).json()["items"]
        assert sum(row["opened"] for row in annual) == 2  # its two cases, not 息县's
    assert served.get("/v1/deadlines", "huang_zhigang").json()["items"] == []  # 息县 has no NX deadlines
    assert sum(row["opened"] for row in served.get("/v1/annual", "huang_zhigang").json()["items"]) == 2  # 息县's two
    # the administrator sees the counts of every unit, and no case's deadlines (titles are case content)
    assert sum(row["opened"] for row in served.get("/v1/annual", "admin").json()["items"]) == 4
    assert served.get("/v1/deadlines", "admin").json()["items"] == []
    for handle in ("yang_fan", "ma_jianguo"):
        problem_of(served.get("/v1/deadlines", handle), 403)
        problem_of(served.get("/v1/annual", handle), 403)
    problem_of(served.get("/v1/annual", "kong_deming", year="1999"), 422)


def test_directories_agencies_and_versions(served: Served) -> None:
    nx, _, _ = cases_of(served)
    people = served.get("/v1/principals", "yang_fan", limit=500).json()["items"]
    assert {"孔德明", "何静", "系统管理员"} <= {p["name"] for p in people}
    inspectors = served.get("/v1/principals", "yang_fan", role="discipline_inspector").json()["items"]
    assert [p["name"] for p in inspectors] == ["孔德明", "蒋卫国"]
    one = served.get(f"/v1/principals/{served.demo.handles['yang_fan']}", "ma_jianguo").json()
    assert one["roles"] == ["agency_staff"] and one["keys"]
    decisions = served.get("/v1/decisions", "yang_fan").json()["items"]
    assert len(decisions) == 4
    assert served.get(f"/v1/decisions/{decisions[0]['decision_id']}", "yang_fan").json()["title"]
    problem_of(served.get(f"/v1/decisions/{uuid4()}", "yang_fan"), 404)
    agencies = served.get("/v1/agencies", "yang_fan").json()["items"]
    assert {a["name"] for a in agencies} >= {"宁夏大学经济管理学院"}
    version = served.get(f"/v1/aggregates/{nx}/version", "yang_fan").json()["version"]
    assert version == len(served.get(f"/v1/cases/{nx}/timeline", "kong_deming").json()["items"])
    assert served.get(f"/v1/aggregates/{uuid4()}/version", "yang_fan").json() == {"version": 0}
    me = served.get("/v1/me", "yang_fan").json()
    assert me == {"principal_id": served.demo.handles["yang_fan"], "name": "杨帆", "unit": "宁夏大学经济管理学院",
                  "roles": ["agency_staff"], "organisation_id": None}
    kong = served.get("/v1/me", "kong_deming").json()
    organisations = {o["organisation_id"]: o for o in served.get("/v1/organisations", "yang_fan").json()["items"]}
    assert organisations[kong["organisation_id"]]["name"] == "自治区纪委监委驻商务厅纪检监察组"
    assert organisations[organisations[kong["organisation_id"]]["parent_id"]]["name"] == "宁夏回族自治区商务厅"


def test_pagination_bounds_are_checked(served: Served) -> None:
    problem_of(served.get("/v1/cases", "kong_deming", limit="0"), 422)
    problem_of(served.get("/v1/cases", "kong_deming", limit="100000"), 422)
    problem_of(served.get("/v1/cases", "kong_deming", offset="-1"), 422)
    assert served.get("/v1/cases", "kong_deming", limit="1", offset="1").json()["items"][0]["case_id"] == \
        cases_of(served)[2]
    assert served.get("/v1/cases", "huang_zhigang", jurisdiction="XX").json()["items"][0]["case_id"] == \
        cases_of(served)[1]
    problem_of(served.get("/v1/cases", "kong_deming", jurisdiction="ZZ"), 422)


# --- the OpenAPI document ----------------------------------------------------------------------


def _shape(value: Any) -> Any:
    """Keys and types, recursively (lists by their first item): what an example must match."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _keyed_by_id(value: dict[str, Any]) -> bool:
    return bool(value) and all(len(k) == 36 and k.count("-") == 4 for k in value)


def _same_shape(example: Any, live: Any, where: str) -> None:
    if isinstance(example, dict) and isinstance(live, dict) and _keyed_by_id(example) and _keyed_by_id(live):
        _same_shape(next(iter(example.values())), next(iter(live.values())), f"{where}[id]")
    elif isinstance(example, dict) and isinstance(live, dict):
        if set(example) != set(live):
            raise AssertionError(f"{where}: keys {sorted(example)} != {sorted(live)}")
        for key in example:
            _same_shape(example[key], live[key], f"{where}.{key}")
    elif isinstance(example, list) and isinstance(live, list) and example and live:
        _same_shape(example[0], live[0], f"{where}[0]")


def test_openapi_describes_every_endpoint_with_schemas_and_examples(served: Served) -> None:
    document = served.client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    operations = [(path, method, op) for path, item in document["paths"].items() for method, op in item.items()]
    assert not any(path in ("/", "/cases", "/signin") for path, _, _ in operations), "web pages stay out"
    posts = [(p, op) for p, m, op in operations if m == "post" and op["tags"] == ["writes"]]
    assert len(posts) == len(ROUTES)  # every action a person signs has its route
    assert [p for p, m, op in operations if m == "post" and op["tags"] != ["writes"]] == ["/v1/secrets/keys"]
    for path, method, op in operations:
        assert op.get("summary") and op.get("responses"), (method, path)
        ok = op["responses"].get("201" if method == "post" else "200")
        assert ok and ok.get("content"), (method, path)
        media = next(iter(ok["content"].values()))
        assert media.get("schema") or media.get("example") is not None, (method, path)
        assert media.get("example") is not None or method == "post", f"no example for GET {path}"
    for path, op in posts:
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        model = schemas[ref]
        assert model["additionalProperties"] is False
        payload = model["properties"]["payload"]
        assert payload["contentEncoding"] == "base64" and payload["contentSchema"]["properties"]["action"]
        action = payload["contentSchema"]["properties"]["action"]["const"]
        assert op["operationId"] == action.replace(".", "_")
        (example,) = model["examples"]
        intent = json.loads(base64.b64decode(example["payload"]))
        assert intent["action"] == action and set(intent) == set(payload["contentSchema"]["required"])
        signed = Envelope.from_json(example)
        signed.verify(EXAMPLE_KEY.public_key)
        for code in ("400", "401", "403", "409", "422"):
            assert "application/problem+json" in op["responses"][code]["content"], (path, code)


def test_the_api_document_works_offline(served: Served) -> None:
    """/docs loads Swagger UI from the service itself, never a CDN (issue 19 point 6)."""
    page = served.client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/docs/assets/") for s in sources), sources
    for source in sources:
        asset = served.client.get(source)
        assert asset.status_code == 200 and len(asset.content) > 100, source
    assert "swagger-ui-bundle.js" in page.text and served.client.get("/redoc").status_code == 404


def test_read_examples_match_live_answers(served: Served) -> None:
    """The document's examples (api/http/read_examples.json) have the live answers' shape."""
    document = served.client.get("/openapi.json").json()
    for template, concrete, params in requests(served):
        content = document["paths"][template]["get"]["responses"]["200"]["content"]
        example = next(iter(content.values()))["example"]
        live = answer(served, concrete, params)
        if isinstance(live, str):
            assert isinstance(example, str) and example[:5] == live[:5] or template == "/metrics", template
            continue
        _same_shape(_shape(example), _shape(live), template)


# --- the web pages, without a browser -----------------------------------------------------------




def test_web_pages_respect_the_same_access_rules(served: Served) -> None:
    nx, xx, _ = cases_of(served)
    served.client.cookies.clear()
    assert served.client.get(f"/cases/{nx}", follow_redirects=False).headers["location"].startswith("/signin")
    expert = served.session("ma_jianguo")
    page = served.client.get(f"/cases/{nx}", headers=expert)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    denied = served.client.get(f"/cases/{xx}", headers=expert)
    assert denied.status_code == 403 and "text/html" in denied.headers["content-type"]
    assert served.client.get(f"/cases/{uuid4()}", headers=expert).status_code == 404
    assert served.client.get(f"/cases/{nx}/versions/999", headers=expert).status_code == 404
    assert served.client.get("/findings", headers=expert).status_code == 403
    secret = "企业来函：补贴申报材料重复提交问题"
    assert secret not in served.client.get(f"/cases/{nx}/versions/9", headers=expert).text
    assert secret in served.client.get(f"/cases/{nx}/versions/9", headers=served.session("ma_xiaodong")).text
    english = served.client.get("/", params={"lang": "en"})
    assert english.status_code == 200 and 'lang="en"' in english.text
    out = served.client.post("/signout", headers=expert, follow_redirects=False)
    assert out.status_code == 303
    served.client.cookies.clear()
