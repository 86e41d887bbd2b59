"""Snapshots of evaluation cases, so that a long case replays at any version at once.

A case of 10,000 events takes seconds to replay from zero (each event decodes its signed
envelope and parses its command). The ledger therefore keeps, beside the events, the state of
each case every :data:`SNAPSHOT_INTERVAL` versions — taken when such a version is recorded, or
when a replay had to apply that many events since the last snapshot — and replays a case at
version *v* from the greatest snapshot at or below *v* plus the events after it.

Snapshots are derived data, never evidence:

* ``verify`` checks every snapshot against the state its case's events give at its version
  (a ``snapshot`` break otherwise: even someone holding the ledger key, who can seal a forged
  snapshot, cannot change what a replay shows unseen — issue 16, M5), and a lost or unreadable
  snapshot only makes a replay slower: every failure to read, decode or write one falls back to
  the events;
* a snapshot is used only if the stored event at its version carries the head hash it records,
  so a snapshot left over from another chain, or moved to another version, is ignored;
* a snapshot is sealed with an HMAC-SHA256 under a key derived from the ledger key (which the
  database never holds), and is used only if the seal holds: someone with rights on the table
  can delete snapshots, never make a replay show a state the events do not give; a process
  without the ledger key neither reads nor writes snapshots, and replays from the events;
* the state is a pickle restricted to builtin containers and five value classes (UUID, datetime,
  date, time delta and time zone), unpickled only after its seal holds, and even then it can
  construct nothing else.
  A pickle rather than JSON because a case of 10,000 materials is ~3 MB of state, which the
  library's JSON transcoder decodes in ~110 ms and the unpickler in ~15 ms.

The snapshots live in the library's own snapshot table (``stored_snapshots`` on SQLite,
``<app>_snapshots`` on PostgreSQL), written through its aggregate recorder: the domain still
imports no database code.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import pickle
from collections.abc import Callable, Iterable
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository, project_aggregate
from eventsourcing.persistence import AggregateRecorder, StoredEvent

from domain.model.case import EvaluationCase

#: a case is snapshotted every this many versions; a replay applies fewer events than this
SNAPSHOT_INTERVAL = 100

FORMAT = b"decision-ledger/case-snapshot/v1\n"
#: what the ledger key signs to derive the snapshots' seal key (Ed25519 signatures are
#: deterministic, so the same key always derives the same seal key)
SEAL_CONTEXT = b"decision-ledger/case-snapshot-seal/v1"
SEAL_BYTES = 32
TOPIC = "decision-ledger/EvaluationCase/snapshot/v1"

_ALLOWED = frozenset({
    ("uuid", "UUID"),
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
})


class SnapshotUnusable(ValueError):
    """A stored snapshot that cannot stand for its case's state (replay from the events)."""


class _RestrictedUnpickler(pickle.Unpickler):
    """Constructs builtin containers and the value classes in :data:`_ALLOWED`, nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise SnapshotUnusable(f"a case snapshot may not construct {module}.{name}")


def seal_key(sign: Callable[[bytes], bytes]) -> bytes:
    """The snapshots' seal key, from the ledger key's signature over :data:`SEAL_CONTEXT`."""
    return hashlib.sha256(sign(SEAL_CONTEXT)).digest()


def _seal(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, FORMAT + body, hashlib.sha256).digest()


def encode_case(case: EvaluationCase, key: bytes) -> bytes:
    """A case's state as it stands (no pending events), as a snapshot's bytes:
    ``FORMAT ‖ HMAC-SHA256(key, FORMAT ‖ pickle) ‖ pickle``."""
    state = dict(vars(case))
    if state.pop("_pending_events", None):
        raise SnapshotUnusable("a case with unsaved events is not a recorded state")
    body = pickle.dumps(state, protocol=5)
    return FORMAT + _seal(key, body) + body


def _unpickled(body: bytes) -> Any:
    try:
        return _RestrictedUnpickler(io.BytesIO(body)).load()
    except SnapshotUnusable:
        raise
    except Exception as error:  # noqa: BLE001 — any garbled bytes: the events are still there
        raise SnapshotUnusable(f"the snapshot does not decode ({type(error).__name__})") from None


def unsealed_state(data: bytes) -> dict[str, Any]:
    """The state a snapshot's bytes hold, read without checking its seal (what ``verify``, which
    holds no key, compares with the events' replay: a seal proves who wrote a snapshot, not that
    it is right). Constructs nothing but plain values (:class:`_RestrictedUnpickler`)."""
    if not data.startswith(FORMAT):
        raise SnapshotUnusable("not a case snapshot")
    state = _unpickled(data[len(FORMAT) + SEAL_BYTES :])
    if type(state) is not dict:
        raise SnapshotUnusable("the snapshot is not a case's state")
    require_current_fields(state)
    return state


def require_current_fields(state: dict[str, Any]) -> None:
    """A snapshot taken before the case gained a field (issue 18: ``acts``, the 全过程记录) holds no
    value for it: no replay uses it — the events give the state — and ``verify`` has nothing it
    could make anyone see."""
    fresh = object.__new__(EvaluationCase)
    EvaluationCase.__init__(fresh)
    missing = sorted(set(vars(fresh)) - set(state))
    if missing:
        raise SnapshotUnusable(f"the snapshot predates the case's fields {', '.join(missing)}")


def decode_case(data: bytes, case_id: UUID, version: int, key: bytes) -> EvaluationCase:
    """The case a snapshot's bytes hold; :class:`SnapshotUnusable` unless its seal holds under
    ``key`` and it holds exactly the state of this case at this version."""
    if not data.startswith(FORMAT):
        raise SnapshotUnusable("not a case snapshot")
    tag, body = data[len(FORMAT) : len(FORMAT) + SEAL_BYTES], data[len(FORMAT) + SEAL_BYTES :]
    if not hmac.compare_digest(tag, _seal(key, body)):
        raise SnapshotUnusable("the snapshot is not sealed by this ledger's key")
    state = _unpickled(body)
    if (
        type(state) is not dict
        or state.get("_id") != case_id
        or state.get("_version") != version
        or not isinstance(state.get("head_hash"), str)
    ):
        raise SnapshotUnusable("the snapshot is not the state of this case at its version")
    require_current_fields(state)
    state["_pending_events"] = []
    case = object.__new__(EvaluationCase)
    object.__setattr__(case, "__dict__", state)
    return case


class CaseSnapshots:
    """The snapshot table, through the library's aggregate recorder. Every failure is quiet:
    a missing table (a store made before snapshots, opened by a role that may not create it),
    a refused insert or a duplicate only cost speed."""

    def __init__(self, recorder: AggregateRecorder | None, interval: int = SNAPSHOT_INTERVAL) -> None:
        self.recorder = recorder
        self.interval = interval
        #: the seal key (:func:`seal_key`); without it snapshots are neither read nor written
        self.key: bytes | None = None
        #: a faster way to read the greatest snapshot at or below a version, where the store has
        #: one (PostgreSQL in binary: a 3 MB snapshot arrives in 6-13 ms instead of 30-45 ms)
        self.reader: Callable[[UUID, int | None], tuple[int, bytes] | None] | None = None

    def latest(self, case_id: UUID, at_most: int | None) -> tuple[int, bytes] | None:
        """The greatest snapshot at or below ``at_most`` (any, if None)."""
        if self.recorder is None or self.key is None:
            return None
        try:
            if self.reader is not None:
                return self.reader(case_id, at_most)
            rows = self.recorder.select_events(case_id, lte=at_most, desc=True, limit=1)
        except Exception:  # noqa: BLE001 — no snapshot table here: replay from the events
            return None
        for row in rows:
            return row.originator_version, bytes(row.state)
        return None

    def put(self, case: EvaluationCase) -> bool:
        """Store the case's state at its version; False if it was not stored."""
        if self.recorder is None or self.key is None or case.version < 1:
            return False
        try:
            data = encode_case(case, self.key)
            self.recorder.insert_events([StoredEvent(case.id, case.version, TOPIC, data)])
        except Exception:  # noqa: BLE001 — a snapshot is a cache: a write failing here loses nothing
            return False
        return True


def _mutate_each(aggregate: Any, events: Iterable[Any]) -> Any:
    """The library's projector without its per-event runtime protocol check (an ``assert
    isinstance`` against a Protocol, a fifth of a case event's replay time): the events here are
    the ledger's own classes, mapped from its own topics."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class CaseRepository(Repository[UUID]):
    """The library's repository, replaying cases from their greatest snapshot at or below the
    version asked, bound to the stored chain; other aggregates replay from their events."""

    def __init__(self, base: Repository[UUID], snapshots: CaseSnapshots) -> None:
        super().__init__(base.event_store)
        self.snapshots = snapshots

    def _reconstruct_aggregate(self, aggregate_id: UUID, version: int | None, projector_func: Any) -> Any:
        if projector_func is project_aggregate:
            projector_func = _mutate_each
        found = self.snapshots.latest(aggregate_id, version)
        if found is not None:
            case = self._from_snapshot(aggregate_id, version, found, projector_func)
            if case is not None:
                return case
        events = list(self.event_store.get(aggregate_id, lte=version))
        return self._replayed(aggregate_id, version, None, events, projector_func)

    def _from_snapshot(
        self, case_id: UUID, version: int | None, found: tuple[int, bytes], projector_func: Any
    ) -> EvaluationCase | None:
        at, data = found
        events = list(self.event_store.get(case_id, gt=at - 1, lte=version))
        if not events or events[0].originator_version != at:
            return None
        if self.snapshots.key is None:
            return None
        try:
            case = decode_case(data, case_id, at, self.snapshots.key)
        except SnapshotUnusable:
            return None
        if getattr(events[0], "hash", None) != case.head_hash:
            return None  # not the state this chain had at that version
        return cast(EvaluationCase, self._replayed(case_id, version, case, events[1:], projector_func))

    def _replayed(
        self, aggregate_id: UUID, version: int | None, start: EvaluationCase | None,
        events: Iterable[Any], projector_func: Any,
    ) -> Any:
        events = list(events)
        aggregate = projector_func(start, events)
        if aggregate is None:
            raise AggregateNotFoundError(f"Aggregate {aggregate_id!r} version {version!r} not found.")
        if isinstance(aggregate, EvaluationCase) and len(events) >= self.snapshots.interval:
            self.snapshots.put(aggregate)  # the next replay near this version starts here
        return aggregate
