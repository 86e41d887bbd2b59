"""Group commit: the signed intents that arrive while the ledger is storing a batch are gathered
and stored together, in one transaction.

Each request thread hands its envelope to the committer and waits for its own outcome. One
committer thread takes every intent waiting (up to ``max_batch``) and gives them to
:meth:`domain.ledger.Ledger.submit_many`, which judges each in arrival order, exactly as if it
came alone, and stores the accepted ones at once. Nothing waits on purpose: an intent that
arrives while the store is idle is stored at once; under load, the intents that arrive during
one commit form the next batch, so a write waits at most for the commit before its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from queue import Empty, SimpleQueue
from threading import Lock, Thread
from typing import Any

from domain.ledger import Ledger, Recorded

log = logging.getLogger("decision_ledger.http")

#: intents stored in one transaction at most
MAX_BATCH = 128


class GroupCommitter:
    def __init__(
        self, ledger: Ledger, max_batch: int = MAX_BATCH, on_batch: Callable[[int], None] | None = None
    ) -> None:
        self.ledger = ledger
        self.max_batch = max_batch
        self.on_batch = on_batch  # told each batch's size (metrics)
        self._queue: SimpleQueue[tuple[Any, Future[Recorded]] | None] = SimpleQueue()
        self._thread: Thread | None = None
        self._starting = Lock()

    def submit(self, envelope_json: Any) -> Recorded:
        """Judge and store one signed intent with whatever else is waiting; its outcome, or its
        refusal raised."""
        self._ensure_started()
        future: Future[Recorded] = Future()
        self._queue.put((envelope_json, future))
        return future.result()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._starting:
            if self._thread is None:
                self._thread = Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            waiting = [first]
            while len(waiting) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except Empty:
                    break
                if item is None:
                    self._store(waiting)
                    return
                waiting.append(item)
            self._store(waiting)

    def _store(self, waiting: list[tuple[Any, Future[Recorded]]]) -> None:
        if self.on_batch is not None:
            self.on_batch(len(waiting))
        try:
            outcomes = self.ledger.submit_many([envelope for envelope, _ in waiting])
        except BaseException as error:  # the store failed: every writer of the batch learns it
            log.exception("group commit failed", extra={"fields": {"event": "group-commit-error",
                                                                   "intents": len(waiting)}})
            for _, future in waiting:
                future.set_exception(error)
            return
        for (_, future), outcome in zip(waiting, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
