"""The ledger's side of witnessing (api/witness/submitter.py, spec §20.4): a witness speaks for
itself alone. A line a witness answers under another witness's name — garbage or a replay — must
neither count for that other witness nor spoil the quorum the honest witnesses make."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.witness import submitter
from api.witness.submitter import Witnessing
from domain.evidence.checkpoint import Checkpoint, NoteSignature, SignedNote, verifier_key
from domain.evidence.cosignature import cosign, cosigner_key_id, cosigner_vkey
from domain.evidence.signing import SigningKey
from domain.evidence.tlog_policy import parse_policy

LOG = SigningKey.generate()
ORIGIN = "decision-ledger/submitter"
HONEST, ROGUE = SigningKey.generate(), SigningKey.generate()
NAMES = {"honest": "honest.example/w", "rogue": "rogue.example/w"}


def _witnessing(tmp_path: Path, quorum: str) -> Witnessing:
    policy = parse_policy(
        f"log {verifier_key(ORIGIN, LOG.public_key)}\n"
        f"witness H {cosigner_vkey(NAMES['honest'], HONEST.public_key)} http://honest.example/\n"
        f"witness R {cosigner_vkey(NAMES['rogue'], ROGUE.public_key)} http://rogue.example/\n"
        f"{quorum}\n")
    return Witnessing(policy, tmp_path)


@pytest.mark.parametrize("quorum", ["quorum H", "group one any H R\nquorum one"])
def test_a_witness_cannot_spoil_another_s_cosignature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       quorum: str) -> None:
    note = Checkpoint(ORIGIN, 3, bytes(32)).sign(LOG).render()
    text = SignedNote.parse(note).text
    honest_line = cosign(text, HONEST, NAMES["honest"], 1_700_000_000).line()
    forged = NoteSignature(NAMES["honest"], cosigner_key_id(NAMES["honest"], HONEST.public_key),
                           (1).to_bytes(8, "big") + bytes(64)).line()  # under H's name and key id

    def post(url: str, body: bytes) -> tuple[int, str]:
        if url.startswith("http://honest.example"):
            return 200, honest_line
        return 200, cosign(text, ROGUE, NAMES["rogue"], 1_700_000_000).line() + forged

    monkeypatch.setattr(submitter, "post", post)
    witnessing = _witnessing(tmp_path, quorum)
    assert witnessing.round((3, note), lambda old, new: [])
    published = witnessing.published()
    assert published is not None and honest_line in published and forged not in published
    assert witnessing.policy.cosigners(published) == ["H", "R"]
