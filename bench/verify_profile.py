"""Where verification's time goes, per event (issue 20 point 5): a ledger grown the bench's way,
then each stage of ``decision-ledger verify`` timed alone over the same events, in one process,
beside the fastest Ed25519 library's single verify on the same bytes.

    python -m bench.verify_profile [--events 30000] [--store sqlite|postgres] [--json]
    python -m bench.verify_profile --url URL --keys DIR [--json]   # a ledger already grown

With ``--url`` it first rebuilds the store's read models, then measures in one run: each Ed25519
library's single verify per core, ``decision-ledger verify`` on every core in a fresh interpreter
(as the bench does), and the stages.

Stages, each in µs per event: reading the stored rows; decoding a state; its event hash; reading
the envelope and the intent; the signature (PAE and libsodium's verify); the binding of the
intent to its place; ``prepare`` whole (what the workers do: all of the above); handing a worker's
answer to the parent (pickling and unpickling it); the parent's ordered checks (versions, chains,
keys); and, by difference from a whole single-process ``verify_store``, the transparency log's
checks; and the audit of the read models and snapshots against a replay, which ``verify --db``
runs in a process of its own beside the workers (timed here in this one process, for its CPU). The budget line is what 0.75× the fastest library ×
cores leaves per event.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

from api.store.opening import open_ledger
from bench.ledgers import fresh_ledger, grow_ledger
from bench.replay import rebuild
from bench.verification import LIBRARIES, cores, ed25519_libraries
from domain.evidence.hashing import event_hash
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope, PublicKey, pae
from domain.evidence.store import verify_store
from domain.evidence.verifier import StoredRecord, Verifier, binding_problem, prepare, recorded_time
from domain.service.records import LedgerRecords

TARGET = 0.75
SAMPLE = 30_000  # events whose stages are timed one by one (verify_store and the audit run over all)


def _per_event(action: Callable[[], object], events: int) -> float:
    """CPU µs of this process per event (CPU, not wall time: the figures hold on a busy machine)."""
    started = time.process_time()
    action()
    return (time.process_time() - started) / events * 1e6


def profile(url: str, keys_dir: Path) -> dict[str, Any]:
    from api.settings import Database
    from api.verification_pool import known_keys
    from projections.runner import Projector
    from projections.signed import CheckpointMemory
    from projections.store_audit import audit_store

    database = Database.parse(url)
    ledger = open_ledger(database)
    try:
        records = LedgerRecords(ledger)
        decode = records.decode
        keys = known_keys(records)
        rows: list[StoredRecord] = []

        def fetch() -> None:
            rows.extend(islice(records.all(), SAMPLE))

        fetch_us = _per_event(fetch, 1) / max(len(rows), 1)
        n = len(rows)
        states = [decode(r.state) for r in rows]
        envelopes = [Envelope.from_json(s["envelope"]) for s in states]
        intents = [Intent.decode(e.payload) for e in envelopes]
        signed = [(keys[e.keyid], e.sig, pae(e.payload_type, e.payload)) for e in envelopes]
        alone: dict[str, float] = {}
        for name, make in LIBRARIES.items():
            made = {raw: make(raw) for raw in {a for a, _, _ in signed}}  # a key object per key, as verify caches

            def each(made: dict[bytes, Callable[[bytes, bytes], object]] = made) -> None:
                for a, sig, data in signed:
                    made[a](sig, data)

            alone[name] = _per_event(each, n)
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
        verifier = Verifier(decode)  # the first SAMPLE events: a ledger's beginning, genesis first
        bare = [StoredRecord(r.notification_id, r.aggregate_id, r.version, r.topic, b"") for r in rows]
        ordered = _per_event(lambda: [verifier.check(r, p) for r, p in zip(bare, prepared, strict=True)], n)
        if not verifier.report.ok:
            raise RuntimeError("the profiled ledger does not verify")
        projector = Projector(ledger, database.persistence_env(create_tables=False, prefix=""),
                              postgres=database.kind == "postgresql", create=False)
        reports = []
        total = ledger.recorder.max_notification_id() or n
        whole = _per_event(lambda: reports.append(verify_store(LedgerRecords(ledger), projector.reader)), total)
        audit = _per_event(lambda: audit_store(reports[0], ledger, projector, CheckpointMemory(keys_dir)), total)
        if not reports[0].ok:
            raise RuntimeError(f"the profiled ledger does not verify: {reports[0].breaks[:3]}")
    finally:
        ledger.close()
    fastest = min(alone, key=lambda name: alone[name])
    out: dict[str, Any] = {
        "verify_alone_cpu_us": {name: round(us, 2) for name, us in alone.items()},
        "events": total,
        "stage_sample": n,
        "stages_us": {name: round(us, 2) for name, us in stages.items()},
        "prepare_us": round(whole_prepare, 2),
        "handing_to_parent_us": round(handed, 2),
        "parent_ordered_checks_us": round(ordered, 2),
        "verify_store_one_process_us": round(whole, 2),
        "log_and_checkpoints_us": round(whole - fetch_us - whole_prepare - ordered, 2),
        "audit_of_read_models_us": round(audit, 2),
        "fastest_library": fastest,
        "fastest_verify_us": round(alone[fastest], 2),
        "message_bytes": int(statistics.median(len(data) for _, _, data in signed)),
        "cores": cores(),
    }
    # at TARGET × fastest × cores, the cores together have this much CPU per event
    out["budget_us_per_event"] = round(alone[fastest] / TARGET, 2)
    out["cpu_us_per_event_today"] = round(whole + handed + audit, 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.verify_profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=30_000, help="events in the grown ledger (default 30,000)")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="profile this store, already grown, instead (with --keys)")
    parser.add_argument("--keys", type=Path, help="the key files' directory of --url")
    parser.add_argument("--stages-only", action="store_true", help="with --url: only the stages (no rebuild, "
                        "no verify on every core)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    args = parser.parse_args(argv)
    if args.url:
        if args.keys is None:
            parser.error("--url needs --keys")
        found = profile(args.url, args.keys) if args.stages_only else measure_kept(args.url, args.keys)
    else:
        with tempfile.TemporaryDirectory(prefix="dl-profile-") as work, \
                fresh_ledger(args.store, Path(work), 4) as bench:
            grow_ledger(bench, min(2_000, args.events), args.events, 2_000)
            rebuild(bench)
            found = profile(bench.url, bench.keys)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    print(f"{found['events']:,} events, µs per event (one process):")
    for name, us in found["stages_us"].items():
        print(f"  {name:44} {us:8.2f}")
    for key in ("prepare_us", "handing_to_parent_us", "parent_ordered_checks_us", "log_and_checkpoints_us",
                "audit_of_read_models_us", "verify_store_one_process_us", "cpu_us_per_event_today",
                "fastest_verify_us", "budget_us_per_event"):
        print(f"{key:46} {found[key]:8.2f}")
    for key in ("verify_per_s", "verify_cores_busy", "verify_ratio_fastest", "verify_ratio_cryptography"):
        if key in found:
            print(f"{key:46} {found[key]:8.2f}")
    return 0


def measure_kept(url: str, keys_dir: Path) -> dict[str, Any]:
    """A grown store: its read models rebuilt, then in one run the libraries' rates, ``verify``
    on every core (a fresh interpreter) and the stages."""
    from types import SimpleNamespace

    from bench.verification import verify_ledger

    rebuilt = rebuild(SimpleNamespace(url=url, keys=keys_dir))  # type: ignore[arg-type]
    rates, message_bytes = ed25519_libraries(5.0)
    keyid = json.loads((keys_dir / "ledger.json").read_text())["ledger_keyid"]
    verified = verify_ledger(url, keyid)
    if not verified.ok:
        raise RuntimeError("the kept ledger does not verify")
    found = profile(url, keys_dir)
    fastest = max(rates, key=lambda name: rates[name])
    # with every core busy, verify would reach this fraction of the fastest library × cores
    found["verify_ratio_fastest_cpu"] = found["fastest_verify_us"] / (verified.cpu_seconds / verified.events * 1e6)
    found.update(rebuild_per_s=rebuilt.per_s, verify_per_s=verified.per_s, verify_events=verified.events,
                 verify_seconds=verified.seconds, verify_cores_busy=verified.cores_busy,
                 verify_peak_rss_mb=verified.peak_rss_mb, ed25519_rates_one_core=rates,
                 baseline_ed25519_fastest_verify_per_s=rates[fastest], ed25519_fastest_library=fastest,
                 ed25519_message_bytes=message_bytes,
                 verify_ratio_fastest=verified.per_s / (rates[fastest] * cores()),
                 verify_ratio_cryptography=verified.per_s / (rates["cryptography"] * cores()),
                 load_average=list(os.getloadavg()))
    return found


if __name__ == "__main__":
    sys.exit(main())
