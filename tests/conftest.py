"""Shared fixtures: a fixed clock, a ledger in memory with its administrator, and one on a
SQLite file with its read models (:func:`projected`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain import clock
from domain.service.ledger import Ledger
from tests.support import Projected, World

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def manual_clock() -> Iterator[clock.ManualClock]:
    fixed = clock.ManualClock(START)
    with clock.using(fixed):
        yield fixed


@pytest.fixture
def ledger(manual_clock: clock.ManualClock) -> Iterator[Ledger]:
    """A ledger on the library's in-memory store (unit tests); integration tests use files."""
    app = Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


@pytest.fixture
def world(ledger: Ledger) -> World:
    return World(ledger)


@pytest.fixture
def projected(tmp_path: Path, manual_clock: clock.ManualClock) -> Iterator[Projected]:
    from api.settings import Database
    from api.store.opening import open_ledger, open_projector

    database = Database.parse(f"sqlite:///{tmp_path / 'ledger.db'}")
    ledger = open_ledger(database, create=True)
    projector = open_projector(database, ledger)
    yield Projected(ledger, World(ledger), projector, manual_clock)
    projector.close()
    ledger.close()


def pytest_configure(config: pytest.Config) -> None:
    """SIGINT as Python's own, if the run inherited it ignored (a run started in the background of
    a non-interactive shell): a child process inherits an ignored SIGINT and then never stops on
    it — a witness server (tests/integration/test_witness.py) waited out its 10 s for SIGKILL.
    A handler, unlike an ignored signal, is reset by exec: the children start with the default."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per core. Two per core was tried (a worker waits on a served process,
    Chromium or PostgreSQL part of its time): on the idle 2-core host the whole run took 7:26 with
    four workers against 6:59 with two — the waits are short, and four workers slow each other's
    subprocesses more than they fill the gaps (docs/performance.md, the test suite)."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


#: Modules whose tests share nothing wider than the session: under ``--dist loadscope`` their
#: tests are spread over the workers one by one instead of the module going whole to one worker
#: (every scenario of features/, on both stores, is one module: alone it was the run's long pole).
SPREAD_TEST_BY_TEST = ("tests/bdd/test_features.py::",)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadscope``, except for the modules of :data:`SPREAD_TEST_BY_TEST`."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SpreadScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(SPREAD_TEST_BY_TEST):
                return nodeid
            return super()._split_scope(nodeid)

    return SpreadScheduling(config, log)  # type: ignore[arg-type]
