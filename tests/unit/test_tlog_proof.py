"""C2SP tlog-proof text (docs/spec.md §21.2) and RFC 3161 replies (§21.1), in memory: the C2SP
example parses, a proof renders as C2SP writes it and verifies only for its leaf, index and key;
a reply is read for its bytes and nonce and verified under the TSA certificate given."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import serialization

from domain.evidence.checkpoint import Checkpoint
from domain.evidence.merkle import inclusion_path, leaf_hash, root_of
from domain.evidence.signing import SigningKey
from domain.evidence.timestamps import TimestampError, Trust, read, request, verify
from domain.evidence.tlog_proof import TlogProof, TlogProofError
from tests.tsa_support import Authority

#: c2sp.org/tlog-proof's own example (its signatures are elided there, so only the proof is read)
C2SP_EXAMPLE = """c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

\u2014 example.com/fancylog hI2DJw[...]1roloI=
"""

ORIGIN = "decision-ledger/00000000-0000-4000-8000-000000000000"
EVENTS = [hashlib.sha256(bytes([i])).digest() for i in range(7)]
LEAVES = [leaf_hash(e) for e in EVENTS]


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


def _proof(key: SigningKey, index: int) -> TlogProof:
    note = Checkpoint(ORIGIN, len(LEAVES), root_of(LEAVES)).sign(key).render()
    path = inclusion_path(index, len(LEAVES), lambda start, end: root_of(LEAVES[start:end]))
    return TlogProof(index, tuple(path), note)


def test_the_c2sp_example_parses_and_a_proof_renders_as_it_reads(key: SigningKey) -> None:
    example = TlogProof.parse(C2SP_EXAMPLE)
    assert (example.index, len(example.path), example.extra is not None) == (73894, 5, True)
    assert example.checkpoint.startswith("example.com/fancylog\n109482\n")
    assert example.render() == C2SP_EXAMPLE
    proof = _proof(key, 5)
    text = proof.render()
    lines = text.split("\n")
    assert lines[:2] == ["c2sp.org/tlog-proof@v1", "index 5"] and text.endswith(proof.checkpoint)
    assert TlogProof.parse(text) == proof
    assert proof.verify(LEAVES[5], key.public_key, ORIGIN).size == len(LEAVES)


@pytest.mark.parametrize(("text", "says"), [
    ("c2sp.org/tlog-proof@v1\nindex 1\n", "blank line"),
    ("c2sp.org/tlog-proof@v2\nindex 1\n\nx\n", "first line"),
    ("c2sp.org/tlog-proof@v1\nindex 01\n\nx\n", "leading zeroes"),
    ("c2sp.org/tlog-proof@v1\nindex -1\n\nx\n", "leading zeroes"),
    ("c2sp.org/tlog-proof@v1\n\nx\n", "index"),
    ("c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\nx\n", "32-byte"),
    ("c2sp.org/tlog-proof@v1\nindex 1\nnot base64!\n\nx\n", "base64"),
])
def test_a_malformed_proof_is_refused_saying_why(text: str, says: str) -> None:
    with pytest.raises(TlogProofError, match=says):
        TlogProof.parse(text)


def test_a_proof_verifies_only_for_its_leaf_index_and_key(key: SigningKey) -> None:
    proof = _proof(key, 2)
    with pytest.raises(TlogProofError, match="inclusion proof"):
        proof.verify(LEAVES[3], key.public_key, ORIGIN)
    with pytest.raises(TlogProofError, match="inclusion proof"):
        TlogProof(3, proof.path, proof.checkpoint).verify(LEAVES[2], key.public_key, ORIGIN)
    with pytest.raises(TlogProofError, match="does not verify under the log's key"):
        proof.verify(LEAVES[2], SigningKey.generate().public_key, ORIGIN)
    with pytest.raises(TlogProofError, match="does not verify under the log's key"):
        proof.verify(LEAVES[2], key.public_key, "decision-ledger/another")


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority()


def test_a_reply_is_read_for_its_bytes_and_nonce_and_verified_under_the_tsa(authority: Authority) -> None:
    note = "a checkpoint note\n"
    query, nonce = request(note)
    reply = authority.reply(query)
    assert read(reply, note, nonce).tsa.startswith("CN=测试时间戳机构")
    for trust in (authority.pem(), authority.ca.public_bytes(serialization.Encoding.PEM)):  # chain, or root alone
        assert verify(reply, note, Trust.from_pem(trust)).serial == read(reply, note).serial
    with pytest.raises(TimestampError, match="nonce"):
        read(reply, note, (nonce or 0) + 1)
    with pytest.raises(TimestampError, match="other bytes"):
        read(reply, "another note\n")
    with pytest.raises(TimestampError, match="does not verify under the TSA certificate"):
        verify(reply, note, Trust.from_pem(Authority(name="另一机构").pem()))
    pinned_other = Authority(name="同根异证").certificate.public_bytes(serialization.Encoding.PEM)
    with pytest.raises(TimestampError, match="does not verify"):  # the first certificate pins the signer
        verify(reply, note, Trust.from_pem(pinned_other + authority.ca.public_bytes(serialization.Encoding.PEM)))
    with pytest.raises(TimestampError, match="not a DER TimeStampResp"):
        read(b"\x30\x03\x02\x01\x00", note)
    with pytest.raises(TimestampError, match="PEM"):
        Trust.from_pem(b"not a certificate")
