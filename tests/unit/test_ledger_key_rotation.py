"""Rotating the ledger key under dual control (issue 16 point 2; docs/operations.md, "Rotating
the ledger key"): after the second administrator confirms the next key, the old one signs
nothing, the service signs findings and checkpoints with the new one, and `verify` accepts each
checkpoint under the ledger key active when it was signed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from api.settings import Database
from api.store.opening import open_ledger
from domain import clock
from domain.errors import LedgerKeyMissing
from domain.evidence.bundle_verifier import verify_bundle
from domain.evidence.store import verify_store
from domain.service.records import LedgerRecords
from projections.export import Exporter
from tests.spec_verifier import verifier as spec
from tests.support import NXScript, Projected, World


def test_the_ledger_key_rotates_and_verify_accepts_the_checkpoints_of_each(
        projected: Projected, manual_clock: clock.ManualClock) -> None:
    ledger, world, projector = projected.ledger, projected.world, projected.projector
    nx = NXScript(world)
    nx.advance_to("close_evidence")
    projector.catch_up()
    projector.sign_checkpoint(world.ledger_key)
    ledger_id, old = world.genesis.ledger_id, world.ledger_key
    new = world.propose_ledger_key()
    projector.catch_up()
    projector.sign_checkpoint(old)  # still the ledger's key: the proposal alone changes nothing
    manual_clock.advance(timedelta(seconds=5))
    world.do(world.second_admin, "principal.confirm_key", ledger_id, {"keyid": new.keyid})
    with pytest.raises(LedgerKeyMissing, match="not the ledger's active key"):
        ledger.findings.signer()
    ledger.ledger_key = new  # the operator restarts the service with the new ledger.pem
    key, _ = ledger.findings.signer()
    assert key.keyid == new.keyid
    nx.run_all()
    projector.catch_up()
    projector.sign_checkpoint(new)
    report = verify_store(LedgerRecords(ledger), projector.reader)
    assert report.ok, [str(b) for b in report.breaks]
    assert "3 checkpoints checked against the events" in report.notes
    # a checkpoint of a later tree signed with the retired key is refused
    world.person("新人", ["expert"], "宁夏大学")
    projector.catch_up()
    projector.sign_checkpoint(old)
    report = verify_store(LedgerRecords(ledger), projector.reader)
    assert [b.kind for b in report.breaks] == ["checkpoint"], [str(b) for b in report.breaks]


def test_a_bundle_exported_after_a_rotation_verifies_under_the_confirmed_key(
        projected: Projected, manual_clock: clock.ManualClock) -> None:
    """The bundle holds the ledger principal whole, so its rotation says which key signs the
    checkpoint and the head (spec §13.2.4 and .9); the product's verifier and the one written from
    the spec agree, and a checkpoint signed by the retired key is a `checkpoint` break to both."""
    ledger, world, projector = projected.ledger, projected.world, projected.projector
    nx = NXScript(world)
    nx.advance_to("close_evidence")
    projector.catch_up()
    before = projector.sign_checkpoint(world.ledger_key)
    old, new = world.rotate_ledger_key(manual_clock)
    nx.run_all()
    projector.catch_up()
    projector.sign_checkpoint(new)
    exporter = Exporter(ledger, projector, new)
    bundle = exporter.since(exporter.case(str(nx.case_id)), before)
    report = verify_bundle(bundle, trusted_ledger_keyid=old.keyid, trusted_checkpoint=before)
    assert report.ok, [str(b) for b in report.breaks]
    assert bundle["ledger"]["ledger_keyid"] == old.keyid  # the ledger's identity: its genesis key
    found = spec.verify_bundle(bundle, before, old.keyid)
    assert found["ok"], found["breaks"]

    # the retired key signs a later checkpoint (and head): both verifiers name it
    world.person("新人", ["expert"], "宁夏大学")
    projector.catch_up()
    projector.sign_checkpoint(old)
    stale = Exporter(ledger, projector, old).case(str(nx.case_id))
    report = verify_bundle(stale)
    assert [b.kind for b in report.breaks] == ["checkpoint"], [str(b) for b in report.breaks]
    assert "not the ledger's active key" in report.breaks[0].detail
    assert "rotated at" in report.breaks[0].detail
    found = spec.verify_bundle(stale)
    assert [b["kind"] for b in found["breaks"]] == ["checkpoint"], found["breaks"]


def test_a_timestamp_of_a_checkpoint_signed_before_the_rotation_still_verifies(
        projected: Projected, manual_clock: clock.ManualClock) -> None:
    """A v3 bundle exported after a rotation carries the TSA's token of a checkpoint the retired
    key signed (spec §21.4 step 2 with §13.2.4): it verifies under the key that signed it, as the
    consistency proof's old checkpoint does, and that of a later checkpoint under the new key —
    neither is a `timestamp` break, to the product's verifier or the spec's."""
    from domain.evidence.timestamps import Trust
    from projections.timestamps import TimestampStore
    from tests.tsa_support import Authority

    ledger, world, projector = projected.ledger, projected.world, projected.projector
    tsa = Authority(clock=clock.now)
    nx = NXScript(world)
    nx.advance_to("close_evidence")
    projector.catch_up()
    projector.sign_checkpoint(world.ledger_key)
    stamped = TimestampStore(projector.reader).stamp("test-tsa", tsa.reply)
    assert stamped is not None
    _, new = world.rotate_ledger_key(manual_clock)
    nx.run_all()
    projector.catch_up()
    projector.sign_checkpoint(new)
    later = TimestampStore(projector.reader).stamp("test-tsa", tsa.reply)  # signed by the new key
    assert later is not None
    bundle = Exporter(ledger, projector, new).case(str(nx.case_id))
    assert [s["checkpoint"] for s in bundle["timestamps"]] == [stamped[0].note, later[0].note]
    report = verify_bundle(bundle, tsa_trust=Trust.from_pem(tsa.pem()))
    assert report.ok, [str(b) for b in report.breaks]
    assert sum(n.startswith("timestamp ") for n in report.notes) == 2, report.notes
    found = spec.verify_bundle(bundle, tsa_pem=tsa.pem())
    assert found["ok"], found["breaks"]


def test_the_ledger_key_is_not_rotated_to_an_sm2_key(tmp_path: Path) -> None:
    """Spec §22.1/§22.2: the ledger key stays Ed25519 (an SM2 key only signs beside it): a rotation
    proposing an SM2 key is refused when proposed — two administrators cannot confirm a key the
    service could not sign checkpoints with."""
    from domain.errors import LedgerError
    from domain.evidence.sm2_keys import Sm2SigningKey

    database = Database.parse(f"sqlite:///{tmp_path / 'ledger.db'}")
    ledger = open_ledger(database, create=True)
    world = World(ledger)
    try:
        ledger_id, old = world.genesis.ledger_id, world.ledger_key
        sm2 = Sm2SigningKey.generate()
        with pytest.raises(LedgerError, match="Ed25519"):
            world.do(world.admin, "principal.rotate_ledger_key", ledger_id, {
                "old_keyid": old.keyid, "public_key": sm2.public_key.jwk, "proof": world.proof(sm2, ledger_id)})
    finally:
        ledger.close()
