"""Verifying a whole store, or what it recorded after a trusted checkpoint, against its
transparency log (docs/spec.md, "Verifying a store").

The store reaches this module through two small protocols: the records, in log order, with a
decoder of their stored bytes (:class:`Records`), and the log it keeps (:class:`LogSource`). The
checks of each event are :class:`~domain.evidence.verifier.Verifier`'s; this module adds how the
events are tied to the log:

* a full verification (:func:`verify_store`) compares leaf *i* with the *i*-th stored event (same
  notification, aggregate, version and hash) and checks every stored checkpoint's signature and
  its root against the root of the events' hashes at its size, recomputed from the events;
* a verification from a trusted checkpoint (:func:`verify_since`) proves the log's latest
  checkpoint consistent with it, rebuilds the trusted root from the log's stored subtrees, checks
  only the events after it — each linked to its aggregate's earlier version, proven included
  under the trusted root — and recomputes the latest root from them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.evidence import hashing, sm2_note  # issue 20 — sm2, sm3
from domain.evidence.checkpoint import NoteError, open_checkpoint
from domain.evidence.keys import KeyHistory
from domain.evidence.merkle import (
    Frontier,
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from domain.evidence.report import LOG, VerificationReport
from domain.evidence.signing import PublicKey
from domain.evidence.verifier import (
    Chains,
    Links,
    Opener,
    Problem,
    StoredRecord,
    Verifier,
    declared_suite,
    recorded_time,
    state_problems,
)


class LogUnavailable(RuntimeError):
    """The log cannot answer what it was asked (not built, or asked about what it does not hold)."""


@dataclass(frozen=True)
class LeafEntry:
    """Leaf ``leaf_index`` of the log: which stored event it is, and that event's hash."""

    leaf_index: int
    notification_id: int
    aggregate_id: str
    version: int
    event_hash: str


class LogSource(Protocol):
    """The transparency log a store keeps."""

    @property
    def origin(self) -> str: ...

    def size(self) -> int:
        """How many leaves it holds."""
        ...

    def leaves(self, start: int = 0, stop: int | None = None) -> list[LeafEntry]: ...

    def leaf(self, aggregate_id: str, version: int) -> LeafEntry:
        """The leaf of an event; raises :class:`LogUnavailable` if there is none."""
        ...

    def stored_checkpoints(self) -> dict[int, str]:
        """Every stored checkpoint note, by tree size."""
        ...

    def latest_checkpoint(self) -> tuple[int, str] | None: ...

    def inclusion(self, leaf_index: int, size: int) -> list[bytes]: ...

    def consistency(self, old: int, new: int) -> list[bytes]: ...

    def frontier(self, size: int) -> Frontier:
        """The stored perfect subtrees covering [0, size)."""
        ...


class Records(Protocol):
    """A store's events: all in log order, those after a notification id, one by its place, and
    the principals' (for key histories); and how to read a stored state."""

    def decode(self, state: bytes) -> dict[str, Any]: ...

    def all(self, after: int = 0) -> Iterator[StoredRecord]: ...

    def one(self, aggregate_id: str, version: int) -> StoredRecord | None: ...

    def principals(self) -> Iterator[StoredRecord]: ...


class LogAudit:
    """Compares each verified event with the log as it passes; :meth:`finish` checks the
    checkpoints and what the log holds beyond the events.

    Leaves and events are matched by notification id, both in ascending order, so that one
    deleted event is named once, at its own place (the leaf that holds it), and does not push
    every later event off its leaf (issue 16 point 7); an event the log has no leaf for is named
    at itself."""

    BATCH = 2000

    def __init__(self, log: LogSource, report: VerificationReport,
                 decode: Callable[[Any], dict[str, Any]] | None = None) -> None:
        self.log = log
        self.report = report
        self.decode = decode
        self.times: dict[int, datetime] = {}  # the recording time of each checkpoint's last event
        self.frontier = Frontier()
        self._leaves = self._stream()
        self._next: LeafEntry | None = None  # the leaf read ahead, not yet matched
        self._checkpoints = log.stored_checkpoints()
        self.logged = log.size()
        self.roots: dict[int, bytes] = {}  # the events' root at each checkpoint size

    def _stream(self) -> Iterator[LeafEntry]:
        start = 0
        while True:
            batch = self.log.leaves(start, start + self.BATCH)
            if not batch:
                return
            yield from batch
            start += len(batch)

    def on_event(self, record: StoredRecord, links: Links | None) -> list[Problem]:
        stored_hash = links.hash if links is not None else None
        # an unreadable event still takes its leaf: the roots will not match either
        self.frontier.append(leaf_hash(bytes.fromhex(stored_hash) if stored_hash is not None else b""))
        if self.frontier.size in self._checkpoints:
            self.roots[self.frontier.size] = self.frontier.root()
            if links is not None and links.at is not None:
                # the time the event's own checks read: records prepared on other cores reach
                # here without their state, and a checkpoint after a rotation of the ledger key
                # is judged by the key active then, on any number of cores
                self.times[self.frontier.size] = links.at
            elif self.decode is not None:
                with contextlib.suppress(Exception):  # an unreadable event is a break of its own
                    self.times[self.frontier.size] = recorded_time(self.decode(record.state))
        leaf = self._peek()
        while leaf is not None and record.notification_id is not None and leaf.notification_id < record.notification_id:
            self._removed(self._take())  # the store no longer holds the event this leaf holds
            leaf = self._peek()
        if leaf is None:
            return []  # the log is behind the store (noted by finish)
        if record.notification_id is not None and leaf.notification_id > record.notification_id:
            return [("log", (f"the log holds no leaf for this event (leaf {leaf.leaf_index} holds the next one, "
                             f"{leaf.aggregate_id}:{leaf.version})"))]
        self._take()
        if (leaf.notification_id, leaf.aggregate_id, leaf.version) != (
            record.notification_id, record.aggregate_id, record.version
        ):
            return [("log", f"leaf {leaf.leaf_index} holds {leaf.aggregate_id}:{leaf.version}, not this event")]
        if stored_hash is not None and leaf.event_hash != stored_hash:
            return [("log", f"leaf {leaf.leaf_index} holds another hash for this event")]
        return []

    def _peek(self) -> LeafEntry | None:
        if self._next is None:
            self._next = next(self._leaves, None)
        return self._next

    def _take(self) -> LeafEntry | None:
        leaf, self._next = self._peek(), None
        return leaf

    def _removed(self, leaf: LeafEntry | None) -> None:
        """A leaf whose event the store no longer holds: a break at that event's own place."""
        if leaf is not None:
            self.report.add(leaf.aggregate_id, leaf.version, leaf.notification_id, "log",
                            f"leaf {leaf.leaf_index} holds this event; the store no longer has it",
                            position=leaf.leaf_index)

    def finish(self, ledger_key: PublicKey | None, ledger_keys: KeyHistory | None = None) -> None:
        """``ledger_keys``: the ledger principal's key history. A checkpoint of size N is then
        checked under each ledger key not yet ended when event N was recorded (the key active
        when it was signed, before or after a rotation under dual control, docs/authority.md)."""
        report = self.report
        events = self.frontier.size
        beyond = [leaf for leaf in (self._take(), *self._leaves) if leaf is not None]
        if beyond:
            report.add(LOG, self.logged, None, "log",
                       f"the log holds {len(beyond)} leaves beyond the store's last event: events were removed",
                       position=self.logged)
            for leaf in beyond:  # name each event the log holds beyond the store's
                self._removed(leaf)
        elif self.logged < events:
            report.notes.append(f"the log is {events - self.logged} events behind (run `project`)")
        for size, note in sorted(self._checkpoints.items()):
            if ledger_key is None:
                report.add(LOG, size, None, "checkpoint", "no ledger key to check checkpoints with")
                break
            try:
                checkpoint = self._open(note, size, ledger_key, ledger_keys)
            except NoteError as error:
                report.add(LOG, size, None, "checkpoint", f"checkpoint {size}: {error}")
                continue
            root = self.roots.get(size)
            if checkpoint.size != size:
                report.add(LOG, size, None, "checkpoint", f"checkpoint row {size} signs size {checkpoint.size}")
            elif root is None:
                report.add(LOG, size, None, "checkpoint", f"checkpoint {size} is larger than the store ({events} events)",
                           position=size)
            elif root != checkpoint.root:
                report.add(LOG, size, None, "checkpoint",
                           f"checkpoint {size}'s signed root is not the root of the stored events", position=size)
        if self._checkpoints:
            report.notes.append(f"{len(self._checkpoints)} checkpoints checked against the events")

    def _open(self, note: str, size: int, ledger_key: PublicKey, ledger_keys: KeyHistory | None) -> Any:
        """The checkpoint, signed by a ledger key not yet ended when the checkpoint's last event
        was recorded (without the ledger's key history: by the genesis key)."""
        at = self.times.get(size)
        if ledger_keys is None or at is None:
            return open_checkpoint(note, ledger_key, self.log.origin)
        keys = [r.public_key for r in ledger_keys.keys.values()
                if r.active_from is not None and (r.active_until is None or at < r.active_until)]
        refusal = NoteError(f"no ledger key active when event {size} was recorded signs it")
        for key in keys:
            try:
                opened = open_checkpoint(note, key, self.log.origin)
            except NoteError as error:
                refusal = error
            else:
                sm2_note.check_lines(note, self.log.origin, keys)  # issue 20 — sm2: its line too (§22.2)
                return opened
        raise refusal


def verify_store(
    records: Records,
    log: LogSource | None,
    trusted_ledger_keyid: str | None = None,
    progress: Callable[[int], None] | None = None,
    opener: Opener | None = None,
) -> VerificationReport:
    """Every event of the store, and its log and checkpoints if it has them. ``opener`` prepares
    the records elsewhere (on other cores, :meth:`Verifier.run`)."""
    with hashing.using(_suite(records)):  # issue 20 — sm3: the genesis's choice of event hash
        return _verify_store(records, log, trusted_ledger_keyid, progress, opener)


def _suite(records: Records) -> str:
    first = next(records.all(), None)
    if first is None:
        return hashing.SHA256
    try:
        return declared_suite(records.decode(first.state))
    except Exception:  # noqa: BLE001 — an undecodable genesis is reported by the verifier itself
        return hashing.SHA256


def _verify_store(records: Records, log: LogSource | None, trusted_ledger_keyid: str | None,
                  progress: Callable[[int], None] | None, opener: Opener | None) -> VerificationReport:
    verifier = Verifier(records.decode, trusted_ledger_keyid)
    audit = LogAudit(log, verifier.report, records.decode) if log is not None else None
    if audit is not None:
        verifier.log = audit.on_event
    report = verifier.run(records.all(), progress, opener)
    if audit is not None:
        ledger_id = verifier.keys.enrolment.ledger_id or None
        audit.finish(verifier.keys.ledger_key, verifier.keys.keys.get(ledger_id) if ledger_id else None)
    else:
        report.notes.append("no transparency log yet (run `project`)")
    return report


def verify_since(
    note: str,
    records: Records,
    log: LogSource,
    ledger_key: PublicKey,
    progress: Callable[[int], None] | None = None,
) -> VerificationReport:
    """:func:`_verify_since`, under the genesis's choice of event hash (issue 20 — sm3)."""
    with hashing.using(_suite(records)):
        return _verify_since(note, records, log, ledger_key, progress)


def _verify_since(
    note: str,
    records: Records,
    log: LogSource,
    ledger_key: PublicKey,
    progress: Callable[[int], None] | None = None,
) -> VerificationReport:
    """What came after a trusted checkpoint, at a cost that follows the new events.

    1. The trusted checkpoint is signed by the ledger key; the store's latest checkpoint too.
    2. The latest is consistent with the trusted one (RFC 9162 consistency proof from the log).
    3. The log's perfect subtrees of the trusted size rebuild its root (so they are authentic),
       and appending the new events' hashes to them gives the latest checkpoint's root.
    4. Each new event passes every event check; its chain link to an older event is checked
       against that event's hash, proven included under the trusted root.
    5. Keys come from the principals' events, each proven included (or verified if new).
    """
    report = VerificationReport(incremental=True, ledger_keyid=ledger_key.keyid)
    try:
        trusted = open_checkpoint(note, ledger_key, log.origin)
    except NoteError as error:
        report.add(LOG, 0, None, "checkpoint", f"the trusted checkpoint does not verify: {error}")
        return report
    latest = log.latest_checkpoint()
    if latest is None:
        report.add(LOG, 0, None, "checkpoint", "the store holds no checkpoint")
        return report
    try:
        current = open_checkpoint(latest[1], ledger_key, log.origin)
    except NoteError as error:
        report.add(LOG, latest[0], None, "checkpoint", f"the store's latest checkpoint does not verify: {error}")
        return report
    if current.size < trusted.size:
        report.add(LOG, current.size, None, "checkpoint", f"the store's latest checkpoint ({current.size}) is older "
                   f"than the trusted one ({trusted.size}): history was rolled back")
        return report
    try:
        verify_consistency(trusted.size, current.size, trusted.root, current.root,
                           log.consistency(trusted.size, current.size))
    except (ProofError, LogUnavailable) as error:
        report.add(LOG, current.size, None, "checkpoint", f"the log is not consistent with the trusted checkpoint: {error}")
        return report
    report.notes.append(f"consistency proof {trusted.size} → {current.size} verified")

    frontier = log.frontier(trusted.size)  # its perfect subtrees, in one statement
    if frontier.root() != trusted.root:
        report.add(LOG, trusted.size, None, "log", "the log's subtrees do not rebuild the trusted root")
        return report

    def proven(aggregate: str, version: int, stored_hash: str) -> bool:
        """The event's hash is a leaf under the trusted root."""
        try:
            leaf = log.leaf(aggregate, version)
            if leaf.event_hash != stored_hash or leaf.leaf_index >= trusted.size:
                return False
            verify_inclusion(leaf_hash(bytes.fromhex(stored_hash)), leaf.leaf_index, trusted.size,
                             log.inclusion(leaf.leaf_index, trusted.size), trusted.root)
        except (ProofError, LogUnavailable):
            return False
        return True

    def earlier(aggregate: str, version: int) -> tuple[str | None, list[Problem]]:
        """The hash of an aggregate's version under the trusted tree, proven included."""
        before = records.one(aggregate, version)
        if before is None:
            return None, []
        state = records.decode(before.state)
        if not proven(before.aggregate_id, before.version, state["hash"]):
            return state["hash"], [("log", f"version {before.version} is not in the trusted tree")]
        return state["hash"], []

    def tied(record: StoredRecord, links: Links | None) -> list[Problem]:
        frontier.append(leaf_hash(bytes.fromhex(links.hash) if links is not None else b""))
        if frontier.size == current.size and frontier.root() != current.root:
            report.add(LOG, current.size, None, "checkpoint", "the new events do not rebuild the latest checkpoint's root",
                       position=current.size)
        return []

    verifier = Verifier(records.decode, chains=Chains(complete=True, earlier=earlier), log=tied, genesis_first=False,
                        report=report)
    verifier.first_position = trusted.size  # the first event after the trusted tree is its leaf
    verifier.keys.ledger_key = ledger_key
    first_new = _first_new_notification(log, trusted.size)
    for record in records.principals():
        if (record.notification_id or 0) >= first_new:
            break
        state = records.decode(record.state)
        if not state_problems(state) and proven(record.aggregate_id, record.version, state["hash"]):
            verifier.keys.learn(record.aggregate_id, record.topic, state)
        else:
            report.add(record.aggregate_id, record.version, record.notification_id, "log",
                       "a principal's key event is not in the trusted tree")
    verifier.run(_after(records, log, trusted.size), progress)
    if frontier.size < current.size:
        report.add(LOG, current.size, None, "log",
                   f"the store holds {frontier.size} events, fewer than its checkpoint's {current.size}",
                   position=current.size)
    report.notes.append(f"{report.events} events after the trusted checkpoint verified")
    report.ledger_keyid = ledger_key.keyid
    return report


def _after(records: Records, log: LogSource, size: int) -> Iterable[StoredRecord]:
    first = log.leaves(size, size + 1)
    return records.all(after=first[0].notification_id - 1) if first else iter(())


def _first_new_notification(log: LogSource, size: int) -> int:
    """The notification id of the first event after the trusted tree (a large number if none)."""
    leaves = log.leaves(size, size + 1)
    return leaves[0].notification_id if leaves else 2**62

