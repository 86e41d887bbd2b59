"""Checking the transparency log against the events it claims to hold.

``LogAudit`` runs beside a full ``verify``: leaf *i* must be the *i*-th stored event (same
notification, aggregate, version and hash), and every stored checkpoint must be signed by the
ledger key over the root of the events' hashes at its size — recomputed from the events, not
read from the log. ``verify_since`` checks only what came after a trusted checkpoint: the log's
latest checkpoint must be consistent with it (RFC 9162 consistency proof), and only the events
after it are verified one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from domain.evidence.checkpoint import NoteError, open_checkpoint
from domain.evidence.hashing import genesis_hash
from domain.evidence.merkle import (
    Frontier,
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from domain.evidence.signing import PublicKey
from domain.evidence.verifier import (
    LOG,
    Break,
    EventChecker,
    LedgerVerifier,
    Prepared,
    StoredRecord,
    VerificationReport,
)
from projections.tlog import LeafEntry, LogError, LogReader


class LogAudit:
    """Compares each verified event with the log as it passes; call :meth:`finish` at the end."""

    BATCH = 2000

    def __init__(self, reader: LogReader, report: VerificationReport) -> None:
        self.reader = reader
        self.report = report
        self.frontier = Frontier()
        self._leaves = self._stream()
        self._checkpoints: dict[int, str] = {}
        with reader.views.reading() as c:
            for row in c.execute("SELECT tree_size, note FROM {dl_log_checkpoints}").fetchall():
                self._checkpoints[int(row["tree_size"])] = row["note"]
        self.logged = reader.size()
        self.roots: dict[int, bytes] = {}  # the events' root at each checkpoint size

    def _stream(self) -> Iterator[LeafEntry]:
        start = 0
        while True:
            batch = self.reader.leaves(start, start + self.BATCH)
            if not batch:
                return
            yield from batch
            start += len(batch)

    def _break(self, kind: str, detail: str, aggregate: str = LOG, version: int = 0,
               notification: int | None = None) -> None:
        self.report.breaks.append(Break(aggregate, version, notification, kind, detail))

    def on_event(self, record: StoredRecord, stored_hash: str | None) -> None:
        index = self.frontier.size
        if stored_hash is not None:
            self.frontier.append(leaf_hash(bytes.fromhex(stored_hash)))
        else:
            self.frontier.append(leaf_hash(b""))  # unreadable: the roots will not match either
        if self.frontier.size in self._checkpoints:
            self.roots[self.frontier.size] = self.frontier.root()
        if index >= self.logged:
            return
        leaf = next(self._leaves, None)
        if leaf is None or (leaf.notification_id, leaf.aggregate_id, leaf.version) != (
            record.notification_id, record.aggregate_id, record.version
        ):
            held = f"{leaf.aggregate_id}:{leaf.version}" if leaf else "nothing"
            self._break("log", f"leaf {index} holds {held}, not this event",
                        record.aggregate_id, record.version, record.notification_id)
        elif stored_hash is not None and leaf.event_hash != stored_hash:
            self._break("log", f"leaf {index} holds another hash for this event",
                        record.aggregate_id, record.version, record.notification_id)

    def finish(self, ledger_key: PublicKey | None) -> None:
        events = self.frontier.size
        if self.logged > events:
            self._break("log", f"the log holds {self.logged} leaves but the store only {events} events: "
                        "events were removed", version=self.logged)
            for leaf in self._leaves:  # name each event the log holds and the store has lost
                self._break("log", f"leaf {leaf.leaf_index} holds this event; the store no longer has it",
                            leaf.aggregate_id, leaf.version, leaf.notification_id)
        elif self.logged < events:
            self.report.notes.append(f"the log is {events - self.logged} events behind (run `project`)")
        for size, note in sorted(self._checkpoints.items()):
            if ledger_key is None:
                self._break("checkpoint", "no ledger key to check checkpoints with", version=size)
                break
            try:
                checkpoint = open_checkpoint(note, ledger_key, self.reader.origin)
            except NoteError as error:
                self._break("checkpoint", f"checkpoint {size}: {error}", version=size)
                continue
            root = self.roots.get(size)
            if checkpoint.size != size:
                self._break("checkpoint", f"checkpoint row {size} signs size {checkpoint.size}", version=size)
            elif root is None:
                self._break("checkpoint", f"checkpoint {size} is larger than the store ({events} events)",
                            version=size)
            elif root != checkpoint.root:
                self._break("checkpoint", f"checkpoint {size}'s signed root is not the root of the stored events",
                            version=size)
        if self._checkpoints:
            self.report.notes.append(f"{len(self._checkpoints)} checkpoints checked against the events")


def verify_with_log(
    records: Iterator[StoredRecord],
    verifier: LedgerVerifier,
    reader: LogReader | None,
    progress: Callable[[int], None] | None = None,
    opener: Callable[[Iterable[StoredRecord]], Iterable[tuple[StoredRecord, Prepared]]] | None = None,
) -> VerificationReport:
    """The full verification: every event, and the log and its checkpoints if there is one.
    ``opener`` prepares the records elsewhere (see :meth:`LedgerVerifier.verify_all`)."""
    audit = LogAudit(reader, verifier.report) if reader is not None else None
    if audit is not None:
        verifier.on_event = audit.on_event
    report = verifier.verify_all(records, progress, opener)
    if audit is not None:
        audit.finish(verifier.checker.ledger_key)
    else:
        report.notes.append("no transparency log yet (run `project`)")
    return report


def verify_since(
    note: str,
    reader: LogReader,
    fetch_records: Callable[[int], Iterator[StoredRecord]],
    fetch_event: Callable[[str, int], StoredRecord | None],
    principal_records: Callable[[], Iterator[StoredRecord]],
    decode: Callable[[bytes], dict[str, Any]],
    ledger_key: PublicKey,
    progress: Callable[[int], None] | None = None,
) -> VerificationReport:
    """Verify what came after a trusted checkpoint, at a cost that follows the new events.

    1. The trusted checkpoint is signed by the ledger key; the store's latest checkpoint too.
    2. The latest is consistent with the trusted one (RFC 9162 consistency proof from the log).
    3. The log's perfect subtrees of the trusted size rebuild its root (so they are authentic),
       and appending the new events' hashes to them gives the latest checkpoint's root.
    4. Each new event passes every event check; its chain link to an older event is checked
       against that event's hash, proven included under the trusted root.
    5. Keys come from the principals' events, each proven included (or verified if new).
    """
    report = VerificationReport(incremental=True)

    def broken(kind: str, detail: str, aggregate: str = LOG, version: int = 0, notification: int | None = None) -> None:
        report.breaks.append(Break(aggregate, version, notification, kind, detail))

    try:
        trusted = open_checkpoint(note, ledger_key, reader.origin)
    except NoteError as error:
        broken("checkpoint", f"the trusted checkpoint does not verify: {error}")
        return report
    latest = reader.latest_checkpoint()
    if latest is None:
        broken("checkpoint", "the store holds no checkpoint")
        return report
    try:
        current = open_checkpoint(latest[1], ledger_key, reader.origin)
    except NoteError as error:
        broken("checkpoint", f"the store's latest checkpoint does not verify: {error}", version=latest[0])
        return report
    if current.size < trusted.size:
        broken("checkpoint", f"the store's latest checkpoint ({current.size}) is older than the trusted one "
               f"({trusted.size}): history was rolled back", version=current.size)
        return report
    try:
        verify_consistency(trusted.size, current.size, trusted.root, current.root,
                           reader.consistency(trusted.size, current.size))
    except (ProofError, LogError) as error:
        broken("checkpoint", f"the log is not consistent with the trusted checkpoint: {error}",
               version=current.size)
        return report
    report.notes.append(f"consistency proof {trusted.size} → {current.size} verified")

    frontier = reader.frontier(trusted.size)  # its perfect subtrees, in one statement
    if frontier.root() != trusted.root:
        broken("log", "the log's subtrees do not rebuild the trusted root", version=trusted.size)
        return report

    def proven(aggregate: str, version: int, stored_hash: str) -> bool:
        """The event's hash is a leaf under the trusted root."""
        try:
            leaf = reader.leaf(aggregate, version)
            if leaf.event_hash != stored_hash or leaf.leaf_index >= trusted.size:
                return False
            verify_inclusion(leaf_hash(bytes.fromhex(stored_hash)), leaf.leaf_index, trusted.size,
                             reader.inclusion(leaf.leaf_index, trusted.size), trusted.root)
        except (ProofError, LogError):
            return False
        return True

    checker = EventChecker()
    checker.ledger_key = ledger_key
    for record in principal_records():
        if (record.notification_id or 0) >= _first_new_notification(reader, trusted.size):
            break
        state = decode(record.state)
        if proven(record.aggregate_id, record.version, state["hash"]):
            checker.learn(record.aggregate_id, record.topic, state)
        else:
            broken("log", "a principal's key event is not in the trusted tree", record.aggregate_id,
                   record.version, record.notification_id)

    heads: dict[str, str] = {}
    for record in fetch_records(trusted.size):
        report.events += 1
        state = decode(record.state)
        problems = EventChecker.state_problems(state)
        if problems:
            broken("hash", f"stored state lacks or garbles {', '.join(problems)}", record.aggregate_id,
                   record.version, record.notification_id)
            frontier.append(leaf_hash(b""))
            continue
        for kind, detail in checker.check(record.aggregate_id, record.version, record.topic, state, False):
            broken(kind, detail, record.aggregate_id, record.version, record.notification_id)
        previous = heads.get(record.aggregate_id)
        if previous is None and record.version > 1:
            before = fetch_event(record.aggregate_id, record.version - 1)
            if before is None:
                broken("gap", f"version {record.version - 1} is missing", record.aggregate_id, record.version)
            else:
                old = decode(before.state)
                if not proven(before.aggregate_id, before.version, old["hash"]):
                    broken("log", f"version {before.version} is not in the trusted tree", record.aggregate_id,
                           record.version)
                previous = old["hash"]
        elif previous is None:
            previous = genesis_hash(record.aggregate_id)
        if previous is not None and state["prev_hash"] != previous:
            broken("chain", "prev_hash does not match the previous version", record.aggregate_id, record.version,
                   record.notification_id)
        heads[record.aggregate_id] = state["hash"]
        frontier.append(leaf_hash(bytes.fromhex(state["hash"])))
        if frontier.size == current.size and frontier.root() != current.root:
            broken("checkpoint", "the new events do not rebuild the latest checkpoint's root", version=current.size)
        if progress is not None:
            progress(1)
    if frontier.size < current.size:
        broken("log", f"the store holds {frontier.size} events, fewer than its checkpoint's {current.size}",
               version=current.size)
    report.aggregates = len(heads)
    report.notes.append(f"{report.events} events after the trusted checkpoint verified")
    report.ledger_keyid = ledger_key.keyid
    return report


def _first_new_notification(reader: LogReader, size: int) -> int:
    """The notification id of the first event after the trusted tree (a large number if none)."""
    leaves = reader.leaves(size, size + 1)
    return leaves[0].notification_id if leaves else 2**62
