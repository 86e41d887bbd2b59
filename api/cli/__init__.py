"""`decision-ledger`: the command line (``--help`` on every command).

Exit codes, for every command: 0 success; 1 the ledger is broken (``verify``) or the ledger
refused the action; 2 a usage error — bad options, a bad database URL, a store that cannot be
opened or holds no ledger, an unreadable key file.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="decision-ledger")
def main() -> None:
    """Decision Ledger: a signed, hash-chained audit ledger of the tracking-feedback and
    post-evaluation (跟踪反馈与后评估) of major administrative decisions.

    Start with `init`, then `demo`, then `verify`.
    """



from api.cli import backup, client, ledger, log, reads, serve

__all__ = ["backup", "client", "ledger", "log", "main", "reads", "serve"]
