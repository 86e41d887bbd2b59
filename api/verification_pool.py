"""Verifying a whole store on every core, streaming.

The costly checks of each event — decoding its stored state, recomputing its hash, reading its
envelope and intent, and its Ed25519 signature — depend on no other event once the key its
envelope names is known, and a key id is the hash of its key, so any key seen anywhere can only
be the right one. Worker processes therefore do those checks on chunks of records
(:func:`domain.evidence.verifier.prepare`), while the parent keeps all that depends on order —
versions, chains, key histories, the transparency log — and judges each record in notification
order exactly as one process would: same breaks, same messages, same order. A signature the
workers could not check ahead (its key appeared after they started) is checked by the parent.

Records stream through: each worker reads its own ranges of notification ids from the store
(its own connection; rows are never pickled between processes) and hands back only what the
parent can need — for most events their place, two hashes, the signer, the key id, two times and
the outcomes of the checks; the parent keeps at most a few chunks per worker in flight, so memory
stays flat whatever the ledger's size.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from api.settings import APP_PREFIX
from domain.evidence import hashing  # issue 20 — sm3
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope
from domain.evidence.verifier import Prepared, StoredRecord, keys_named, prepare
from domain.service.ledger import Ledger
from domain.service.records import LedgerRecords

#: notification ids per chunk a worker reads and prepares, and chunks in flight per worker
CHUNK = 500
AHEAD = 3

_worker: dict[str, Any] = {}

#: what a worker hands back for one stored row: its place, and the row prepared
Ready = tuple[int | None, str, int, str, Prepared]


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_context() -> Any:
    """How worker processes start. ``fork`` where this process runs one thread (the CLI's
    ``verify``): workers start with what is already imported. Where other threads run (a server,
    or a test driving the app in-process beside its projector thread), from a forkserver instead:
    a fork copies every lock another thread holds at that moment, still held, and a worker that
    then waits on one waits for ever (and the parent with it)."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def known_keys(records: LedgerRecords) -> dict[str, bytes]:
    """Every public key any principal's event names, by key id: what the workers check
    signatures with. Which key counted when is still decided by the parent, in order."""
    keys: dict[str, bytes] = {}
    for record in records.principals():
        try:
            state = records.decode(record.state)
            intent = Intent.decode(Envelope.from_json(state["envelope"]).payload)
        except Exception:  # noqa: BLE001, S112 — unreadable: the parent reports it in its turn
            continue
        keys.update(keys_named(record.topic, intent))
    return keys


def _start(env: dict[str, str], keys: dict[str, bytes], suite: str = "sha256") -> None:
    hashing.SUITE.set(suite)  # issue 20 — sm3: this ledger's event hash, for every task of this worker
    # the ledger's own settings (store, mapper): a connection of this worker's own, never the
    # parent's, and stored state decoded as the ledger wrote it
    ledger = Ledger(env=env)
    _worker["ledger"] = ledger  # kept: a ledger closes its store when collected
    _worker["recorder"] = ledger.recorder
    _worker["decode"] = LedgerRecords(ledger).decode
    _worker["keys"] = keys


def _read_and_prepare(after: int, stop: int) -> list[Ready]:
    """The stored rows with notification ids in (after, stop], read and prepared here."""
    decode, keys = _worker["decode"], _worker["keys"]
    ready: list[Ready] = []
    for row in _worker["recorder"].select_notifications(start=after, stop=stop, limit=stop - after,
                                                        inclusive_of_start=False):
        record = StoredRecord(row.id, str(row.originator_id), row.originator_version, row.topic, bytes(row.state))
        read, links, opened = prepare(record, decode, keys)
        # only what the parent can need (see OpenedEvent.slim)
        ready.append((row.id, record.aggregate_id, record.version, record.topic,
                      (read, links, opened.slim(record.topic) if opened is not None else None)))
    return ready


def _prepare_rows(rows: list[tuple[int | None, str, int, str, bytes]]) -> list[Ready]:
    """Rows the parent read and sent (a store only this process can see), prepared here."""
    decode, keys = _worker["decode"], _worker["keys"]
    ready: list[Ready] = []
    for row in rows:
        record = StoredRecord(*row)
        read, links, opened = prepare(record, decode, keys)
        ready.append((row[0], record.aggregate_id, record.version, record.topic,
                      (read, links, opened.slim(record.topic) if opened is not None else None)))
    return ready


def _shared_store(ledger: Ledger) -> bool:
    """Whether another process can open this ledger's store (a file or a server, not memory)."""
    module = ledger.env.get(APP_PREFIX + "PERSISTENCE_MODULE") or ledger.env.get("PERSISTENCE_MODULE") or ""
    if module.endswith(".postgres"):
        return True
    name = ledger.env.get(APP_PREFIX + "SQLITE_DBNAME") or ledger.env.get("SQLITE_DBNAME") or ""
    return module.endswith(".sqlite") and name not in ("", ":memory:") and "mode=memory" not in name


def parallel_opener(
    ledger: Ledger, jobs: int, chunk: int = CHUNK
) -> Callable[[Iterable[StoredRecord]], Iterator[tuple[StoredRecord, Prepared]]]:
    """An opener for :meth:`domain.evidence.verifier.Verifier.run` over the whole store of ``ledger``, as
    :meth:`domain.service.records.LedgerRecords.all` gives it: ``jobs`` worker processes each read their
    own ranges of ``chunk`` notification ids from the store and prepare the rows, and the records
    come back in their order. The records it is handed are not read (the workers read the same
    rows), and the records it yields carry no state (the parent needs only their place). A store
    other processes cannot open (the library's in-memory one) is read here instead, from the
    records handed in, and its rows sent to the workers."""
    keys = known_keys(LedgerRecords(ledger))
    env = dict(ledger.env)

    def ranges() -> Iterator[tuple[int, int]]:
        done = 0
        while True:
            last = ledger.recorder.max_notification_id() or 0  # what is stored now, then anything after it
            if last <= done:
                return
            while done < last:
                yield done, min(done + chunk, last)
                done = min(done + chunk, last)

    shared = _shared_store(ledger)

    def run(records: Iterable[StoredRecord]) -> Iterator[tuple[StoredRecord, Prepared]]:
        source = iter(records)
        # workers never touch the parent's connections (a worker process ends with os._exit,
        # running no finalisers)
        context = worker_context()
        wanted = ranges()
        pending: deque[Future[list[Ready]]] = deque()
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                                 initargs=(env, keys, ledger.hash_suite)) as pool:

            def send() -> bool:
                if not shared:  # the parent reads, the workers prepare
                    rows = [(r.notification_id, r.aggregate_id, r.version, r.topic, r.state)
                            for r in islice(source, chunk)]
                    if rows:
                        pending.append(pool.submit(_prepare_rows, rows))
                    return bool(rows)
                span = next(wanted, None)  # the workers read the store themselves
                if span is not None:
                    pending.append(pool.submit(_read_and_prepare, *span))
                return span is not None

            while len(pending) < jobs * AHEAD and send():
                pass
            while pending:
                ready = pending.popleft().result()
                send()
                for notification_id, aggregate_id, version, topic, prepared in ready:
                    yield StoredRecord(notification_id, aggregate_id, version, topic, b""), prepared

    return run
