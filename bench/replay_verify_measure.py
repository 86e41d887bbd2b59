"""Replay with snapshots and verification on every core, each measured beside its baseline in
the same run on the same machine:

* replay: a case of ``--events`` events (built through ``Ledger.submit``, each intent signed by
  the team member's key) replayed at several versions and at the latest, from its snapshots
  (``Ledger.get_case``) and from its first event (the library's plain repository: the baseline);
* verify: ``decision-ledger verify`` over stores of N and 4·N events (``--verify-events``), with
  ``--jobs 1`` and with every core, beside raw Ed25519 verifications per second on one core;
  peak memory of the verify process, to show it does not grow with the store.

    python bench/replay_verify_measure.py [--events 10000] [--verify-events 10000] [--json]

It writes its stores under ``--dir`` (default: a temporary directory) and prints one JSON
object with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.settings import Database
from api.store.opening import open_ledger
from api.verification_pool import available_cores
from domain import clock
from domain.model.acts import Act
from domain.model.aggregate import Context
from domain.model.commands import case as commands
from domain.service.records import LedgerRecords
from tests.integration.writers import material
from tests.support import World, XXScript

COMMAND = [str(Path(sys.executable).parent / "decision-ledger")]
SIGN_AHEAD = 500  # intents signed at a time: each must be recorded within 5 minutes of signing


def build_case(url: str, events: int) -> UUID:
    """An XX case on the simplified procedure (XX-15) whose ``events - 1`` later events are
    ``case.collect_material`` (XX-12(1)), submitted one by one as the HTTP service does."""
    ledger = open_ledger(Database.parse(url), create=True)
    try:
        world = World(ledger)
        script = XXScript(world, simplified=True)
        script.step("open").run()
        for start in range(1, events, SIGN_AHEAD):
            envelopes = [
                script.member.sign("case.collect_material", script.case_id, version, material(str(version))).to_json()
                for version in range(start, min(start + SIGN_AHEAD, events))
            ]
            for envelope in envelopes:
                ledger.submit(envelope)
        return script.case_id
    finally:
        ledger.close()


def timed(action: Any, runs: int) -> float:
    """The median wall time of ``runs`` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure_replay(url: str, case_id: UUID, events: int) -> dict[str, Any]:
    ledger = open_ledger(Database.parse(url))
    try:
        versions: list[int | None] = [1, 150, events // 4, events // 2 + 37, events - 1, None]
        rows = []
        for version in versions:
            snapshot_ms = timed(lambda v=version: ledger.get_case(case_id, v), 5)
            zero_ms = timed(lambda v=version: ledger.repository.get(case_id, version=v), 1)
            rows.append({"version": version or events, "latest": version is None,
                         "snapshot_ms": snapshot_ms, "from_events_ms": zero_ms})
        return {"events": events, "replays": rows,
                "replay_10k_ms": max(r["snapshot_ms"] for r in rows),
                "baseline_replay_from_events_ms": max(r["from_events_ms"] for r in rows)}
    finally:
        ledger.close()


def build_ledger(url: str, events: int, per_case: int = 100) -> None:
    """A store of about ``events`` signed events: cases of ``per_case`` events each, recorded
    through the cases' own methods and saved in batches (the events are what ``submit`` stores;
    only the per-write round trips are skipped, since verify is what is measured here)."""
    ledger = open_ledger(Database.parse(url), create=True)
    try:
        world = World(ledger)
        script = XXScript(world, simplified=True)
        actor = ledger.get_principal(script.member.principal_id)
        ctx = Context(actor=actor, directory=ledger, now=clock.now())
        made = ledger.recorder.max_notification_id() or 0
        while made < events:
            case_id = script.case_id = UUID(int=made + 1)
            script.step("open").run()
            case = ledger.get_case(case_id)
            for n in range(per_case - 1):
                envelope = script.member.sign("case.collect_material", case_id, case.version, material(f"{made}-{n}"))
                case.collect_material(Act.decode(envelope.to_json(), commands.CollectMaterial), ctx)
            ledger.save(case)
            made += per_case
    finally:
        ledger.close()


def verify_in_this_process(url: str, jobs: int) -> None:
    """What `decision-ledger verify --jobs N` does (events, log, checkpoints), timed from opening
    the store to the report, without the interpreter's start; prints one JSON line."""
    import resource

    from api.verification_pool import parallel_opener
    from domain.evidence.store import verify_store
    from projections.runner import Projector

    started = time.perf_counter()
    database = Database.parse(url)
    ledger = open_ledger(database)
    projector = Projector(ledger, database.persistence_env(create_tables=False, prefix=""),
                          postgres=database.kind == "postgresql", create=False)
    opener = parallel_opener(ledger, jobs) if jobs > 1 else None
    report = verify_store(LedgerRecords(ledger), projector.reader, opener=opener)
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the parent's
    peak = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:"))
    print(json.dumps({"ok": report.ok, "events": report.events, "seconds": seconds, "breaks": len(report.breaks),
                      "peak_rss_mb": round(peak / 1024, 1), "worker_peak_rss_mb": round(children / 1024, 1)}))


def run_verify(url: str, jobs: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--verify-child", url, str(jobs)],
                          capture_output=True, check=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["ok"]:
        raise SystemExit(f"verify failed at {url}: {result['breaks']} breaks")
    return {"jobs": jobs, "events": result["events"], "seconds": round(result["seconds"], 2),
            "per_s": round(result["events"] / result["seconds"]), "peak_rss_mb": result["peak_rss_mb"],
            "worker_peak_rss_mb": result["worker_peak_rss_mb"]}


def ed25519_per_s(seconds: float = 2.0) -> int:
    """Raw Ed25519 verifications per second on one core (``cryptography``, the ledger's own)."""
    key = Ed25519PrivateKey.generate()
    public, message = key.public_key(), os.urandom(400)
    signature = key.sign(message)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(200):
            public.verify(signature, message)
        count += 200
    return round(count / (time.perf_counter() - started))


def project(url: str) -> None:
    subprocess.run([*COMMAND, "project", "--db", url], check=True, capture_output=True)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--verify-child":
        verify_in_this_process(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events of the replayed case")
    parser.add_argument("--verify-events", type=int, default=10_000, help="N: verify runs at N and 4N events")
    parser.add_argument("--dir", type=Path, default=None, help="where the stores are written")
    parser.add_argument("--skip-replay", action="store_true")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--postgres", metavar="URL", help="also replay on this (empty) PostgreSQL database")
    parser.add_argument("--reuse", action="store_true", help="measure the stores --dir already holds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="dl-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    cores = available_cores()
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": platform.platform(),
        "python": platform.python_version(), "cores": cores, "load_average": os.getloadavg(),
    }
    if not args.skip_replay:
        stores = {"sqlite": f"sqlite:///{directory / 'replay.db'}"}
        if args.postgres:
            stores["postgres"] = args.postgres
        for kind, url in stores.items():
            case_file = directory / f"replay-{kind}.case"
            if not args.reuse:
                started = time.perf_counter()
                case_file.write_text(str(build_case(url, args.events)))
                result[f"replay_build_{kind}_s"] = round(time.perf_counter() - started, 1)
            result[f"replay_{kind}"] = measure_replay(url, UUID(case_file.read_text()), args.events)
        result["replay_10k_ms"] = max(result[f"replay_{kind}"]["replay_10k_ms"] for kind in stores)
    if not args.skip_verify:
        baseline = ed25519_per_s()
        result["baseline_ed25519_verify_per_s"] = baseline
        runs = []
        for size in (args.verify_events, 4 * args.verify_events):
            url = f"sqlite:///{directory / f'verify-{size}.db'}"
            if not args.reuse:
                build_ledger(url, size)
                project(url)
            for jobs in sorted({1, cores}):
                run = run_verify(url, jobs)
                run["ratio_to_baseline_x_jobs"] = round(run["per_s"] / (baseline * jobs), 2)
                runs.append(run)
        result["verify"] = runs
        best = max(runs, key=lambda r: r["per_s"])
        result["verify_per_s"] = best["per_s"]
        result["verify_peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
