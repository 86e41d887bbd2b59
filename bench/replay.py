"""Replay and rebuild: a long case as it stood at a version, and every read model from zero.

A case at a version is replayed as ``serve`` replays it (``/v1/cases/{id}?at=N``): by a ledger
opened with its key, so from the case's greatest sealed snapshot at or below the version plus
the events after it (:meth:`Ledger.get_case`), in a freshly opened ledger so nothing but the
snapshots is cached. The versions are the latest, and three that each lie 99 events past a
snapshot (the most events a replay applies), and the figure is the slowest. Rendering that
state as the answer's JSON (:func:`projections.queries.case_state`: every material, finding and
person of the case) is timed apart, as ``render``. Each is timed as ``serve`` and ``case --at``
run it, with automatic garbage collection paused until the case is dropped
(:func:`projections.gc_pause.collection_paused`). The rebuild is ``decision-ledger rebuild``'s :meth:`Projector.rebuild`: every read
model and the transparency log dropped and rebuilt from the events.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from api.settings import Database
from api.store.opening import open_projector
from bench.ledgers import Bench
from projections.gc_pause import collection_paused
from projections.queries import case_state
from tests.integration.writers import ledger_at

#: seconds of replays of one version after which no further repetition starts
REPLAY_BUDGET = 2.0


@dataclass(frozen=True)
class ReplayFigures:
    case_version: int
    ms_by_version: dict[int, float]  # median milliseconds to replay the case at each version
    render_ms_by_version: dict[int, float]  # … to replay it and render the answer's JSON

    @property
    def worst_render_ms(self) -> float:
        return max(self.render_ms_by_version.values())

    @property
    def worst_ms(self) -> float:
        return max(self.ms_by_version.values())

    @property
    def latest_ms(self) -> float:
        return self.ms_by_version[self.case_version]


def versions_to_replay(latest: int, interval: int) -> list[int]:
    """The latest version, the one before it, and ones 99 events past a snapshot in the middle
    and near the start (a snapshot is taken at every multiple of ``interval``)."""
    def past_a_snapshot(version: int) -> int:
        return max(1, version - version % interval + interval - 1) if version > interval else max(1, version)

    return sorted({latest, max(1, latest - 1), past_a_snapshot(latest // 2), past_a_snapshot(latest // 10)},
                  reverse=True)


def replay_case(url: str, keys: Path, case_id: UUID, latest: int, repeats: int) -> ReplayFigures:
    timings: dict[int, float] = {}
    rendered: dict[int, float] = {}
    with ledger_at(url, keys) as ledger:
        case_state(ledger, case_id, 1)  # warm: imports, connections, statements
        for version in versions_to_replay(latest, ledger.case_snapshots.interval):
            runs: list[float] = []
            renders: list[float] = []
            while len(runs) < repeats and sum(runs) + sum(renders) < REPLAY_BUDGET:
                with collection_paused():  # as serve and `case --at` read a case
                    started = time.perf_counter()
                    got = ledger.get_case(case_id, version).version
                    runs.append(time.perf_counter() - started)
                if got != version:
                    raise RuntimeError(f"asked for version {version}, got {got}")
                with collection_paused():
                    started = time.perf_counter()
                    state = case_state(ledger, case_id, version)
                    renders.append(time.perf_counter() - started)
                if state["as_of"]["version"] != version:
                    raise RuntimeError(f"asked for version {version}, got {state['as_of']['version']}")
            timings[version] = statistics.median(runs) * 1000
            rendered[version] = statistics.median(renders) * 1000
    return ReplayFigures(latest, timings, rendered)


@dataclass(frozen=True)
class RebuildFigures:
    events: int
    seconds: float

    @property
    def per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def rebuild(bench: Bench) -> RebuildFigures:
    """Rebuild every projection from zero, then sign a checkpoint of the rebuilt log (so that
    ``verify`` checks one)."""
    with ledger_at(bench.url, bench.keys) as ledger:
        projector = open_projector(Database.parse(bench.url), ledger)
        try:
            started = time.perf_counter()
            events = projector.rebuild() // len(projector.projections)  # each projection counts them
            seconds = time.perf_counter() - started
            if ledger.ledger_key is not None:
                projector.sign_checkpoint(ledger.ledger_key)
        finally:
            projector.close()
    return RebuildFigures(events, seconds)
