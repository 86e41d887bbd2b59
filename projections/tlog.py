"""The transparency log: an RFC 9162 Merkle tree over every event's hash, in notification
order, with checkpoints signed by the ledger key.

Leaf *i* is the *i*-th stored event: leaf hash = SHA-256(0x00 ‖ the event's 32-byte hash).
The store keeps every perfect subtree (level, index) as it completes — about two nodes per leaf
— so any root, inclusion proof or consistency proof needs O(log n) stored nodes, never a rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain import clock
from domain.checkpoint import Checkpoint, SignedNote, open_checkpoint
from domain.merkle import (
    Frontier,
    consistency_path,
    inclusion_path,
    leaf_hash,
    mth,
    verify_consistency,
)
from domain.signing import PublicKey, SigningKey
from projections.store import (
    PostgresViews,
    SQLiteViews,
    ViewCursor,
    ViewRecorder,
    Views,
    ViewTables,
    process_unless_tracked,
)


class LogTables(ViewTables):
    TABLES: ClassVar[dict[str, str]] = {
        "dl_log_leaves": (
            "leaf_index BIGINT PRIMARY KEY, notification_id BIGINT NOT NULL UNIQUE, "
            "aggregate_id TEXT NOT NULL, version INTEGER NOT NULL, event_hash TEXT NOT NULL"
        ),
        "dl_log_nodes": "level INTEGER NOT NULL, idx BIGINT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (level, idx)",
        "dl_log_checkpoints": (
            "tree_size BIGINT PRIMARY KEY, root TEXT NOT NULL, note TEXT NOT NULL, signed_at TEXT NOT NULL"
        ),
    }
    INDEXES: ClassVar[list[tuple[str, str, str]]] = [
        ("dl_log_leaves_event", "dl_log_leaves", "aggregate_id, version"),
    ]
    KEEP: ClassVar[frozenset[str]] = frozenset({"dl_log_checkpoints"})


class SQLiteLog(LogTables, SQLiteViews):
    PREFIX = "dl_log"


class PostgresLog(LogTables, PostgresViews):
    pass


class TransparencyLog(Projection[ViewRecorder]):
    """Appends each event's hash to the tree (name: ``dl_log``)."""

    name = "dl_log"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """One event (the library's runner calls this); one another processor applied is
        skipped."""
        process_unless_tracked(self.view, self.process_batch, domain_event, tracking)

    def process_batch(self, items: Sequence[tuple[DomainEventProtocol[UUID], Tracking]]) -> None:
        if not items:
            return
        with self.view.writing() as cursor:
            self.view.track(cursor, items[-1][1])  # first: takes the write lock
            frontier = load_frontier(cursor)
            leaves: list[tuple[int, int, str, int, str]] = []
            nodes: list[tuple[int, int, str]] = []
            for event, tracking in items:
                digest: str = event.hash  # type: ignore[attr-defined]
                leaves.append((frontier.size, tracking.notification_id, str(event.originator_id),
                               event.originator_version, digest))
                nodes.extend((lv, ix, h.hex()) for lv, ix, h in frontier.append(leaf_hash(bytes.fromhex(digest))))
            cursor.insert_rows("dl_log_leaves", leaves)
            cursor.insert_rows("dl_log_nodes", nodes)


def load_frontier(cursor: ViewCursor) -> Frontier:
    row = cursor.execute("SELECT COUNT(*) AS n FROM {dl_log_leaves}").fetchone()
    size = int(row["n"]) if row else 0
    edge = []
    for level, index in Frontier.levels(size):
        node = cursor.execute(
            "SELECT hash FROM {dl_log_nodes} WHERE level = ? AND idx = ?", (level, index)
        ).fetchone()
        if node is None:
            raise LogError(f"the log lacks its node ({level}, {index}): rebuild it")
        edge.append((level, bytes.fromhex(node["hash"])))
    return Frontier(size, edge)


class LogError(RuntimeError):
    """The log cannot answer (not built, or asked about what it does not hold)."""


@dataclass(frozen=True)
class LeafEntry:
    leaf_index: int
    notification_id: int
    aggregate_id: str
    version: int
    event_hash: str


class LogReader:
    """Roots, proofs and checkpoints from the stored tree."""

    def __init__(self, views: Views, origin: str) -> None:
        self.views = views
        self.origin = origin

    def size(self) -> int:
        with self.views.reading() as c:
            row = c.execute("SELECT COUNT(*) AS n FROM {dl_log_leaves}").fetchone()
        return int(row["n"]) if row else 0

    def leaf(self, aggregate_id: str, version: int) -> LeafEntry:
        with self.views.reading() as c:
            row = c.execute(
                "SELECT * FROM {dl_log_leaves} WHERE aggregate_id = ? AND version = ?", (aggregate_id, version)
            ).fetchone()
        if row is None:
            raise LogError(f"event {aggregate_id}:{version} is not in the log (run `project`?)")
        return LeafEntry(**row)

    def leaves(self, start: int = 0, stop: int | None = None) -> list[LeafEntry]:
        with self.views.reading() as c:
            rows = c.execute(
                "SELECT * FROM {dl_log_leaves} WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
                (start, stop if stop is not None else 2**62),
            ).fetchall()
        return [LeafEntry(**row) for row in rows]

    def subtree_oracle(self) -> Any:
        """MTH of [start, end) from stored perfect nodes, memoised for one proof."""
        memo: dict[tuple[int, int], bytes] = {}

        def perfect(level: int, index: int) -> bytes:
            key = (level, index)
            if key not in memo:
                with self.views.reading() as c:
                    row = c.execute(
                        "SELECT hash FROM {dl_log_nodes} WHERE level = ? AND idx = ?", key
                    ).fetchone()
                if row is None:
                    raise LogError(f"the log lacks node {key}")
                memo[key] = bytes.fromhex(row["hash"])
            return memo[key]

        return lambda start, end: mth(start, end, perfect)

    def root(self, size: int) -> bytes:
        if size > self.size():
            raise LogError(f"the log holds fewer than {size} leaves")
        return self.subtree_oracle()(0, size)  # type: ignore[no-any-return]

    def inclusion(self, leaf_index: int, size: int) -> list[bytes]:
        return inclusion_path(leaf_index, size, self.subtree_oracle())

    def consistency(self, old: int, new: int) -> list[bytes]:
        if new > self.size():
            raise LogError(f"the log holds fewer than {new} leaves")
        return consistency_path(old, new, self.subtree_oracle())

    def inclusion_proof(self, aggregate_id: str, version: int, size: int | None = None) -> dict[str, Any]:
        """An event's RFC 9162 inclusion proof under a signed checkpoint (the latest, or the one
        of ``size``): ``leaf_index``, ``tree_size``, ``event_hash``, ``leaf_hash``,
        ``inclusion_path`` (lowercase hex, from the leaf up) and the ``checkpoint`` note."""
        if size is None:
            latest = self.latest_checkpoint()
            if latest is None:
                raise LogError("no checkpoint yet: the ledger key is needed to sign one")
            size, note = latest
        else:
            found = self.checkpoint_at(size)
            if found is None:
                raise LogError(f"no checkpoint of size {size}")
            note = found
        leaf = self.leaf(aggregate_id, version)
        if leaf.leaf_index >= size:
            raise LogError(f"event {aggregate_id}:{version} is newer than the checkpoint of size {size}")
        return {
            "leaf_index": leaf.leaf_index,
            "tree_size": size,
            "event_hash": leaf.event_hash,
            "leaf_hash": leaf_hash(bytes.fromhex(leaf.event_hash)).hex(),
            "inclusion_path": [p.hex() for p in self.inclusion(leaf.leaf_index, size)],
            "checkpoint": note,
        }

    def consistency_proof(self, old: int, new: int) -> dict[str, Any]:
        """RFC 9162 consistency proof that the tree of size ``new`` extends that of ``old``."""
        if not 0 <= old <= new:
            raise LogError("the old size must be between 0 and the new size")
        return {
            "old_size": old,
            "new_size": new,
            "old_root": self.root(old).hex(),
            "new_root": self.root(new).hex(),
            "consistency_path": [p.hex() for p in self.consistency(old, new)],
        }

    # --- checkpoints ---------------------------------------------------------------------

    def latest_checkpoint(self) -> tuple[int, str] | None:
        with self.views.reading() as c:
            row = c.execute(
                "SELECT tree_size, note FROM {dl_log_checkpoints} ORDER BY tree_size DESC LIMIT 1"
            ).fetchone()
        return (int(row["tree_size"]), row["note"]) if row else None

    def checkpoints(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Signed checkpoints, newest first: ``tree_size``, ``root`` (hex), ``signed_at``, ``note``."""
        with self.views.reading() as c:
            rows = c.execute(
                "SELECT * FROM {dl_log_checkpoints} ORDER BY tree_size DESC LIMIT ? OFFSET ?", (limit, offset)
            ).fetchall()
        return [dict(row) for row in rows]

    def checkpoint_at(self, size: int) -> str | None:
        with self.views.reading() as c:
            row = c.execute("SELECT note FROM {dl_log_checkpoints} WHERE tree_size = ?", (size,)).fetchone()
        return row["note"] if row else None

    def sign_checkpoint(self, key: SigningKey) -> str:
        """Sign the tree as it stands, unless its latest checkpoint already covers it. A log
        never signs two inconsistent checkpoints: the new root must extend the last one."""
        size = self.size()
        latest = self.latest_checkpoint()
        if latest is not None and latest[0] == size:
            return latest[1]
        root = self.root(size)
        if latest is not None:
            previous = open_checkpoint(latest[1], key.public_key, self.origin)
            verify_consistency(previous.size, size, previous.root, root, self.consistency(previous.size, size))
        note = Checkpoint(self.origin, size, root).sign(key).render()
        with self.views.writing() as c:  # another signer may have got there first: keep theirs
            c.execute(
                "INSERT INTO {dl_log_checkpoints} VALUES (?,?,?,?) ON CONFLICT (tree_size) DO NOTHING",
                (size, root.hex(), note, clock.format_time(clock.now())),
            )
        return self.checkpoint_at(size) or note

    def cosign(self, size: int, key: SigningKey, name: str, ledger_key: PublicKey) -> str:
        """A witness adds its signature to a checkpoint whose ledger signature verifies."""
        note = self.checkpoint_at(size)
        if note is None:
            raise LogError(f"no checkpoint of size {size}")
        open_checkpoint(note, ledger_key, self.origin)
        cosigned = SignedNote.parse(note).signed(key, name).render()
        with self.views.writing() as c:
            c.execute("UPDATE {dl_log_checkpoints} SET note = ? WHERE tree_size = ?", (cosigned, size))
        return cosigned

