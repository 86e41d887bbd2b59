"""What a run prints: a table for people, one JSON object for machines, and ``RESULTS.md``."""

from __future__ import annotations

import json
from typing import Any

#: (key, label, unit, baseline key or None) in the order the table shows them
ROWS: list[tuple[str, str, str, str | None]] = [
    ("ingest_http_pg_per_s", "ingest, HTTP, PostgreSQL", "events/s", "baseline_append_pg_per_s"),
    ("ingest_http_pg_p50_ms", "  latency p50", "ms", None),
    ("ingest_http_pg_p99_ms", "  latency p99", "ms", None),
    ("ingest_http_pg_workers", "  serve --workers", "", None),
    ("baseline_append_pg_per_s", "  baseline: library, 1 event per commit", "events/s", None),
    ("ingest_http_sqlite_per_s", "ingest, HTTP, SQLite", "events/s", "baseline_append_sqlite_per_s"),
    ("ingest_http_sqlite_p50_ms", "  latency p50", "ms", None),
    ("ingest_http_sqlite_p99_ms", "  latency p99", "ms", None),
    ("baseline_append_sqlite_per_s", "  baseline: library, 1 event per commit", "events/s", None),
    ("verify_per_s", "verify, whole ledger", "events/s", "baseline_ed25519_verify_per_s"),
    ("baseline_ed25519_verify_per_s", "  baseline: raw Ed25519 × cores", "verifies/s", None),
    ("ed25519_verify_one_core_per_s", "  raw Ed25519, one core", "verifies/s", None),
    ("cores", "  cores", "", None),
    ("verify_cores_busy", "  cores kept busy by verify", "", None),
    ("verify_peak_rss_mb", "  peak memory", "MB", None),
    ("verify_events", "  events verified", "", None),
    ("replay_10k_ms", "replay, long case, worst version", "ms", None),
    ("replay_10k_latest_ms", "  at the latest version", "ms", None),
    ("replay_10k_render_ms", "  replayed and rendered as the answer's JSON, worst version", "ms", None),
    ("replay_case_events", "  case length", "events", None),
    ("rebuild_per_s", "rebuild, every projection", "events/s", None),
    ("rebuild_events", "  events", "", None),
    ("inclusion_proof_ms", "inclusion proof, median", "ms", None),
    ("inclusion_proof_leaves", "  at leaves", "", None),
    ("inclusion_proof_store", "  on the slower store", "", None),
    ("inclusion_proof_bytes", "  size (JSON, checkpoint included)", "bytes", None),
    ("consistency_proof_ms", "consistency proof, median", "ms", None),
    ("startup_help_ms", "start-up: decision-ledger --help, median", "ms", None),
    ("startup_help_max_ms", "  slowest run", "ms", None),
    ("startup_verify_bundle_ms", "start-up: verify --bundle (28 events), median", "ms", None),
    ("startup_verify_bundle_max_ms", "  slowest run", "ms", None),
    ("startup_runs", "  runs of each", "", None),
    # issue 20 — ed25519: the fastest library's single verify on one core, and each library's
    ("baseline_ed25519_fastest_verify_per_s", "raw Ed25519, fastest library, one core", "verifies/s", None),
    ("ed25519_fastest_library", "  the fastest library", "", None),
    ("ed25519_message_bytes", "  message (median signed intent)", "bytes", None),
    ("ed25519_cryptography_verify_one_core_per_s", "  cryptography (OpenSSL), one core", "verifies/s", None),
    ("ed25519_pynacl_verify_one_core_per_s", "  PyNaCl (libsodium), one core", "verifies/s", None),
    ("verify_ratio_fastest", "verify ÷ (fastest library × cores)", "×", None),
]


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,}"


def table(f: dict[str, Any]) -> str:
    lines = [f"{'figure':44} {'value':>12}  {'unit':10} {'× baseline':>10}"]
    for key, label, unit, baseline in ROWS:
        if key not in f:
            continue
        ratio = ""
        if baseline and f.get(key) is not None and f.get(baseline):
            ratio = f"{f[key] / f[baseline]:.2f}×"
        lines.append(f"{label:44} {_number(f[key]):>12}  {unit:10} {ratio:>10}")
    lines.append("")
    lines.append(f"{'proofs: store':13} {'leaves':>12} {'incl. ms':>9} {'max ms':>8} {'hashes':>7} {'bytes':>6} "
                 f"{'cons. ms':>9} {'hashes':>7} {'bytes':>6}")
    for p in f["proofs"]:
        lines.append(f"{p['store']:13} {p['leaves']:>12,} {p['inclusion_ms']:>9.3f} {p['inclusion_max_ms']:>8.3f} "
                     f"{p['inclusion_hashes']:>7} {p['inclusion_bytes']:>6} {p['consistency_ms']:>9.3f} "
                     f"{p['consistency_hashes']:>7} {p['consistency_bytes']:>6}")
    lines.append("")
    lines.append("targets:")
    for t in f["targets"]:
        met = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        note = f" — {t['note']}" if t["note"] else ""
        lines.append(f"  {t['figure']:26} {met:13} {t['target']}: {t['measured']}{note}")
    if f.get("postgres"):
        lines.append(f"PostgreSQL {f['postgres']}")
    lines.append(f"run: {f['profile']}, {f['seconds']:.0f} s")
    return "\n".join(lines)


def as_json(f: dict[str, Any]) -> str:
    return json.dumps(f, ensure_ascii=False, sort_keys=True)


def results_markdown(f: dict[str, Any], command: str) -> str:
    m = f["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"`{command}`, {m['date']}. Every ratio compares figures taken in this same run on this same machine.",
        "",
        "| machine | |",
        "|---|---|",
        f"| cores (`nproc`) | {m['nproc']} |",
        f"| CPU | {m['cpu']} |",
        f"| memory | {m['memory_gb']} GB |",
        f"| load average at the start (1, 5, 15 min) | {', '.join(str(x) for x in m['load_average'])} |",
        f"| Python | {m['python']} |",
        f"| PostgreSQL | {m['postgresql'] or 'not used'} |",
        f"| platform | {m['platform']} |",
        f"| run | `{f['profile']}`, {f['seconds']:.0f} s |",
        "",
        "## Targets",
        "",
        "| figure | target | measured | met |",
        "|---|---|---|---|",
    ]
    for t in f["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        note = f" ({t['note']})" if t["note"] else ""
        lines.append(f"| {t['figure']} | {t['target']} | {t['measured']} | {met}{note} |")
    lines += ["", "## Figures", "", "| figure | value | unit | × baseline |", "|---|---|---|---|"]
    for key, label, unit, baseline in ROWS:
        if key not in f:
            continue
        ratio = f"{f[key] / f[baseline]:.2f}×" if baseline and f.get(key) is not None and f.get(baseline) else ""
        shown = f"↳ {label.strip()}" if label.startswith("  ") else label
        lines.append(f"| {shown} | {_number(f[key])} | {unit} | {ratio} |")
    lines += ["", "## Proofs", "",
              ("| store | leaves | inclusion ms (median) | max ms | path hashes | proof bytes | consistency ms (median) "
               "| path hashes | proof bytes |"),
              "|---|---|---|---|---|---|---|---|---|"]
    for p in f["proofs"]:
        lines.append(f"| {p['store']} | {p['leaves']:,} | {p['inclusion_ms']:.3f} | {p['inclusion_max_ms']:.3f} | "
                     f"{p['inclusion_hashes']} | {p['inclusion_bytes']} | {p['consistency_ms']:.3f} | "
                     f"{p['consistency_hashes']} | {p['consistency_bytes']} |")
    lines += ["", "## The run's JSON", "", "```json", json.dumps(f, ensure_ascii=False, indent=1, sort_keys=True),
              "```", ""]
    return "\n".join(lines)
