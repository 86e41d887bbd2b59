"""Where read models live: tables beside the events, on the library's tracking recorders.

Each projection has its own tables and its own tracking table, in the same database as the
ledger (the same SQLite file, or the same PostgreSQL schema). A batch of read-model writes and
the tracking position of its last event commit in one transaction, so every event is applied
exactly once: replaying a position raises ``IntegrityError`` and rolls the batch back.

SQL is written once, with ``?`` placeholders, portable types, and table names in braces
(``SELECT … FROM {dl_cases}``); each store fills in its names (PostgreSQL qualifies them with the
schema) and its placeholder style.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Protocol

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier


class ViewCursor:
    """One cursor over either store: ``?`` placeholders, ``{table}`` names, rows as dicts."""

    def __init__(self, cursor: Any, postgres: bool, names: Mapping[str, str]) -> None:
        self._cursor = cursor
        self._postgres = postgres
        self._names = names

    def _sql(self, sql: str) -> str:
        sql = sql.format_map(self._names)
        return sql.replace("?", "%s") if self._postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> ViewCursor:
        if self._postgres:
            self._cursor.execute(self._sql(sql), tuple(params), prepare=False)
        else:
            self._cursor.execute(self._sql(sql), tuple(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(self._sql(sql), [tuple(r) for r in rows])

    def fetchall(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self._cursor.fetchall()]

    def fetchone(self) -> dict[str, Any] | None:
        row = self._cursor.fetchone()
        return dict(row) if row is not None else None


class ViewTables:
    """A projection's tables: name → column definitions (portable SQL), and indexes as
    (name, table, columns)."""

    TABLES: ClassVar[Mapping[str, str]] = {}
    INDEXES: ClassVar[Sequence[tuple[str, str, str]]] = ()
    #: tables a rebuild keeps (signed history, not derived data)
    KEEP: ClassVar[frozenset[str]] = frozenset()


class Views(Protocol):
    """What both stores' view recorders offer a projection."""

    TABLES: ClassVar[Mapping[str, str]]

    def writing(self) -> Any: ...

    def reading(self) -> Any: ...

    def track(self, cursor: ViewCursor, tracking: Tracking) -> None: ...

    def drop_tables(self) -> None: ...

    def create_table(self) -> None: ...

    def max_tracking_id(self, application_name: str) -> int | None: ...


class SQLiteViews(ViewTables, SQLiteTrackingRecorder):
    """Views in the ledger's SQLite file; tracking in ``<PREFIX>_tracking``."""

    PREFIX: ClassVar[str] = "dl_views"

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        table = self.tracking_table
        self.insert_tracking_statement = (
            f"INSERT INTO {table} VALUES (:application_name, :notification_id) "
            "ON CONFLICT (application_name) DO UPDATE SET notification_id = :notification_id "
            f"WHERE {table}.notification_id < :notification_id RETURNING notification_id"
        )
        self.select_max_tracking_id_statement = (
            f"SELECT MAX(notification_id) FROM {table} WHERE application_name=?"
        )

    @property
    def tracking_table(self) -> str:
        return f"{self.PREFIX}_tracking"

    def construct_create_table_statements(self) -> list[str]:
        statements = [
            (
                f"CREATE TABLE IF NOT EXISTS {self.tracking_table} (application_name TEXT, "
                "notification_id INTEGER, PRIMARY KEY (application_name)) WITHOUT ROWID"
            )
        ]
        statements += [f"CREATE TABLE IF NOT EXISTS {name} ({columns})" for name, columns in self.TABLES.items()]
        statements += [
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"
            for name, table, columns in self.INDEXES
        ]
        return statements

    @property
    def names(self) -> dict[str, str]:
        return {name: name for name in self.TABLES}

    @contextmanager
    def writing(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=True) as cursor:
            yield ViewCursor(cursor, postgres=False, names=self.names)

    @contextmanager
    def reading(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=False) as cursor:
            yield ViewCursor(cursor, postgres=False, names=self.names)

    def track(self, cursor: ViewCursor, tracking: Tracking) -> None:
        self._insert_tracking(cursor._cursor, tracking)

    def drop_tables(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for name in [*(t for t in self.TABLES if t not in self.KEEP), self.tracking_table]:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")


#: the advisory lock (any fixed 64-bit number) held while a process creates read-model tables
CREATION_LOCK = 0x646C5F7669657773  # "dl_views"


class PostgresViews(ViewTables, PostgresTrackingRecorder):
    """Views in the ledger's PostgreSQL schema; tracking in ``<projection name>_tracking``."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        tracking_table_name: str = "dl_views_tracking",
        **kwargs: Any,
    ) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name, **kwargs)
        schema = Identifier(self.datastore.schema)
        for name, columns in self.TABLES.items():
            self.sql_create_statements.append(
                SQL("CREATE TABLE IF NOT EXISTS {schema}.{table} (" + columns + ")").format(
                    schema=schema, table=Identifier(name)
                )
            )
        for index, table, columns in self.INDEXES:
            self.sql_create_statements.append(
                SQL("CREATE INDEX IF NOT EXISTS {index} ON {schema}.{table} (" + columns + ")").format(
                    index=Identifier(index), schema=schema, table=Identifier(table)
                )
            )

    def _create_table(self, curs: Any) -> None:
        """Create the tables in a transaction that first takes :data:`CREATION_LOCK`, so that
        processes opening a new store at the same moment (servers side by side, a worker)
        create them once: PostgreSQL's ``CREATE TABLE IF NOT EXISTS`` is not safe against a
        concurrent creator (it fails on the catalog's unique index). Whoever waited finds the
        tables, and the tracking table's migration row, made by the first."""
        curs.execute("SELECT pg_advisory_xact_lock(%s)", (CREATION_LOCK,))
        if not self.tracking_table_exists:
            table = SQL("{schema}.{table}").format(schema=Identifier(self.datastore.schema),
                                                   table=Identifier(self.tracking_table_name))
            curs.execute("SELECT to_regclass(%s) IS NOT NULL AS made", (table.as_string(curs),))
            row = curs.fetchone()
            if row is not None and row["made"]:
                self.tracking_table_exists = True
                curs.execute(self.max_tracking_id_statement, (self.table_migration_identifier,))
                found = curs.fetchone()
                previous = found["max"] if found else None
                self.tracking_migration_previous = self.tracking_migration_current = previous
        super()._create_table(curs)

    @property
    def names(self) -> dict[str, str]:
        schema = self.datastore.schema
        return {name: f'"{schema}"."{name}"' for name in self.TABLES}

    @contextmanager
    def writing(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=True) as cursor:
            yield ViewCursor(cursor, postgres=True, names=self.names)

    @contextmanager
    def reading(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=False) as cursor:
            yield ViewCursor(cursor, postgres=True, names=self.names)

    def track(self, cursor: ViewCursor, tracking: Tracking) -> None:
        self._insert_tracking(cursor._cursor, tracking)

    def drop_tables(self) -> None:
        schema = Identifier(self.datastore.schema)
        with self.datastore.transaction(commit=True) as cursor:
            for name in [*(t for t in self.TABLES if t not in self.KEEP), self.tracking_table_name]:
                cursor.execute(
                    SQL("DROP TABLE IF EXISTS {schema}.{table}").format(schema=schema, table=Identifier(name))
                )


ViewRecorder = SQLiteViews | PostgresViews
"""A view recorder of either store: a library tracking recorder with :class:`Views`' methods."""


def process_unless_tracked(
    view: Views, process_batch: Callable[[Sequence[tuple[Any, Tracking]]], None], event: Any, tracking: Tracking
) -> None:
    """Apply one event the library's runner hands over, unless another processor — the
    service's background thread, another worker — has applied it: its tracking position is
    then at or past the event, either already or by the time this processor's batch takes the
    tracking row (which then refuses with ``IntegrityError``). Any other refusal is a fault."""
    if tracking.notification_id <= (view.max_tracking_id(tracking.application_name) or 0):
        return
    try:
        process_batch([(event, tracking)])
    except IntegrityError:
        if (view.max_tracking_id(tracking.application_name) or 0) < tracking.notification_id:
            raise
