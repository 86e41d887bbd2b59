"""Where read models live: tables beside the events, on the library's tracking recorders.

Each projection has its own tables and its own tracking table, in the same database as the
ledger (the same SQLite file, or the same PostgreSQL schema). A batch of read-model writes and
the tracking position of its last event commit in one transaction, so every event is applied
exactly once: replaying a position raises ``IntegrityError`` and rolls the batch back.

SQL is written once, with ``?`` placeholders, portable types, and table names in braces
(``SELECT … FROM {dl_cases}``); each store fills in its names (PostgreSQL qualifies them with the
schema) and its placeholder style.

Tables are created only where they are missing, so a database role that may not create tables
(PostgreSQL's service role) opens existing ones without attempting DDL; dropping them (a rebuild)
is for their owner, and keeps every other role's grants on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Protocol

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

#: table privileges PostgreSQL knows (what a rebuild may have to grant again)
TABLE_PRIVILEGES = frozenset(
    {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"}
)


#: what a read-model text column holds in place of U+0000, which a PostgreSQL text column cannot
#: hold: text recorded before the text rule (issue 16 point 3, :mod:`domain.model.text`) still
#: projects, on both stores alike (the event itself keeps the exact text)
NUL_STORED = "\ufffd"


def storable(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row of read-model values as a text column can hold them: U+0000 written as
    :data:`NUL_STORED` (JSON columns already hold it as the escape ``\\u0000``). Every write of a
    read model passes here (:class:`ViewCursor`), so this is the one place that decides."""
    if any(type(value) is str and "\x00" in value for value in row):
        return tuple(value.replace("\x00", NUL_STORED) if type(value) is str else value for value in row)
    return tuple(row)


class ViewCursor:
    """One cursor over either store: ``?`` placeholders, ``{table}`` names, rows as dicts; every
    value written is :func:`storable`."""

    def __init__(self, cursor: Any, postgres: bool, names: Mapping[str, str]) -> None:
        self._cursor = cursor
        self._postgres = postgres
        self._names = names

    def _sql(self, sql: str) -> str:
        sql = sql.format_map(self._names)
        return sql.replace("?", "%s") if self._postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> ViewCursor:
        if self._postgres:
            self._cursor.execute(self._sql(sql), storable(params), prepare=False)
        else:
            self._cursor.execute(self._sql(sql), storable(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(self._sql(sql), [storable(r) for r in rows])

    def insert_rows(self, table: str, rows: Sequence[Sequence[Any]]) -> None:
        """Insert whole rows (every column, in the table's order) into ``table``: one ``COPY``
        on PostgreSQL (a statement per row costs more than the row), ``executemany`` on SQLite.
        The rows stored are the same either way, and a duplicate key fails either way."""
        if not rows:
            return
        if self._postgres:
            with self._cursor.copy(f"COPY {self._names[table]} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(storable(row))
            return
        marks = ",".join("?" * len(rows[0]))
        self._cursor.executemany(f"INSERT INTO {self._names[table]} VALUES ({marks})", [storable(r) for r in rows])

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
    #: tables whose rows the projection updates in place (upserts); it only inserts into the others
    UPSERTED: ClassVar[frozenset[str]] = frozenset()


class NotOwner(PermissionError):
    """The database role may not drop and re-create the read models: only their owner may."""


class Views(Protocol):
    """What both stores' view recorders offer a projection."""

    TABLES: ClassVar[Mapping[str, str]]

    def writing(self) -> Any: ...

    def reading(self) -> Any: ...

    def track(self, cursor: ViewCursor, tracking: Tracking) -> None: ...

    def drop_tables(self) -> None: ...

    def create_table(self) -> None: ...

    def missing_relations(self) -> list[str]: ...

    def owns_tables(self) -> bool: ...

    def rebuild_tables(self) -> None: ...

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
        _forget_created_tables(self)

    def missing_relations(self) -> list[str]:
        """Tables and indexes not yet in the file."""
        wanted = [self.tracking_table, *self.TABLES, *(index for index, _, _ in self.INDEXES)]
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
            present = {row["name"] for row in cursor.fetchall()}
        return [name for name in wanted if name not in present]

    def owns_tables(self) -> bool:
        """SQLite has no roles: whoever may write the file may rebuild."""
        return True

    def rebuild_tables(self) -> None:
        self.drop_tables()
        self.create_table()


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
        with self.datastore.transaction(commit=True) as cursor:
            self._drop(cursor)

    def _drop(self, cursor: Any) -> None:
        schema = Identifier(self.datastore.schema)
        for name in self._derived():
            cursor.execute(SQL("DROP TABLE IF EXISTS {schema}.{table}").format(schema=schema, table=Identifier(name)))

    def _derived(self) -> list[str]:
        return [*(t for t in self.TABLES if t not in self.KEEP), self.tracking_table_name]

    def _qualified(self, names: Sequence[str]) -> list[str]:
        schema = self.datastore.schema.replace('"', '""')
        return [f'"{schema}"."{name}"' for name in names]

    def missing_relations(self) -> list[str]:
        """Tables and indexes not yet in the schema."""
        wanted = [self.tracking_table_name, *self.TABLES, *(index for index, _, _ in self.INDEXES)]
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT n.name FROM unnest(%s::text[], %s::text[]) AS n(name, qualified) "
                "WHERE to_regclass(n.qualified) IS NULL",
                (wanted, self._qualified(wanted)),
            )
            return [row["name"] for row in cursor.fetchall()]

    def owns_tables(self) -> bool:
        """Whether this connection's role owns (or acts as the owner of) every table a rebuild
        drops: PostgreSQL lets no one else drop a table."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT bool_and(pg_has_role(current_user, c.relowner, 'USAGE')) AS owned FROM pg_class c "
                "WHERE c.oid IN (SELECT to_regclass(q) FROM unnest(%s::text[]) AS q)",
                (self._qualified(self._derived()),),
            )
            row = cursor.fetchone()
        return bool(row is None or row["owned"] is None or row["owned"])

    def service_privileges(self) -> dict[str, tuple[str, ...]]:
        """What the projection does to each table, as the privileges a role needs to run it:
        read and insert everywhere, update where it upserts (the tracking row always)."""
        privileges: dict[str, tuple[str, ...]] = {
            name: ("SELECT", "INSERT", "UPDATE") if name in self.UPSERTED else ("SELECT", "INSERT")
            for name in self.TABLES
        }
        privileges[self.tracking_table_name] = ("SELECT", "INSERT", "UPDATE")
        return privileges

    def rebuild_tables(self) -> None:
        """Drop the derived tables and create them again in one transaction, granting every
        other role what it held on them before (``decision-ledger grant``'s service role), so a
        rebuild never locks the service out."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "SELECT c.relname, a.privilege_type, a.is_grantable, "
                "CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END AS grantee "
                "FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) AS a "
                "WHERE c.oid IN (SELECT to_regclass(q) FROM unnest(%s::text[]) AS q) AND a.grantee <> c.relowner",
                (self._qualified(self._derived()),),
            )
            grants = cursor.fetchall()
            self._drop(cursor)
            self._create_table(cursor)
            schema = Identifier(self.datastore.schema)
            for grant in grants:
                if grant["privilege_type"] not in TABLE_PRIVILEGES:
                    raise ValueError(f"unexpected privilege {grant['privilege_type']!r} on {grant['relname']}")
                cursor.execute(
                    SQL("GRANT {privilege} ON {schema}.{table} TO {grantee}{option}").format(
                        privilege=SQL(grant["privilege_type"]), schema=schema, table=Identifier(grant["relname"]),
                        grantee=Identifier(grant["grantee"]) if grant["grantee"] else SQL("PUBLIC"),
                        option=SQL(" WITH GRANT OPTION" if grant["is_grantable"] else ""),
                    )
                )
        _forget_created_tables(self)


def _forget_created_tables(recorder: SQLiteTrackingRecorder | PostgresTrackingRecorder) -> None:
    """After a recorder's tables are dropped, forget what the library saw when it created them:
    otherwise creating them again skips its single-row migration mark, and the next process takes
    the unmarked table for the library's old multi-row ``tracking`` table and fails to migrate it
    (`project` after `rebuild`: "no such table: tracking")."""
    recorder.tracking_table_exists = False
    recorder.tracking_migration_previous = None
    recorder.tracking_migration_current = None


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
