"""`python -m bench` runs end to end at tiny sizes and prints every figure it names.

No timing is asserted here (targets belong to the benchmark's own report, not to a test): only
that each figure is measured — present and a finite positive number — beside its baseline, and
that each target is reported with what was measured.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import require_postgres

ROOT = Path(__file__).resolve().parents[2]
PG_KEYS = ("ingest_http_pg_per_s", "ingest_http_pg_p99_ms", "baseline_append_pg_per_s")
KEYS = (*PG_KEYS, "verify_per_s", "baseline_ed25519_verify_per_s", "cores", "replay_10k_ms", "rebuild_per_s",
        "inclusion_proof_ms", "inclusion_proof_leaves", "verify_peak_rss_mb", "startup_help_ms",
        "startup_verify_bundle_ms")
SQLITE_KEYS = ("ingest_http_sqlite_per_s", "ingest_http_sqlite_p99_ms", "baseline_append_sqlite_per_s")


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_") or k.endswith("_TEST_PG")}
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def measured(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def assert_figures(figures: dict[str, Any], keys: tuple[str, ...]) -> None:
    unmeasured = {key: figures.get(key, "absent") for key in keys if not measured(figures.get(key))}
    assert not unmeasured, unmeasured
    assert figures["ledger_store"] in ("sqlite", "postgres")
    assert figures["verify_events"] == figures["rebuild_events"] >= figures["replay_case_events"] > 0
    stores = {"sqlite", figures["ledger_store"]}
    assert {(p["store"], p["leaves"]) for p in figures["proofs"]} == {(s, n) for s in stores for n in (100, 1000)}
    assert all(p["inclusion_hashes"] == math.ceil(math.log2(p["leaves"])) for p in figures["proofs"])
    assert {t["figure"] for t in figures["targets"]} >= {"verify", "replay", "rebuild", "inclusion proof", "start-up"}
    assert figures["startup_help_stacks"] == figures["startup_verify_bundle_stacks"] == [], \
        "--help and verify --bundle import neither the web nor the database stack"
    assert all(t["met"] in (True, False, None) and t["measured"] for t in figures["targets"])
    # issue 20 — ed25519: the fastest library's baseline, measured in the same run, and verify's ratio to it
    assert all(measured(figures.get(k)) for k in ("baseline_ed25519_fastest_verify_per_s", "verify_ratio_fastest"))
    assert figures["ed25519_fastest_library"] in ("cryptography", "pynacl")


def test_the_quick_and_full_runs_are_documented() -> None:
    helped = bench("--help")
    assert helped.returncode == 0, helped.stderr
    assert "--quick" in helped.stdout and "--full" in helped.stdout and "--json" in helped.stdout
    assert "--tiny" not in helped.stdout


@pytest.mark.slow
def test_a_tiny_run_on_sqlite_measures_every_figure_beside_its_baseline() -> None:
    done = bench("--tiny", "--no-pg", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    assert_figures(figures, tuple(k for k in KEYS if k not in PG_KEYS) + SQLITE_KEYS)
    assert figures["ledger_store"] == "sqlite"
    assert all(key in figures and figures[key] is None for key in PG_KEYS), "PostgreSQL figures without PostgreSQL"
    assert figures["postgres"].startswith("skipped")


@pytest.mark.postgres
@pytest.mark.slow
def test_a_tiny_run_with_postgres_measures_ingest_against_the_library_baseline() -> None:
    require_postgres()
    done = bench("--tiny", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    assert_figures(figures, KEYS + SQLITE_KEYS)
    assert figures["ledger_store"] == "postgres"
    assert figures["ingest_http_pg_events"] == 4 * 3 and figures["ingest_http_pg_refused"] == 0
