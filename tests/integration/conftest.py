"""Real stores for integration tests, and the command line.

PostgreSQL is found at ``DECISION_LEDGER_TEST_PG`` (an admin URL; default
``postgresql://postgres@127.0.0.1:5432/postgres``). Where no server answers, PostgreSQL tests
skip with the reason, except under ``CI=true``, where they fail: CI must prove both stores.

Stores (tests/integration/stores.py): ``store`` is a new, empty store — a SQLite file, or the
run's PostgreSQL ``work`` database emptied; ``demo_ledger`` and ``projected_ledger`` are copies
of ledgers made once per run and store kind (`init` + `demo`, and that projected), so that a
test does not record the demo again. ``served`` is the HTTP app over a copy of the demo ledger,
shared by one module's tests.

The command (tests/integration/commands.py): ``cli`` runs `decision-ledger` in this process, in
the test's directory; ``run_cli`` runs the installed script in a new process, for the tests
whose point is the real process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.browser import address, browser, page  # noqa: F401  (the browser tests' fixtures)
from tests.integration.commands import Run, _command, invoke, run_cli
from tests.integration.http_support import Served, serve_ledger
from tests.integration.stores import (
    PG_ADMIN_URL,
    SLOTS,
    DemoLedger,
    Pristines,
    Store,
    _database,
    _pg_unavailable,
    _postgres_database,
    slot_store,
)

__all__ = ["PG_ADMIN_URL", "STORES", "DemoLedger", "Pristines", "Run", "Store", "_command", "_database", "_pg_unavailable",
           "_postgres_database", "invoke", "require_postgres", "run_cli", "slot_store"]

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def require_postgres() -> None:
    reason = _pg_unavailable()
    if reason is None:
        return
    message = f"no PostgreSQL server answers at {PG_ADMIN_URL}: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true requires PostgreSQL)")
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def _postgres_slots() -> Iterator[None]:
    """The run's PostgreSQL databases, dropped when it ends."""
    yield
    if SLOTS.made:
        SLOTS.drop()


@pytest.fixture(scope="session")
def pristines(tmp_path_factory: pytest.TempPathFactory) -> Pristines:
    return Pristines(tmp_path_factory.mktemp("pristine"))


def new_store(kind: str, directory: Path, slot: str = "work") -> Store:
    """A new, empty store: ``directory/ledger.db``, or the PostgreSQL slot emptied."""
    if kind == "sqlite":
        path = directory / "ledger.db"
        return Store("sqlite", f"sqlite:///{path}", path=path)
    require_postgres()
    return slot_store(slot)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A new, empty store of each kind."""
    return new_store(request.param, tmp_path)


@pytest.fixture(params=STORES)
def demo_ledger(request: pytest.FixtureRequest, tmp_path: Path, pristines: Pristines) -> DemoLedger:
    """A copy of the ledger `init` and `demo` make, run in ``tmp_path`` without ``--keys``."""
    if request.param == "postgres":
        require_postgres()
    return pristines.copy("demo", request.param, tmp_path)


@pytest.fixture(params=STORES)
def projected_ledger(request: pytest.FixtureRequest, tmp_path: Path, pristines: Pristines) -> DemoLedger:
    """A copy of the ledger `init`, `demo` and `project` make, run in ``tmp_path`` without ``--keys``."""
    if request.param == "postgres":
        require_postgres()
    return pristines.copy("projected", request.param, tmp_path)


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., Run]:
    """Run a `decision-ledger` command in this process, in a scratch directory (or ``cwd``)."""

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
        return invoke(*args, cwd=cwd or tmp_path, env=env)

    return run


@pytest.fixture
def process_cli(tmp_path: Path) -> Callable[..., Run]:
    """Run the installed `decision-ledger` script in a new process, in a scratch directory."""

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
        return run_cli(*args, cwd=cwd or tmp_path, env=env)

    return run


@pytest.fixture(scope="module", params=STORES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           pristines: Pristines) -> Iterator[Served]:
    """The HTTP app over a copy of the demo ledger, shared by one module's tests."""
    if request.param == "postgres":
        require_postgres()
    directory = tmp_path_factory.mktemp(f"served-{request.param}")
    copied = pristines.copy("demo", request.param, directory, slot="served")
    with serve_ledger(copied) as app:
        yield app
