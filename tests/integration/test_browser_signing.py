"""The browser's keys and signatures (api/http/static/ledger.js) in headless Chromium: a key made
in the page cannot leave it, survives a reload in IndexedDB, proves its own enrolment (spec §7.1)
and signs intents the ledger records (spec §4) — checked by the product's own Python verifier."""

from __future__ import annotations

import base64
import json
from typing import Any
from uuid import uuid4

import pytest

from domain.evidence.canonical import canonical_bytes
from domain.evidence.keys import proof_refusal
from domain.evidence.signing import PublicKey
from tests.integration.http_support import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.parametrize("served", ["sqlite"], indirect=True)]

TRICKY = {"z": [1, -9007199254740991, True, None], "é": "引号\"与\\反斜杠\n", "\U0001f600": {"b": "", "a": 0},
          "\uff01": "全角", "A": {"nested": [{"y": 1, "x": 2}]}}


def _load(page: Any, address: str) -> None:
    page.goto(f"{address}/checkpoints")
    page.add_script_tag(url="/static/ledger.js")


def test_canonical_json_in_the_browser_is_the_ledgers(page: Any, served: Served, address: str) -> None:
    _load(page, address)
    made = page.evaluate("value => DecisionLedger.canonical(value)", TRICKY)
    assert made.encode() == canonical_bytes(TRICKY)
    refused = page.evaluate("() => { try { DecisionLedger.canonical({x: 0.5}); return ''; } "
                            "catch (e) { return e.message; } }")
    assert "integer within" in refused


def test_a_browser_key_enrols_by_dual_control_and_signs_what_the_ledger_records(
        page: Any, served: Served, address: str) -> None:
    _load(page, address)
    person = uuid4()
    ledger_id = str(served.ledger.genesis().ledger_id)
    made = page.evaluate("""async ([person, ledger]) => {
        const key = await DecisionLedger.generateKey();
        await DecisionLedger.saveKey({principal_id: person, ledger_id: ledger, name: "浏览器测试人员", ...key});
        const stored = await DecisionLedger.loadKey(person);
        let exported = "exported";
        try { await crypto.subtle.exportKey("pkcs8", stored.privateKey); } catch (e) { exported = e.name; }
        return {jwk: key.jwk, keyid: key.keyid, proof: await DecisionLedger.keyProof(stored, ledger, person),
                exported, extractable: stored.privateKey.extractable};
    }""", [str(person), ledger_id])
    assert made["exported"] == "InvalidAccessError" and made["extractable"] is False, "the private key cannot leave"
    public = PublicKey.from_jwk(made["jwk"])
    assert public.keyid == made["keyid"]
    assert proof_refusal(public, made["proof"], ledger_id, str(person)) == ""
    assert proof_refusal(public, made["proof"], ledger_id, str(uuid4())) != "", "bound to its principal"

    # two administrators enrol it (proposal, then confirmation): the key is active
    args = {"name": "浏览器测试人员", "kind": "person", "unit": "信息中心", "roles": ["lead_unit"],
            "public_keys": [made["jwk"]], "proofs": [made["proof"]]}
    registered = served.client.post("/v1/principals", json=served.sign("admin", "principal.register", person, args).to_json())
    assert registered.status_code == 201, registered.text
    assert served.client.post(f"/v1/principals/{person}/key-confirmations", json=served.sign(
        "second_admin", "principal.confirm_key", person, {"keyid": made["keyid"]}).to_json()).status_code == 201

    # after a reload the key is still in IndexedDB; it makes a second key and, with the person's
    # consent (signed with the first), adds it: an intent signed in the page, recorded by the ledger
    page.reload()
    page.add_script_tag(url="/static/ledger.js")
    envelope = page.evaluate("""async ([person, ledger, version]) => {
        const me = await DecisionLedger.loadKey(person);
        const second = await DecisionLedger.generateKey();
        const proof = await DecisionLedger.keyProof(second, ledger, person);
        const intent = DecisionLedger.newIntent(person, "principal.add_key", person, version,
                                                {public_key: second.jwk, proof});
        return DecisionLedger.signIntent(me, intent);
    }""", [str(person), ledger_id, served.ledger.version_of(person)])
    assert envelope["signatures"][0]["keyid"] == made["keyid"]
    intent = json.loads(base64.b64decode(envelope["payload"]))
    assert base64.b64decode(envelope["payload"]) == canonical_bytes(intent), "the signed bytes are canonical"
    recorded = served.client.post(f"/v1/principals/{person}/keys", json=envelope)
    assert recorded.status_code == 201, recorded.text
    added = intent["args"]["public_key"]
    assert served.client.post(f"/v1/principals/{person}/keys", json=envelope).status_code == 409, "a replay"
    principal = served.client.get(f"/v1/principals/{person}", headers=served.headers("admin")).json()
    assert PublicKey.from_jwk(added).keyid in json.dumps(principal)
