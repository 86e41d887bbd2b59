"""Group commit: the signed intents that arrive while the ledger is storing a batch are gathered
and stored together, in one transaction.

Each request thread hands its envelope to the committer and waits for its own outcome. One
committer thread takes every intent waiting (up to ``max_batch``) and gives them to
:meth:`domain.service.ledger.Ledger.submit_many`, which judges each in arrival order, exactly as if it
came alone, and stores the accepted ones at once. Nothing waits on purpose: an intent that
arrives while the store is idle is stored at once; under load, the intents that arrive during
one commit form the next batch, so a write waits at most for the commit before its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future
from queue import Empty, SimpleQueue
from threading import Lock, Thread
from typing import Any

from domain.evidence.intent import SignedIntent
from domain.service.ledger import Ledger, Recorded

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
        self._queue: SimpleQueue[tuple[Any, Settle] | None] = SimpleQueue()
        self._thread: Thread | None = None
        self._starting = Lock()

    def submit(self, envelope: SignedIntent | Any) -> Recorded:
        """Judge and store one signed intent (opened, or its envelope's JSON) with whatever
        else is waiting; its outcome, or its refusal raised."""
        self._ensure_started()
        future: Future[Recorded] = Future()
        self._queue.put((envelope, _settle_future(future)))
        return future.result()

    async def record(self, envelope: SignedIntent | Any) -> Recorded:
        """:meth:`submit` for a coroutine: the event loop is not blocked while it waits."""
        self._ensure_started()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Recorded] = loop.create_future()
        self._queue.put((envelope, _settle_in_loop(loop, future)))
        return await future

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

    def _store(self, waiting: list[tuple[Any, Settle]]) -> None:
        if self.on_batch is not None:
            self.on_batch(len(waiting))
        try:
            outcomes: list[Recorded | BaseException] = list(
                self.ledger.submit_many([envelope for envelope, _ in waiting]))
        except Exception as error:  # the store failed: every writer of the batch learns it
            log.exception("group commit failed", extra={"fields": {"event": "group-commit-error",
                                                                   "intents": len(waiting)}})
            outcomes = [error] * len(waiting)
        for (_, settle), outcome in zip(waiting, outcomes, strict=True):
            settle(outcome)


#: hands one intent's outcome (a Recorded, or the exception refusing it) to its waiting writer
Settle = Callable[[Any], None]


def _settle_future(future: Future[Recorded]) -> Settle:
    def settle(outcome: Any) -> None:
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    return settle


def _settle_in_loop(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Recorded]) -> Settle:
    def settle_now(outcome: Any) -> None:
        if future.done():  # the request was cancelled (the client went away)
            return
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    def settle(outcome: Any) -> None:
        try:
            loop.call_soon_threadsafe(settle_now, outcome)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    return settle
