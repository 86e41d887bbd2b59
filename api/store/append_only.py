"""Recorders that make the events table append-only in the database itself.

Triggers refuse UPDATE and DELETE of stored events (and TRUNCATE on PostgreSQL), whoever issues
them; on SQLite a trigger also refuses an INSERT that would replace an existing version
(``INSERT OR REPLACE`` deletes without firing delete triggers). An insider who drops the triggers
can still edit rows: ``decision-ledger verify`` is what catches that.

On PostgreSQL the service runs as a role that holds only INSERT and SELECT on the events table
(``decision-ledger grant``), so the library's ``LOCK TABLE … IN EXCLUSIVE MODE`` — which
serialises appends so that commit order is notification order, and which PostgreSQL allows only to
holders of UPDATE, DELETE or TRUNCATE — is taken through a ``SECURITY DEFINER`` function owned by
the schema's owner: the same lock, without granting the right to rewrite rows.
"""

from __future__ import annotations

from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from psycopg.sql import SQL, Identifier, Literal

REFUSAL = "decision-ledger: stored events are append-only"


class AppendOnlySQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        table = self.events_table_name
        return [
            *super().construct_create_table_statements(),
            (
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL} (UPDATE refused)'); END"
            ),
            (
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL} (DELETE refused)'); END"
            ),
            (
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE originator_id = NEW.originator_id "
                f"AND originator_version = NEW.originator_version) BEGIN SELECT "
                f"RAISE(ABORT, 'UNIQUE constraint failed: {REFUSAL} (version exists)'); END"
            ),
        ]


class AppendOnlyPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        table = Identifier(self.events_table_name)
        function = Identifier(f"{self.events_table_name}_refuse_change")
        #: takes the append lock for a role that may only insert (see the module's docstring)
        self.append_lock_function = f"{self.events_table_name}_append_lock"
        self.check_identifier_length(self.append_lock_function)
        lock = Identifier(self.append_lock_function)
        self.lock_table_statements = [  # the library's LOCK TABLE is the last statement
            *self.lock_table_statements[:-1],
            SQL("SELECT {schema}.{lock}()").format(schema=schema, lock=lock),
        ]
        self.append_lock_statements = [
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{lock}() RETURNS void LANGUAGE plpgsql "
                "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ BEGIN "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; END $$"
            ).format(schema=schema, lock=lock, table=table),
            SQL("REVOKE ALL ON FUNCTION {schema}.{lock}() FROM PUBLIC").format(schema=schema, lock=lock),
        ]
        self.sql_create_statements.extend(
            [
                *self.append_lock_statements,
                SQL(
                    "CREATE OR REPLACE FUNCTION {schema}.{function}() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION '" + REFUSAL + " (% refused on %)', TG_OP, TG_TABLE_NAME "
                    "USING ERRCODE = 'insufficient_privilege'; END $$"
                ).format(schema=schema, function=function),
                SQL(
                    "CREATE OR REPLACE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON "
                    "{schema}.{table} FOR EACH ROW EXECUTE FUNCTION {schema}.{function}()"
                ).format(
                    trigger=Identifier(f"{self.events_table_name}_append_only"),
                    schema=schema,
                    table=table,
                    function=function,
                ),
                SQL(
                    "CREATE OR REPLACE TRIGGER {trigger} BEFORE TRUNCATE ON "
                    "{schema}.{table} FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{function}()"
                ).format(
                    trigger=Identifier(f"{self.events_table_name}_no_truncate"),
                    schema=schema,
                    table=table,
                    function=function,
                ),
            ]
        )

    def ensure_append_lock(self) -> bool:
        """Create the append-lock function in a store made before it existed (an upgrade); True
        if it had to be made. Only the schema's owner may: anyone else gets the database's
        refusal, which the command line reports as "run it as the migration role"."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                SQL("SELECT to_regprocedure({name}) IS NOT NULL AS present").format(
                    name=Literal(f"{self.datastore.schema}.{self.append_lock_function}()")
                )
            )
            row = curs.fetchone()  # the library's cursors return dict rows
            if row is not None and row["present"]:
                return False
            for statement in self.append_lock_statements:
                curs.execute(statement)
        return True
