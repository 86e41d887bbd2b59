"""Replay and rebuild: a long case as it stood at a version, and every read model from zero.

A case at a version is what ``decision-ledger case ID --at N`` and ``/v1/cases/{id}?at=N``
answer (:func:`projections.queries.case_state`), read from a freshly opened ledger so nothing
is cached. The rebuild is ``decision-ledger rebuild``'s :meth:`Projector.rebuild`: every read
model and the transparency log dropped and rebuilt from the events.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from uuid import UUID

from api.settings import Database
from api.store.opening import open_projector
from bench.ledgers import Bench
from projections.queries import case_state
from tests.integration.writers import ledger_at

#: seconds of replays of one version after which no further repetition starts
REPLAY_BUDGET = 2.0


@dataclass(frozen=True)
class ReplayFigures:
    case_version: int
    ms_by_version: dict[int, float]  # median milliseconds to read the case at each version

    @property
    def worst_ms(self) -> float:
        return max(self.ms_by_version.values())

    @property
    def latest_ms(self) -> float:
        return self.ms_by_version[self.case_version]


def versions_to_replay(latest: int) -> list[int]:
    """The latest version, the middle one, and one near the start."""
    return sorted({latest, max(1, latest // 2), max(1, latest // 10)}, reverse=True)


def replay_case(url: str, case_id: UUID, latest: int, repeats: int) -> ReplayFigures:
    timings: dict[int, float] = {}
    with ledger_at(url) as ledger:
        case_state(ledger, case_id, 1)  # warm: imports, connections, statements
        for version in versions_to_replay(latest):
            runs: list[float] = []
            while len(runs) < repeats and sum(runs) < REPLAY_BUDGET:
                started = time.perf_counter()
                state = case_state(ledger, case_id, version)
                runs.append(time.perf_counter() - started)
                if state["as_of"]["version"] != version:
                    raise RuntimeError(f"asked for version {version}, got {state['as_of']['version']}")
            timings[version] = statistics.median(runs) * 1000
    return ReplayFigures(latest, timings)


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
