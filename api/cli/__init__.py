"""`decision-ledger`: the command line (``--help`` on every command).

Exit codes, for every command: 0 success; 1 the ledger is broken (``verify``) or the ledger
refused the action; 2 a usage error — bad options, a bad database URL, a store that cannot be
opened or holds no ledger, an unreadable key file.
"""

from __future__ import annotations

import sys
from typing import Any

import click


class Commands(click.Group):
    """Every command: a privilege the database refuses (PostgreSQL's service role running what
    only the migration role may) is a usage error that says so, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from api.store.privileges import privilege_refusal

        try:
            return super().invoke(ctx)
        except Exception as error:
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


from api.cli import backup, client, ledger, log, reads, roles, serve, shred

__all__ = ["backup", "client", "ledger", "log", "main", "reads", "roles", "serve", "shred"]
