"""Ledgers to measure: a fresh store with its ledger, its writers and their cases, and a way to
grow a ledger to a million events quickly.

The writers are ``tests/integration/writers.py``'s: staff of one XX lead unit, each with a key
file of their own, each on a case opened on XX's simplified procedure (XX-15), where
``case.collect_material`` (收集信息资料, XX-12(1)) may repeat as long as the evidence is open.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from api.cli.ledger import initialise
from api.settings import Settings
from api.signer import Signer
from domain import clock
from domain.model.acts import Act
from domain.model.aggregate import Context
from domain.model.case import EvaluationCase
from domain.model.commands.case import CollectMaterial
from domain.model.rules import rulebook_for
from domain.service.ledger import Ledger
from tests.integration.conftest import Store, _database, _pg_unavailable
from tests.integration.writers import COLLECT, Cast, enrol, ledger_at, material

#: events saved per transaction while growing a ledger (the library's PostgreSQL pipeline hangs
#: on saves of thousands)
GROWTH_BATCH = 250


def postgres_missing() -> str | None:
    """Why no PostgreSQL server can be used (``DECISION_LEDGER_TEST_PG``), or None."""
    return _pg_unavailable()


@dataclass(frozen=True)
class Bench:
    """A store holding a ledger, its keys directory and the cast that writes to it."""

    store: Store
    keys: Path
    cast: Cast

    @property
    def url(self) -> str:
        return self.store.url


@contextmanager
def fresh_ledger(kind: str, directory: Path, writers: int) -> Iterator[Bench]:
    """A new store of ``kind`` ("sqlite" or "postgres": a database made for the run and dropped
    after it), initialised, with ``writers`` people each on a case of their own."""
    directory.mkdir(parents=True, exist_ok=True)
    with _database(kind, directory) as store:
        keys = directory / "keys"
        initialise(Settings.load(db=store.url, keys=str(keys)))
        yield Bench(store, keys, enrol(store.url, keys, people=writers, cases=writers))


def grow_case(ledger: Ledger, signer: Signer, case_id: UUID, events: int, label: str,
              held: dict[UUID, EvaluationCase] | None = None) -> int:
    """Append ``events`` signed ``case.collect_material`` acts to a case, each signed by
    ``signer`` against the version before it and recorded by the case's own command method
    (hash, chain link and all), saving at each multiple of the snapshot interval (so the case's
    snapshots lie where the service takes them) and at most :data:`GROWTH_BATCH` per transaction.

    This only fills a store: the case is loaded once and kept in memory instead of being
    replayed for every act as :meth:`Ledger.submit` does, and the acts are not judged by the
    rulebook (collecting material on an open simplified-procedure case raises no finding). What
    is stored is what the ledger stores, so ``verify`` checks it like any other event."""
    case = held[case_id] if held is not None and case_id in held else ledger.get_case(case_id)
    if held is not None:
        held[case_id] = case  # kept in memory from one round to the next
    rulebook = rulebook_for(case.jurisdiction).ref
    actor = ledger.get_principal(signer.principal_id)
    interval = ledger.case_snapshots.interval
    done = pending = 0
    while done < events:
        envelope = signer.sign(COLLECT, case_id, case.version, material(f"{label}-{done}"))
        act = Act.decode(envelope.to_json(), CollectMaterial, rulebook)
        case.collect_material(act, Context(actor=actor, directory=ledger, now=clock.now()))
        done += 1
        pending += 1
        # saved at each multiple of the snapshot interval (where the ledger snapshots a case, as
        # the service does), and at most GROWTH_BATCH at a time
        if case.version % interval == 0 or pending >= GROWTH_BATCH or done == events:
            ledger.save(case)
            pending = 0
    return done


def grow_ledger(bench: Bench, case_events: int, ledger_events: int, per_case: int) -> tuple[UUID, int]:
    """Grow the first writer's case to ``case_events`` events, then the other cases by
    ``per_case`` each, round after round, until the store holds ``ledger_events`` events.
    Returns the long case and its version.

    Only the long case (the one replayed) gets snapshots, where the service takes them; the
    other cases only fill the store for verify and rebuild, which never read snapshots, so they
    are kept in memory between rounds and not snapshotted (a snapshot of a case tens of
    thousands of events long every 100 events made filling a million events take most of an
    hour)."""
    with ledger_at(bench.url, bench.keys) as ledger:
        long_case = bench.cast.cases[0]
        signer = bench.cast.people[0]
        have = ledger.get_case(long_case).version
        grow_case(ledger, signer, long_case, max(0, case_events - have), "long")
        seal = ledger.case_snapshots.key
        ledger.case_snapshots.key = None  # the fillers: no snapshots
        held: dict[UUID, EvaluationCase] = {}
        total = ledger.recorder.max_notification_id() or 0
        rounds = 0
        if total < ledger_events and len(bench.cast.cases) < 2:
            raise ValueError("filling the ledger needs a second case")
        while total < ledger_events:
            for n, (person, case_id) in enumerate(zip(bench.cast.people[1:], bench.cast.cases[1:], strict=True)):
                if total >= ledger_events:
                    break
                total += grow_case(ledger, person, case_id, min(per_case, ledger_events - total),
                                   f"r{rounds}-{n}", held)
            rounds += 1
        ledger.case_snapshots.key = seal
        version = ledger.get_case(long_case).version
    return long_case, version
