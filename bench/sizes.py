"""How big each run is: ``--quick`` (under two minutes on two cores), ``--full`` (a ledger of
1M events) and the hidden ``--tiny`` of the smoke test."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    name: str
    clients: int  # concurrent HTTP writers, each on its own case
    per_client: int  # signed actions each writer sends while timed
    warmup: int  # actions each writer sends before the clock starts
    baseline_seconds: float  # how long the library's one-event-per-commit baseline saves
    case_events: int  # events of the one long case replayed at a version
    ledger_events: int  # events in the whole ledger verified and rebuilt (at least case_events)
    other_case_events: int  # events per further case filling the ledger up to ledger_events
    proof_sizes: tuple[int, ...]  # leaves of the synthetic transparency logs
    proof_samples: int  # proofs timed at each size
    ed25519_seconds: float  # how long the raw verification baseline runs
    replays: int  # at most this many replays of each version (the median is kept), within ~2 s
    startup_runs: int  # clocked runs of each command whose start-up is measured
    pg_workers: int | None = None  # `serve --workers` for the PostgreSQL ingest (None: one per core)


QUICK = Sizes("quick", clients=32, per_client=60, warmup=2, baseline_seconds=2.0, case_events=10_000,
              ledger_events=12_000, other_case_events=1_000, proof_sizes=(10_000, 100_000), proof_samples=50,
              ed25519_seconds=1.5, replays=3, startup_runs=20)
FULL = Sizes("full", clients=32, per_client=300, warmup=3, baseline_seconds=10.0, case_events=10_000,
             ledger_events=1_000_000, other_case_events=10_000,
             proof_sizes=(10_000, 100_000, 1_000_000, 10_000_000), proof_samples=200, ed25519_seconds=5.0,
             replays=5, startup_runs=50)
TINY = Sizes("tiny", clients=4, per_client=3, warmup=1, baseline_seconds=0.2, case_events=60, ledger_events=90,
             other_case_events=20, proof_sizes=(100, 1000), proof_samples=5, ed25519_seconds=0.1, replays=1,
             startup_runs=2)

PROFILES = {sizes.name: sizes for sizes in (QUICK, FULL, TINY)}
