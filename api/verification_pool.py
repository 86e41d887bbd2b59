"""Verifying a whole store on every core, streaming.

The costly checks of each event — decoding its stored state, recomputing its hash, reading its
envelope and intent, and its Ed25519 signature — depend on no other event once the key its
envelope names is known, and a key id is the hash of its key, so any key seen anywhere can only
be the right one. Worker processes therefore do those checks on chunks of records
(:func:`domain.verification.prepare`), while the parent keeps all that depends on order —
versions, chains, key histories, the transparency log — and judges each record in notification
order exactly as one process would: same breaks, same messages, same order. A signature the
workers could not check ahead (its key appeared after they started) is checked by the parent.

Records stream through: the parent reads the store in batches and keeps at most a few chunks per
worker in flight, so memory stays flat whatever the ledger's size.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from api.settings import APP_PREFIX
from api.store.opening import principal_records, state_decoder
from domain.intent import Intent
from domain.ledger import Ledger
from domain.signing import Envelope
from domain.verification import Prepared, StoredRecord, keys_named, prepare

#: records per chunk sent to a worker, and chunks in flight per worker
CHUNK = 500
AHEAD = 3

#: the mapper settings a worker needs to decode stored state as the ledger wrote it
_MAPPER_SETTINGS = ("TRANSCODER_TOPIC", "CIPHER_TOPIC", "CIPHER_KEY", "COMPRESSOR_TOPIC")

_worker: dict[str, Any] = {}


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def mapper_settings(ledger: Ledger) -> dict[str, str]:
    found = {name: ledger.env.get(name) for name in _MAPPER_SETTINGS}
    return {APP_PREFIX + name: value for name, value in found.items() if value}


def known_keys(ledger: Ledger, decode: Callable[[bytes], dict[str, Any]]) -> dict[str, bytes]:
    """Every public key any principal's event names, by key id: what the workers check
    signatures with. Which key counted when is still decided by the parent, in order."""
    keys: dict[str, bytes] = {}
    for record in principal_records(ledger):
        try:
            state = decode(record.state)
            intent = Intent.decode(Envelope.from_json(state["envelope"]).payload)
        except Exception:  # noqa: BLE001, S112 — unreadable: the parent reports it in its turn
            continue
        keys.update(keys_named(record.topic, intent))
    return keys


def _start(settings: dict[str, str], keys: dict[str, bytes]) -> None:
    mapper = Ledger(env={APP_PREFIX + "PERSISTENCE_MODULE": "eventsourcing.popo", **settings})
    _worker["decode"] = state_decoder(mapper)
    _worker["keys"] = keys


def _prepare_chunk(rows: list[tuple[int | None, str, int, str, bytes]]) -> list[Prepared]:
    decode, keys = _worker["decode"], _worker["keys"]
    return [_slim(StoredRecord(*row), decode, keys) for row in rows]


def _slim(record: StoredRecord, decode: Callable[[bytes], dict[str, Any]], keys: dict[str, bytes]) -> Prepared:
    """Prepared, without what the parent cannot need (see :meth:`OpenedEvent.slim`)."""
    read, links, opened = prepare(record, decode, keys)
    return read, links, opened.slim(record.topic) if opened is not None else None


def parallel_opener(
    ledger: Ledger, jobs: int, chunk: int = CHUNK
) -> Callable[[Iterable[StoredRecord]], Iterator[tuple[StoredRecord, Prepared]]]:
    """An opener for :meth:`LedgerVerifier.verify_all` that prepares records on ``jobs``
    worker processes, ``chunk`` records at a time, and hands them back in their order."""
    decode = state_decoder(ledger)
    settings = mapper_settings(ledger)
    keys = known_keys(ledger, decode)

    def run(records: Iterable[StoredRecord]) -> Iterator[tuple[StoredRecord, Prepared]]:
        # fork: workers start with what is already imported, and never touch the parent's
        # connections (a worker process ends with os._exit, running no finalisers)
        context = multiprocessing.get_context("fork")
        source = iter(records)
        pending: deque[tuple[list[StoredRecord], Future[list[Prepared]]]] = deque()
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start, initargs=(settings, keys)) as pool:

            def send() -> bool:
                records = list(islice(source, chunk))
                if records:
                    rows = [(r.notification_id, r.aggregate_id, r.version, r.topic, r.state) for r in records]
                    pending.append((records, pool.submit(_prepare_chunk, rows)))
                return bool(records)

            while len(pending) < jobs * AHEAD and send():
                pass
            while pending:
                records, future = pending.popleft()
                prepared = future.result()
                send()
                yield from zip(records, prepared, strict=True)

    return run
