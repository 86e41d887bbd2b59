"""`decision-ledger`: the command line (``--help`` on every command).

Exit codes, for every command: 0 success; 1 the ledger is broken (``verify``) or the ledger
refused the action; 2 a usage error — bad options, a bad database URL, a store that cannot be
opened or holds no ledger, an unreadable key file.

Start-up is kept short: a command's module is imported only when that command (or the list of
every command, ``--help``) is asked for, and the command modules import the web and database
stacks only inside the commands that use them. ``verify --bundle`` needs click and
:mod:`domain.evidence` alone (``python -m bench`` measures both).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

#: every command, by name: the module that defines it (imported when the command is used)
COMMANDS = {
    **dict.fromkeys(("init", "demo", "verify"), "api.cli.ledger"),
    "articles": "api.cli.articles",
    "check-deadlines": "api.cli.deadlines",
    **dict.fromkeys(("keygen", "key-proof"), "api.cli.keys"),
    **dict.fromkeys(("checkpoint", "cosign", "prove", "export"), "api.cli.log"),
    **dict.fromkeys(("project", "rebuild", "cases", "case", "person", "trace-decision", "findings", "deadlines",
                     "agencies", "annual"), "api.cli.reads"),
    "serve": "api.cli.serve",
    "client": "api.cli.client",
    "grant": "api.cli.roles",
    "backup": "api.cli.backup",
    "shred": "api.cli.shred",
    "process-record": "api.cli.process_record",  # issue 18 — the whole process (NX-10(4))
    # issue 19 — dossier
    "dossier": "api.cli.dossier",
    # issue 20 — witnesses
    "witness": "api.cli.witness",
    # issue 19 — forms2: browser-key invitations from the command line
    "keys": "api.cli.keys",
    "timestamp": "api.cli.stamps",  # issue 20 — stamps: RFC 3161 timestamps of checkpoints
    "unit": "api.cli.reads",  # 713-39: a unit's record
}


class Commands(click.Group):
    """Every command, its module imported when it is first looked up (see :data:`COMMANDS`).

    A privilege the database refuses (PostgreSQL's service role running what only the migration
    role may) is a usage error that says so, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name])  # its decorators add it to this group
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:
            if "psycopg" not in sys.modules:
                raise  # no PostgreSQL was asked: nothing it refused
            from api.store.privileges import privilege_refusal  # the database stack, only now

            refused = privilege_refusal(error)
            if refused is None:
                raise
            click.echo(
                f"decision-ledger: the database refused: {refused} — init, grant, rebuild and cosign run as the "
                "migration role that owns the schema; the service role gets its privileges from "
                "`decision-ledger grant`",
                err=True,
            )
            sys.exit(2)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="decision-ledger")
def main() -> None:
    """Decision Ledger: a signed, hash-chained audit ledger of the tracking-feedback and
    post-evaluation (跟踪反馈与后评估) of major administrative decisions.

    Start with `init`, then `demo`, then `verify`.
    """
    # every file a command creates is its user's alone: 0600 files, 0700 directories (issue 16,
    # point 7; attack L5) — the database, its WAL and SHM, key files, backups, exports
    os.umask(os.umask(0o077) | 0o077)


__all__ = ["COMMANDS", "Commands", "main"]
