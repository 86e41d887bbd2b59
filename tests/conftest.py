"""Shared fixtures: a fixed clock, and a ledger in memory with its administrator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from domain import clock
from domain.service.ledger import Ledger
from tests.support import World

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
