"""Witness cosignatures (C2SP tlog-cosignature/v1, type 0x04), the tlog-policy file and the
witness's judgement of add-checkpoint requests (docs/spec.md §20)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from domain.evidence.checkpoint import Checkpoint, NoteError, SignedNote, verifier_key
from domain.evidence.cosignature import (
    cosign,
    cosigner_key_id,
    cosigner_vkey,
    parse_cosigner_vkey,
    verify_cosignature,
    with_cosignatures,
)
from domain.evidence.merkle import consistency_path, leaf_hash, mth
from domain.evidence.signing import SigningKey
from domain.evidence.tlog_policy import PolicyError, parse_policy
from domain.evidence.witness_protocol import (
    EMPTY_ROOT,
    AddCheckpoint,
    WitnessRefusal,
    judge,
    parse_add_checkpoint,
)

LOG = SigningKey.from_pem(SigningKey.generate().to_pem())
WITNESS = SigningKey.generate()
ORIGIN = "decision-ledger/test"
LEAVES = [leaf_hash(bytes([i]) * 32) for i in range(20)]


def root(size: int, leaves: list[bytes] = LEAVES) -> bytes:
    return mth(0, size, lambda level, index: _perfect(leaves, level, index))


def _perfect(leaves: list[bytes], level: int, index: int) -> bytes:
    start = index << level
    if level == 0:
        return leaves[start]
    from domain.evidence.merkle import node_hash

    return node_hash(_perfect(leaves, level - 1, 2 * index), _perfect(leaves, level - 1, 2 * index + 1))


def note(size: int, leaves: list[bytes] = LEAVES) -> str:
    return Checkpoint(ORIGIN, size, root(size, leaves) if size else EMPTY_ROOT).sign(LOG).render()


def proof(old: int, new: int, leaves: list[bytes] = LEAVES) -> tuple[bytes, ...]:
    return tuple(consistency_path(old, new, lambda s, e: mth(s, e, lambda lv, ix: _perfect(leaves, lv, ix))))


def test_a_cosignature_line_is_key_id_timestamp_and_signature_over_the_v1_message() -> None:
    text = Checkpoint(ORIGIN, 5, root(5)).text()
    line = cosign(text, WITNESS, "w.example/w1", 1679315147).line()
    name, encoded = line.removeprefix("\u2014 ").removesuffix("\n").split(" ")
    raw = base64.b64decode(encoded)
    assert name == "w.example/w1" and len(raw) == 4 + 8 + 64
    assert raw[:4] == hashlib.sha256(b"w.example/w1\n\x04" + WITNESS.public_key.raw).digest()[:4]
    assert int.from_bytes(raw[4:12], "big") == 1679315147
    message = b"cosignature/v1\ntime 1679315147\n" + text.encode()
    assert WITNESS.public_key.verify(raw[12:], message)
    signed = SignedNote.parse(note(5) + line)
    assert verify_cosignature(signed, "w.example/w1", WITNESS.public_key).timestamp == 1679315147


def test_a_cosignature_that_does_not_verify_is_refused_and_others_are_ignored() -> None:
    base = note(5)
    line = cosign(SignedNote.parse(base).text, WITNESS, "w.example/w1", 100).line()
    with pytest.raises(NoteError, match="carries no cosignature"):
        verify_cosignature(SignedNote.parse(base), "w.example/w1", WITNESS.public_key)
    other_time = line.replace(line.split(" ")[2], base64.b64encode(
        base64.b64decode(line.split(" ")[2])[:4] + (101).to_bytes(8, "big") + base64.b64decode(line.split(" ")[2])[12:]
    ).decode() + "\n")
    with pytest.raises(NoteError, match="does not verify"):
        verify_cosignature(SignedNote.parse(base + other_time), "w.example/w1", WITNESS.public_key)
    # the ledger's type 0x01 signature with the witness's key id rule differs: not a cosignature
    plain = SignedNote.parse(base).signed(WITNESS, "w.example/w1").render()
    with pytest.raises(NoteError, match="carries no cosignature"):
        verify_cosignature(SignedNote.parse(plain), "w.example/w1", WITNESS.public_key)
    with pytest.raises(NoteError):
        cosign("x\n", WITNESS, "w.example/w1", 0)
    assert with_cosignatures(base, line + line).count("\u2014 w.example/w1 ") == 1


def test_cosigner_vkeys_round_trip_and_refuse_a_log_key() -> None:
    vkey = cosigner_vkey("w.example/w1", WITNESS.public_key)
    assert vkey.split("+")[1] == cosigner_key_id("w.example/w1", WITNESS.public_key).hex()
    assert parse_cosigner_vkey(vkey) == ("w.example/w1", WITNESS.public_key)
    with pytest.raises(NoteError, match="0x04"):
        parse_cosigner_vkey(verifier_key("w.example/w1", WITNESS.public_key))
    with pytest.raises(NoteError, match="does not match"):
        parse_cosigner_vkey(vkey.replace(vkey.split("+")[1], "00000000"))


def test_the_policy_file_and_its_quorum() -> None:
    keys = [SigningKey.generate() for _ in range(4)]
    vkeys = [cosigner_vkey(f"w{i}.example/w", k.public_key) for i, k in enumerate(keys)]
    policy = parse_policy(
        f"# the ledger\nlog {verifier_key(ORIGIN, LOG.public_key)}\n\n"
        f"witness A {vkeys[0]} http://a.example/\nwitness B\t{vkeys[1]}\nwitness C {vkeys[2]}\n"
        "group AB 2 A B\n  group any1 any AB C\nquorum any1\n"
    )
    assert policy.witnesses["A"].url == "http://a.example/" and policy.witnesses["B"].url is None
    assert policy.satisfied(["C"]) and policy.satisfied(["A", "B"]) and not policy.satisfied(["A"])
    assert parse_policy("quorum none\n").satisfied([])
    base = note(3)
    text = SignedNote.parse(base).text
    cosigned = base + cosign(text, keys[0], "w0.example/w", 5).line() + cosign(text, keys[3], "w3.example/w", 5).line()
    assert policy.cosigners(cosigned) == ["A"]
    for bad, what in [("witness A " + vkeys[0] + "\n", "quorum"),
                      (f"witness A {vkeys[0]}\nwitness B {vkeys[0]}\nquorum A\n", "same witness key"),
                      (f"witness A {vkeys[0]}\ngroup G 2 A\nquorum G\n", "threshold"),
                      (f"witness A {vkeys[0]}\ngroup G all A B\nquorum G\n", "earlier lines"),
                      (f"witness A {vkeys[0]}\nquorum A\nquorum A\n", "exactly one"),
                      ("quorum X\n", "defined before"),
                      (f"witness A {verifier_key('a', keys[0].public_key)}\nquorum A\n", "0x04"),
                      ("quorum none\x01\n", "control"), ("frob\nquorum none\n", "line 1")]:
        with pytest.raises(PolicyError, match=what):
            parse_policy(bad)


LOGS = {ORIGIN: [(ORIGIN, LOG.public_key)]}


def status(request: AddCheckpoint, latest: Checkpoint | None) -> int:
    with pytest.raises(WitnessRefusal) as refused:
        judge(request, LOGS, latest)
    return refused.value.status


def test_the_witness_judges_add_checkpoint_as_the_specification_says() -> None:
    first = Checkpoint.from_text(SignedNote.parse(note(8)).text)
    assert judge(AddCheckpoint(0, (), note(8)), LOGS, None) == first
    assert judge(AddCheckpoint(8, proof(8, 13), note(13)), LOGS, first).size == 13
    assert judge(AddCheckpoint(8, (), note(8)), LOGS, first).size == 8
    # 409 with the size as body; 400; 403; 404; 422 (kept as evidence)
    conflict = pytest.raises(WitnessRefusal)
    with conflict as refused:
        judge(AddCheckpoint(0, (), note(13)), LOGS, first)
    assert refused.value.status == 409 and refused.value.body == "8\n"
    assert status(AddCheckpoint(14, (), note(13)), first) == 400
    stranger = SigningKey.generate()
    assert status(AddCheckpoint(0, (), Checkpoint(ORIGIN, 3, root(3)).sign(stranger).render()), None) == 403
    forged = note(3).replace(base64.b64encode(root(3)).decode(), base64.b64encode(root(4)).decode())
    assert status(AddCheckpoint(0, (), forged), None) == 403
    assert status(AddCheckpoint(0, (), Checkpoint("other/log", 3, root(3)).sign(LOG).render()), None) == 404
    rewritten = [*LEAVES[:5], leaf_hash(b"\xff" * 32), *LEAVES[6:]]
    with pytest.raises(WitnessRefusal) as refused:
        judge(AddCheckpoint(8, proof(8, 13, rewritten), note(13, rewritten)), LOGS, first)
    assert refused.value.status == 422 and refused.value.evidence
    assert status(AddCheckpoint(8, (), note(8, rewritten)), first) == 422
    assert status(AddCheckpoint(0, (root(1),), note(8)), None) == 422
    assert status(AddCheckpoint(0, (), Checkpoint(ORIGIN, 0, root(1)).sign(LOG).render()), None) == 422


def test_add_checkpoint_bodies_parse_and_render() -> None:
    request = AddCheckpoint(8, proof(8, 13), note(13))
    assert parse_add_checkpoint(request.render().encode()) == request
    for body in [b"old 08\n\n" + note(8).encode(), b"new 8\n\n", b"old 8\nnot-base64\n\n" + note(8).encode(),
                 b"old 8\n" + note(8).encode().replace(b"\n\n", b"\n"), b"\xff",
                 ("old 1\n" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" * 64 + "\n").encode() + note(8).encode()]:
        with pytest.raises(WitnessRefusal) as refused:
            parse_add_checkpoint(body)
        assert refused.value.status == 400
