"""Rebuild and replay, measured on ledgers kept between runs, so that one branch can be
measured beside another:

    PYTHONPATH=. python bench/rebuild_replay_measure.py build sqlite|postgres DIR
    PYTHONPATH=. python bench/rebuild_replay_measure.py measure sqlite|postgres DIR [--repeats N]

``build`` grows a ledger as ``python -m bench --quick`` does (``bench.ledgers.grow_ledger``:
12,000 events, one case of 10,000) in ``DIR`` (SQLite) or in the database ``dl_rebuild_bench``
(PostgreSQL at ``$DECISION_LEDGER_TEST_PG``; made again by every ``build``). ``measure``
prints one JSON line: ``Projector.rebuild()`` in events per second of wall time and per second
of this process's CPU time (``bench.replay.rebuild``), and the long case read at versions
10000, 5000, 1000, 9999 and the latest, as ``Ledger.get_case`` replays it (``get_case_ms``) and
as ``case ID --at N`` renders it (``case_state_ms``), each as [median, min, max] milliseconds.
Run it from another checkout's root to measure that checkout on the same stores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from uuid import UUID

import psycopg

from api.cli.ledger import initialise
from api.settings import Settings
from bench.ledgers import Bench, grow_ledger
from bench.replay import rebuild
from projections.queries import case_state
from tests.integration.conftest import PG_ADMIN_URL, Store
from tests.integration.writers import enrol, ledger_at

DATABASE = "dl_rebuild_bench"
VERSIONS = (10_000, 5_000, 1_000, 9_999)


def store(kind: str, directory: Path) -> Store:
    if kind == "sqlite":
        return Store("sqlite", f"sqlite:///{directory / 'ledger.db'}", path=directory / "ledger.db")
    return Store("postgres", Store.admin_url(DATABASE), dbname=DATABASE)


def build(kind: str, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if kind == "postgres":
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    made = store(kind, directory)
    keys = directory / "keys"
    initialise(Settings.load(db=made.url, keys=str(keys)))
    bench = Bench(made, keys, enrol(made.url, keys, people=4, cases=4))
    case_id, version = grow_ledger(bench, 10_000, 12_000, 1_000)
    (directory / "case").write_text(f"{case_id} {version}")


def spread(runs: list[float]) -> list[float]:
    return [round(statistics.median(runs), 1), round(min(runs), 1), round(max(runs), 1)]


def measure(kind: str, directory: Path, repeats: int) -> dict[str, object]:
    made = store(kind, directory)
    bench = Bench(made, directory / "keys", None)  # type: ignore[arg-type]
    walls, cpus = [], []
    for _ in range(repeats):
        cpu = time.process_time()
        rebuilt = rebuild(bench)
        walls.append(round(rebuilt.per_s))
        cpus.append(round(rebuilt.events / (time.process_time() - cpu)))
    case, latest = (directory / "case").read_text().split()
    case_id = UUID(case)
    get_case: dict[int, list[float]] = {}
    rendered: dict[int, list[float]] = {}
    with ledger_at(made.url, directory / "keys") as ledger:
        case_state(ledger, case_id, 1)  # warm: imports, connections, statements
        for version in (*VERSIONS, int(latest)):
            runs = []
            for _ in range(5 * repeats):
                started = time.perf_counter()
                if ledger.get_case(case_id, version).version != version:
                    raise RuntimeError(f"asked for version {version}")
                runs.append((time.perf_counter() - started) * 1000)
            get_case[version] = spread(runs)
            runs = []
            for _ in range(3 * repeats):
                started = time.perf_counter()
                case_state(ledger, case_id, version)
                runs.append((time.perf_counter() - started) * 1000)
            rendered[version] = spread(runs)
    return {"store": kind, "rebuild_per_s": walls, "rebuild_per_cpu_s": cpus, "get_case_ms": get_case,
            "case_state_ms": rendered}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "measure"])
    parser.add_argument("kind", choices=["sqlite", "postgres"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if args.command == "build":
        build(args.kind, args.directory)
    else:
        print(json.dumps(measure(args.kind, args.directory, args.repeats)), flush=True)


if __name__ == "__main__":
    main()
