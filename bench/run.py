"""One run: every figure beside its baseline, measured now on this machine.

The order keeps measurements apart: the raw Ed25519 baseline first, on a quiet machine, and the
command line's start-up (``--help``, ``verify --bundle``); then per store a fresh ledger, the
library's one-event-per-commit baseline and HTTP ingest through a real ``serve``; then, on
PostgreSQL (SQLite without it), the ledger is grown in-process to its size and rebuilt, verified
and replayed; last, the proofs on synthetic logs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.ingest import baseline_append, http_ingest
from bench.ledgers import Bench, fresh_ledger, grow_ledger, postgres_missing
from bench.machine import describe
from bench.proofs import measure_proofs
from bench.replay import rebuild, replay_case
from bench.sizes import Sizes
from bench.startup import measure_startup
from bench.verification import cores, ed25519_libraries, ed25519_one_core, verify_ledger
from tests.integration.conftest import PG_ADMIN_URL

Say = Callable[[str], None]

#: the targets: (figure, what it must reach)
INGEST_RATIO = 2.5
INGEST_P99_MS = 50.0
VERIFY_RATIO = 0.75
VERIFY_RSS_MB = 300.0
REPLAY_MS = 50.0
REBUILD_PER_S = 10_000.0
INCLUSION_MS = 5.0
INCLUSION_AT = 1_000_000
STARTUP_MS = 400.0


def run(sizes: Sizes, work: Path, use_postgres: bool, say: Say) -> dict[str, Any]:
    started = time.perf_counter()
    missing = postgres_missing() if use_postgres else "not asked for (--no-pg)"
    stores = ["sqlite"] if missing else ["sqlite", "postgres"]
    deep = stores[-1]
    figures: dict[str, Any] = {"profile": sizes.name, "postgres": None if missing is None else f"skipped: {missing}"}
    figures["machine"] = describe(PG_ADMIN_URL if missing is None else None)

    say(f"raw Ed25519 verification on one core ({sizes.ed25519_seconds} s)")
    one_core = ed25519_one_core(sizes.ed25519_seconds)
    figures.update(cores=cores(), ed25519_verify_one_core_per_s=one_core,
                   baseline_ed25519_verify_per_s=one_core * cores())
    # issue 20 — ed25519: every Ed25519 library here, in turns over the same intents; the fastest
    say(f"each Ed25519 library's single verification on one core, in turns ({sizes.ed25519_seconds} s each)")
    rates, message_bytes = ed25519_libraries(sizes.ed25519_seconds)
    fastest = max(rates, key=lambda name: rates[name])
    figures.update({f"ed25519_{name}_verify_one_core_per_s": rate for name, rate in rates.items()})
    figures.update(baseline_ed25519_fastest_verify_per_s=rates[fastest], ed25519_fastest_library=fastest,
                   ed25519_message_bytes=message_bytes)

    say(f"start-up: decision-ledger --help and verify --bundle, {sizes.startup_runs} runs each")
    figures.update(measure_startup(sizes.startup_runs))

    for kind in stores:
        tag = "pg" if kind == "postgres" else "sqlite"
        say(f"{kind}: the library's one-event-per-commit baseline ({sizes.baseline_seconds} s)")
        figures[f"baseline_append_{tag}_per_s"] = baseline_append(kind, work / f"{tag}-baseline",
                                                                 sizes.baseline_seconds)
        say(f"{kind}: a fresh ledger with {sizes.clients} writers")
        with fresh_ledger(kind, work / tag, sizes.clients) as bench:
            workers = (sizes.pg_workers or cores()) if kind == "postgres" else 1
            say(f"{kind}: HTTP ingest, {sizes.clients} clients × {sizes.per_client} signed actions, "
                f"serve --workers {workers}")
            ingest = http_ingest(bench, work / tag, sizes.warmup, sizes.per_client, workers)
            figures.update({
                f"ingest_http_{tag}_per_s": ingest.per_s,
                f"ingest_http_{tag}_p50_ms": ingest.p50_ms,
                f"ingest_http_{tag}_p99_ms": ingest.p99_ms,
                f"ingest_http_{tag}_events": ingest.events,
                f"ingest_http_{tag}_refused": ingest.refused,
                f"ingest_http_{tag}_workers": workers,
                f"ingest_http_{tag}_ratio": ingest.per_s / figures[f"baseline_append_{tag}_per_s"],
            })
            if kind == deep:
                figures.update(_deep(bench, kind, sizes, say))
    if missing:
        for key in ("ingest_http_pg_per_s", "ingest_http_pg_p99_ms", "baseline_append_pg_per_s"):
            figures[key] = None

    for kind in stores:
        tag = "pg" if kind == "postgres" else "sqlite"
        say(f"{kind}: proofs on synthetic logs of {', '.join(f'{n:,}' for n in sizes.proof_sizes)} leaves")
        for proof in measure_proofs(kind, work / f"{tag}-proofs", sizes.proof_sizes, sizes.proof_samples):
            figures.setdefault("proofs", []).append({"store": kind, **vars(proof)})
    # the figure is the slower store's, at the largest size
    largest = max((p for p in figures["proofs"] if p["leaves"] == sizes.proof_sizes[-1]),
                  key=lambda p: p["inclusion_ms"])
    figures.update(inclusion_proof_ms=largest["inclusion_ms"], inclusion_proof_max_ms=largest["inclusion_max_ms"],
                   inclusion_proof_leaves=largest["leaves"], inclusion_proof_store=largest["store"],
                   inclusion_proof_hashes=largest["inclusion_hashes"],
                   inclusion_proof_bytes=largest["inclusion_bytes"], consistency_proof_ms=largest["consistency_ms"],
                   consistency_proof_bytes=largest["consistency_bytes"])
    # issue 20 — ed25519: verify as a fraction of the fastest library's single verify × cores
    figures["verify_ratio_fastest"] = figures["verify_per_s"] / (figures["baseline_ed25519_fastest_verify_per_s"]
                                                                 * figures["cores"])
    figures["targets"] = targets(figures)
    figures["seconds"] = time.perf_counter() - started
    return figures


def _deep(bench: Bench, kind: str, sizes: Sizes, say: Say) -> dict[str, Any]:
    """Grow the ledger, then rebuild, verify and replay it."""
    say(f"{kind}: growing the ledger to {sizes.ledger_events:,} events (one case of {sizes.case_events:,})")
    grown = time.perf_counter()
    case_id, version = grow_ledger(bench, sizes.case_events, sizes.ledger_events, sizes.other_case_events)
    out: dict[str, Any] = {"ledger_store": kind, "ledger_grow_seconds": time.perf_counter() - grown}
    say(f"{kind}: rebuilding every projection from zero")
    rebuilt = rebuild(bench)
    out.update(rebuild_per_s=rebuilt.per_s, rebuild_events=rebuilt.events, rebuild_seconds=rebuilt.seconds)
    say(f"{kind}: decision-ledger verify over {rebuilt.events:,} events")
    keyid = json.loads((bench.keys / "ledger.json").read_text())["ledger_keyid"]
    verified = verify_ledger(bench.url, keyid)
    if not verified.ok:
        raise RuntimeError("verify found the benchmark's ledger broken")
    out.update(verify_per_s=verified.per_s, verify_events=verified.events, verify_seconds=verified.seconds,
               verify_cores_busy=verified.cores_busy, verify_peak_rss_mb=verified.peak_rss_mb,
               verify_worker_peak_rss_mb=verified.worker_peak_rss_mb)
    say(f"{kind}: replaying the case of {version:,} events at versions")
    replayed = replay_case(bench.url, bench.keys, case_id, version, sizes.replays)
    out.update(replay_10k_ms=replayed.worst_ms, replay_10k_latest_ms=replayed.latest_ms, replay_case_events=version,
               replay_ms_by_version={str(v): ms for v, ms in replayed.ms_by_version.items()},
               replay_10k_render_ms=replayed.worst_render_ms,
               replay_render_ms_by_version={str(v): ms for v, ms in replayed.render_ms_by_version.items()})
    return out


def targets(f: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 7's targets, each with what this run measured and whether it is met (None: not
    measured in this run)."""

    def row(figure: str, target: str, measured: str, met: bool | None, note: str = "") -> dict[str, Any]:
        return {"figure": figure, "target": target, "measured": measured, "met": met, "note": note}

    rows = []
    if f.get("ingest_http_pg_per_s") is not None:
        ratio = f["ingest_http_pg_ratio"]
        rows.append(row("ingest (PostgreSQL, HTTP)", f"≥ {INGEST_RATIO}× baseline_append_pg_per_s, p99 ≤ "
                        f"{INGEST_P99_MS:g} ms",
                        f"{f['ingest_http_pg_per_s']:.0f}/s = {ratio:.2f}× {f['baseline_append_pg_per_s']:.0f}/s, "
                        f"p99 {f['ingest_http_pg_p99_ms']:.1f} ms",
                        ratio >= INGEST_RATIO and f["ingest_http_pg_p99_ms"] <= INGEST_P99_MS))
    else:
        rows.append(row("ingest (PostgreSQL, HTTP)", f"≥ {INGEST_RATIO}× baseline", "not measured", None,
                        str(f.get("postgres"))))
    ratio = f["verify_per_s"] / f["baseline_ed25519_verify_per_s"]
    rows.append(row("verify", f"≥ {VERIFY_RATIO}× raw Ed25519 × cores", f"{f['verify_per_s']:.0f}/s = {ratio:.2f}× "
                    f"{f['baseline_ed25519_verify_per_s']:.0f}/s ({f['cores']} cores; "
                    f"{f['verify_cores_busy']:.2f} busy)", ratio >= VERIFY_RATIO))
    # issue 20 — ed25519: verify against the fastest library's single-verify rate × cores
    fastest = f["baseline_ed25519_fastest_verify_per_s"] * f["cores"]
    rows.append(row("verify (fastest Ed25519)", f"≥ {VERIFY_RATIO}× the fastest library's single verify × cores",
                    f"{f['verify_per_s']:.0f}/s = {f['verify_per_s'] / fastest:.2f}× {fastest:.0f}/s "
                    f"({f['ed25519_fastest_library']}, {f['baseline_ed25519_fastest_verify_per_s']:.0f}/s per core "
                    f"on {f['ed25519_message_bytes']}-byte messages, {f['cores']} cores)",
                    f["verify_per_s"] / fastest >= VERIFY_RATIO if f["verify_events"] >= 1_000_000 else None,
                    "" if f["verify_events"] >= 1_000_000 else "the run's ledger is smaller than 1M events"))
    # the largest process of the verification: itself, or one it started (a worker, or the read
    # models' audit, which runs in a process of its own beside the workers)
    peak = max(f["verify_peak_rss_mb"], f.get("verify_worker_peak_rss_mb", 0.0))
    rows.append(row("verify memory", f"< {VERIFY_RSS_MB:g} MB at 1M events",
                    f"{peak:.0f} MB at {f['verify_events']:,} events (verify {f['verify_peak_rss_mb']:.0f} MB, "
                    f"the largest process it started {f.get('verify_worker_peak_rss_mb', 0.0):.0f} MB)",
                    peak < VERIFY_RSS_MB if f["verify_events"] >= 1_000_000 else None,
                    "" if f["verify_events"] >= 1_000_000 else "the run's ledger is smaller than 1M events"))
    rows.append(row("replay", f"≤ {REPLAY_MS:g} ms for a 10,000-event case at any version",
                    f"{f['replay_10k_ms']:.0f} ms (worst of versions {', '.join(f['replay_ms_by_version'])} of "
                    f"{f['replay_case_events']:,})",
                    f["replay_10k_ms"] <= REPLAY_MS if f["replay_case_events"] >= 10_000 else None,
                    "" if f["replay_case_events"] >= 10_000 else "the run's case is shorter than 10,000 events"))
    rows.append(row("rebuild", f"≥ {REBUILD_PER_S:,.0f} events/s", f"{f['rebuild_per_s']:.0f} events/s",
                    f["rebuild_per_s"] >= REBUILD_PER_S))
    at_size = f["inclusion_proof_leaves"] >= INCLUSION_AT
    rows.append(row("inclusion proof", f"≤ {INCLUSION_MS:g} ms at 10^6 leaves",
                    f"{f['inclusion_proof_ms']:.2f} ms median, {f['inclusion_proof_max_ms']:.2f} ms max at "
                    f"{f['inclusion_proof_leaves']:,} leaves ({f['inclusion_proof_store']})", f["inclusion_proof_ms"] <= INCLUSION_MS if at_size
                    else None, "" if at_size else "the run's largest log is smaller than 10^6 leaves"))
    stacks = sorted({*f["startup_help_stacks"], *f["startup_verify_bundle_stacks"]})
    rows.append(row("start-up", f"every run of `--help` and of `verify --bundle` (28 events) ≤ {STARTUP_MS:g} ms",
                    f"--help {f['startup_help_ms']:.0f} ms median, {f['startup_help_max_ms']:.0f} ms max; "
                    f"verify --bundle {f['startup_verify_bundle_ms']:.0f} ms median, "
                    f"{f['startup_verify_bundle_max_ms']:.0f} ms max ({f['startup_runs']} runs each)",
                    max(f["startup_help_max_ms"], f["startup_verify_bundle_max_ms"]) <= STARTUP_MS,
                    f"imported {', '.join(stacks)}" if stacks else ""))
    return rows
