"""What ``verify`` checks of the log beyond its leaves (issue 16, point 4; L7, M1, M3):

* every stored node is the hash of the leaves under it, and the log holds no other node (a
  changed node would make served proofs fail while the leaves still match the events);
* the log's tracking position is its last leaf's notification (a moved tracking row skips or
  repeats events);
* every checkpoint the ledger signed — each row of the append-only ``dl_log_signed``, and the
  latest one remembered outside the database in ``checkpoint.note`` beside the ledger key —
  verifies under the ledger key, is no larger than the log, has the root of the log's leaves at
  its size, and is still among the store's checkpoints (``dl_log_checkpoints``): a deleted or
  rewritten checkpoint is named without the auditor bringing one.

The leaves themselves are compared with the events by :class:`domain.evidence.store.LogAudit`;
here the tree is recomputed from the stored leaves, so each break names what was changed.
Breaks are reported under the aggregate ``transparency-log``, as the log's others are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from domain.evidence.checkpoint import Checkpoint, NoteError, open_checkpoint
from domain.evidence.merkle import Frontier, leaf_hash
from domain.evidence.report import LOG, VerificationReport
from domain.evidence.signing import PublicKey
from projections.signed import SIGNED, WITNESSED_FILE, CheckpointMemory
from projections.tlog import LogReader, stored_nodes

#: leaves read per statement while the tree is recomputed
BATCH = 2000
#: differences named one by one before the rest are counted
NAMED = 20


def audit_log(report: VerificationReport, reader: LogReader, ledger_key: PublicKey | None,
              memory: CheckpointMemory | None, ledger_name: str) -> None:
    """Add to ``report`` every break of the log's nodes, its tracking and its remembered
    checkpoints. Where a leaf already disagrees with its event (a ``log`` break), the nodes and
    roots above it follow from that one edit: they are not compared again (the root cause is
    named once)."""
    leaves_hold = not any(b.kind == "log" for b in report.breaks)
    signed = _signed_rows(reader)
    try:
        remembered = memory.read() if memory is not None else None
    except OSError as error:
        report.notes.append(f"the remembered checkpoint could not be read ({error}): the store's own are checked")
        memory = remembered = None
    sizes = {size for size, _ in signed}
    file_checkpoint = _remembered(report, remembered, memory, ledger_key, reader.origin)
    if file_checkpoint is not None:
        sizes.add(file_checkpoint.size)
    published = _published(report, memory, ledger_key, reader.origin)  # issue 20 — witnessed.note
    if published is not None:
        sizes.add(published.size)
    held, roots = _nodes(report, reader, sizes, compare=leaves_hold)
    _tracking(report, reader, ledger_name)
    stored = _stored_roots(reader)
    if not leaves_hold:
        roots = {}  # roots of edited leaves: only what is missing or too large is named
    for size, note in signed:
        _signed(report, ledger_key, reader.origin, size, note, held, roots, stored)
    if file_checkpoint is not None and memory is not None:
        where = str(memory.path)
        _compare(report, file_checkpoint, where, held, roots)
        if stored.get(file_checkpoint.size) != file_checkpoint.root.hex():
            report.add(LOG, file_checkpoint.size, None, "checkpoint",
                       f"the checkpoint of size {file_checkpoint.size} the ledger remembers ({where}) is "
                       + ("not among the store's checkpoints: it was deleted" if file_checkpoint.size not in stored
                          else "stored with another root: it was rewritten"))
    if published is not None and memory is not None:
        _compare(report, published, str(memory.path.parent / WITNESSED_FILE), held, roots)
        report.notes.append(f"the checkpoint the witnesses cosigned ({WITNESSED_FILE}, size {published.size}) "
                            "checked against the log")
    if not signed and not stored and file_checkpoint is None and held:
        report.notes.append(
            "the log holds no signed checkpoint"
            + (f" and there is no {memory.path}" if memory is not None else "")
            + ": nothing vouches for the log's history yet (sign one: `decision-ledger checkpoint --keys DIR`)")
    if signed:
        report.notes.append(f"{len(signed)} signed checkpoints ({SIGNED}) checked against the log")
    if file_checkpoint is not None:
        report.notes.append(f"the checkpoint remembered beside the ledger key (size {file_checkpoint.size}) checked")


def _signed_rows(reader: LogReader) -> list[tuple[int, str]]:
    try:
        with reader.views.reading() as c:
            rows = c.execute(f"SELECT tree_size, note FROM {{{SIGNED}}} ORDER BY tree_size").fetchall()
    except Exception:  # noqa: BLE001 — a store made before the table: nothing remembered there
        return []
    return [(int(row["tree_size"]), row["note"]) for row in rows]


def _stored_roots(reader: LogReader) -> dict[int, str]:
    with reader.views.reading() as c:
        rows = c.execute("SELECT tree_size, root FROM {dl_log_checkpoints}").fetchall()
    return {int(row["tree_size"]): row["root"] for row in rows}


def _remembered(report: VerificationReport, note: str | None, memory: CheckpointMemory | None,
                key: PublicKey | None, origin: str) -> Checkpoint | None:
    if note is None or memory is None:
        if memory is not None:
            report.notes.append(f"no checkpoint remembered at {memory.path}: the store's own are checked")
        return None
    if key is None:
        return None
    try:
        return open_checkpoint(note, key, origin)
    except NoteError as error:
        report.add(LOG, 0, None, "checkpoint", f"the checkpoint remembered in {memory.path} does not verify "
                   f"under this ledger's key: {error}")
        return None


def _published(report: VerificationReport, memory: CheckpointMemory | None, key: PublicKey | None,
               origin: str) -> Checkpoint | None:
    """``witnessed.note`` beside the ledger key, if there is one: the checkpoint a quorum of
    witnesses cosigned, which the service publishes and every v4 bundle carries (docs/spec.md
    §20.4). It must be the ledger's: signed by its key, of a size and root the log holds. (Its
    cosignatures are the witnesses' to check, with their keys: ``verify --bundle``.)"""
    if memory is None or key is None:
        return None
    path = memory.path.parent / WITNESSED_FILE
    try:
        return open_checkpoint(path.read_text(encoding="utf-8"), key, origin)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, NoteError) as error:
        report.add(LOG, 0, None, "checkpoint", f"the checkpoint published in {path} is not this ledger's "
                   f"signed checkpoint: {error}")
        return None


def _signed(report: VerificationReport, key: PublicKey | None, origin: str, size: int, note: str, held: int,
            roots: dict[int, bytes], stored: dict[int, str]) -> None:
    if key is None:
        return
    try:
        checkpoint = open_checkpoint(note, key, origin)
    except NoteError as error:
        report.add(LOG, size, None, "checkpoint", f"signed checkpoint {size} ({SIGNED}): {error}")
        return
    if checkpoint.size != size:
        report.add(LOG, size, None, "checkpoint", f"{SIGNED} row {size} signs size {checkpoint.size}")
        return
    _compare(report, checkpoint, SIGNED, held, roots)
    if size not in stored:
        report.add(LOG, size, None, "checkpoint",
                   f"checkpoint {size}, signed earlier ({SIGNED}), is missing from dl_log_checkpoints: it was deleted")
    elif stored[size] != checkpoint.root.hex():
        report.add(LOG, size, None, "checkpoint",
                   f"checkpoint {size} in dl_log_checkpoints has another root than the one signed earlier ({SIGNED})")


def _compare(report: VerificationReport, checkpoint: Checkpoint, where: str, held: int,
             roots: dict[int, bytes]) -> None:
    if checkpoint.size > held:
        report.add(LOG, checkpoint.size, None, "checkpoint",
                   f"the checkpoint of size {checkpoint.size} signed earlier ({where}) is larger than the log "
                   f"({held} leaves): events were removed or the log was cut")
    elif checkpoint.size in roots and roots[checkpoint.size] != checkpoint.root:
        report.add(LOG, checkpoint.size, None, "checkpoint",
                   f"the checkpoint of size {checkpoint.size} signed earlier ({where}) is not the root of the "
                   "log's leaves at that size: the history was rewritten")


def _leaves(reader: LogReader) -> Iterator[list[str]]:
    start = 0
    while True:
        with reader.views.reading() as c:
            rows = c.execute("SELECT event_hash FROM {dl_log_leaves} WHERE leaf_index >= ? AND leaf_index < ? "
                             "ORDER BY leaf_index", (start, start + BATCH)).fetchall()
        if not rows:
            return
        yield [row["event_hash"] for row in rows]
        start += len(rows)


def _nodes(report: VerificationReport, reader: LogReader, sizes: set[int],
           compare: bool = True) -> tuple[int, dict[int, bytes]]:
    """Recompute the tree from the stored leaves, compare every node the log stores with it, and
    return how many leaves it holds and the roots at ``sizes``."""
    frontier = Frontier()
    roots: dict[int, bytes] = {}
    wrong: list[str] = []
    for hashes in _leaves(reader):
        made: dict[tuple[int, int], bytes] = {}
        for digest in hashes:
            try:
                leaf = leaf_hash(bytes.fromhex(digest))
            except ValueError:
                leaf = b""
            made.update({(level, index): node for level, index, node in frontier.append(leaf)})
            if frontier.size in sizes:
                roots[frontier.size] = frontier.root()
        if not compare:
            continue
        with reader.views.reading() as c:
            stored = stored_nodes(c, list(made))
        for key, node in made.items():
            if stored.get(key) != node.hex():
                wrong.append(f"node {key}" + (" is missing" if key not in stored else
                                              " is not the hash of the leaves under it"))
    expected = _node_count(frontier.size)
    with reader.views.reading() as c:
        row = c.execute("SELECT COUNT(*) AS n FROM {dl_log_nodes}").fetchone()
    extra = int(row["n"]) if row else 0
    for problem in wrong[:NAMED]:
        report.add(LOG, frontier.size, None, "log", f"the log's {problem}: proofs served from it fail")
    if len(wrong) > NAMED:
        report.add(LOG, frontier.size, None, "log", f"… and {len(wrong) - NAMED} more nodes of the log are wrong")
    if compare and extra > expected:
        report.add(LOG, frontier.size, None, "log",
                   f"the log stores {extra - expected} nodes its leaves do not give")
    return frontier.size, roots


def _node_count(size: int) -> int:
    """How many perfect nodes a tree of ``size`` leaves stores (every complete subtree)."""
    return sum(size >> level for level in range(size.bit_length()))


def _tracking(report: VerificationReport, reader: LogReader, ledger_name: str) -> None:
    tracked = reader.views.max_tracking_id(ledger_name) or 0
    with reader.views.reading() as c:
        row = c.execute("SELECT notification_id FROM {dl_log_leaves} ORDER BY leaf_index DESC LIMIT 1").fetchone()
    last = int(row["notification_id"]) if row else 0
    if tracked != last:
        report.add(LOG, reader.tree_size(), None, "log",
                   f"the log's tracking position is notification {tracked} but its last leaf is notification "
                   f"{last}: the tracking row was changed (`decision-ledger rebuild` repairs the log)")


def memory_at(keys_dir: Path | None) -> CheckpointMemory | None:
    return CheckpointMemory(keys_dir) if keys_dir is not None else None
