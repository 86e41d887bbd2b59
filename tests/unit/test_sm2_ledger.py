"""SM2 persons on the ledger (国密, docs/spec.md §22): a whole NX case whose every person holds an
SM2 key is recorded, verifies, and is refused or broken where an SM2 signature does not hold."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from uuid import uuid4

import gmalg
import pytest

from api.signer import Signer
from domain.errors import LedgerError
from domain.evidence import sm2
from domain.evidence.signing import Envelope, PublicKey
from domain.evidence.sm2_keys import Sm2SigningKey
from domain.evidence.verifier import Verifier
from domain.service.records import LedgerRecords
from tests import support
from tests.support import NXScript, World


@pytest.fixture
def sm2_world(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """A ledger (Ed25519 ledger key and administrators) whose persons, from now on, hold SM2 keys."""
    monkeypatch.setattr(support, "SigningKey", Sm2SigningKey)
    return world


def test_a_case_of_sm2_persons_is_recorded_and_verifies(sm2_world: World) -> None:
    script = NXScript(sm2_world).run_all()
    assert script.lead.key.public_key.algorithm == "sm2"
    records = list(LedgerRecords(sm2_world.ledger).all())
    report = Verifier(LedgerRecords(sm2_world.ledger).decode).run(records)
    assert report.ok, report.breaks
    keys = {}
    for record in records:
        envelope = Envelope.from_json(json.loads(record.state)["envelope"])
        intent = json.loads(envelope.payload)
        for jwk in intent["args"].get("public_keys", []) + [intent["args"].get("public_key") or {}]:
            if jwk.get("kty") == "EC":
                keys[PublicKey.from_jwk(jwk).keyid] = PublicKey.from_jwk(jwk).raw
        if envelope.keyid in keys:  # an SM2 signature: gmalg, written apart from GmSSL, confirms it
            r, s = sm2.parse_signature(envelope.sig)
            data = b"DSSEv1 %d %s %d %s" % (
                len(envelope.payload_type),
                envelope.payload_type.encode(),
                len(envelope.payload),
                envelope.payload,
            )
            checked = gmalg.SM2(pk=keys[envelope.keyid], uid=b"1234567812345678")
            assert checked.verify(data, r.to_bytes(32, "big"), s.to_bytes(32, "big"))
            break
    else:
        raise AssertionError("no SM2 signature was recorded")


def test_a_forged_sm2_signature_is_refused_and_nothing_is_stored(sm2_world: World) -> None:
    person = sm2_world.person("马晓东", ["lead_unit"])
    impostor = Signer(person.principal_id, Sm2SigningKey.generate(), person.name)
    # the impostor claims the person's key id and signs with another key
    impostor.key.public_key = person.key.public_key
    before = len(list(LedgerRecords(sm2_world.ledger).all()))
    with pytest.raises(LedgerError):
        sm2_world.do(
            impostor,
            "decision.register",
            uuid4(),
            {
                "jurisdiction": "NX",
                "title": "关于支持跨境电子商务加快发展的若干措施",
                "document_number": "宁商规发〔2021〕3号",
                "organ": "宁夏回族自治区商务厅",
                "decided_on": "2021-06-18",
                "purpose": "扩大跨境电商进出口规模",
            },
        )
    assert len(list(LedgerRecords(sm2_world.ledger).all())) == before


def test_an_edited_sm2_signature_is_a_signature_break(sm2_world: World) -> None:
    # an SM2 person signs an act; an insider swaps its signature for another well-formed one
    person = sm2_world.person("李娜", ["lead_unit"])
    sm2_world.decision("NX", person)
    records = list(LedgerRecords(sm2_world.ledger).all())
    index, state = next(
        (i, json.loads(rec.state))
        for i, rec in enumerate(records)
        if json.loads(rec.state)["envelope"]["signatures"][0]["keyid"] == person.key.keyid
    )
    state["envelope"]["signatures"][0]["sig"] = base64.b64encode(
        sm2.encode_signature(1, 1)
    ).decode()
    records[index] = replace(records[index], state=json.dumps(state).encode())
    report = Verifier(LedgerRecords(sm2_world.ledger).decode).run(records)
    assert not report.ok
    assert any(b.kind == "signature" and b.version == records[index].version for b in report.breaks)
