"""The witness's store checks a request's old size against its latest and records the new
checkpoint atomically (c2sp.org/tlog-witness: otherwise two requests could roll the record
back), in a directory and in a SQLite file alike."""

from __future__ import annotations

import base64
import hashlib
import threading
from pathlib import Path

import pytest

from api.witness.store import WitnessStore
from domain.evidence.checkpoint import Checkpoint, SignedNote, verifier_key
from domain.evidence.cosignature import cosigner_vkey
from domain.evidence.merkle import consistency_path, leaf_hash, mth, node_hash
from domain.evidence.signing import SigningKey

LOG = SigningKey.generate()
WITNESS = SigningKey.generate()
ORIGIN = "decision-ledger/race"
LEAVES = [leaf_hash(bytes([i]) * 32) for i in range(64)]


def perfect(level: int, index: int) -> bytes:
    if level == 0:
        return LEAVES[index]
    return node_hash(perfect(level - 1, 2 * index), perfect(level - 1, 2 * index + 1))


def request(old: int, new: int) -> bytes:
    proof = consistency_path(old, new, lambda s, e: mth(s, e, perfect)) if old else []
    note = Checkpoint(ORIGIN, new, mth(0, new, perfect)).sign(LOG).render()
    return ("\n".join([f"old {old}", *(base64.b64encode(p).decode() for p in proof)]) + "\n\n" + note).encode()


@pytest.mark.parametrize("location", ["store", "store.db"])
def test_racing_requests_from_one_old_size_cosign_one_and_never_roll_back(tmp_path: Path, location: str) -> None:
    store = WitnessStore.create(tmp_path / location, "w.example/w", [verifier_key(ORIGIN, LOG.public_key)],
                                cosigner_vkey("w.example/w", WITNESS.public_key))
    assert store.add_checkpoint(request(0, 8), WITNESS).status == 200
    sizes = list(range(9, 41))
    answers: dict[int, int] = {}
    start = threading.Barrier(len(sizes))

    def submit(size: int) -> None:
        start.wait()
        answers[size] = WitnessStore.open(tmp_path / location).add_checkpoint(request(8, size), WITNESS).status

    threads = [threading.Thread(target=submit, args=(size,)) for size in sizes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [size for size, status in answers.items() if status == 200]
    assert len(won) == 1 and sorted(answers.values()) == [200] + [409] * (len(sizes) - 1)
    latest = store.latest_note(hashlib.sha256(ORIGIN.encode()).hexdigest())
    assert latest is not None and SignedNote.parse(latest).text.split("\n")[1] == str(won[0])
