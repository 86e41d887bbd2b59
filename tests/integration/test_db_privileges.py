"""Database privileges on PostgreSQL: the service runs as a role that can only append and read
events, separate from the migration role that owns the schema (`decision-ledger grant`).

Roles are cluster-wide: every test makes its own, with unique names, and drops them afterwards.
The migration role here is a plain role that owns the test database (not a superuser), as in a
deployment; the service role is made by `grant --create`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from tests.integration.conftest import Run, Store, _command, _database
from tests.integration.served_process import serving
from tests.integration.test_serve_client import session

pytestmark = pytest.mark.postgres

EVENTS = "decisionledger_events"
SNAPSHOTS = "decisionledger_snapshots"  # derived case states: read and added, never changed
PASSWORD = "s3rvice-pw"

#: exactly what the service role may do; anything more (or less) is a finding
SERVICE_TABLE_GRANTS = {
    (EVENTS, "SELECT"), (EVENTS, "INSERT"), (SNAPSHOTS, "SELECT"), (SNAPSHOTS, "INSERT"),
    *((table, privilege) for table in ("dl_cases", "dl_findings", "dl_deadlines", "dl_principals", "dl_agencies",
                                        "dl_decisions", "dl_decision_making", "dl_accountabilities",
                                        "dl_accountability_subjects", "dl_principal_lifetime",
                                        "dl_views_tracking", "dl_log_tracking")
      for privilege in ("SELECT", "INSERT", "UPDATE")),
    # issue 19 — perf2: who belongs to a case, a read model as the others
    *(("dl_case_members", privilege) for privilege in ("SELECT", "INSERT", "UPDATE")),
    *((table, privilege) for table in ("dl_actions", "dl_finding_persons", "dl_log_leaves", "dl_log_nodes",
                                        "dl_log_checkpoints", "dl_log_signed")
      for privilege in ("SELECT", "INSERT")),
    # 713-39: the unit a finding is against, inserted once
    *(("dl_finding_units", privilege) for privilege in ("SELECT", "INSERT")),
    # the service's own state (sessions, spent sign-in tokens, data keys minted): not evidence
    *((table, privilege) for table in ("dl_sessions", "dl_spent_tokens", "dl_data_keys")
      for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE")),
    # issue 19 — keys: browser-key enrolment invitations and sign-in challenges, not evidence either
    *((table, privilege) for table in ("dl_key_invitations", "dl_sign_in_challenges")
      for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE")),
    # issue 20 — stamps: RFC 3161 tokens of checkpoints, append-only like dl_log_signed
    *(("dl_log_timestamps", privilege) for privilege in ("SELECT", "INSERT")),
}


@dataclass
class Roles:
    """The test database with its migration role (the owner) and a service role name."""

    store: Store
    owner: str
    service: str
    made: list[str]

    def url(self, role: str) -> str:
        parts = urlsplit(self.store.url)
        host = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit((parts.scheme, f"{role}:{PASSWORD}@{host}", parts.path, "", ""))

    @property
    def owner_url(self) -> str:
        return self.url(self.owner)

    @property
    def service_url(self) -> str:
        return self.url(self.service)

    def role(self, prefix: str, attributes: str = "LOGIN") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self.store.execute(f'CREATE ROLE "{name}" {attributes} PASSWORD \'{PASSWORD}\'')
        self.made.append(name)
        return name

    def grants(self) -> set[tuple[str, str]]:
        rows = self.store.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = ?",
            (self.service,),
        )
        return {(r[0], r[1]) for r in rows}

    def other_privileges(self) -> list[tuple[str, str, bool]]:
        """Schema, sequence and function privileges of the service role."""
        schema_create, seq_usage, seq_update, lock, public_lock = self.store.execute(
            "SELECT has_schema_privilege(?, 'public', 'CREATE'), "
            f"has_sequence_privilege(?, '{EVENTS}_notification_id_seq', 'USAGE'), "
            f"has_sequence_privilege(?, '{EVENTS}_notification_id_seq', 'UPDATE'), "
            f"has_function_privilege(?, '{EVENTS}_append_lock()', 'EXECUTE'), "
            "has_function_privilege('public', "
            f"'{EVENTS}_append_lock()', 'EXECUTE')",
            (self.service,) * 4,
        )[0]
        return [("schema CREATE", "public", schema_create), ("sequence USAGE", EVENTS, seq_usage),
                ("sequence UPDATE", EVENTS, seq_update), ("lock EXECUTE", "service", lock),
                ("lock EXECUTE", "PUBLIC", public_lock)]


@pytest.fixture
def roles(tmp_path: Path) -> Iterator[Roles]:
    with _database("postgres", tmp_path) as store:
        made: list[str] = []
        found = Roles(store, "", f"dl_svc_{uuid.uuid4().hex[:10]}", made)
        made.append(found.service)
        try:
            found.owner = found.role("dl_own", "LOGIN CREATEROLE")
            store.execute(f'ALTER DATABASE "{store.dbname}" OWNER TO "{found.owner}"')  # and so schema public
            yield found
        finally:
            for name in reversed(made):
                exists = store.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,))
                if exists:
                    store.execute(f'REASSIGN OWNED BY "{name}" TO CURRENT_USER')
                    store.execute(f'DROP OWNED BY "{name}"')
                    store.execute(f'DROP ROLE "{name}"')


@pytest.fixture
def ledger_with_service_role(cli, roles: Roles, tmp_path: Path) -> Roles:  # type: ignore[no-untyped-def]
    """`init` as the migration role, then `grant --create` to a new service role."""
    keys = str(tmp_path / "keys")
    init = cli("init", "--db", roles.owner_url, "--keys", keys)
    assert init.code == 0, init.err
    granted = cli("grant", "--db", roles.owner_url, "--role", roles.service, "--create", "--password-env", "PW",
                  env={"PW": PASSWORD})
    assert granted.code == 0, granted.err
    return roles


def refused(url: str, statement: str) -> str:
    """Run ``statement`` as the URL's role, in a transaction rolled back afterwards; return the
    database's refusal (or fail the test)."""
    with psycopg.connect(url) as conn:
        try:
            conn.execute(statement)
        except psycopg.errors.InsufficientPrivilege as error:
            return str(error)
        finally:
            conn.rollback()
    pytest.fail(f"{statement!r} was allowed")


def test_the_service_role_may_append_and_read_events_but_never_rewrite_them(ledger_with_service_role: Roles) -> None:
    roles = ledger_with_service_role
    assert roles.grants() == SERVICE_TABLE_GRANTS
    assert roles.other_privileges() == [
        ("schema CREATE", "public", False), ("sequence USAGE", EVENTS, True), ("sequence UPDATE", EVENTS, False),
        ("lock EXECUTE", "service", True), ("lock EXECUTE", "PUBLIC", False)]

    with psycopg.connect(roles.service_url) as conn:  # appending and reading work (rolled back here)
        stored = conn.execute(f"SELECT count(*) FROM {EVENTS}").fetchone()
        assert stored is not None and stored[0] >= 2
        conn.execute(f"SELECT {EVENTS}_append_lock()")
        conn.execute(f"INSERT INTO {EVENTS} (originator_id, originator_version, topic, state) "
                     "VALUES (gen_random_uuid(), 1, 'x', '\\x00')")
        conn.rollback()

    rewrites = [f"UPDATE {EVENTS} SET state = '\\x00'", f"DELETE FROM {EVENTS}", f"TRUNCATE {EVENTS}",
                f"LOCK TABLE {EVENTS} IN EXCLUSIVE MODE"]
    for statement in rewrites:
        assert f"permission denied for table {EVENTS}" in refused(roles.service_url, statement), statement

    roles.store.drop_triggers()  # an insider removes the append-only triggers …
    with psycopg.connect(roles.owner_url) as conn:  # … which the owner could now use to edit rows
        assert conn.execute(f"UPDATE {EVENTS} SET topic = topic").rowcount > 0
        conn.rollback()
    for statement in rewrites:  # … but the service role's own privileges still refuse
        assert f"permission denied for table {EVENTS}" in refused(roles.service_url, statement), statement

    it_owns_nothing = {
        f"ALTER TABLE {EVENTS} DISABLE TRIGGER ALL": f"must be owner of table {EVENTS}",
        f"ALTER TABLE {EVENTS} ADD COLUMN x int": f"must be owner of table {EVENTS}",
        f"DROP TABLE {EVENTS}": f"must be owner of table {EVENTS}",
        "DROP TABLE dl_cases": "must be owner of table dl_cases",
        f"DROP FUNCTION {EVENTS}_append_lock()": f"must be owner of function {EVENTS}_append_lock",
        "CREATE TABLE mine (x int)": "permission denied for schema public",
        f"ALTER SEQUENCE {EVENTS}_notification_id_seq RESTART": "must be owner of sequence",
        f"SELECT setval('{EVENTS}_notification_id_seq', 1)": "permission denied for sequence",
        "DELETE FROM dl_cases": "permission denied for table dl_cases",
        "TRUNCATE dl_views_tracking": "permission denied for table dl_views_tracking",
        "DELETE FROM dl_actions": "permission denied for table dl_actions",
        "UPDATE dl_actions SET args = ''": "permission denied for table dl_actions",
        "UPDATE dl_log_leaves SET event_hash = ''": "permission denied for table dl_log_leaves",
        "DELETE FROM dl_log_nodes": "permission denied for table dl_log_nodes",
        "UPDATE dl_log_checkpoints SET note = ''": "permission denied for table dl_log_checkpoints",
        "DELETE FROM dl_log_checkpoints": "permission denied for table dl_log_checkpoints",
    }
    for statement, message in it_owns_nothing.items():
        assert message in refused(roles.service_url, statement), statement
    assert roles.grants() == SERVICE_TABLE_GRANTS


def test_grant_is_idempotent_and_never_widens(cli, ledger_with_service_role: Roles) -> None:  # type: ignore[no-untyped-def]
    roles = ledger_with_service_role
    granted = roles.grants()
    again = cli("grant", "--db", roles.owner_url, "--role", roles.service, "--json")
    assert again.code == 0, again.err
    assert roles.grants() == granted == SERVICE_TABLE_GRANTS
    report = json.loads(again.out)
    events = next(g for g in report["grants"] if g["name"] == EVENTS)
    assert events == {"kind": "table", "name": EVENTS, "privileges": ["SELECT", "INSERT"]}
    assert report["warnings"] == [] and report["role"] == roles.service

    # someone widens the role by hand; a re-run takes it all back
    roles.store.execute(f'GRANT UPDATE, DELETE, TRUNCATE ON {EVENTS} TO "{roles.service}"')
    roles.store.execute(f'GRANT ALL ON dl_cases, dl_log_checkpoints TO "{roles.service}"')
    roles.store.execute(f'GRANT UPDATE ON SEQUENCE {EVENTS}_notification_id_seq TO "{roles.service}"')
    roles.store.execute(f'GRANT CREATE ON SCHEMA public TO "{roles.service}"')
    assert (EVENTS, "DELETE") in roles.grants()
    assert cli("grant", "--db", roles.owner_url, "--role", roles.service).code == 0
    assert roles.grants() == SERVICE_TABLE_GRANTS
    assert [allowed for *_, allowed in roles.other_privileges()] == [False, True, False, True, False]

    # the password is stored hashed (sent hashed too), and the role may log in with it
    stored = roles.store.execute("SELECT rolpassword, rolsuper, rolcreaterole, rolcreatedb FROM pg_authid "
                                 "WHERE rolname = ?", (roles.service,))[0]
    assert stored[0].startswith("SCRAM-SHA-256$") and PASSWORD not in stored[0]
    assert stored[1:] == (False, False, False)
    with psycopg.connect(roles.service_url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (roles.service,)


def test_grant_refuses_a_role_it_could_not_bind(cli, roles: Roles, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def grant(*args: str, url: str = roles.owner_url, env: dict[str, str] | None = None) -> tuple[int, str]:
        done = cli("grant", "--db", url, *args, env=env)
        return done.code, done.err

    code, err = grant("--role", roles.service)
    assert code == 2 and "no ledger in" in err and "decision-ledger init" in err
    assert cli("init", "--db", roles.owner_url, "--keys", str(tmp_path / "keys")).code == 0

    code, err = grant("--role", roles.service)
    assert code == 2 and f"there is no role {roles.service!r}" in err and "--create" in err
    code, err = grant("--role", roles.owner)
    assert code == 2 and "owner of the ledger's tables" in err
    member = roles.role("dl_member")
    roles.store.execute(f'GRANT "{roles.owner}" TO "{member}"')
    code, err = grant("--role", member)
    assert code == 2 and f"member of) {roles.owner}" in err
    superuser = roles.role("dl_super", "LOGIN SUPERUSER")
    code, err = grant("--role", superuser)
    assert code == 2 and "superuser" in err
    code, err = grant("--role", roles.service, "--create", "--password-env", "DL_NO_SUCH_VARIABLE")
    assert code == 2 and "DL_NO_SUCH_VARIABLE" in err
    code, err = grant("--role", roles.service, url=f"sqlite:///{tmp_path / 'ledger.db'}")
    assert code == 2 and "SQLite has no database roles" in err
    assert not roles.store.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (roles.service,))

    assert grant("--role", roles.service, "--create")[0] == 0
    code, err = grant("--role", roles.service, url=roles.service_url)
    assert code == 2 and "run grant as the migration role" in err and "Traceback" not in err
    made = cli("init", "--db", roles.service_url, "--keys", str(tmp_path / "other-keys"))
    assert made.code == 2 and "permission denied" in made.err and "migration role" in made.err
    assert "Traceback" not in made.err


@contextmanager
def following(tmp_path: Path, url: str, keys: str) -> Iterator[subprocess.Popen[str]]:
    """A projection worker (`project --follow`, LISTEN/NOTIFY) beside the service, stopped with
    SIGTERM afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}
    with (tmp_path / "follow.log").open("w") as log:
        worker = subprocess.Popen([*_command(), "project", "--db", url, "--keys", keys, "--follow", "--interval",
                                   "0.2"], cwd=tmp_path, env=env, text=True, stdout=log, stderr=log)
        try:
            yield worker
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


@pytest.mark.slow
def test_the_service_runs_end_to_end_as_the_service_role(  # type: ignore[no-untyped-def]
    cli, ledger_with_service_role: Roles, tmp_path: Path
) -> None:
    roles = ledger_with_service_role
    keys = str(tmp_path / "keys")

    def as_service(command: str, *args: str) -> Run:
        done: Run = cli(command, "--db", roles.service_url, *args)
        return done

    demo = cli("demo", "--db", roles.service_url, "--keys", keys, "--json")  # signed writes, as the service
    assert demo.code == 0, demo.err
    people = json.loads(demo.out)
    info = json.loads((tmp_path / "keys" / "ledger.json").read_text())
    with following(tmp_path, roles.service_url, keys) as worker, \
            serving(tmp_path, "--db", roles.service_url, "--keys", keys) as (address, _):
        session(cli, address, info, str(Path(people["keys_dir"]) / "kong_deming.pem"), people["handles"]["kong_deming"])
    assert worker.returncode == 0, (tmp_path / "follow.log").read_text()
    stored = roles.store.execute(f"SELECT count(*) FROM {EVENTS}")[0][0]

    projected = as_service("project", "--keys", keys)
    assert projected.code == 0, projected.err
    checkpoint = as_service("checkpoint", "--keys", keys)
    assert checkpoint.code == 0 and checkpoint.out.splitlines()[1] == str(stored)
    assert as_service("check-deadlines", "--keys", keys).code == 0
    cases = as_service("cases", "--json")
    assert cases.code == 0 and len(json.loads(cases.out)) == 5  # the demo's four, and the one this test opened
    verified = as_service("verify")
    assert verified.code == 0, verified.out + verified.err

    def tables() -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in roles.store.execute(
            "SELECT relname, oid::bigint FROM pg_class WHERE relname LIKE ? ORDER BY 1", ("dl\\_%",))]

    before = tables()
    assert len(before) > 12
    rebuild = as_service("rebuild", "--keys", keys)
    assert rebuild.code == 2
    assert "run rebuild as the migration role" in rebuild.err and "Traceback" not in rebuild.err
    assert tables() == before, "nothing was dropped"
    cosign = as_service("cosign", "--key", info["administrator_key_file"], "--name", "sft.example/witness")
    assert cosign.code == 2 and "permission denied for table dl_log_checkpoints" in cosign.err

    rebuilt = cli("rebuild", "--db", roles.owner_url, "--keys", keys)
    assert rebuilt.code == 0, rebuilt.err
    rebuilt_tables = tables()
    assert [name for name, _ in rebuilt_tables] == [name for name, _ in before] and rebuilt_tables != before
    assert roles.grants() == SERVICE_TABLE_GRANTS, "a rebuild keeps the service role's grants"
    cosigned = cli("cosign", "--db", roles.owner_url, "--key", info["administrator_key_file"],
                   "--name", "sft.example/witness")
    assert cosigned.code == 0 and cosigned.out.count("\n— ") == 2, cosigned.err
    again = as_service("verify")
    assert again.code == 0, again.out + again.err


def test_a_store_made_before_the_append_lock_function_is_upgraded_by_its_owner(  # type: ignore[no-untyped-def]
    cli, ledger_with_service_role: Roles
) -> None:
    """A store `init` made before the lock function existed: the owner's first command makes it;
    the service role, which may not, is told to run as the migration role."""
    roles = ledger_with_service_role
    roles.store.execute(f"DROP FUNCTION {EVENTS}_append_lock()")
    as_service = cli("demo", "--db", roles.service_url, "--keys", "keys")
    assert as_service.code == 2 and "migration role" in as_service.err, as_service.err
    assert cli("demo", "--db", roles.owner_url, "--keys", "keys").code == 0
    assert roles.store.execute(f"SELECT to_regprocedure('{EVENTS}_append_lock()') IS NOT NULL") == [(True,)]
    assert cli("grant", "--db", roles.owner_url, "--role", roles.service).code == 0
    assert cli("verify", "--db", roles.service_url).code == 0


#: a projector role's privileges (issue 16, point 4): it reads the events, and it alone writes the
#: read models, the log, its checkpoints and their tracking rows
DERIVED = ("dl_cases", "dl_findings", "dl_deadlines", "dl_principals", "dl_agencies", "dl_decisions",
           "dl_decision_making", "dl_accountabilities", "dl_accountability_subjects", "dl_principal_lifetime",
           "dl_views_tracking", "dl_log_tracking", "dl_actions", "dl_finding_persons", "dl_log_leaves",
           "dl_log_nodes", "dl_log_checkpoints", "dl_log_signed",
           "dl_log_timestamps",  # issue 20 — stamps
           "dl_case_members",  # issue 19 — perf2
           "dl_finding_units")  # 713-39


def table_grants(roles: Roles, role: str) -> set[tuple[str, str]]:
    rows = roles.store.execute("SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                               "WHERE grantee = ?", (role,))
    return {(r[0], r[1]) for r in rows}


def test_with_a_projector_role_the_service_role_only_reads_the_read_models(  # type: ignore[no-untyped-def]
    cli, roles: Roles, tmp_path: Path
) -> None:
    """M2 (issue 16): as the service role, publishing a case by hand, closing a finding, or moving
    a tracking row is refused by the database; the projections run as the projector role — in
    `project` and on a connection of their own inside `serve` — and request handlers read as the
    service role."""
    keys = str(tmp_path / "keys")
    assert cli("init", "--db", roles.owner_url, "--keys", keys).code == 0
    projector = f"dl_proj_{uuid.uuid4().hex[:10]}"
    roles.made.append(projector)
    granted = cli("grant", "--db", roles.owner_url, "--role", roles.service, "--projector-role", projector,
                  "--create", "--password-env", "PW", "--projector-password-env", "PW", "--json", env={"PW": PASSWORD})
    assert granted.code == 0, granted.err
    assert json.loads(granted.out)["projector_role"] == projector
    service = roles.grants()
    assert {(t, p) for t, p in service if t in DERIVED} == {(t, "SELECT") for t in DERIVED}
    assert (EVENTS, "INSERT") in service and (EVENTS, "UPDATE") not in service
    projecting = table_grants(roles, projector)
    assert {(EVENTS, "SELECT"), ("dl_cases", "UPDATE"), ("dl_log_signed", "INSERT")} <= projecting
    assert not {(EVENTS, "INSERT"), (EVENTS, "UPDATE"), ("dl_log_signed", "UPDATE"), ("dl_cases", "DELETE")} & projecting

    assert cli("demo", "--db", roles.service_url, "--keys", keys).code == 0  # signed writes, as the service
    assert cli("project", "--db", roles.url(projector), "--keys", keys).code == 0
    attacks = {
        "UPDATE dl_cases SET phase = 'published'": "permission denied for table dl_cases",
        "UPDATE dl_findings SET closed_at = '2026-01-01T00:00:00Z'": "permission denied for table dl_findings",
        "UPDATE dl_views_tracking SET notification_id = notification_id + 5": "permission denied for table dl_views_tracking",
        "UPDATE dl_log_tracking SET notification_id = 0": "permission denied for table dl_log_tracking",
        "INSERT INTO dl_log_checkpoints VALUES (1, '', '', '')": "permission denied for table dl_log_checkpoints",
        "DELETE FROM dl_log_signed": "permission denied for table dl_log_signed",
    }
    for statement, message in attacks.items():
        assert message in refused(roles.service_url, statement), statement
    assert "permission denied for table dl_log_signed" in refused(roles.url(projector), "DELETE FROM dl_log_signed")
    assert "append-only" in refused(roles.owner_url, "DELETE FROM dl_log_signed")  # even its owner: the triggers

    assert cli("demo", "--db", roles.service_url, "--keys", keys).code == 0  # events the projections have not seen
    with serving(tmp_path, "--db", roles.service_url, "--projector-db", roles.url(projector), "--keys", keys) as (
            address, _):
        checkpoint = httpx.get(f"{address}/v1/public/checkpoint", timeout=30)
        results = httpx.get(f"{address}/v1/public/results", timeout=30)
    assert checkpoint.status_code == 200 and results.status_code == 200, (checkpoint.text, results.text)
    stored = roles.store.execute(f"SELECT count(*) FROM {EVENTS}")[0][0]
    assert checkpoint.text.splitlines()[1] == str(stored)
    verified = cli("verify", "--db", roles.service_url, "--keys", keys)
    assert verified.code == 0, verified.out + verified.err
