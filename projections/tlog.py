"""The transparency log: an RFC 9162 Merkle tree over every event's hash, in notification
order, with checkpoints signed by the ledger key.

Leaf *i* is the *i*-th stored event: leaf hash = SHA-256(0x00 ‖ the event's 32-byte hash).
The store keeps every perfect subtree (level, index) as it completes — about two nodes per leaf
— so any root, inclusion proof or consistency proof needs O(log n) stored nodes, never a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import Projection

from domain import clock
from domain.evidence import sm2_note  # issue 20 — sm2
from domain.evidence.checkpoint import Checkpoint, SignedNote, open_checkpoint
from domain.evidence.merkle import (
    Frontier,
    consistency_path,
    inclusion_path,
    leaf_hash,
    mth,
    nodes_read,
    perfect_cover,
)
from domain.evidence.signing import PublicKey, SigningKey
from domain.evidence.store import LeafEntry, LogUnavailable
from domain.evidence.times import format_time
from projections.signed import (
    SIGNED,
    CheckpointMemory,
    opened,
    postgres_append_only,
    refusal,
    sqlite_append_only,
)
from projections.store import (
    PostgresViews,
    SQLiteViews,
    ViewCursor,
    ViewRecorder,
    Views,
    ViewTables,
    process_unless_tracked,
)
from projections.timestamps import TIMESTAMP_COLUMNS, TIMESTAMPS


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
        # every checkpoint the ledger signed, append-only (triggers refuse UPDATE, DELETE and
        # TRUNCATE): what `verify` holds the log and the checkpoints above to (issue 16, point 4)
        "dl_log_signed": (
            "tree_size BIGINT PRIMARY KEY, root TEXT NOT NULL, note TEXT NOT NULL, signed_at TEXT NOT NULL"
        ),
        # issue 20 — stamps: RFC 3161 replies over signed checkpoints, append-only like dl_log_signed
        TIMESTAMPS: TIMESTAMP_COLUMNS,
    }
    INDEXES: ClassVar[list[tuple[str, str, str]]] = [
        ("dl_log_leaves_event", "dl_log_leaves", "aggregate_id, version"),
    ]
    KEEP: ClassVar[frozenset[str]] = frozenset({"dl_log_checkpoints", SIGNED, TIMESTAMPS})


class SQLiteLog(LogTables, SQLiteViews):
    PREFIX = "dl_log"

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *sqlite_append_only(SIGNED),
                *sqlite_append_only(TIMESTAMPS)]


class PostgresLog(LogTables, PostgresViews):
    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(postgres_append_only(self.datastore.schema, SIGNED))
        self.sql_create_statements.extend(postgres_append_only(self.datastore.schema, TIMESTAMPS))


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
        before = self.view.max_tracking_id(items[0][1].application_name) or 0
        with self.view.writing() as cursor:
            self.view.track(cursor, items[-1][1])  # first: takes the write lock
            row = cursor.execute(
                "SELECT notification_id FROM {dl_log_leaves} ORDER BY leaf_index DESC LIMIT 1"
            ).fetchone()
            last = int(row["notification_id"]) if row else 0
            if before > last:
                # the tracking row was moved past the log's last leaf (M3): appending now would
                # skip events, and a checkpoint signed over that tree could never be repaired.
                # (The projection commits its tracking and its leaves together: untouched, the
                # tracking read before this batch is never past the last leaf.)
                raise LogError(
                    f"the log's tracking position ({before}) is past its last leaf's notification ({last}): "
                    "the tracking row was changed behind its back; run `decision-ledger rebuild` / "
                    "透明日志的处理位置被改动，请运行 decision-ledger rebuild 重建"
                )
            if items[0][1].notification_id <= last:
                # another processor applied these first (its tracking is then at or past them),
                # or the tracking row was moved back; either way nothing is appended twice
                raise IntegrityError(f"notification {items[0][1].notification_id} is already in the log")
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


class LogError(LogUnavailable):
    """The log cannot answer (not built, or asked about what it does not hold)."""


def _check_held(held: int, size: int) -> None:
    if size > held:
        raise LogError(f"the log holds fewer than {size} leaves")


def inclusion_nodes(index: int, size: int) -> list[tuple[int, int]]:
    """The stored nodes (level, idx) PATH(index, D[size]) reads."""
    return nodes_read(lambda subtree: inclusion_path(index, size, subtree))


def consistency_nodes(old: int, new: int) -> list[tuple[int, int]]:
    """The stored nodes (level, idx) PROOF(old, D[new]) reads."""
    return nodes_read(lambda subtree: consistency_path(old, new, subtree))


#: (level, idx) pairs asked for in one statement (SQLite's oldest limit is 999 parameters)
NODES_PER_QUERY = 400


def stored_nodes(cursor: ViewCursor, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The stored hashes (hex) of these perfect nodes, ``(level, index)``, that the log holds."""
    found: dict[tuple[int, int], str] = {}
    for at in range(0, len(keys), NODES_PER_QUERY):
        chunk = keys[at:at + NODES_PER_QUERY]
        values = ", ".join(["(?, ?)"] * len(chunk))
        # a join from the keys, so that both stores look each one up in the primary key
        # (SQLite scans the table for ``(level, idx) IN (VALUES …)``)
        rows = cursor.execute(
            f"WITH wanted (level, idx) AS (VALUES {values}) SELECT n.level, n.idx, n.hash "
            "FROM wanted JOIN {dl_log_nodes} n ON n.level = wanted.level AND n.idx = wanted.idx",
            [v for key in chunk for v in key],
        ).fetchall()
        found.update({(int(r["level"]), int(r["idx"])): r["hash"] for r in rows})
    return found


class ProofNodes:
    """Stored perfect nodes fetched for a computation, by key: :meth:`load` reads many in one
    statement; :meth:`perfect` answers from them, reading a node not loaded on its own (so a
    proof is right whatever was loaded; loading only makes it fast)."""

    def __init__(self, views: Views) -> None:
        self.views = views
        self.found: dict[tuple[int, int], bytes] = {}
        self.absent: set[tuple[int, int]] = set()

    def load(self, cursor: ViewCursor, keys: Iterable[tuple[int, int]]) -> None:
        wanted = [k for k in dict.fromkeys(keys) if k not in self.found and k not in self.absent]
        self.found.update({key: bytes.fromhex(digest) for key, digest in stored_nodes(cursor, wanted).items()})
        self.absent.update(k for k in wanted if k not in self.found)

    def perfect(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self.found and key not in self.absent:
            with self.views.reading() as c:
                self.load(c, [key])
        if key in self.absent:
            raise LogError(f"the log lacks node {key}")
        return self.found[key]

    def subtree(self, start: int, end: int) -> bytes:
        """MTH of the leaves [start, end)."""
        return mth(start, end, self.perfect)


class LogReader:
    """Roots, proofs and checkpoints from the stored tree. Each answer reads the nodes it needs
    — O(log n) of them — in one statement, in one read transaction."""

    def __init__(self, views: Views, origin: str) -> None:
        self.views = views
        self.origin = origin

    def size(self) -> int:
        """The rows of the leaf table, counted (what verification compares with the events)."""
        with self.views.reading() as c:
            row = c.execute("SELECT COUNT(*) AS n FROM {dl_log_leaves}").fetchone()
        return int(row["n"]) if row else 0

    def tree_size(self) -> int:
        """The size of the tree: one past the largest leaf index — an index lookup, where
        :meth:`size` counts a million rows. The projection writes leaf *i* when the log holds
        *i* leaves, under its write lock, so the indexes are 0 … n-1 and the two agree unless
        someone deleted leaf rows behind its back (which ``verify`` reports). Zero exactly
        when :meth:`size` is. Roots, proofs and checkpoints are bounded by it."""
        with self.views.reading() as c:
            return self._tree_size(c)

    @staticmethod
    def _tree_size(c: ViewCursor) -> int:
        row = c.execute("SELECT MAX(leaf_index) AS n FROM {dl_log_leaves}").fetchone()
        return int(row["n"]) + 1 if row and row["n"] is not None else 0

    def leaf(self, aggregate_id: str, version: int) -> LeafEntry:
        with self.views.reading() as c:
            return self._leaf(c, aggregate_id, version)

    @staticmethod
    def _leaf(c: ViewCursor, aggregate_id: str, version: int) -> LeafEntry:
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

    def nodes(self) -> ProofNodes:
        return ProofNodes(self.views)

    def subtree_oracle(self) -> Any:
        """MTH of [start, end) from stored perfect nodes, memoised; each call reads the nodes it
        lacks in one statement."""
        nodes = self.nodes()

        def subtree(start: int, end: int) -> bytes:
            with self.views.reading() as c:
                nodes.load(c, perfect_cover(start, end))
            return nodes.subtree(start, end)

        return subtree

    def frontier(self, size: int) -> Frontier:
        """The perfect subtrees covering [0, size) (what appending to the tree of ``size``
        needs), read in one statement."""
        nodes = self.nodes()
        levels = Frontier.levels(size)
        with self.views.reading() as c:
            nodes.load(c, levels)
        return Frontier(size, [(level, nodes.perfect(level, index)) for level, index in levels])

    def root(self, size: int) -> bytes:
        nodes = self.nodes()
        with self.views.reading() as c:
            _check_held(self._tree_size(c), size)
            nodes.load(c, perfect_cover(0, size))
        return nodes.subtree(0, size)

    def inclusion(self, leaf_index: int, size: int) -> list[bytes]:
        nodes = self.nodes()
        with self.views.reading() as c:
            nodes.load(c, inclusion_nodes(leaf_index, size) if 0 <= leaf_index < size else [])
        return inclusion_path(leaf_index, size, nodes.subtree)

    def inclusions(self, indexes: Sequence[int], size: int) -> Iterator[list[bytes]]:
        """The inclusion path of each leaf index in the tree of ``size``, in order; the nodes of
        them all are read at the first, in one transaction (a statement per 400 nodes)."""
        nodes = self.nodes()
        wanted: list[tuple[int, int]] = []
        for index in indexes:
            if 0 <= index < size:  # any other index fails in its turn, as it would alone
                wanted += inclusion_nodes(index, size)
        with self.views.reading() as c:
            nodes.load(c, wanted)
        for index in indexes:
            yield inclusion_path(index, size, nodes.subtree)

    def consistency(self, old: int, new: int) -> list[bytes]:
        nodes = self.nodes()
        with self.views.reading() as c:
            _check_held(self._tree_size(c), new)
            nodes.load(c, consistency_nodes(old, new) if 0 <= old <= new else [])
        return consistency_path(old, new, nodes.subtree)

    def inclusion_proof(self, aggregate_id: str, version: int, size: int | None = None) -> dict[str, Any]:
        """An event's RFC 9162 inclusion proof under a signed checkpoint (the latest, or the one
        of ``size``): ``leaf_index``, ``tree_size``, ``event_hash``, ``leaf_hash``,
        ``inclusion_path`` (lowercase hex, from the leaf up) and the ``checkpoint`` note."""
        nodes = self.nodes()
        with self.views.reading() as c:
            if size is None:
                latest = self._latest_checkpoint(c)
                if latest is None:
                    raise LogError("no checkpoint yet: the ledger key is needed to sign one")
                size, note = latest
            else:
                found = self._checkpoint_at(c, size)
                if found is None:
                    raise LogError(f"no checkpoint of size {size}")
                note = found
            leaf = self._leaf(c, aggregate_id, version)
            if leaf.leaf_index >= size:
                raise LogError(f"event {aggregate_id}:{version} is newer than the checkpoint of size {size}")
            nodes.load(c, inclusion_nodes(leaf.leaf_index, size))
        return {
            "leaf_index": leaf.leaf_index,
            "tree_size": size,
            "event_hash": leaf.event_hash,
            "leaf_hash": leaf_hash(bytes.fromhex(leaf.event_hash)).hex(),
            "inclusion_path": [p.hex() for p in inclusion_path(leaf.leaf_index, size, nodes.subtree)],
            "checkpoint": note,
        }

    def consistency_proof(self, old: int, new: int) -> dict[str, Any]:
        """RFC 9162 consistency proof that the tree of size ``new`` extends that of ``old``."""
        if not 0 <= old <= new:
            raise LogError("the old size must be between 0 and the new size")
        nodes = self.nodes()
        with self.views.reading() as c:
            held = self._tree_size(c)
            nodes.load(c, [*perfect_cover(0, old), *perfect_cover(0, new), *consistency_nodes(old, new)])
        # the checks in the order the roots and the path are asked for
        _check_held(held, old)
        old_root = nodes.subtree(0, old)
        _check_held(held, new)
        return {
            "old_size": old,
            "new_size": new,
            "old_root": old_root.hex(),
            "new_root": nodes.subtree(0, new).hex(),
            "consistency_path": [p.hex() for p in consistency_path(old, new, nodes.subtree)],
        }

    # --- checkpoints ---------------------------------------------------------------------

    def stored_checkpoints(self) -> dict[int, str]:
        """Every stored checkpoint note, by tree size."""
        with self.views.reading() as c:
            return {int(row["tree_size"]): row["note"]
                    for row in c.execute("SELECT tree_size, note FROM {dl_log_checkpoints}").fetchall()}

    def latest_checkpoint(self) -> tuple[int, str] | None:
        with self.views.reading() as c:
            return self._latest_checkpoint(c)

    @staticmethod
    def _latest_checkpoint(c: ViewCursor) -> tuple[int, str] | None:
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
            return self._checkpoint_at(c, size)

    @staticmethod
    def _checkpoint_at(c: ViewCursor, size: int) -> str | None:
        row = c.execute("SELECT note FROM {dl_log_checkpoints} WHERE tree_size = ?", (size,)).fetchone()
        return row["note"] if row else None

    def sign_checkpoint(self, key: SigningKey, memory: CheckpointMemory | None = None,
                        ledger_keys: Sequence[PublicKey] = ()) -> str:
        """Sign the tree as it stands, unless its latest checkpoint already covers it. A log
        never signs a checkpoint inconsistent with one signed before: the tree must reproduce the
        root of the latest checkpoint stored, of the latest in ``dl_log_signed`` and of the one
        ``memory`` (``checkpoint.note`` beside the key) holds, at their sizes
        (:class:`~projections.signed.CheckpointRefused` otherwise). The note signed is added to
        ``dl_log_signed`` and to ``memory``. A remembered checkpoint may be signed by ``key`` or by
        another of the ledger's keys (``ledger_keys``: one signed before a rotation of the ledger
        key under dual control, docs/authority.md)."""
        remembered_note = memory.read() if memory is not None else None
        nodes = self.nodes()
        with self.views.reading() as c:
            size = self._tree_size(c)
            latest = self._latest_checkpoint(c)
            signed = c.execute(f"SELECT tree_size, note FROM {{{SIGNED}}} ORDER BY tree_size DESC LIMIT 1").fetchone()
            sources = [(latest[1] if latest else None, "dl_log_checkpoints"),
                       (signed["note"] if signed else None, SIGNED),
                       (remembered_note, str(memory.path) if memory is not None else "")]
            remembered = [(opened(note, where, [key.public_key, *ledger_keys], self.origin), where)
                          for note, where in sources if note is not None]
            nodes.load(c, [*perfect_cover(0, size),
                           *(k for r, _ in remembered if r.size <= size for k in perfect_cover(0, r.size))])
        for checkpoint, where in remembered:
            if checkpoint.size > size or nodes.subtree(0, checkpoint.size) != checkpoint.root:
                raise refusal(where, checkpoint, size)
        if latest is not None and latest[0] == size:
            note = latest[1]
        else:
            root = nodes.subtree(0, size)
            signed_note = Checkpoint(self.origin, size, root).sign(key)
            if (sm2_key := sm2_note.companion(key)) is not None:  # issue 20 — sm2: its line beside (§22.2)
                signed_note = sm2_note.signed(signed_note, sm2_key, self.origin)
            note = signed_note.render()
            with self.views.writing() as c:  # another signer may have got there first: keep theirs
                c.execute(
                    "INSERT INTO {dl_log_checkpoints} VALUES (?,?,?,?) ON CONFLICT (tree_size) DO NOTHING",
                    (size, root.hex(), note, format_time(clock.now())),
                )
            note = self.checkpoint_at(size) or note
        held = {where: checkpoint.size for checkpoint, where in remembered}
        if held.get(SIGNED, -1) < size or (memory is not None and held.get(str(memory.path), -1) < size):
            self._remember(note, size, memory)
        return note

    def _remember(self, note: str, size: int, memory: CheckpointMemory | None) -> None:
        """The ledger signature of ``note`` (a co-signed note keeps its first line's signature)
        into ``dl_log_signed``, and ``note`` into ``memory``."""
        checkpoint = Checkpoint.from_text(SignedNote.parse(note).text)
        with self.views.writing() as c:
            c.execute(
                f"INSERT INTO {{{SIGNED}}} VALUES (?,?,?,?) ON CONFLICT (tree_size) DO NOTHING",
                (size, checkpoint.root.hex(), note, format_time(clock.now())),
            )
        if memory is not None:
            memory.remember(note, size)

    def cosign(self, size: int, key: SigningKey, name: str, ledger_key: PublicKey) -> str:
        """A witness adds its cosignature — C2SP ``tlog-cosignature/v1``, type 0x04, timestamped
        (docs/spec.md §20.1) — to a checkpoint whose ledger signature verifies (issue 20)."""
        from domain.evidence.cosignature import cosign

        note = self.checkpoint_at(size)
        if note is None:
            raise LogError(f"no checkpoint of size {size}")
        open_checkpoint(note, ledger_key, self.origin)
        parsed = SignedNote.parse(note)
        line = cosign(parsed.text, key, name, int(clock.now().timestamp()))
        kept = tuple(s for s in parsed.signatures if (s.name, s.key_id) != (line.name, line.key_id))
        cosigned = SignedNote(parsed.text, (*kept, line)).render()
        with self.views.writing() as c:
            c.execute("UPDATE {dl_log_checkpoints} SET note = ? WHERE tree_size = ?", (cosigned, size))
        return cosigned

