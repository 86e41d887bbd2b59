"""What the service keeps for itself beside the ledger: web sessions, spent sign-in tokens, and
the data keys it handed out (issue 16, points 5 and 6).

Three small tables in the ledger's own database — the SQLite file, or the PostgreSQL schema —
so that every worker of one ``serve --workers N`` sees the same rows, and a session ended in
one worker is ended in all:

* ``dl_sessions``: one row per web session — the SHA-256 of its cookie (never the cookie
  itself, so a copy of the database cannot sign anyone in), the principal, the key whose token
  opened it, when it began and ends, and when and why it was ended early;
* ``dl_spent_tokens``: the SHA-256 of each sign-in token already exchanged for a session, kept
  until the token expires (a sign-in link works once);
* ``dl_data_keys``: each data key ``POST /v1/secrets/keys`` minted — for whom, when, until when
  it may be used, and when a material sealed with it was submitted (``claimed_at``);
* ``dl_key_invitations`` (issue 19): one-time links that let a person enrol a browser key — the
  SHA-256 of the code, for whom, by whom, until when, and the key the person's browser sent back
  (its JWK and proof of possession: a request, not an event, until administrators sign);
* ``dl_sign_in_challenges`` (issue 19): the SHA-256 of each sign-in challenge, the origin and
  browser it was issued to, until when, and when it was spent (single use).

None of this is evidence: ``verify`` never reads it, and the service role may insert, update and
delete its rows (on PostgreSQL it has no such right over the events).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from threading import Lock
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from psycopg.sql import SQL, Identifier

from domain import clock
from domain.service.ledger import Ledger
from projections.store import ViewCursor

log = logging.getLogger("decision_ledger.store")

TABLES = {
    "dl_sessions": (
        "session_hash TEXT PRIMARY KEY, principal_id TEXT NOT NULL, keyid TEXT NOT NULL, "
        "created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, ended_at BIGINT, ended_why TEXT"
    ),
    "dl_spent_tokens": "token_hash TEXT PRIMARY KEY, expires_at BIGINT NOT NULL",
    "dl_data_keys": (
        "kid TEXT PRIMARY KEY, principal_id TEXT NOT NULL, minted_at BIGINT NOT NULL, "
        "expires_at BIGINT NOT NULL, claimed_at BIGINT"
    ),
    # issue 19 — keys: browser-key enrolment invitations and sign-in challenges (api/http/browser_keys.py)
    "dl_key_invitations": (
        "code_hash TEXT PRIMARY KEY, principal_id TEXT NOT NULL, issued_by TEXT NOT NULL, "
        "created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, jwk TEXT, proof TEXT, keyid TEXT, "
        "requested_at BIGINT"
    ),
    "dl_sign_in_challenges": (
        "challenge_hash TEXT PRIMARY KEY, origin TEXT NOT NULL, browser_hash TEXT NOT NULL, "
        "created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, spent_at BIGINT"
    ),
}
INDEXES = (
    ("dl_sessions_expiry", "dl_sessions", "expires_at"),
    ("dl_spent_tokens_expiry", "dl_spent_tokens", "expires_at"),
    ("dl_data_keys_holder", "dl_data_keys", "principal_id, claimed_at"),
    ("dl_data_keys_expiry", "dl_data_keys", "expires_at"),
    # issue 19 — keys
    ("dl_key_invitations_expiry", "dl_key_invitations", "expires_at"),
    ("dl_sign_in_challenges_expiry", "dl_sign_in_challenges", "expires_at"),
)
#: what the service role holds on each of these tables (PostgreSQL)
PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
#: the advisory lock held while a process creates these tables (two servers starting at once)
CREATION_LOCK = 0x646C5F7374617465  # "dl_state"


def micros(moment: datetime | None = None) -> int:
    """A moment (default: the clock's now) as integer microseconds since the epoch."""
    moment = moment or clock.now()
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


class ServiceState:
    """The service's own tables, on the ledger's datastore (or, for a ledger held in memory, an
    in-memory SQLite database of their own)."""

    def __init__(self, datastore: Any, *, postgres: bool, schema: str = "") -> None:
        self.datastore = datastore
        self.postgres = postgres
        self.schema = schema

    @classmethod
    def of(cls, ledger: Ledger) -> ServiceState:
        datastore = getattr(ledger.recorder, "datastore", None)
        if isinstance(datastore, PostgresDatastore):
            return cls(datastore, postgres=True, schema=datastore.schema)
        if isinstance(datastore, SQLiteDatastore):
            return cls(datastore, postgres=False)
        state = cls(_MemoryDatastore(), postgres=False)
        state.create()
        return state

    @property
    def names(self) -> dict[str, str]:
        if self.postgres:
            schema = self.schema.replace('"', '""')
            return {name: f'"{schema}"."{name}"' for name in TABLES}
        return {name: name for name in TABLES}

    @contextmanager
    def writing(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=True) as cursor:
            yield ViewCursor(cursor, postgres=self.postgres, names=self.names)

    @contextmanager
    def reading(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=False) as cursor:
            yield ViewCursor(cursor, postgres=self.postgres, names=self.names)

    def missing(self) -> list[str]:
        """The tables not yet in the database."""
        with self.datastore.transaction(commit=False) as cursor:
            if self.postgres:
                cursor.execute("SELECT n FROM unnest(%s::text[]) AS n WHERE to_regclass(%s || '.' || n) IS NULL",
                               (list(TABLES), '"' + self.schema.replace('"', '""') + '"'))
                return [row["n"] for row in cursor.fetchall()]
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            present = {row["name"] for row in cursor.fetchall()}
        return [name for name in TABLES if name not in present]

    def create(self) -> None:
        """Create the tables and indexes that are missing (the owner's job on PostgreSQL)."""
        with self.datastore.transaction(commit=True) as cursor:
            if self.postgres:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (CREATION_LOCK,))
                schema = Identifier(self.schema)
                for name, columns in TABLES.items():
                    cursor.execute(SQL("CREATE TABLE IF NOT EXISTS {}.{} (" + columns + ")").format(
                        schema, Identifier(name)))
                for index, table, columns in INDEXES:
                    cursor.execute(SQL("CREATE INDEX IF NOT EXISTS {} ON {}.{} (" + columns + ")").format(
                        Identifier(index), schema, Identifier(table)))
                return
            for name, columns in TABLES.items():
                cursor.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
            for index, table, columns in INDEXES:
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({columns})")

    def ensure(self) -> list[str]:
        """Create what is missing where this role may; the tables still missing (a PostgreSQL
        service role on a store made before them: `decision-ledger grant` creates them)."""
        if not self.missing():
            return []
        try:
            self.create()
        except Exception as error:  # noqa: BLE001 — the role may not create tables: say which are missing
            log.warning("cannot create the service's tables: %s", error)
        return self.missing()


class _MemoryDatastore:
    """A private in-memory SQLite database, for a ledger that has no database of its own."""

    def __init__(self) -> None:
        self._connection = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._connection.row_factory = sqlite3.Row
        self._lock = Lock()

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cursor = self._connection.cursor()
            cursor.execute("BEGIN")
            try:
                yield cursor
            except BaseException:
                self._connection.rollback()
                raise
            if commit:
                self._connection.commit()
            else:
                self._connection.rollback()
