"""Bad text never reaches the store (issue 16 point 3), on SQLite and PostgreSQL.

- **H1** a decision titled with U+0000 (which a PostgreSQL text column cannot hold) is refused
  with 400, naming ``/args/title``, and nothing is stored; ``GET /v1/cases?phase=%00`` is a 400
  naming ``phase``, not a 500.
- **L1** a lone surrogate (``\\ud800`` in the signed payload, or in the envelope's JSON) is a 400
  problem, not a 500 and a reset connection.
- **L9** a right-to-left override, ESC, C1 controls and zero-width-only text are refused the same
  way, in any field of any action.
- Text recorded before the rule (here: written with the rule switched off, as an older release
  wrote it) keeps working: the projections keep up, every page and read answers, pages show the
  controls as visible escapes, ``rebuild`` rebuilds and the service starts over it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from api.settings import Database
from api.signer import Signer
from api.store.opening import open_ledger
from domain import clock
from domain.evidence.intent import INTENT_TYPE
from domain.evidence.signing import INTENT_PAYLOAD_TYPE, Envelope, pae
from domain.evidence.times import format_time
from domain.model import text
from domain.model.commands import base
from projections.runner import wait_for
from tests.integration.http_support import Served, serve_ledger
from tests.integration.served_process import serving
from tests.integration.stores import DemoLedger
from tests.integration.test_bad_input import refused
from tests.integration.test_http_writes import DECISION, decision_of, new_case, post

BAD = {
    "NUL": "会展业\x00意见",
    "ESC": "\x1b[2J会展业意见",
    "C1": "会展业\x9b意见",
    "RTL override": "会展业意见\u202etxt.exe",
    "isolate": "\u2067会展业意见",
    "zero-width only": "\u200b\u200c\ufeff",
}


def _signed_bytes(served: Served, handle: str, payload: bytes) -> dict[str, Any]:
    key = served.people[handle].key
    return Envelope(INTENT_PAYLOAD_TYPE, payload, key.keyid, key.sign(pae(INTENT_PAYLOAD_TYPE, payload))).to_json()


def _intent(served: Served, handle: str, action: str, target: UUID, args: dict[str, Any]) -> dict[str, Any]:
    return {"action": action, "actor": str(served.people[handle].principal_id), "args": args,
            "expected_version": served.ledger.version_of(target), "nonce": uuid4().hex,
            "signed_at": format_time(clock.now()), "target": str(target), "type": INTENT_TYPE}


def escaped(intent: dict[str, Any]) -> bytes:
    """The intent's canonical spelling, with each lone surrogate written as its JSON escape (a
    client in a language whose strings are UTF-16 sends these bytes)."""
    written = json.dumps(intent, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return re.sub("[\ud800-\udfff]", lambda found: f"\\u{ord(found.group()):04x}", written).encode()


@pytest.mark.parametrize("title", ["会展业\x00意见", *BAD.values()], ids=["H1 NUL title", *BAD])
def test_bad_text_in_a_signed_intent_is_refused_naming_the_field(served: Served, title: str) -> None:
    decision = served.sign("ma_xiaodong", "decision.register", uuid4(), {**decision_of(served), "title": title})
    body = refused(served, partial(post, served, "/v1/decisions", decision), 400, "malformed-input")
    assert body["pointer"] == "/args/title" and "/args/title" in body["detail"], body
    assert "remove it" in body["detail"] or "visible text" in body["detail"]


def test_bad_text_deep_in_another_action_is_refused_naming_its_path(served: Served) -> None:
    case = new_case(served)
    plan = served.sign("ma_xiaodong", "case.submit_plan", UUID(case), {
        "parts": {"评估目的": "评估会展业意见的实施效果", "评估内容\u202e": "实施情况"}, "content_items": ["NX-6(1)"]})
    body = refused(served, partial(post, served, f"/v1/cases/{case}/plan", plan), 400, "malformed-input")
    assert body["pointer"] == "/args/parts/评估内容\u202e"
    survey = served.sign("ma_xiaodong", "case.prepare_survey", UUID(case), {
        "outline": "一、实施情况\n二、存在问题", "questionnaire_title": "问卷", "questions": ["满意吗？", "\x1b]0;x\x07"]})
    body = refused(served, partial(post, served, f"/v1/cases/{case}/survey-outline", survey), 400, "malformed-input")
    assert body["pointer"] == "/args/questions/1"


def test_a_lone_surrogate_in_the_signed_payload_is_a_400_not_a_500(served: Served) -> None:
    """L1: the ``\\ud800`` escape reached the canonical encoder, which raised: 500 and a reset."""
    target = uuid4()
    intent = _intent(served, "ma_xiaodong", "decision.register", target, {**decision_of(served), "title": "会展业\ud800意见"})
    envelope = _signed_bytes(served, "ma_xiaodong", escaped(intent))
    body = refused(served, partial(post, served, "/v1/decisions", envelope), 400, "malformed-input")
    assert body["pointer"] == "/args/title" and "surrogate" in body["detail"]
    key_too = _intent(served, "ma_xiaodong", "decision.register", target, {**decision_of(served), "\udc80": "x"})
    envelope = _signed_bytes(served, "ma_xiaodong", escaped(key_too))
    refused(served, partial(post, served, "/v1/decisions", envelope), 400, "malformed-input")


def test_a_lone_surrogate_in_the_envelope_itself_is_a_problem_not_a_500(served: Served) -> None:
    good = served.sign("ma_xiaodong", "decision.register", uuid4(), decision_of(served)).to_json()
    for changed in ({**good, "\ud800": 1}, {**good, "signatures": [{**good["signatures"][0], "keyid": "\udfff"}]},
                    {**good, "payloadType": "\ud800"}):
        body = json.dumps(changed).encode()  # the escape, as JSON carries it
        response = served.client.post("/v1/decisions", content=body, headers={"content-type": "application/json"})
        assert 400 <= response.status_code < 500, response.text
        assert response.json()["type"].startswith("urn:decision-ledger:problem:")


@pytest.mark.parametrize("query", ["phase=%00", "phase=%1B%5B2J", "jurisdiction=NX%E2%80%AE", "%00=1",
                                   "offset=1%0A"])
def test_bad_text_in_a_query_parameter_is_a_400_naming_it(served: Served, query: str) -> None:
    response = served.client.get(f"/v1/cases?{query}", headers=served.headers("kong_deming"))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["type"] == "urn:decision-ledger:problem:malformed-input"
    assert body["parameter"] == query.split("=")[0].replace("%00", "\x00")
    for path in ("/v1/public/results", "/v1/findings"):
        assert served.client.get(f"{path}?{query}", headers=served.headers("kong_deming")).status_code == 400
    for page in ("/cases", "/"):  # a page answers with an error page
        answer = served.client.get(f"{page}?{query}")
        assert answer.status_code == 400 and answer.headers["content-type"].startswith("text/html"), answer.text
        assert "\x00" not in answer.text and "\x1b" not in answer.text and "\u202e" not in answer.text
    assert served.client.get("/v1/persons/%00").status_code == 400  # the path too


@contextmanager
def rule_switched_off() -> Iterator[None]:
    """How a release before the text rule recorded text: without it."""
    kept = base.refused_text, base.text_problem
    base.refused_text, base.text_problem = (lambda *_: None), (lambda *_, **__: None)  # type: ignore[assignment]
    try:
        yield
    finally:
        base.refused_text, base.text_problem = kept


def test_text_recorded_before_the_rule_is_projected_read_and_shown_escaped(served: Served) -> None:
    """H1 and L9 on a store that already holds such text: no 500 anywhere, the log goes on."""
    title = "会展业\x00意见\u202etxt.exe\x1b[2J"
    decision, case = uuid4(), uuid4()
    with rule_switched_off():
        recorded = post(served, "/v1/decisions", served.sign("ma_xiaodong", "decision.register", decision,
                                                             {**decision_of(served), "title": title}))
        assert recorded.status_code == 201, recorded.text
        assert post(served, f"/v1/decisions/{decision}/demonstrators", served.sign(  # NX-8; 713-36
            "ma_xiaodong", "decision.record_demonstrators", decision, {"none": True})).status_code in (200, 201)
        opened = post(served, "/v1/cases", served.sign("ma_xiaodong", "case.open", case, {
            "decision_id": str(decision), "jurisdiction": "NX", "title": title, "lead_unit": "宁夏回族自治区商务厅对外贸易处",
            "grounds": ["NX-4(2)"], "ground_statement": "\u200b"}))
        assert opened.status_code == 201, opened.text
    wait_for(served.service.projector)
    assert not served.service.projector.pending(), "the projections keep up"
    inspector = served.headers("kong_deming")
    read = served.client.get(f"/v1/decisions/{decision}", headers=inspector)
    assert read.status_code == 200 and read.json()["title"] == title.replace("\x00", "\ufffd")
    for path in ("/v1/cases", "/v1/decisions", "/v1/public/results", "/v1/findings", "/v1/public/checkpoint",
                 "/readyz", "/", "/checkpoints"):
        assert served.client.get(path, headers=inspector).status_code == 200, path
    assert served.client.get(f"/v1/cases/{case}/timeline", headers=inspector).status_code == 200
    assert served.client.get(f"/v1/exports/cases/{case}", headers=inspector).status_code == 200
    assert served.client.get("/v1/public/checkpoint").text.split("\n")[1] == str(served.stored())
    pages = TestClient(served.client.app)  # a browser of its own, signed in as the inspector
    assert pages.post("/signin", data={"token": inspector["Authorization"].split()[1]}).status_code == 200
    for path in (f"/cases/{case}", "/cases", f"/cases/{case}/versions/1"):
        page = pages.get(path)
        assert page.status_code == 200, path
        assert "\u202e" not in page.text and "\x1b" not in page.text and "\x00" not in page.text, path
    assert "[U+202E]txt.exe[U+001B][2J" in pages.get(f"/cases/{case}").text


def test_a_store_holding_such_text_rebuilds_verifies_and_serves(  # type: ignore[no-untyped-def]
        cli, projected_ledger: DemoLedger, tmp_path: Path) -> None:
    """H1: `serve` exited at start-up and `rebuild` left the read models empty."""
    copied = projected_ledger
    handle = "ma_xiaodong"
    principal = copied.demo["handles"][handle]
    signer = Signer.from_key_file(UUID(principal), Path(copied.demo["keys_dir"]) / f"{handle}.pem", "马晓东")
    ledger = open_ledger(Database.parse(copied.store.url), ledger_key=None)
    decision = uuid4()
    try:
        with rule_switched_off():
            ledger.submit(signer.sign("decision.register", decision, 0,
                                      {**DECISION, "organisation_id": copied.demo["organisations"]["宁夏回族自治区商务厅"],
                                       "title": "标题\x00\u202e\x1b", "purpose": "\x00"}).to_json())
    finally:
        ledger.close()
    with serving(tmp_path, "--db", copied.store.url, "--keys", str(copied.keys), "--interval", "0.2") as (address, _):
        assert httpx.get(f"{address}/readyz", timeout=10).json()["projection_lag"] == 0  # projected at start-up
        for path in ("/v1/public/results", "/", "/checkpoints", "/v1/public/checkpoint"):
            assert httpx.get(f"{address}{path}", timeout=10).status_code == 200, path
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
    assert cli("rebuild", "--db", copied.store.url, "--keys", str(copied.keys)).code == 0
    assert cli("verify", "--db", copied.store.url).code == 0
    with serve_ledger(copied) as served:
        inspector = served.headers("kong_deming")
        assert served.client.get(f"/v1/decisions/{decision}", headers=inspector).json()["title"] == "标题\ufffd\u202e\x1b"
        for path in ("/v1/cases", "/v1/public/results", "/", "/checkpoints", "/readyz"):
            assert served.client.get(path, headers=inspector).status_code == 200, path


def test_pages_show_controls_and_bidi_overrides_as_visible_escapes() -> None:
    assert text.shown("报告\u202etxt.exe\x1b[2J") == "报告[U+202E]txt.exe[U+001B][2J"
    assert text.shown("一、\t二、\n") == "一、\t二、\n"


def test_the_client_refuses_such_text_before_signing_naming_the_option(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The command line and the API share the rule (:meth:`Command.parse`)."""
    key = tmp_path / "me.pem"
    assert cli("keygen", "--out", str(key)).code == 0
    env = {"DECISION_LEDGER_KEY": str(key), "DECISION_LEDGER_AS": str(uuid4()),
           "DECISION_LEDGER_SERVER": "http://127.0.0.1:9"}
    fields = [f"--{name.replace('_', '-')}" for name in DECISION if name != "title"]
    values = [value for name, value in DECISION.items() if name != "title"]
    options = [part for pair in zip(fields, values, strict=True) for part in pair]
    refused_run = cli("client", "decision", "register", "--title", "会展业\u202e意见", *options, "--dry-run", env=env)
    assert refused_run.code == 2 and "--title" in refused_run.err and "U+202E" in refused_run.err, refused_run.err
    signed = cli("client", "decision", "register", "--title", "会展业意见", *options, "--dry-run", env=env)
    assert signed.code == 0, signed.err
