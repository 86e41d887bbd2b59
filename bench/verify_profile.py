"""Where verification's time goes, per event (issue 20 point 5): a ledger grown the bench's way,
then each stage of ``decision-ledger verify`` timed alone over the same events, in one process,
beside the fastest Ed25519 library's single verify on the same bytes.

    python -m bench.verify_profile [--events 30000] [--store sqlite|postgres] [--json]

Stages, each in µs per event: reading the stored rows; decoding a state; its event hash; reading
the envelope and the intent; the signature (PAE and libsodium's verify); the binding of the
intent to its place; ``prepare`` whole (what the workers do: all of the above); handing a worker's
answer to the parent (pickling and unpickling it); the parent's ordered checks (versions, chains,
keys); and, by difference from a whole single-process ``verify_store``, the transparency log's
checks. The budget line is what 0.75× the fastest library × cores leaves per event.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.store.opening import open_ledger
from bench.ledgers import fresh_ledger, grow_ledger
from bench.replay import rebuild
from bench.verification import cores, ed25519_libraries
from domain.evidence.hashing import event_hash
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope, PublicKey, pae
from domain.evidence.store import verify_store
from domain.evidence.verifier import StoredRecord, Verifier, binding_problem, prepare, recorded_time
from domain.service.records import LedgerRecords

TARGET = 0.75


def _per_event(action: Callable[[], object], events: int) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) / events * 1e6


def profile(url: str) -> dict[str, Any]:
    from api.settings import Database
    from api.verification_pool import known_keys
    from projections.runner import Projector

    database = Database.parse(url)
    ledger = open_ledger(database)
    try:
        records = LedgerRecords(ledger)
        decode = records.decode
        keys = known_keys(records)
        rows: list[StoredRecord] = []

        def fetch() -> None:
            rows.extend(records.all())

        fetch_us = _per_event(fetch, 1) / max(len(rows), 1)
        n = len(rows)
        states = [decode(r.state) for r in rows]
        envelopes = [Envelope.from_json(s["envelope"]) for s in states]
        intents = [Intent.decode(e.payload) for e in envelopes]
        stages = {
            "read the stored rows": fetch_us,
            "decode the stored state": _per_event(lambda: [decode(r.state) for r in rows], n),
            "event hash": _per_event(
                lambda: [event_hash(r.aggregate_id, r.version, r.topic, s) for r, s in zip(rows, states, strict=True)],
                n),
            "read envelope and intent": _per_event(
                lambda: [Intent.decode(Envelope.from_json(s["envelope"]).payload) for s in states], n),
            "signature: PAE + libsodium verify": _per_event(
                lambda: [PublicKey(keys[e.keyid]).verify(e.sig, pae(e.payload_type, e.payload)) for e in envelopes], n),
            "binding of the intent to its place": _per_event(
                lambda: [binding_problem(r.aggregate_id, r.version, r.topic, i, recorded_time(s))
                         for r, i, s in zip(rows, intents, states, strict=True)], n),
        }
        prepared: list[Any] = []
        whole_prepare = _per_event(lambda: prepared.extend(prepare(r, decode, keys) for r in rows), n)
        slim = [(r.notification_id, r.aggregate_id, r.version, r.topic,
                 (p[0], p[1], p[2].slim(r.topic) if p[2] is not None else None)) for r, p in zip(rows, prepared,
                                                                                               strict=True)]
        chunks = [slim[i:i + 500] for i in range(0, n, 500)]
        handed = _per_event(lambda: [pickle.loads(pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL)) for c in chunks],
                            n)
        verifier = Verifier(decode)
        bare = [StoredRecord(r.notification_id, r.aggregate_id, r.version, r.topic, b"") for r in rows]
        ordered = _per_event(lambda: [verifier.check(r, p) for r, p in zip(bare, prepared, strict=True)], n)
        if not verifier.report.ok:
            raise RuntimeError("the profiled ledger does not verify")
        projector = Projector(ledger, database.persistence_env(create_tables=False, prefix=""),
                              postgres=database.kind == "postgresql", create=False)
        whole = _per_event(lambda: verify_store(LedgerRecords(ledger), projector.reader), n)
    finally:
        ledger.close()
    rates, message_bytes = ed25519_libraries(1.0)
    fastest = max(rates, key=lambda name: rates[name])
    out: dict[str, Any] = {
        "events": n,
        "stages_us": {name: round(us, 2) for name, us in stages.items()},
        "prepare_us": round(whole_prepare, 2),
        "handing_to_parent_us": round(handed, 2),
        "parent_ordered_checks_us": round(ordered, 2),
        "verify_store_one_process_us": round(whole, 2),
        "log_and_checkpoints_us": round(whole - fetch_us - whole_prepare - ordered, 2),
        "fastest_library": fastest,
        "fastest_verify_us": round(1e6 / rates[fastest], 2),
        "message_bytes": message_bytes,
        "cores": cores(),
    }
    # at TARGET × fastest × cores, the cores together have this much CPU per event
    out["budget_us_per_event"] = round(1e6 / (TARGET * rates[fastest]), 2)
    out["cpu_us_per_event_today"] = round(whole + handed, 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.verify_profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=30_000, help="events in the grown ledger (default 30,000)")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dl-profile-") as work, \
            fresh_ledger(args.store, Path(work), 4) as bench:
        grow_ledger(bench, min(2_000, args.events), args.events, 2_000)
        rebuild(bench)
        found = profile(bench.url)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    print(f"{found['events']:,} events, µs per event (one process):")
    for name, us in found["stages_us"].items():
        print(f"  {name:44} {us:8.2f}")
    for key in ("prepare_us", "handing_to_parent_us", "parent_ordered_checks_us", "log_and_checkpoints_us",
                "verify_store_one_process_us", "cpu_us_per_event_today", "fastest_verify_us", "budget_us_per_event"):
        print(f"{key:46} {found[key]:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
