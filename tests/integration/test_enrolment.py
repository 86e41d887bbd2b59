"""H3 (issue 16 point 2): enrolment nobody can abuse, over HTTP on SQLite and PostgreSQL, and
forced into the store behind the service's back, where `verify` names it.

The administrator added a key to the inspector 孔德明 and signed as him; granted himself
discipline_inspector; revoked the ledger principal's own key; and a second 孔德明 in the same
unit registered silently. Each is refused now, and nothing is stored by a refusal
(docs/authority.md).
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.signer import Signer
from domain import clock
from domain.evidence.intent import Intent, sign_intent
from domain.evidence.keys import make_proof
from domain.evidence.signing import Envelope, SigningKey
from domain.evidence.topics import EVENT_OF_ACTION
from domain.model.acts import new_intent
from tests.integration.conftest import STORES, Pristines, invoke, require_postgres
from tests.integration.http_support import Served
from tests.integration.insider import recording_time, reseal, stored_bytes, stored_events
from tests.integration.test_bad_input import refused
from tests.integration.test_http_writes import post

INSPECTOR = "kong_deming"  # 孔德明, the demo's discipline inspector


def _proof(served: Served, key: SigningKey, principal: UUID) -> str:
    return make_proof(key, str(served.ledger.genesis().ledger_id), str(principal))


def _misconduct_case(served: Served) -> str:
    return next(c["id"] for c in served.demo.cases if c["findings"])


def test_h3_a_key_the_administrator_adds_to_the_inspector_signs_nothing(served: Served) -> None:
    inspector = served.people[INSPECTOR]
    planted = SigningKey.generate()
    added = post(served, f"/v1/principals/{inspector.principal_id}/keys", served.sign(
        "admin", "principal.add_key", inspector.principal_id,
        {"public_key": planted.public_key.jwk, "proof": _proof(served, planted, inspector.principal_id)}))
    assert added.status_code == 201, added.text  # recorded as a proposal: pending
    as_him = Signer(inspector.principal_id, planted)
    case = UUID(_misconduct_case(served))
    forged = as_him.sign("case.record_opinion", case, served.ledger.version_of(case), {"opinion": "x"})
    body = refused(served, lambda: post(served, f"/v1/cases/{case}/opinions", forged), 403, "key-not-active")
    assert "pending" in body["detail"]
    confirm = served.sign("admin", "principal.confirm_key", inspector.principal_id, {"keyid": planted.keyid})
    body = refused(served, lambda: post(served, f"/v1/principals/{inspector.principal_id}/key-confirmations",
                                        confirm), 403, "not-permitted")
    assert "dual control" in body["detail"]
    # the inspector withdraws the key he never asked for; no one can confirm it after that
    withdrawn = post(served, f"/v1/principals/{inspector.principal_id}/key-revocations", served.sign(
        INSPECTOR, "principal.revoke_key", inspector.principal_id, {"keyid": planted.keyid, "reason": "非本人"}))
    assert withdrawn.status_code == 201, withdrawn.text
    late = served.sign("second_admin", "principal.confirm_key", inspector.principal_id, {"keyid": planted.keyid})
    refused(served, lambda: post(served, f"/v1/principals/{inspector.principal_id}/key-confirmations", late),
            403, "not-permitted")


def test_a_first_key_takes_effect_when_a_second_administrator_confirms_it(served: Served) -> None:
    key, person = SigningKey.generate(), uuid4()
    registered = post(served, "/v1/principals", served.sign("admin", "principal.register", person, {
        "name": "周敏", "kind": "person", "unit": "宁夏回族自治区商务厅外资处", "roles": ["lead_unit"],
        "identifier": str(person)[:8], "public_keys": [key.public_key.jwk],
        "proofs": [_proof(served, key, person)]}))
    assert registered.status_code == 201, registered.text
    newcomer = Signer(person, key)
    too_early = newcomer.sign("decision.register", uuid4(), 0, {})
    refused(served, lambda: post(served, "/v1/decisions", too_early), 403, "key-not-active")
    confirmed = post(served, f"/v1/principals/{person}/key-confirmations",
                     served.sign("second_admin", "principal.confirm_key", person, {"keyid": key.keyid}))
    assert confirmed.status_code == 201, confirmed.text
    record = served.ledger.get_principal(person).key(key.keyid)
    assert record is not None and record.active_at(clock.now())


def test_a_registration_without_proof_of_possession_is_refused(served: Served) -> None:
    key, person = SigningKey.generate(), uuid4()
    unproven = served.sign("admin", "principal.register", person, {
        "name": "钱程", "kind": "person", "unit": "宁夏回族自治区商务厅外资处", "roles": ["lead_unit"],
        "public_keys": [key.public_key.jwk]})
    body = refused(served, lambda: post(served, "/v1/principals", unproven), 400, "malformed-input")
    assert "proof of possession" in body["detail"]
    wrong = served.sign("admin", "principal.register", person, {
        "name": "钱程", "kind": "person", "unit": "宁夏回族自治区商务厅外资处", "roles": ["lead_unit"],
        "public_keys": [key.public_key.jwk], "proofs": [_proof(served, SigningKey.generate(), person)]})
    body = refused(served, lambda: post(served, "/v1/principals", wrong), 400, "malformed-input")
    assert "must sign its own enrolment" in body["detail"]


def test_h3_an_administrator_cannot_grant_himself_the_inspectors_role(served: Served) -> None:
    admin = served.people["admin"].principal_id
    grant = served.sign("admin", "principal.grant_role", admin, {"role": "discipline_inspector"})
    body = refused(served, lambda: post(served, f"/v1/principals/{admin}/roles", grant), 403, "not-permitted")
    assert "grant himself" in body["detail"] and "管理员不得给自己授予角色" in body["message_zh"]
    by_the_other = served.sign("second_admin", "principal.grant_role", admin, {"role": "discipline_inspector"})
    body = refused(served, lambda: post(served, f"/v1/principals/{admin}/roles", by_the_other), 403, "not-permitted")
    assert "separation of duties" in body["detail"]


def test_h3_the_ledger_key_cannot_be_revoked_and_findings_go_on(served: Served) -> None:
    genesis = served.ledger.genesis()
    revoke = served.sign("admin", "principal.revoke_key", genesis.ledger_id,
                         {"keyid": genesis.ledger_keyid, "reason": "x"})
    body = refused(served, lambda: post(served, f"/v1/principals/{genesis.ledger_id}/key-revocations", revoke),
                   403, "not-permitted")
    assert "rotate_ledger_key" in body["message_en"] and "账本密钥只能由两名管理员共同轮换" in body["message_zh"]
    assert served.ledger.get_principal(genesis.ledger_id).key_active_at(genesis.ledger_keyid, clock.now())
    assert served.client.get("/readyz").status_code == 200


def test_h3_a_namesake_in_the_same_unit_is_a_conflict_naming_the_first(served: Served) -> None:
    inspector = served.ledger.get_principal(served.people[INSPECTOR].principal_id)
    key, person = SigningKey.generate(), uuid4()
    args: dict[str, Any] = {"name": inspector.name, "kind": "person", "unit": inspector.unit,
                            "roles": ["discipline_inspector"], "public_keys": [key.public_key.jwk],
                            "proofs": [_proof(served, key, person)], "identifier": inspector.identifier}
    same = served.sign("admin", "principal.register", person, args)
    body = refused(served, lambda: post(served, "/v1/principals", same), 409, "conflict")
    assert str(inspector.id) in body["detail"]
    told_apart = served.sign("admin", "principal.register", person, {**args, "identifier": "GH-2093"})
    assert post(served, "/v1/principals", told_apart).status_code == 201


# --- forced into the store -----------------------------------------------------------------------


def _appended(chain: list[dict[str, Any]], action: str, key: SigningKey, actor: UUID,
              args: dict[str, Any]) -> dict[str, Any]:
    """An event the insider writes by hand after ``chain``'s last, signed with ``key`` as ``actor``:
    correct link, self-consistent hash."""
    last, now = chain[-1], clock.now()
    intent = dataclasses.replace(
        new_intent(actor, action, UUID(last["aggregate_id"]), last["version"], args),
        signed_at=now, nonce=secrets.token_hex(16))
    state = {"timestamp": recording_time(last["state"], now), "envelope": sign_intent(key, intent).to_json(),
             "rulebook": "", "prev_hash": last["state"]["hash"]}
    event = {"aggregate_id": last["aggregate_id"], "version": last["version"] + 1,
             "topic": EVENT_OF_ACTION[action], "state": state}
    reseal([event])
    chain.append(event)
    return event


@pytest.mark.parametrize("kind", STORES)
def test_h3_a_key_one_administrator_confirms_himself_fails_verify(kind: str, pristines: Pristines,
                                                                  tmp_path: Path) -> None:
    """The administrator, holding the database and his own key, writes what the service refuses:
    a key for the inspector, his own "confirmation" of it, and a finding signed with it."""
    if kind == "postgres":
        require_postgres()
    copied = pristines.copy("projected", kind, tmp_path)
    store = copied.store
    store.drop_triggers()
    info = json.loads((copied.keys / "ledger.json").read_text())
    from api.keyfiles import read_key

    admin_id, admin_key = UUID(info["administrator_id"]), read_key(Path(info["administrator_key_file"]))
    inspector = UUID(copied.demo["handles"][INSPECTOR])
    case = next(c["id"] for c in copied.demo["cases"] if c["findings"])
    planted = SigningKey.generate()
    chain = stored_events(store, str(inspector))
    added = _appended(chain, "principal.add_key", admin_key, admin_id, {
        "public_key": planted.public_key.jwk, "proof": make_proof(planted, info["ledger_id"], str(inspector))})
    confirmed = _appended(chain, "principal.confirm_key", admin_key, admin_id, {"keyid": planted.keyid})
    case_chain = stored_events(store, case)
    last_intent = Intent.decode(Envelope.from_json(case_chain[-1]["state"]["envelope"]).payload)
    as_him = _appended(case_chain, last_intent.action, planted, inspector, last_intent.args)
    for event in (added, confirmed, as_him):
        store.insert(event["aggregate_id"], event["version"], event["topic"], stored_bytes(event["state"]))
    run = invoke("verify", "--db", store.url, "--json", "--verbose")
    assert run.code == 1, run.out + run.err
    roots = json.loads(run.out)["breaks"]
    everything = [*roots, *(caused for root in roots for caused in root.get("caused_breaks", []))]
    breaks = {(b["aggregate_id"], b["version"], b["kind"]): b["detail"] for b in everything}
    assert (str(inspector), added["version"], "key") not in breaks, "a proposal alone is a valid event"
    assert "dual control" in breaks[(str(inspector), confirmed["version"], "key")]
    assert "pending" in breaks[(case, as_him["version"], "key")]


def test_keygen_and_key_proof_give_the_proof_an_enrolment_needs(cli) -> None:  # type: ignore[no-untyped-def]
    from domain.evidence.keys import proof_refusal
    from domain.evidence.signing import PublicKey

    principal, ledger = str(uuid4()), str(uuid4())
    made = cli("keygen", "--out", "new.pem", "--principal", principal, "--ledger-id", ledger, "--json")
    assert made.code == 0, made.err
    data = json.loads(made.out)
    assert proof_refusal(PublicKey.from_jwk(data["public_jwk"]), data["proof"], ledger, principal) == ""
    again = cli("key-proof", "--key", "new.pem", "--principal", principal, "--ledger-id", ledger)
    assert again.code == 0 and again.out.strip() == data["proof"], "Ed25519 proofs are deterministic"
    other = cli("key-proof", "--key", "new.pem", "--principal", str(uuid4()), "--ledger-id", ledger)
    assert proof_refusal(PublicKey.from_jwk(data["public_jwk"]), other.out.strip(), ledger, principal) != ""
    assert cli("keygen", "--out", "half.pem", "--principal", principal).code == 2, "a proof names both"
