"""A ledger that chose SM3 for its event hashes and chains (国密, issue 20 point 4; docs/spec.md
§22.4): its genesis says so, every hash and link is SM3, verification follows the genesis, and a
verifier that hashed with SHA-256 (or a genesis edited to claim the other hash) finds nothing whole."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from domain.errors import MalformedInput
from domain.evidence import hashing
from domain.evidence.sm3 import sm3_hex
from domain.evidence.verifier import Verifier
from domain.service.ledger import Ledger
from domain.service.records import LedgerRecords
from tests.support import NXScript, World


@pytest.fixture
def sm3_world(ledger: Ledger) -> World:
    return World(ledger, hash_suite="sm3")


def test_an_sm3_ledger_hashes_with_sm3_and_verifies(sm3_world: World) -> None:
    NXScript(sm3_world).advance_to("collect_material")
    ledger = sm3_world.ledger
    assert ledger.hash_suite == "sm3"
    records = list(LedgerRecords(ledger).all())
    genesis = LedgerRecords(ledger).decode(records[0].state)
    first = json.loads(records[1].state)
    assert first["prev_hash"] == sm3_hex(
        f"decision-ledger/aggregate/v1\n{records[1].aggregate_id}".encode()
    )
    with hashing.using("sm3"):
        assert genesis["hash"] == hashing.event_hash(
            records[0].aggregate_id, 1, records[0].topic, genesis
        )
    with hashing.using("sha256"):
        assert genesis["hash"] != hashing.event_hash(
            records[0].aggregate_id, 1, records[0].topic, genesis
        )
    report = Verifier(LedgerRecords(ledger).decode).run(records)
    assert not report.ok, "hashed with SHA-256, an SM3 ledger is no ledger"
    with hashing.using("sm3"):
        report = Verifier(LedgerRecords(ledger).decode).run(records)
    assert report.ok, report.breaks


def test_the_choice_is_read_back_from_the_genesis(sm3_world: World) -> None:
    ledger = sm3_world.ledger
    ledger._hash_suite = None  # as a ledger opened afresh on this store: it reads the genesis
    assert ledger.hash_suite == "sm3"
    NXScript(sm3_world).advance_to("collect_material")  # and goes on writing with SM3
    with hashing.using("sm3"):
        assert Verifier(LedgerRecords(ledger).decode).run(list(LedgerRecords(ledger).all())).ok
    assert Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).hash_suite == "sha256", (
        "an empty store"
    )


def test_only_the_genesis_chooses_the_hash(sm3_world: World) -> None:
    from uuid import uuid4

    from domain.evidence.sm2_keys import Sm2SigningKey

    key = Sm2SigningKey.generate()
    principal = uuid4()
    with pytest.raises(MalformedInput, match="genesis"):
        sm3_world.do(
            sm3_world.admin,
            "principal.register",
            principal,
            {
                "kind": "person",
                "name": "张伟",
                "public_keys": [key.public_key.jwk],
                "roles": ["lead_unit"],
                "unit": "宁夏回族自治区商务厅对外贸易处",
                "proofs": [sm3_world.proof(key, principal)],
                "event_hash": "sm3",
            },
        )


def test_a_genesis_edited_to_claim_sha256_breaks(sm3_world: World) -> None:
    records = list(LedgerRecords(sm3_world.ledger).all())
    state = json.loads(records[0].state)
    state["hash"] = "0" * 64
    records[0] = replace(records[0], state=json.dumps(state).encode())
    with hashing.using("sm3"):
        report = Verifier(LedgerRecords(sm3_world.ledger).decode).run(records)
    assert not report.ok


def test_the_case_timeline_checks_each_event_with_sm3(sm3_world: World) -> None:
    from projections.timeline import timeline

    script = NXScript(sm3_world)
    script.advance_to("collect_material")
    lead = sm3_world.ledger.get_principal(script.lead.principal_id)
    shown = timeline(sm3_world.ledger, script.case_id, lead)
    assert shown and all(entry["verified"] for entry in shown), [e["problems"] for e in shown]
