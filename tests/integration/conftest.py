"""Real stores for integration tests: a SQLite file, and a fresh PostgreSQL database per test.

PostgreSQL is found at ``DECISION_LEDGER_TEST_PG`` (an admin URL; default
``postgresql://postgres@127.0.0.1:5432/postgres``). Where no server answers, PostgreSQL tests
skip with the reason, except under ``CI=true``, where they fail: CI must prove both stores.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import psycopg
import pytest

from tests.integration.http_support import Served, serve_demo

PG_ADMIN_URL = os.environ.get(
    "DECISION_LEDGER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _pg_unavailable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return " ".join(str(error).split())


def require_postgres() -> None:
    reason = _pg_unavailable()
    if reason is None:
        return
    message = f"no PostgreSQL server answers at {PG_ADMIN_URL}: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true requires PostgreSQL)")
    pytest.skip(message)


@dataclass
class Store:
    """A database holding (or about to hold) a ledger, with the insider's tools."""

    kind: str
    url: str
    path: Path | None = None
    dbname: str = ""

    TABLE: ClassVar[dict[str, str]] = {"sqlite": "stored_events", "postgres": "decisionledger_events"}

    @property
    def table(self) -> str:
        return self.TABLE[self.kind]

    @property
    def id_column(self) -> str:
        return "rowid" if self.kind == "sqlite" else "notification_id"

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.kind == "sqlite":
            with sqlite3.connect(str(self.path), isolation_level=None) as conn:
                return conn.execute(sql, params).fetchall()
        with psycopg.connect(self.admin_url(self.dbname), autocommit=True) as conn:
            cursor = conn.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    @staticmethod
    def admin_url(dbname: str) -> str:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + dbname

    def drop_triggers(self) -> None:
        """What an insider with database rights does first."""
        if self.kind == "sqlite":
            for name in ("no_update", "no_delete", "no_replace"):
                self.execute(f"DROP TRIGGER {self.table}_{name}")
        else:
            for name in ("append_only", "no_truncate"):
                self.execute(f"DROP TRIGGER {self.table}_{name} ON {self.table}")

    def rows(self) -> list[tuple[int, str, int, bytes]]:
        rows = self.execute(
            f"SELECT {self.id_column}, originator_id, originator_version, state "
            f"FROM {self.table} ORDER BY {self.id_column}"
        )
        return [(r[0], str(uuid.UUID(str(r[1]))), r[2], bytes(r[3])) for r in rows]

    def set_state(self, notification_id: int, state: bytes) -> None:
        self.execute(f"UPDATE {self.table} SET state = ? WHERE {self.id_column} = ?", (state, notification_id))

    def delete(self, notification_id: int) -> None:
        self.execute(f"DELETE FROM {self.table} WHERE {self.id_column} = ?", (notification_id,))

    def insert(self, aggregate_id: str, version: int, topic: str, state: bytes) -> None:
        """Append a row behind the ledger's back (no trigger refuses a new version)."""
        stored_id = uuid.UUID(aggregate_id).hex if self.kind == "sqlite" else aggregate_id
        self.execute(
            f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
            (stored_id, version, topic, state),
        )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with _database(request.param, tmp_path) as made:
        yield made


def _command() -> list[str]:
    script = Path(sys.executable).parent / "decision-ledger"
    if script.exists():
        return [str(script)]
    found = shutil.which("decision-ledger")
    return [found] if found else [sys.executable, "-m", "api.cli"]


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the installed `decision-ledger` command in `cwd`, with no DECISION_LEDGER_ settings
    but those given (for fixtures of any scope)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}
    full_env.update(env or {})
    done = subprocess.run(
        [*_command(), *args],
        capture_output=True,
        check=False,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def invoke(*args: str) -> Run:
    """A `decision-ledger` command run in this process: its own code, exit code and output,
    without a new interpreter per call (for tests that run a command many times; a crash fails
    the test with its traceback). The working directory is the test process's: pass paths."""
    from click.testing import CliRunner

    from api.cli import main

    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("DECISION_LEDGER_")}
    result = CliRunner().invoke(main, list(args), env=unset)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail(f"{args[0]} crashed:\n" + "".join(traceback.format_exception(result.exception)))
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the installed `decision-ledger` command in a scratch directory."""

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
        return run_cli(*args, cwd=cwd or tmp_path, env=env)

    return run


@contextmanager
def _database(kind: str, directory: Path) -> Iterator[Store]:
    """A store of one kind that lives as long as the block (for fixtures of any scope)."""
    if kind == "sqlite":
        path = directory / "ledger.db"
        yield Store("sqlite", f"sqlite:///{path}", path=path)
        return
    require_postgres()
    with _postgres_database() as made:
        yield made


@contextmanager
def _postgres_database(template: str = "") -> Iterator[Store]:
    """A new PostgreSQL database (a copy of ``template`` if named), dropped after the block."""
    dbname = f"dl_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield Store("postgres", Store.admin_url(dbname), dbname=dbname)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@contextmanager
def copy_of(original: Store, directory: Path) -> Iterator[Store]:
    """A copy of a store that lives as long as the block: SQLite through the online backup API,
    PostgreSQL as a database made from the original as its template (nothing may be connected
    to the original meanwhile)."""
    if original.kind == "sqlite":
        path = directory / "ledger.db"
        source, target = sqlite3.connect(str(original.path)), sqlite3.connect(str(path))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        yield Store("sqlite", f"sqlite:///{path}", path=path)
        return
    with _postgres_database(template=original.dbname) as made:
        yield made


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The HTTP app over a store holding the demo's cases, shared by one module's tests."""
    directory = tmp_path_factory.mktemp(f"served-{request.param}")
    with _database(request.param, directory) as store, serve_demo(store.url, directory) as app:
        yield app
