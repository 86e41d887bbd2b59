"""Database privileges on PostgreSQL: the service runs as a role that may append and read events
but never rewrite them, separate from the migration role that owns the schema.

The migration role owns every table (it runs ``init``, ``grant``, ``rebuild``, ``cosign``). The
service role (``serve``, ``project``, ``verify``, the queries, ``demo``, ``check-deadlines``) holds
exactly what those commands do, and owns nothing, so it may not ALTER, DROP or TRUNCATE:

* the events table: SELECT and INSERT only — with USAGE on its notification sequence and EXECUTE
  on its append-lock function — so even with the append-only triggers dropped, its credentials
  cannot UPDATE, DELETE or TRUNCATE history;
* the read models and their tracking tables: SELECT, INSERT, and UPDATE where the projection
  upserts (cases, findings, deadlines, principals, agencies, decisions, the tracking rows); the
  actions table and a finding's persons are insert-only — unless a *projector role* is given
  (``grant --projector-role``, issue 16 point 4): then the projector role alone holds these
  (with SELECT on the events and the snapshots), the projections run as it (``serve
  --projector-db``, ``project --follow`` with its URL), and the service role, under which requests
  are handled, may only SELECT the read models, the log and their tracking rows — it can no
  longer publish a case, close a finding or move a tracking row by hand;
* the transparency log's leaves, nodes and checkpoints: SELECT and INSERT (a checkpoint is never
  changed by the service; a witness's co-signature is added by the migration role);
* the case snapshots (derived data that keeps replay fast; ``verify`` never reads them): SELECT
  and INSERT;
* the service's own tables — web sessions, spent sign-in tokens, data keys handed out
  (:mod:`api.store.service_state`; not evidence): SELECT, INSERT, UPDATE and DELETE;
* USAGE on the schema and CONNECT on the database.

Everything the role held in the schema is revoked first, in the same transaction, so re-running
``grant`` is idempotent and never widens what an earlier run or a hand-made GRANT gave.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresAggregateRecorder
from psycopg.sql import SQL, Composable, Composed, Identifier, Literal

from api.settings import Database
from api.store import service_state
from api.store.append_only import AppendOnlyPostgresApplicationRecorder
from api.store.opening import connect
from domain.service.ledger import Ledger
from projections.runner import Projector
from projections.store import PostgresViews

#: the SQLSTATE of "permission denied" and "must be owner" (and of the append-only triggers)
INSUFFICIENT_PRIVILEGE = "42501"


class GrantRefused(ValueError):
    """The grant cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Grant:
    """Privileges on one object: ``kind`` is DATABASE, SCHEMA, TABLE, SEQUENCE or FUNCTION."""

    kind: str
    name: str
    privileges: tuple[str, ...]

    def statement(self, schema: str, role: str) -> Composed:
        target: Composable = Identifier(self.name)
        if self.kind in ("TABLE", "SEQUENCE"):
            target = SQL("{}.{}").format(Identifier(schema), Identifier(self.name))
        elif self.kind == "FUNCTION":
            target = SQL("{}.{}()").format(Identifier(schema), Identifier(self.name))
        return SQL("GRANT {privileges} ON {kind} {target} TO {role}").format(
            privileges=SQL(", ").join(SQL(p) for p in self.privileges), kind=SQL(self.kind), target=target,
            role=Identifier(role),
        )

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.lower(), "name": self.name, "privileges": list(self.privileges)}


def events_recorder(ledger: Ledger) -> AppendOnlyPostgresApplicationRecorder:
    """The ledger's PostgreSQL recorder (roles exist only there)."""
    recorder = ledger.recorder
    if not isinstance(recorder, AppendOnlyPostgresApplicationRecorder):
        raise GrantRefused("database roles exist only on PostgreSQL")
    return recorder


def service_grants(ledger: Ledger, projector: Projector, database: Database, sequence: str,
                   *, reads_views_only: bool = False) -> list[Grant]:
    """What the service role needs, from the recorders that do the writing. With
    ``reads_views_only`` (a projector role writes them) the read models, the log and their
    tracking rows are SELECT only."""
    recorder = events_recorder(ledger)
    grants = [
        Grant("DATABASE", database.dbname, ("CONNECT",)),
        Grant("SCHEMA", recorder.datastore.schema, ("USAGE",)),
        Grant("TABLE", recorder.events_table_name, ("SELECT", "INSERT")),
        Grant("SEQUENCE", sequence, ("USAGE",)),
        Grant("FUNCTION", recorder.append_lock_function, ("EXECUTE",)),
    ]
    snapshots = ledger.case_snapshots.recorder
    if isinstance(snapshots, PostgresAggregateRecorder):  # derived, never evidence: no UPDATE either
        grants.append(Grant("TABLE", snapshots.events_table_name, ("SELECT", "INSERT")))
    grants += [Grant("TABLE", table, service_state.PRIVILEGES) for table in service_state.TABLES]
    for projection in projector.projections:
        view = projection.view
        if not isinstance(view, PostgresViews):
            raise GrantRefused("database roles exist only on PostgreSQL")
        grants += [Grant("TABLE", table, ("SELECT",) if reads_views_only else privileges)
                   for table, privileges in view.service_privileges().items()]
    return grants


def projector_grants(ledger: Ledger, projector: Projector, database: Database) -> list[Grant]:
    """What the projector role needs (issue 16, point 4): to read the events (and the case
    snapshots a replay starts from, adding one where a replay was long), and to write the read
    models, the log, its checkpoints and their tracking rows — which then no other role but the
    owner may change."""
    recorder = events_recorder(ledger)
    grants = [
        Grant("DATABASE", database.dbname, ("CONNECT",)),
        Grant("SCHEMA", recorder.datastore.schema, ("USAGE",)),
        Grant("TABLE", recorder.events_table_name, ("SELECT",)),
    ]
    snapshots = ledger.case_snapshots.recorder
    if isinstance(snapshots, PostgresAggregateRecorder):
        grants.append(Grant("TABLE", snapshots.events_table_name, ("SELECT", "INSERT")))
    for projection in projector.projections:
        view = projection.view
        if not isinstance(view, PostgresViews):
            raise GrantRefused("database roles exist only on PostgreSQL")
        grants += [Grant("TABLE", table, privileges) for table, privileges in view.service_privileges().items()]
    return grants


def grant_service_role(
    database: Database, role: str, ledger: Ledger, projector: Projector, *, create: bool = False,
    password: str | None = None, projector_role: str | None = None, projector_password: str | None = None,
) -> dict[str, list[Grant]]:
    """Make ``role`` the service role of this store (creating it if asked) and, if given,
    ``projector_role`` the role the projections run as: revoke all each holds in the schema, then
    grant exactly :func:`service_grants` (the read models SELECT only when there is a projector
    role) and :func:`projector_grants`, in one transaction. Returns the grants by role."""
    recorder = events_recorder(ledger)
    schema, events = recorder.datastore.schema, recorder.events_table_name
    if projector_role is not None and projector_role == role:
        raise GrantRefused("the projector role must be another role than the service role")
    with connect(database) as conn, conn.transaction():
        row = conn.execute(
            "SELECT s.relname FROM pg_class s WHERE s.oid = pg_get_serial_sequence(%s, 'notification_id')::regclass",
            (_qualified(schema, events),),
        ).fetchone()
        if row is None:
            raise GrantRefused(f"the events table {events} has no notification sequence")
        granted = {role: service_grants(ledger, projector, database, row[0], reads_views_only=projector_role is not None)}
        if projector_role is not None:
            granted[projector_role] = projector_grants(ledger, projector, database)
        secrets = {role: password, projector_role: projector_password}
        for name, grants in granted.items():
            _check_role(conn, name, schema, events, create=create)
            if secrets.get(name) is not None:
                hashed = conn.pgconn.encrypt_password(str(secrets[name]).encode(), name.encode(), None).decode()
                conn.execute(SQL("ALTER ROLE {} PASSWORD {}").format(Identifier(name), Literal(hashed)))
            who, where = Identifier(name), Identifier(schema)
            for kind in ("TABLES", "SEQUENCES", "ROUTINES"):
                conn.execute(SQL("REVOKE ALL ON ALL {} IN SCHEMA {} FROM {}").format(SQL(kind), where, who))
            conn.execute(SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(where, who))
            conn.execute(SQL("REVOKE ALL ON DATABASE {} FROM {}").format(Identifier(database.dbname), who))
            for grant in grants:
                conn.execute(grant.statement(schema, name))
    return granted


def schema_warnings(database: Database, role: str, schema: str) -> list[str]:
    """What the grant cannot take away: rights PUBLIC holds (PostgreSQL 14 and earlier let
    everyone create tables in ``public``)."""
    with connect(database) as conn:
        row = conn.execute("SELECT has_schema_privilege(%s, %s, 'CREATE')", (role, schema)).fetchone()
    if row is not None and row[0]:
        return [
            (
                f"{role} may create tables in schema {schema} through PUBLIC: as the schema's owner run "
                f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC"
            )
        ]
    return []


def _check_role(conn: psycopg.Connection[Any], role: str, schema: str, events: str, *, create: bool) -> None:
    found = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if found is None:
        if not create:
            raise GrantRefused(f"there is no role {role!r}: pass --create, or create it first (createuser {role})")
        conn.execute(SQL("CREATE ROLE {} LOGIN").format(Identifier(role)))
        return
    if found[0]:
        raise GrantRefused(f"{role} is a superuser, which no privilege binds: give the service a plain role")
    owner = conn.execute(
        "SELECT pg_get_userbyid(c.relowner), pg_has_role(%s, c.relowner, 'MEMBER') FROM pg_class c "
        "WHERE c.oid = to_regclass(%s)",
        (role, _qualified(schema, events)),
    ).fetchone()
    if owner is not None and owner[1]:
        raise GrantRefused(
            f"{role} is (or is a member of) {owner[0]}, the owner of the ledger's tables: the service role "
            "must be a separate role that owns nothing"
        )


def _qualified(schema: str, name: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, name))


def privilege_refusal(error: BaseException) -> str | None:
    """The database's own message if ``error`` (or what caused it) is a refused privilege."""
    for cause in _chain(error):
        if isinstance(cause, psycopg.Error) and cause.sqlstate == INSUFFICIENT_PRIVILEGE:
            return " ".join(str(cause).split())
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
