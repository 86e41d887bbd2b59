"""The verifier, fed raw records: every kind of break is found and named, and nothing
undecodable crashes it."""

import json
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest

from api.signer import Signer
from domain.evidence.hashing import event_hash
from domain.evidence.intent import sign_intent
from domain.evidence.signing import SigningKey
from domain.evidence.topics import EVENT_OF_ACTION
from domain.evidence.verifier import StoredRecord, Verifier
from domain.model.acts import new_intent
from domain.service.records import LedgerRecords
from tests.support import NXScript, World


@pytest.fixture
def records(world: World) -> list[StoredRecord]:
    NXScript(world).run_all()
    return list(LedgerRecords(world.ledger).all())


def verify(world: World, records: list[StoredRecord], trusted_ledger_keyid: str | None = None):  # type: ignore[no-untyped-def]
    verifier = Verifier(LedgerRecords(world.ledger).decode, trusted_ledger_keyid=trusted_ledger_keyid)
    return verifier.run(records)


def kinds(report) -> set[str]:
    return {b.kind for b in report.breaks}


def restate(world: World, record: StoredRecord, change) -> StoredRecord:
    """Rewrite a record's state the way an insider with the database would."""
    state = json.loads(record.state)
    change(state)
    return replace(record, state=json.dumps(state).encode())


def test_an_intact_ledger_verifies(world: World, records: list[StoredRecord]) -> None:
    report = verify(world, records)
    assert report.ok, report.breaks
    assert report.events == len(records)
    assert report.ledger_keyid == world.ledger_key.keyid


def test_an_edited_payload_breaks_hash_and_signature(world: World, records: list[StoredRecord]) -> None:
    target = records[-3]
    other = new_intent(uuid4(), "case.close_evidence", uuid4(), 0, {})
    tampered = restate(world, target, lambda s: s["envelope"].update(
        payload=sign_intent(SigningKey.generate(), other).to_json()["payload"]))
    report = verify(world, records[:-3] + [tampered] + records[-2:])
    assert {(b.aggregate_id, b.version, b.kind) for b in report.breaks} >= {
        (target.aggregate_id, target.version, "hash"),
        (target.aggregate_id, target.version, "signature"),
    }


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(world: World, records: list[StoredRecord]) -> None:
    target = records[-3]

    def edit(state: dict) -> None:
        state["timestamp"]["_data_"] = state["timestamp"]["_data_"].replace("09:00", "09:01")
        decoded = LedgerRecords(world.ledger).decode(json.dumps(state).encode())
        state["hash"] = event_hash(target.aggregate_id, target.version, target.topic, decoded)

    report = verify(world, records[:-3] + [restate(world, target, edit)] + records[-2:])
    # the next version no longer links to it, and (moved a minute later) is now recorded before it
    assert [(b.version, b.kind) for b in report.breaks] == [(target.version + 1, "chain"), (target.version + 1, "time")]


def test_a_deleted_event_is_a_gap(world: World, records: list[StoredRecord]) -> None:
    report = verify(world, records[:-3] + records[-2:])
    assert [(b.version, b.kind) for b in report.breaks] == [(records[-2].version, "gap")]


def test_swapped_events_break_hash_chain_and_binding(world: World, records: list[StoredRecord]) -> None:
    a, b = records[-3], records[-2]
    swapped = [replace(a, state=b.state, topic=b.topic), replace(b, state=a.state, topic=a.topic)]
    report = verify(world, records[:-3] + swapped + records[-1:])
    assert kinds(report) == {"hash", "chain", "signature"}
    assert {x.version for x in report.breaks} >= {a.version, b.version}


@pytest.mark.parametrize("garbage", [b"", b"\xff\xfe", b"[]", b'{"hash": 1}', b'{"timestamp": {"_type_": "nope", "_data_": 1}}'])
def test_undecodable_state_is_reported_never_raised(world: World, records: list[StoredRecord], garbage: bytes) -> None:
    report = verify(world, records[:-1] + [replace(records[-1], state=garbage)])
    assert [(b.version, b.kind) for b in report.breaks] == [(records[-1].version, "hash")]


def appended(world: World, after: StoredRecord, topic: str, envelope: dict, at) -> StoredRecord:
    """An event an insider appends by hand: correct chain link, self-consistent hash."""
    state = {
        "timestamp": at,
        "envelope": envelope,
        "prev_hash": LedgerRecords(world.ledger).decode(after.state)["hash"],
    }
    state["hash"] = event_hash(after.aggregate_id, after.version + 1, topic, state)
    encoded = world.ledger.mapper.transcoder.encode(state)
    return StoredRecord(None, after.aggregate_id, after.version + 1, topic, encoded)


def test_a_forged_event_with_a_self_consistent_hash_is_caught_by_its_key(world: World) -> None:
    script = NXScript(world)
    script.advance_to("close_evidence")
    records = list(LedgerRecords(world.ledger).all())
    last = records[-1]
    intent = new_intent(script.lead.principal_id, "case.close_evidence", script.case_id, last.version, {})
    forged_envelope = sign_intent(SigningKey.generate(), intent).to_json()  # not the lead's key
    topic = "decision-ledger/EvaluationCase/EvidenceClosed/v1"
    forged = appended(world, last, topic, forged_envelope, LedgerRecords(world.ledger).decode(last.state)["timestamp"])
    report = verify(world, records + [forged])
    assert [(b.version, b.kind) for b in report.breaks] == [(last.version + 1, "key")]


def test_a_key_used_after_its_revocation_is_reported(world: World, manual_clock) -> None:
    person = world.person("王强", ["lead_unit"])
    spare = SigningKey.generate()
    world.do(person, "principal.add_key", person.principal_id,
             {"public_key": spare.public_key.jwk, "proof": world.proof(spare, person.principal_id)})
    Signer(person.principal_id, spare).act(
        world.ledger, "principal.revoke_key", person.principal_id, {"keyid": person.key.keyid, "reason": "遗失"}
    )
    records = list(LedgerRecords(world.ledger).all())
    assert verify(world, records).ok
    # The ledger refuses the revoked key at write time; an insider appends such an event by hand.
    manual_clock.advance(timedelta(minutes=1))
    intent = new_intent(person.principal_id, "principal.add_key", person.principal_id,
                        records[-1].version, {"public_key": SigningKey.generate().public_key.jwk})
    extra = appended(world, records[-1], "decision-ledger/Principal/KeyAdded/v1",
                     sign_intent(person.key, intent).to_json(), manual_clock.now())
    report = verify(world, records + [extra])
    assert [(b.kind, "revoked" in b.detail) for b in report.breaks] == [("key", True)]


def test_the_first_event_must_be_the_genesis(world: World, records: list[StoredRecord]) -> None:
    report = verify(world, records[1:])
    assert ("key", records[1].aggregate_id) in {(b.kind, b.aggregate_id) for b in report.breaks}


def test_a_pinned_ledger_key_is_enforced(world: World, records: list[StoredRecord]) -> None:
    assert verify(world, records, trusted_ledger_keyid=world.ledger_key.keyid).ok
    report = verify(world, records, trusted_ledger_keyid=SigningKey.generate().keyid)
    assert report.breaks[0].kind == "key" and report.breaks[0].version == 1


def test_a_key_used_before_it_was_recorded_is_reported(world: World, manual_clock) -> None:
    """The ledger refuses an intent signed before its key was recorded (key-not-active); an
    insider's such event, recorded after the key and within the skew, is a `key` break too."""
    person = world.person("王强", ["lead_unit"])
    manual_clock.advance(timedelta(minutes=1))
    early = new_intent(person.principal_id, "principal.add_key", person.principal_id, 0,
                       {"public_key": SigningKey.generate().public_key.jwk})  # signed now, version unknown yet
    manual_clock.advance(timedelta(minutes=1))
    spare = SigningKey.generate()
    world.do(person, "principal.add_key", person.principal_id,
             {"public_key": spare.public_key.jwk, "proof": world.proof(spare, person.principal_id)})
    records = list(LedgerRecords(world.ledger).all())
    assert verify(world, records).ok
    manual_clock.advance(timedelta(minutes=1))
    intent = replace(early, expected_version=records[-1].version)
    extra = appended(world, records[-1], "decision-ledger/Principal/KeyAdded/v1",
                     sign_intent(spare, intent).to_json(), manual_clock.now())
    report = verify(world, records + [extra])
    assert [(b.version, b.kind, "not valid before" in b.detail) for b in report.breaks] == [
        (records[-1].version + 1, "key", True)]


def _forge(world: World, signer_id: UUID, key: SigningKey, action: str, after: StoredRecord,
           args: dict[str, object], at: datetime) -> StoredRecord:
    """An event an insider appends by hand after ``after`` (same aggregate), signed with ``key``."""
    intent = new_intent(signer_id, action, UUID(after.aggregate_id), after.version, args)
    return appended(world, after, EVENT_OF_ACTION[action], sign_intent(key, intent).to_json(), at)


def test_h3_a_key_one_administrator_planted_signs_nothing_in_verify(world: World, manual_clock) -> None:
    """H3 forced into the store: the administrator adds a key to the inspector (pending: the
    ledger records the proposal) and then writes by hand an event signed with it, even one
    "confirming" it himself. verify names each."""
    inspector = world.person("孔德明", ["discipline_inspector"])
    planted = SigningKey.generate()
    world.do(world.admin, "principal.add_key", inspector.principal_id,
             {"public_key": planted.public_key.jwk, "proof": world.proof(planted, inspector.principal_id)})
    records = list(LedgerRecords(world.ledger).all())
    assert verify(world, records).ok
    manual_clock.advance(timedelta(seconds=10))
    signed_as_him = _forge(world, inspector.principal_id, planted, "principal.revoke_key", records[-1],
                           {"keyid": inspector.key.keyid, "reason": "x"}, manual_clock.now())
    report = verify(world, records + [signed_as_him])
    assert [(b.kind, "pending" in b.detail) for b in report.breaks] == [("key", True)]
    self_confirmed = _forge(world, world.admin.principal_id, world.admin.key, "principal.confirm_key", records[-1],
                            {"keyid": planted.keyid}, manual_clock.now())
    report = verify(world, records + [self_confirmed])
    assert [(b.kind, "dual control" in b.detail) for b in report.breaks] == [("key", True)]


def test_h3_a_key_added_by_one_administrator_alone_fails_verify(world: World, manual_clock) -> None:
    """A store forged by one administrator: a key event written as if the ledger had taken it
    at once (no proof, the old rules) — refused on a ledger whose genesis declares the new ones."""
    inspector = world.person("孔德明", ["discipline_inspector"])
    records = list(LedgerRecords(world.ledger).all())
    manual_clock.advance(timedelta(seconds=10))
    planted = SigningKey.generate()
    forged = _forge(world, world.admin.principal_id, world.admin.key, "principal.add_key", records[-1],
                    {"public_key": planted.public_key.jwk}, manual_clock.now())
    report = verify(world, records + [forged])
    assert [(b.kind, "proof of possession" in b.detail) for b in report.breaks] == [("key", True)]
    assert inspector.principal_id  # the inspector's chain is the one forged


def test_h3_revoking_the_ledger_key_by_hand_fails_verify(world: World, manual_clock) -> None:
    records = list(LedgerRecords(world.ledger).all())
    genesis = next(r for r in records if r.aggregate_id == str(world.genesis.ledger_id))
    manual_clock.advance(timedelta(seconds=10))
    forged = _forge(world, world.admin.principal_id, world.admin.key, "principal.revoke_key", genesis,
                    {"keyid": world.ledger_key.keyid, "reason": "x"}, manual_clock.now())
    report = verify(world, records + [forged])
    assert [(b.kind, "rotate_ledger_key" in b.detail) for b in report.breaks] == [("key", True)]
