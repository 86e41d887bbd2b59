"""Stores for integration tests, made quickly: SQLite files, and a few PostgreSQL databases the
whole run shares.

PostgreSQL: a test does not get a database of its own. The run keeps one database per *slot*
(``work`` for the tests' stores, ``served`` for the HTTP tests' shared store, …), made on first
use and dropped at the end; before a test takes a slot, :func:`refill` empties it — every table,
sequence and function of schema ``public`` dropped, the other sessions on it ended — and, to
copy a ledger, loads the ledger's schema (as ``pg_dump --schema-only`` writes it: tables,
indexes, the append-only triggers and their functions) and its rows (``COPY``, with triggers
off for this one session while the rows go in). The triggers are in force again for every
other session, so a test sees the append-only store ``init`` made. Much faster than ``CREATE
DATABASE … TEMPLATE`` per test, which waits for a checkpoint of the whole cluster.

Pristine ledgers (``init`` + ``demo``, and that projected) are made once per run and store kind
by :class:`Pristines` and never changed: a test that needs one takes a copy — a SQLite file
copied with the online backup API, a PostgreSQL slot refilled — with the keys directory copied
to where ``init`` would have written it for the copy.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import psycopg

from api.settings import Database

PG_ADMIN_URL = os.environ.get(
    "DECISION_LEDGER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
)
STORE_KINDS = ("sqlite", "postgres")


def _pg_unavailable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return " ".join(str(error).split())


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


# --- new databases (the few tests that need one of their own) ---------------------------------


@contextmanager
def _database(kind: str, directory: Path) -> Iterator[Store]:
    """A new, empty store of one kind that lives as long as the block (a PostgreSQL database of
    its own: for tests that change the database itself, e.g. its owner)."""
    if kind == "sqlite":
        path = directory / "ledger.db"
        yield Store("sqlite", f"sqlite:///{path}", path=path)
        return
    with _postgres_database() as made:
        yield made


def drop_database(dbname: str) -> None:
    """``DROP DATABASE … WITH (FORCE)``, tried again while the server cannot complete the checkpoint
    a drop asks for: test_storage_faults fills a tablespace's disk on purpose, and until it frees
    the space no checkpoint can write that database's buffers ("checkpoint request failed")."""
    deadline = time.monotonic() + 120
    while True:
        try:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            return
        except psycopg.errors.InternalError_ as error:
            if "checkpoint request failed" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@contextmanager
def _postgres_database() -> Iterator[Store]:
    """A new PostgreSQL database, dropped after the block."""
    dbname = f"dl_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield Store("postgres", Store.admin_url(dbname), dbname=dbname)
    finally:
        drop_database(dbname)


# --- the run's PostgreSQL slots ------------------------------------------------------------------


class Slots:
    """The run's PostgreSQL databases by slot name: made on first use, dropped by :meth:`drop`."""

    def __init__(self) -> None:
        self.run = uuid.uuid4().hex[:8]
        self.made: dict[str, str] = {}

    def database(self, slot: str) -> str:
        if slot not in self.made:
            dbname = f"dl_test_{self.run}_{slot}"
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{dbname}"')
            self.made[slot] = dbname
        return self.made[slot]

    def drop(self) -> None:
        """Drop them side by side: each drop waits for a checkpoint of the server's, and drops
        that wait together share one (one after the other: ~0.75 s each, on the loaded host)."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, len(self.made))) as pool:
            for done in [pool.submit(drop_database, dbname) for dbname in self.made.values()]:
                done.result()
        self.made.clear()


SLOTS = Slots()


@dataclass(frozen=True)
class Snapshot:
    """What a PostgreSQL ledger holds in schema ``public``: its objects (as DDL) and its rows."""

    ddl: str = ""
    tables: tuple[tuple[str, bytes], ...] = ()  # table, its rows in COPY's binary format
    sequences: tuple[tuple[str, int, bool], ...] = ()  # sequence, last value, is called


EMPTY = Snapshot()

#: drops every object of schema public (what a new database holds there: nothing)
_EMPTY_PUBLIC = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') LOOP
    EXECUTE format('DROP %s IF EXISTS public.%I CASCADE',
                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                  WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.relname);
  END LOOP;
  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'S' LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', r.relname);
  END LOOP;
  FOR r IN SELECT p.proname, p.prokind, pg_get_function_identity_arguments(p.oid) AS args
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP
    EXECUTE format('DROP %s IF EXISTS public.%I(%s) CASCADE',
                   CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
                   r.proname, r.args);
  END LOOP;
  FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           LEFT JOIN pg_class c ON c.oid = t.typrelid
           WHERE n.nspname = 'public' AND (t.typtype IN ('e', 'd', 'r') OR c.relkind = 'c') LOOP
    EXECUTE format('DROP TYPE IF EXISTS public.%I CASCADE', r.typname);
  END LOOP;
END $$
"""


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or f"/usr/bin/{name}"
    if not Path(found).exists():
        raise RuntimeError(f"{name} is not installed: the tests copy PostgreSQL ledgers with it")
    return found


def snapshot(dbname: str) -> Snapshot:
    """The ledger in ``dbname`` as it is now (nothing may write to it meanwhile)."""
    url = Store.admin_url(dbname)
    dumped = subprocess.run([_pg_tool("pg_dump"), "--schema-only", "--no-owner", "--dbname", url],
                            check=True, capture_output=True, text=True, timeout=120).stdout
    # psql's meta-commands (\restrict …) are not SQL; the rest is
    ddl = "\n".join(line for line in dumped.splitlines() if not line.startswith("\\"))
    with psycopg.connect(url, autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                            "ORDER BY tablename").fetchall()]
        tables = []
        for name in names:
            with conn.cursor().copy(f'COPY public."{name}" TO STDOUT (FORMAT BINARY)') as copy:
                tables.append((name, b"".join(bytes(block) for block in copy)))
        sequences = []
        for (name,) in conn.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' "
                                    "ORDER BY sequencename").fetchall():
            value, called = conn.execute(f'SELECT last_value, is_called FROM public."{name}"').fetchone() or (1, False)
            sequences.append((name, int(value), bool(called)))
    return Snapshot(ddl, tuple(tables), tuple(sequences))


def refill(dbname: str, content: Snapshot = EMPTY) -> None:
    """Make the database hold exactly ``content`` in schema public (nothing: as new)."""
    with psycopg.connect(Store.admin_url(dbname), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        conn.execute(_EMPTY_PUBLIC)
        if content.ddl:
            conn.execute(content.ddl)
        # this session only: the rows go in as they were, no trigger fires (the tests' own
        # session never changes stored events; every other session has the triggers in force)
        conn.execute("SET session_replication_role = replica")
        for name, rows in content.tables:
            with conn.cursor().copy(f'COPY public."{name}" FROM STDIN (FORMAT BINARY)') as copy:
                copy.write(rows)
        for name, value, called in content.sequences:
            conn.execute("SELECT setval(%s, %s, %s)", (f'public."{name}"', value, called))
        conn.execute("SET session_replication_role = DEFAULT")


def slot_store(slot: str, content: Snapshot = EMPTY) -> Store:
    """The slot's database, holding ``content`` (nothing: a new store)."""
    dbname = SLOTS.database(slot)
    refill(dbname, content)
    return Store("postgres", Store.admin_url(dbname), dbname=dbname)


def sqlite_copy(original: Path, path: Path) -> None:
    """A copy of a SQLite store through the online backup API."""
    source, target = sqlite3.connect(str(original)), sqlite3.connect(str(path))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


# --- pristine ledgers ----------------------------------------------------------------------------


@dataclass
class DemoLedger:
    """A ledger with its keys directory and what its demo printed (``demo --json``)."""

    store: Store
    keys: Path
    demo: dict[str, Any]
    snapshot: Snapshot | None = None  # PostgreSQL: what a copy is refilled with
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. a published checkpoint


def default_keys(store: Store, cwd: Path) -> Path:
    """Where `init` run in ``cwd`` without ``--keys`` writes the store's keys."""
    return (cwd / Database.parse(store.url).default_keys_dir()).resolve()


def copy_ledger(original: DemoLedger, directory: Path, *, slot: str = "work", keys: Path | None = None) -> DemoLedger:
    """A copy of the ledger in ``directory`` (SQLite: ``ledger.db``; PostgreSQL: the slot's
    database), its keys copied to ``keys`` (default: where `init` run in ``directory`` would have
    written them), with every path and URL in their JSON files, and in the demo's output, made
    the copy's."""
    if original.store.kind == "sqlite":
        assert original.store.path is not None
        path = directory / "ledger.db"
        sqlite_copy(original.store.path, path)
        store = Store("sqlite", f"sqlite:///{path}", path=path)
    else:
        assert original.snapshot is not None
        store = slot_store(slot, original.snapshot)
    target = (keys or default_keys(store, directory)).resolve()
    shutil.copytree(original.keys, target)
    moves = [(str(original.keys), str(target)), (original.store.url, store.url)]

    def moved(text: str) -> str:
        for old, new in moves:
            text = text.replace(old, new)
        return text

    for file in target.rglob("*.json"):
        file.write_text(moved(file.read_text(encoding="utf-8")), encoding="utf-8")
    demo = json.loads(moved(json.dumps(original.demo, ensure_ascii=False)))
    return replace(original, store=store, keys=target, demo=demo, snapshot=None)


class Pristines:
    """The run's pristine ledgers, made on first use and never changed (tests copy them):

    - ``demo``: `init`, then `demo` — the demo's three cases, 89 events;
    - ``projected``: that, then `project` (the read models, the log and its first checkpoint,
      signed by the ledger key), with a case bundle exported from it.

    Each is made in its own directory with its keys in ``keys/``; on PostgreSQL in a slot of its
    own (``demo``, ``projected``), which tests that only read may use as it is."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[tuple[str, str], DemoLedger] = {}

    def get(self, name: str, kind: str) -> DemoLedger:
        if (name, kind) not in self.made:
            self.made[(name, kind)] = {"demo": self._demo, "projected": self._projected}[name](kind)
        return self.made[(name, kind)]

    def copy(self, name: str, kind: str, directory: Path, *, slot: str = "work", keys: Path | None = None) -> DemoLedger:
        return copy_ledger(self.get(name, kind), directory, slot=slot, keys=keys)

    def _directory(self, name: str, kind: str) -> Path:
        directory = self.root / f"{name}-{kind}"
        directory.mkdir(parents=True)
        return directory

    def _demo(self, kind: str) -> DemoLedger:
        from tests.integration.commands import invoke

        directory = self._directory("demo", kind)
        if kind == "sqlite":
            path = directory / "ledger.db"
            store = Store("sqlite", f"sqlite:///{path}", path=path)
        else:
            store = slot_store("demo")
        keys = (directory / "keys").resolve()
        made = invoke("init", "--db", store.url, "--keys", str(keys), "--json", cwd=directory)
        assert made.code == 0, made.out + made.err
        demo = invoke("demo", "--db", store.url, "--keys", str(keys), "--json", cwd=directory)
        assert demo.code == 0, demo.out + demo.err
        content = snapshot(store.dbname) if kind == "postgres" else None
        return DemoLedger(store, keys, json.loads(demo.out), content)

    def _projected(self, kind: str) -> DemoLedger:
        from tests.integration.commands import invoke

        directory = self._directory("projected", kind)
        copied = self.copy("demo", kind, directory, slot="projected", keys=directory / "keys")
        store, keys = copied.store, ("--keys", str(copied.keys))

        def run(*args: str) -> str:
            done = invoke(*args, "--db", store.url, *keys, cwd=directory)
            assert done.code == 0, done.out + done.err
            return done.out

        run("project")
        checkpoint = run("checkpoint")
        bundle = directory / "case.json"
        run("export", "--case", copied.demo["cases"][2]["id"], "--out", str(bundle))
        content = snapshot(store.dbname) if kind == "postgres" else None
        return replace(copied, snapshot=content, extra={"checkpoint": checkpoint, "bundle": bundle})
