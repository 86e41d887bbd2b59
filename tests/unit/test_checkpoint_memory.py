"""checkpoint.note, the ledger's memory of its latest signed checkpoint outside the database
(issue 16, point 4): written whole (a new file renamed over the old), mode 0600, and never moved
back to a smaller checkpoint."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
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


def test_signers_remembering_at_once_keep_the_largest_and_never_fail(tmp_path: Path) -> None:
    """The projection worker and a request sign in one process at the same moment (a crash
    recovery run once failed here: both wrote one temporary file and the second rename found
    none)."""
    key = SigningKey.generate()
    memory = CheckpointMemory(tmp_path / "keys")
    notes = [note(key, size) for size in range(1, 65)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: memory.remember(n, notes.index(n) + 1), notes))
    assert memory.read() == notes[-1]
    assert [p.name for p in (tmp_path / "keys").iterdir()] == [MEMORY_FILE]
