"""The log reader's one-statement path gives the roots, proofs and checkpoints the tree defines,
byte for byte, on both stores: against the in-memory RFC 9162 tree and against the per-node
path (one query per stored node), at every size up to 70 and at
random larger ones; and each answer takes one read transaction and a constant number of
statements."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bench.proofs import SYNTHETIC, event_digest, fill, open_log
from domain.evidence.checkpoint import open_checkpoint
from domain.evidence.merkle import (
    Frontier,
    ProofError,
    consistency_path,
    inclusion_path,
    leaf_hash,
    mth,
    root_of,
    verify_consistency,
)
from domain.evidence.signing import SigningKey
from projections.store import ViewRecorder
from projections.tlog import LogError, LogReader
from tests.integration.conftest import Store

ORIGIN = "decision-ledger/test-log-reader"
LEAVES = [leaf_hash(bytes.fromhex(event_digest(i))) for i in range(70)]


class Log:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.views = open_log(store)
        self.frontier = Frontier()
        self.reader = LogReader(self.views, ORIGIN)

    def grow(self, size: int) -> None:
        fill(self.views, self.store, self.frontier, size)


@pytest.fixture
def log(store: Store) -> Iterator[Log]:
    made = Log(store)
    yield made
    made.views.datastore.close()


def per_node(views: ViewRecorder) -> Callable[[int, int], bytes]:
    """The old path: each stored node read by its own query, in its own transaction."""

    def perfect(level: int, index: int) -> bytes:
        with views.reading() as c:
            row = c.execute("SELECT hash FROM {dl_log_nodes} WHERE level = ? AND idx = ?", (level, index)).fetchone()
        if row is None:
            raise LogError(f"the log lacks node {(level, index)}")
        return bytes.fromhex(row["hash"])

    return lambda start, end: mth(start, end, perfect)


def expected_consistency(subtree: Callable[[int, int], bytes], old: int, new: int) -> dict[str, Any]:
    return {
        "old_size": old,
        "new_size": new,
        "old_root": subtree(0, old).hex(),
        "new_root": subtree(0, new).hex(),
        "consistency_path": [p.hex() for p in consistency_path(old, new, subtree)],
    }


def memory(start: int, end: int) -> bytes:
    return root_of(LEAVES[start:end])


@pytest.mark.slow
def test_every_size_up_to_70(log: Log) -> None:
    stored = per_node(log.views)
    key = SigningKey.generate()
    previous: tuple[int, bytes] | None = None
    assert (log.reader.size(), log.reader.tree_size()) == (0, 0)
    for size in range(1, 71):
        log.grow(size)
        reader = log.reader
        assert reader.size() == reader.tree_size() == size
        assert reader.root(size) == root_of(LEAVES[:size]) == stored(0, size)
        note = reader.sign_checkpoint(key)
        checkpoint = open_checkpoint(note, key.public_key, ORIGIN)
        assert (checkpoint.size, checkpoint.root) == (size, root_of(LEAVES[:size]))
        if previous is not None:
            verify_consistency(previous[0], size, previous[1], checkpoint.root,
                               reader.consistency(previous[0], size))
        previous = (size, checkpoint.root)
        paths = [inclusion_path(index, size, memory) for index in range(size)]
        assert [reader.inclusion(index, size) for index in range(size)] == paths
        assert list(reader.inclusions(range(size), size)) == paths
        for index in range(size):
            proof = reader.inclusion_proof(SYNTHETIC, index + 1, size)
            assert proof == {
                "leaf_index": index,
                "tree_size": size,
                "event_hash": event_digest(index),
                "leaf_hash": LEAVES[index].hex(),
                "inclusion_path": [p.hex() for p in paths[index]],
                "checkpoint": note,
            }
        for old in range(size + 1):
            assert reader.consistency(old, size) == consistency_path(old, size, memory)
            assert reader.consistency_proof(old, size) == expected_consistency(memory, old, size)
        assert reader.frontier(size).root() == root_of(LEAVES[:size])
        if size % 17 == 0:  # every range, each call reading its nodes on its own
            sub = reader.subtree_oracle()
            assert [sub(s, e) for s in range(size) for e in range(s, size + 1)] == \
               [memory(s, e) for s in range(size) for e in range(s, size + 1)]


@pytest.mark.slow
def test_random_large_sizes_as_the_per_node_path(log: Log) -> None:
    chosen = random.Random(6962)
    sizes = sorted({1023, 1024, 1025, 4097, *(chosen.randrange(70, 20_000) for _ in range(4)), 65_537})
    key = SigningKey.generate()
    stored = per_node(log.views)
    for size in sizes:
        log.grow(size)
        reader = log.reader
        note = reader.sign_checkpoint(key)  # consistent with the previous checkpoint, or it raises
        assert open_checkpoint(note, key.public_key, ORIGIN).root == log.frontier.root() == stored(0, size)
        assert reader.root(size) == stored(0, size)
        assert reader.frontier(size).root() == log.frontier.root()
        indexes = [0, size - 1, *(chosen.randrange(size) for _ in range(20))]
        paths = [inclusion_path(index, size, stored) for index in indexes]
        assert [reader.inclusion(index, size) for index in indexes] == paths
        assert list(reader.inclusions(indexes, size)) == paths
        for index, path in zip(indexes, paths, strict=True):
            assert reader.inclusion_proof(SYNTHETIC, index + 1)["inclusion_path"] == [p.hex() for p in path]
        for old in [0, 1, size - 1, size, *(chosen.randrange(size) for _ in range(20))]:
            assert reader.consistency_proof(old, size) == expected_consistency(stored, old, size)
            for smaller in (old // 2, old // 3):
                assert reader.consistency(smaller, old) == consistency_path(smaller, old, stored)


def test_refusals_keep_their_messages(log: Log) -> None:
    log.grow(8)
    reader = log.reader
    with pytest.raises(LogError, match=r"^no checkpoint yet: the ledger key is needed to sign one$"):
        reader.inclusion_proof(SYNTHETIC, 1)
    reader.sign_checkpoint(SigningKey.generate())
    with pytest.raises(LogError, match=r"^no checkpoint of size 7$"):
        reader.inclusion_proof(SYNTHETIC, 1, 7)
    with pytest.raises(LogError, match=r"^event .*:9 is not in the log \(run `project`\?\)$"):
        reader.inclusion_proof(SYNTHETIC, 9)
    with pytest.raises(LogError, match=r"^the log holds fewer than 9 leaves$"):
        reader.root(9)
    with pytest.raises(LogError, match=r"^the log holds fewer than 9 leaves$"):
        reader.consistency(3, 9)
    with pytest.raises(LogError, match=r"^the log holds fewer than 9 leaves$"):
        reader.consistency_proof(3, 9)
    with pytest.raises(LogError, match=r"^the log holds fewer than 10 leaves$"):
        reader.consistency_proof(10, 11)
    with pytest.raises(LogError, match=r"^the old size must be between 0 and the new size$"):
        reader.consistency_proof(5, 4)
    with pytest.raises(ProofError, match=r"^no consistency proof from size 5 to size 4$"):
        reader.consistency(5, 4)
    with pytest.raises(ProofError, match=r"^leaf 8 is not in a tree of size 8$"):
        reader.inclusion(8, 8)
    with pytest.raises(ProofError, match=r"^leaf 8 is not in a tree of size 8$"):
        list(reader.inclusions([0, 8], 8))
    # a node gone from the table: the first the proof reads is named, as the per-node path did
    log.store.execute("DELETE FROM dl_log_nodes WHERE (level = 0 AND idx = 5) OR (level = 1 AND idx = 3)")
    for call in (lambda: reader.inclusion(4, 8), lambda: per_node(log.views)(5, 6)):
        with pytest.raises(LogError, match=r"^the log lacks node \(0, 5\)$"):
            call()
    with pytest.raises(LogError, match=r"^the log lacks node \(1, 3\)$"):
        reader.inclusion(5, 8)
    with pytest.raises(LogError, match=r"^the log lacks node \(1, 3\)$"):
        reader.consistency_proof(6, 8)
    assert reader.root(8) == root_of(LEAVES[:8])  # the level-3 node alone covers it
    # leaf rows deleted behind the projection's back: the count says so (verify compares it with
    # the events); the tree's size is still that of the nodes, one past the largest leaf index
    log.store.execute("DELETE FROM dl_log_leaves WHERE leaf_index = 3")
    assert (reader.size(), reader.tree_size()) == (7, 8)


class Counting:
    """The log's views, counting read transactions and statements."""

    def __init__(self, views: ViewRecorder) -> None:
        self.views = views
        self.transactions = 0
        self.statements = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.views, name)

    @contextmanager
    def reading(self) -> Iterator[Any]:
        self.transactions += 1
        outer = self
        with self.views.reading() as cursor:
            execute = cursor.execute

            def counted(*args: Any) -> Any:
                outer.statements += 1
                return execute(*args)

            cursor.execute = counted  # type: ignore[assignment]
            yield cursor


@pytest.mark.parametrize("ask, transactions, statements", [
    (lambda r: r.inclusion_proof(SYNTHETIC, 1234), 1, 3),
    (lambda r: r.inclusion(1234, 5000), 1, 1),
    (lambda r: r.consistency_proof(1234, 4321), 1, 2),
    (lambda r: r.consistency(1234, 4321), 1, 2),
    (lambda r: r.root(4999), 1, 2),
    (lambda r: list(r.inclusions(range(0, 5000, 7), 5000)), 1, 9),  # 715 paths, 3,390 nodes: 400 a statement
])
def test_one_transaction_and_a_few_statements(log: Log, ask: Callable[[LogReader], Any], transactions: int,
                                              statements: int) -> None:
    log.grow(5000)
    log.reader.sign_checkpoint(SigningKey.generate())
    counting = Counting(log.views)
    ask(LogReader(counting, ORIGIN))  # type: ignore[arg-type]
    assert (counting.transactions, counting.statements) == (transactions, statements)


def test_export_reads_paths_as_one(log: Log, tmp_path: Path) -> None:
    """What an evidence bundle asks for: many leaves' paths under one checkpoint."""
    log.grow(3000)
    indexes = sorted(random.Random(1).sample(range(3000), 200))
    counting = Counting(log.views)
    reader = LogReader(counting, ORIGIN)  # type: ignore[arg-type]
    paths = list(reader.inclusions(indexes, 3000))
    assert counting.transactions == 1
    assert paths == [inclusion_path(i, 3000, per_node(log.views)) for i in indexes]
