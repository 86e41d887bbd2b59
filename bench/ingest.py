"""Ingest: signed actions through HTTP against the library's own one-event-per-commit rate.

Each of the writers posts ``case.collect_material`` envelopes to its own case through a real
``serve`` process, one after another on a kept-alive connection, all writers at once. The
envelopes are signed before the clock starts (signing is the client's cost); each is signed
against the version the one before it makes, so every one is recorded (201). The baseline is
the eventsourcing library's stock application on the same kind of store: one small aggregate
event per ``save``, one after another, on a database of its own.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from api.http.writes import ROUTES
from api.settings import Database
from bench.ledgers import Bench
from tests.integration.conftest import _database
from tests.integration.served_process import serving
from tests.integration.writers import COLLECT, material

#: no writer may take longer than this in all (the run is bounded whatever the server does)
WRITER_TIMEOUT = 600.0


@dataclass(frozen=True)
class IngestFigures:
    events: int
    seconds: float
    refused: int
    p50_ms: float
    p99_ms: float

    @property
    def per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def presign(bench: Bench, warmup: int, timed: int) -> list[list[bytes]]:
    """Each writer's envelopes, as the bytes it will post: the first ``warmup`` and then
    ``timed`` more, signed against versions 1, 2, 3… of its case (version 1 is its opening)."""
    batches = []
    for n, (signer, case_id) in enumerate(zip(bench.cast.people, bench.cast.cases, strict=True)):
        bodies = []
        for version in range(1, 1 + warmup + timed):
            envelope = signer.sign(COLLECT, case_id, version, material(f"http-{n}-{version}"))
            bodies.append(json.dumps(envelope.to_json()).encode())
        batches.append(bodies)
    return batches


def http_ingest(bench: Bench, directory: Path, warmup: int, timed: int, workers: int = 1) -> IngestFigures:
    """Serve the store (``serve --workers``), have every writer post its envelopes at once, and
    time them."""
    bodies = presign(bench, warmup, timed)
    paths = [ROUTES[COLLECT][0].format(case_id=case_id) for case_id in bench.cast.cases]
    with serving(directory, "--db", bench.url, "--keys", str(bench.keys), "--log-level", "warning",
                 "--workers", str(workers), log_name="serve-bench.log") as (address, _):
        netloc = urlsplit(address).netloc
        ready = threading.Barrier(len(bodies) + 1)
        latencies: list[list[float]] = [[] for _ in bodies]
        refusals = [0] * len(bodies)
        failures: list[BaseException] = []

        def write(n: int) -> None:
            connection = http.client.HTTPConnection(netloc, timeout=60)
            try:
                for body in bodies[n][:warmup]:
                    if (status := _post(connection, paths[n], body)) != 201:
                        raise RuntimeError(f"a warm-up write was answered {status}")
                ready.wait(timeout=120)
                for body in bodies[n][warmup:]:
                    started = time.perf_counter()
                    status = _post(connection, paths[n], body)
                    latencies[n].append(time.perf_counter() - started)
                    if status != 201:
                        refusals[n] += 1
            except BaseException as error:  # noqa: BLE001 — re-raised below, in the caller's thread
                failures.append(error)
                ready.abort()
            finally:
                connection.close()

        threads = [threading.Thread(target=write, args=(n,), daemon=True) for n in range(len(bodies))]
        for thread in threads:
            thread.start()
        try:
            ready.wait(timeout=120)
        except threading.BrokenBarrierError:
            for thread in threads:
                thread.join(timeout=5)
            raise failures[0] if failures else TimeoutError("the HTTP writers did not all warm up") from None
        started = time.perf_counter()
        deadline = time.monotonic() + WRITER_TIMEOUT
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        elapsed = time.perf_counter() - started
        if failures:
            raise failures[0]
        if any(thread.is_alive() for thread in threads):
            raise TimeoutError(f"HTTP writers still running after {WRITER_TIMEOUT} s")
    every = sorted(x for writer in latencies for x in writer)
    refused = sum(refusals)
    return IngestFigures(len(every) - refused, elapsed, refused, _percentile(every, 50) * 1000,
                         _percentile(every, 99) * 1000)


def _post(connection: http.client.HTTPConnection, path: str, body: bytes) -> int:
    connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    answer = connection.getresponse()
    text = answer.read()
    if answer.status >= 500:
        raise RuntimeError(f"the service answered {answer.status}: {text[:300]!r}")
    return answer.status


def _percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not values:
        return 0.0
    rank = max(1, int(-(-percent * len(values) // 100)))
    return values[min(rank, len(values)) - 1]


# --- the baseline: the library's own application, one event per commit ----------------------


class Tally(Aggregate):
    """The smallest aggregate: each ``count`` is one small event."""

    @event("Counted")
    def count(self) -> None:
        pass


def baseline_append(kind: str, directory: Path, seconds: float) -> float:
    """Events per second of the library's stock application saving one event per ``save``
    (one transaction each), one after another for ``seconds``, on a fresh store of ``kind``."""
    directory.mkdir(parents=True, exist_ok=True)
    with _database(kind, directory) as store:
        env = Database.parse(store.url).persistence_env(create_tables=True, prefix="")
        del env["APPLICATION_RECORDER_TOPIC"]  # the library's own recorder, not the ledger's
        app = Application[Any](env=env)
        try:
            tally = Tally()
            app.save(tally)
            for _ in range(20):  # warm the connection and the statements
                tally.count()
                app.save(tally)
            saves = 0
            started = time.perf_counter()
            deadline = started + seconds
            while time.perf_counter() < deadline:
                for _ in range(10):
                    tally.count()
                    app.save(tally)
                saves += 10
            elapsed = time.perf_counter() - started
        finally:
            app.close()
    return saves / elapsed

