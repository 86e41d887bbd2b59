"""Checkpoints as C2SP signed notes: exact bytes, signatures, co-signatures, refusals."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.evidence.checkpoint import (
    Checkpoint,
    NoteError,
    SignedNote,
    key_id,
    open_checkpoint,
    parse_verifier_key,
    verifier_key,
)
from domain.evidence.signing import SigningKey

SEED = bytes(range(32))


def fixed_key() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.from_private_bytes(SEED))


def test_checkpoint_bytes_are_the_c2sp_format() -> None:
    key = fixed_key()
    checkpoint = Checkpoint("decision-ledger/test", 20852163, bytes(range(32)))
    note = checkpoint.sign(key).render()
    text = "decision-ledger/test\n20852163\n" + base64.b64encode(bytes(range(32))).decode() + "\n"
    assert note.startswith(text + "\n\u2014 decision-ledger/test ")
    raw = base64.b64decode(note.rsplit(" ", 1)[1])
    expected_id = hashlib.sha256(b"decision-ledger/test\n\x01" + key.public_key.raw).digest()[:4]
    assert raw[:4] == expected_id == key_id("decision-ledger/test", key.public_key)
    assert key.public_key.verify(raw[4:], text.encode())
    assert open_checkpoint(note, key.public_key) == checkpoint


def test_a_witness_cosigns_and_both_verify() -> None:
    ledger, witness = fixed_key(), SigningKey.generate()
    note = Checkpoint("decision-ledger/x", 7, bytes(32)).sign(ledger)
    cosigned = SignedNote.parse(note.render()).signed(witness, "witness.example/justice")
    parsed = SignedNote.parse(cosigned.render())
    parsed.verify("decision-ledger/x", ledger.public_key)
    parsed.verify("witness.example/justice", witness.public_key)
    assert cosigned.render().count("\u2014 ") == 2


@pytest.mark.parametrize(
    "mutate",
    [
        lambda n: n.replace("\n7\n", "\n8\n"),
        lambda n: n.replace("decision-ledger/x\n", "decision-ledger/y\n", 1),
        lambda n: n[:-3] + ("A" if n[-3] != "A" else "B") + n[-2:],
    ],
)
def test_any_change_fails_verification(mutate) -> None:  # type: ignore[no-untyped-def]
    key = fixed_key()
    note = Checkpoint("decision-ledger/x", 7, bytes(32)).sign(key).render()
    with pytest.raises(NoteError):
        open_checkpoint(mutate(note), key.public_key, "decision-ledger/x")


def test_another_key_is_not_accepted() -> None:
    note = Checkpoint("decision-ledger/x", 7, bytes(32)).sign(fixed_key()).render()
    with pytest.raises(NoteError, match="no signature"):
        open_checkpoint(note, SigningKey.generate().public_key)


@pytest.mark.parametrize(
    "note",
    ["x\n1\nAA==\n", "x\n01\n" + base64.b64encode(bytes(32)).decode() + "\n\n\u2014 x AAAAAAA=\n",
     "x\n1\n\u0007\n\n\u2014 x AAAAAAA=\n", "x\n1\nAAAA\n\n- x AAAAAAA=\n"],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteError):
        open_checkpoint(note, fixed_key().public_key, "x")


def test_verifier_keys_round_trip() -> None:
    key = fixed_key()
    text = verifier_key("decision-ledger/x", key.public_key)
    assert text.startswith("decision-ledger/x+" + key_id("decision-ledger/x", key.public_key).hex() + "+")
    assert parse_verifier_key(text) == ("decision-ledger/x", key.public_key)
    with pytest.raises(NoteError):
        parse_verifier_key(text.replace("decision-ledger/x", "other", 1))
