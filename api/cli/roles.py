"""`grant`: the migration role makes the service role on PostgreSQL (see api/store/privileges.py)."""

from __future__ import annotations

import os

import click

from api.cli import main
from api.cli.common import (
    EXIT_USAGE,
    _emit,
    _fail,
    _open,
    _projector,
    _settings,
    db_option,
    json_option,
)


@main.command()
@db_option
@click.option("--role", required=True, metavar="NAME", help="The service role (a plain role that owns nothing).")
@click.option("--create", is_flag=True, help="Create the role (LOGIN, nothing more) if it does not exist.")
@click.option("--password-env", metavar="VAR",
              help="Set the role's password from this environment variable (sent hashed, never in clear).")
@click.option("--projector-role", metavar="NAME",
              help="The role the projections run as (`serve --projector-db`, `project`): it alone may write the "
              "read models, the log and their tracking rows; the service role then only reads them.")
@click.option("--projector-password-env", metavar="VAR", help="The projector role's password, as --password-env.")
@json_option
def grant(db: str | None, role: str, create: bool, password_env: str | None, projector_role: str | None,
          projector_password_env: str | None, as_json: bool) -> None:
    """Give the service role exactly what the service needs on PostgreSQL, and nothing else.

    Run it as the migration role (the owner of the schema, whose URL `init` used), after `init`
    and again after an upgrade. On the events table the role gets SELECT and INSERT only — no
    UPDATE, DELETE or TRUNCATE, so even with the append-only triggers dropped it cannot rewrite
    history; on the read models what the projections write; on the log's tables SELECT and
    INSERT. Everything the role held in the schema is revoked first: a re-run never widens.
    The service then runs everything but init, grant, rebuild and cosign with the role's URL.
    With --projector-role the read models, the log and their tracking rows are written only by
    that role: run `serve --projector-db URL` (or `project --follow`) with its URL, and the
    commands that sign checkpoints (`project`, `checkpoint`, `export`, `prove`) with it too; the
    service role then only reads them (issue 16: no hand-made phase, finding or tracking change).
    SQLite has no roles: protect its file with file permissions.
    """
    from api.store.privileges import (
        GrantRefused,
        events_recorder,
        grant_service_role,
        privilege_refusal,
        schema_warnings,
    )
    from api.store.service_state import ServiceState

    settings = _settings(db, None)
    database = settings.database
    if database.kind != "postgresql":
        _fail("SQLite has no database roles: protect the file and its keys with file permissions instead",
              EXIT_USAGE)
    password, projector_password = _password(password_env), _password(projector_password_env)
    ledger = _open(settings)
    if not ledger.is_initialised():
        _fail(f"{database.redacted} holds no ledger: run `decision-ledger init` first", EXIT_USAGE)
    try:
        # the schema's objects as this version makes them (e.g. the append-lock function, for a
        # store initialised before it): idempotent, and only the owner may
        events_recorder(ledger).create_table()
        ServiceState.of(ledger).create()  # the service's own tables, for a store made before them
        projector = _projector(settings, ledger)
        granted = grant_service_role(database, role, ledger, projector, create=create, password=password,
                                     projector_role=projector_role, projector_password=projector_password)
    except GrantRefused as error:
        _fail(str(error), EXIT_USAGE)
    except Exception as error:
        refused = privilege_refusal(error)
        if refused is None:
            raise
        _fail(f"{database.user} may not grant on this store ({refused}): run grant as the migration role that "
              "owns the schema (the URL init used)", EXIT_USAGE)
    schema = events_recorder(ledger).datastore.schema
    warnings = [w for name in granted for w in schema_warnings(database, name, schema)]
    if as_json:
        data = {"role": role, "schema": schema, "grants": [g.to_json() for g in granted[role]], "warnings": warnings}
        if projector_role is not None:
            data["projector_role"] = projector_role
            data["projector_grants"] = [g.to_json() for g in granted[projector_role]]
        _emit(data)
    else:
        for name, grants in granted.items():
            click.echo(f"{name} on {database.redacted}: revoked everything in schema {schema}, then granted")
            for g in grants:
                click.echo(f"  {g.kind.lower():<8} {g.name:<45} {', '.join(g.privileges)}")
    for warning in warnings:
        click.echo(f"decision-ledger: warning: {warning}", err=True)


def _password(variable: str | None) -> str | None:
    if variable is None:
        return None
    value = os.environ.get(variable)
    if not value:
        _fail(f"--password-env {variable}: that environment variable is not set", EXIT_USAGE)
    return value
