"""Running the projections: catch up, follow, rebuild, and sign checkpoints.

Catching up reads the ledger's notification log in batches and gives each batch to each
projection (``select_notifications`` from the projection's own tracking position): this works
on both stores. Following uses the library's :class:`ProjectionRunner` (LISTEN/NOTIFY) on
PostgreSQL; SQLite recorders have no subscription, so there it polls.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from threading import Event, Lock
from typing import Any, cast

from eventsourcing.persistence import InfrastructureFactory, IntegrityError, Tracking
from eventsourcing.projection import Projection, ProjectionRunner
from eventsourcing.utils import Environment

from domain.evidence.signing import PublicKey, SigningKey
from domain.service.ledger import Ledger
from projections.gc_pause import collection_paused
from projections.signed import CheckpointMemory
from projections.store import NotOwner, ViewRecorder
from projections.tlog import LogReader, PostgresLog, SQLiteLog, TransparencyLog
from projections.views import LedgerViews, PostgresLedgerViews, SQLiteLedgerViews

Progress = Callable[[int], None]


def origin_of(ledger: Ledger) -> str:
    """The log's name in its checkpoints (and the ledger key's name in their signatures)."""
    return f"decision-ledger/{ledger.genesis().ledger_id}"


class Projector:
    """Both projections of one ledger, in the ledger's own database."""

    BATCH = 500
    #: events per transaction while rebuilding (nothing else waits on the tables meanwhile)
    REBUILD_BATCH = 5000

    def __init__(self, ledger: Ledger, env: Mapping[str, str], postgres: bool, create: bool = True) -> None:
        self.ledger = ledger
        self.env = dict(env)
        self.postgres = postgres
        self.create = create
        views_class = PostgresLedgerViews if postgres else SQLiteLedgerViews
        log_class = PostgresLog if postgres else SQLiteLog
        self.views: ViewRecorder = self._recorder(LedgerViews.name, views_class)
        self.log: ViewRecorder = self._recorder(TransparencyLog.name, log_class)
        self.projections: list[Projection[ViewRecorder]] = [
            LedgerViews(self.views, ledger),
            TransparencyLog(self.log),
        ]
        self._lock = Lock()
        #: the latest checkpoint signed, kept beside the ledger key (set where the key is read)
        self.memory: CheckpointMemory | None = None

    def _recorder(self, name: str, view_class: type[ViewRecorder]) -> ViewRecorder:
        factory = InfrastructureFactory.construct(Environment(name, {**self.env, "CREATE_TABLE": "n"}))
        recorder = cast(ViewRecorder, factory.tracking_recorder(view_class))  # type: ignore[arg-type]
        # read models are derived: create them where they are missing (verify never does); where
        # they exist, no DDL at all, so a role that may not create tables opens them
        if self.create and recorder.missing_relations():
            recorder.create_table()
        return recorder

    @property
    def reader(self) -> LogReader:
        return LogReader(self.log, origin_of(self.ledger))

    def pending(self) -> int:
        """Events stored but not yet in every projection (an upper bound: ids may have gaps)."""
        top = self.ledger.recorder.max_notification_id() or 0
        done = min(p.view.max_tracking_id(self.ledger.name) or 0 for p in self.projections)
        return max(0, top - done)

    def catch_up(self, progress: Progress | None = None, stop: Event | None = None, batch: int | None = None) -> int:
        """Process every stored event each projection has not seen; return how many (each
        projection counts the events it processed). Safe beside other processors (threads or
        workers): a batch another one tracked first is skipped, as the tracking table guarantees
        each event is applied exactly once. Once ``stop`` is set, no further batch starts (the
        one at hand commits). Each batch of notifications is read and mapped to events once,
        and each projection is given the events past its own position."""
        processed = 0
        limit = batch or self.BATCH
        name = self.ledger.name
        with self._lock:
            positions = [projection.view.max_tracking_id(name) or 0 for projection in self.projections]
            while stop is None or not stop.is_set():
                rows = self.ledger.recorder.select_notifications(
                    start=min(positions), limit=limit, inclusive_of_start=False
                )
                if not rows:
                    break
                to_domain_event = self.ledger.mapper.to_domain_event
                items = [(to_domain_event(r), Tracking(name, r.id)) for r in rows]
                for n, projection in enumerate(self.projections):
                    last = positions[n]
                    todo = items if last < rows[0].id else [item for item in items if item[1].notification_id > last]
                    if not todo:
                        continue
                    try:
                        projection.process_batch(todo)  # type: ignore[attr-defined]
                    except IntegrityError:
                        tracked = projection.view.max_tracking_id(name) or 0
                        if tracked <= last:  # not another processor's batch: a real fault
                            raise
                        positions[n] = tracked
                        continue
                    positions[n] = rows[-1].id
                    processed += len(todo)
                    if progress is not None:
                        progress(len(todo))
        return processed

    def owns_tables(self) -> bool:
        """Whether this connection may drop and re-create every projection's tables."""
        return all(projection.view.owns_tables() for projection in self.projections)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop every read model and the log, and build them again from the events. Only the
        tables' owner may (PostgreSQL's migration role): anyone else gets :class:`NotOwner`
        before anything is dropped."""
        if not self.owns_tables():
            raise NotOwner("only the owner of the read models may drop and rebuild them")
        for projection in self.projections:
            projection.view.rebuild_tables()
        self.projections[0] = LedgerViews(self.views, self.ledger)  # forget cached aggregates
        # The projection keeps up to CACHE aggregates, long cases among them, alive throughout,
        # and applying events allocates young containers all the time: automatic collection
        # then runs full passes over that whole heap, again and again (at 200,000 events, 43
        # passes took 11 of 28 s). Applying events makes no reference cycles (a full collection
        # after a paused rebuild of 200,000 events found none), so the rebuild runs paused.
        with collection_paused():
            return self.catch_up(progress, batch=self.REBUILD_BATCH)

    def sign_checkpoint(self, key: SigningKey) -> str:
        """Sign the log as it stands; :class:`~projections.signed.CheckpointRefused` if it is not
        consistent with a checkpoint signed before."""
        return self.reader.sign_checkpoint(key, self.memory, self.ledger_keys())

    def ledger_keys(self) -> list[PublicKey]:
        """Every key the ledger's own principal has held: a checkpoint signed before a rotation
        of the ledger key is still the ledger's (docs/authority.md)."""
        if not self.ledger.is_initialised():
            return []
        principal = self.ledger.get_principal(self.ledger.genesis().ledger_id)
        return [record.public_key for record in principal.key_history.keys.values()]

    def poll(self, stop: Event, key: SigningKey | None, interval: float = 1.0) -> None:
        """Catch up every ``interval`` seconds until ``stop`` is set, signing a checkpoint when the
        log has grown (works on both stores, beside any other processor)."""
        while not stop.is_set():
            if self.catch_up() and key is not None:
                self.sign_checkpoint(key)
            stop.wait(interval)

    def follow(self, stop: Event, key: SigningKey | None, interval: float = 1.0) -> None:
        """Keep the projections current until ``stop`` is set, signing a checkpoint whenever the
        log has grown (every ``interval`` seconds at most)."""
        if not self.postgres:
            self.poll(stop, key, interval)
            return
        self.catch_up(stop=stop)
        env = {**self.env, "CREATE_TABLE": "n"}
        bound_views = type("LedgerViews", (LedgerViews,), {"ledger": self.ledger, "name": LedgerViews.name})
        with ExitStack() as runners:
            running: list[ProjectionRunner[Ledger, Any]] = [
                runners.enter_context(ProjectionRunner(application_class=Ledger, projection_class=bound_views,
                                                       view_class=PostgresLedgerViews, env=env)),
                runners.enter_context(ProjectionRunner(application_class=Ledger, projection_class=TransparencyLog,
                                                       view_class=PostgresLog, env=env)),
            ]
            while not stop.is_set():
                for runner in running:
                    runner.run_forever(timeout=0)  # re-raises an error from its thread
                if key is not None:
                    self.sign_checkpoint(key)
                stop.wait(interval)

    def close(self) -> None:
        for projection in self.projections:
            datastore = getattr(projection.view, "datastore", None)
            if datastore is not None:
                datastore.close()


def wait_for(projector: Projector, timeout: float = 10.0) -> None:
    """Block until every projection has processed every stored event (for tests)."""
    deadline = time.monotonic() + timeout
    while projector.pending() and time.monotonic() < deadline:
        time.sleep(0.05)
