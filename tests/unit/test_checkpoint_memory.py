"""checkpoint.note, the ledger's memory of its latest signed checkpoint outside the database
(issue 16, point 4): written whole (a new file renamed over the old), mode 0600, and never moved
back to a smaller checkpoint."""

from __future__ import annotations

import stat
from pathlib import Path

from domain.evidence.checkpoint import Checkpoint
from domain.evidence.signing import SigningKey
from projections.signed import MEMORY_FILE, CheckpointMemory


def note(key: SigningKey, size: int) -> str:
    return Checkpoint("decision-ledger/test", size, bytes([size]) * 32).sign(key).render()


def test_the_memory_is_written_whole_0600_and_never_moves_back(tmp_path: Path) -> None:
    key = SigningKey.generate()
    memory = CheckpointMemory(tmp_path / "keys")
    assert memory.read() is None
    memory.remember(note(key, 5), 5)
    path = tmp_path / "keys" / MEMORY_FILE
    assert memory.read() == note(key, 5)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    memory.remember(note(key, 3), 3)  # an older checkpoint never replaces a newer one
    assert memory.read() == note(key, 5)
    memory.remember(note(key, 9), 9)
    assert memory.read() == note(key, 9)
    assert [p.name for p in path.parent.iterdir()] == [MEMORY_FILE]  # no temporary file left behind
