"""The spec-only cosignature verifier (cosignature.py) against what the product writes: a
checkpoint signed by the ledger and cosigned by witnesses (domain.evidence.cosignature), and the
witness's store answering add-checkpoint (api.witness.store). The integration test
(tests/integration/test_witness.py) checks a served ledger's witnessed checkpoint with it too."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from api.witness.store import WitnessStore
from domain.evidence.checkpoint import Checkpoint, verifier_key
from domain.evidence.cosignature import cosign, cosigner_vkey
from domain.evidence.signing import SigningKey
from tests.spec_verifier import cosignature as spec

LOG = SigningKey.generate()
ORIGIN = "decision-ledger/spec"
ROOT = hashlib.sha256(b"\x00" + b"\x01" * 32).digest()


def test_product_cosignatures_verify_under_the_c2sp_text_and_a_changed_byte_does_not() -> None:
    witnesses = [SigningKey.generate() for _ in range(3)]
    note = Checkpoint(ORIGIN, 1, ROOT).sign(LOG).render()
    text = note.split("\n\n")[0] + "\n"
    for n, key in enumerate(witnesses[:2]):
        note += cosign(text, key, f"w{n}.example/w", 1_700_000_000 + n).line()
    vkeys = [cosigner_vkey(f"w{n}.example/w", k.public_key) for n, k in enumerate(witnesses)]
    log = verifier_key(ORIGIN, LOG.public_key)
    found = spec.verify_witnessed(note, log, vkeys, 2)
    assert found.cosigners == {"w0.example/w": 1_700_000_000, "w1.example/w": 1_700_000_001}
    assert (found.origin, found.size, found.root) == (ORIGIN, 1, ROOT)
    with pytest.raises(spec.Refused, match="2 of the witnesses"):
        spec.verify_witnessed(note, log, vkeys, 3)
    line = note.rstrip("\n").split("\n")[-1]
    raw = bytearray(base64.b64decode(line.split(" ")[-1]))
    raw[11] ^= 1  # the timestamp, which the signed message carries
    with pytest.raises(spec.Refused, match="does not verify"):
        spec.verify_witnessed(note.replace(line, line.rsplit(" ", 1)[0] + " " + base64.b64encode(raw).decode()),
                              log, vkeys, 1)


@pytest.mark.parametrize("location", ["w", "w.db"])
def test_a_witness_store_s_answer_is_a_cosignature_the_c2sp_text_accepts(tmp_path: Path, location: str) -> None:
    """A directory store and a SQLite store answer alike."""
    key = SigningKey.generate()
    store = WitnessStore.create(tmp_path / location, "sfj.example/witness", [verifier_key(ORIGIN, LOG.public_key)],
                                cosigner_vkey("sfj.example/witness", key.public_key))
    assert WitnessStore.open(tmp_path / location).stored_vkey() == store.vkey(key)
    note = Checkpoint(ORIGIN, 1, ROOT).sign(LOG).render()
    answer = store.add_checkpoint(f"old 0\n\n{note}".encode(), key, now=1_700_000_123)
    assert answer.status == 200 and answer.body.startswith("\u2014 sfj.example/witness ")
    found = spec.verify_witnessed(note + answer.body, verifier_key(ORIGIN, LOG.public_key), [store.vkey(key)], 1)
    assert found.cosigners == {"sfj.example/witness": 1_700_000_123}
    kept = store.latest_note(hashlib.sha256(ORIGIN.encode()).hexdigest())
    assert kept is not None and spec.verify_witnessed(kept, verifier_key(ORIGIN, LOG.public_key),
                                                      [store.vkey(key)], 1).size == 1
    again = store.add_checkpoint(f"old 0\n\n{note}".encode(), key)
    assert (again.status, again.content_type, again.body) == (409, "text/x.tlog.size", "1\n")
    other = Checkpoint(ORIGIN, 1, hashlib.sha256(b"other").digest()).sign(LOG).render()
    refused = store.add_checkpoint(f"old 1\n\n{other}".encode(), key)
    assert refused.status == 422
    assert [(r["status"], r["request"]) for r in store.refused()] == [(422, f"old 1\n\n{other}")]
    reopened = WitnessStore.open(tmp_path / location)
    assert [r["status"] for r in reopened.refused()] == [422]
    assert reopened.latest_note(hashlib.sha256(ORIGIN.encode()).hexdigest()) == kept
