"""`timestamp`: have the latest signed checkpoint timestamped by a TSA (RFC 3161), or list the
tokens kept (issue 20 point 2; docs/spec.md §21)."""

from __future__ import annotations

from pathlib import Path

import click

from api.cli import main
from api.cli.common import (
    EXIT_BROKEN,
    EXIT_USAGE,
    _current,
    _fail,
    _print_json,
    _settings,
    db_option,
    keys_option,
)
from api.timestamping import TSA_URL_ENV


@main.command()
@db_option
@keys_option
@click.option("--tsa-url", metavar="URL", envvar=TSA_URL_ENV, show_envvar=True,
              help="The timestamp authority's RFC 3161 HTTP address (application/timestamp-query).")
@click.option("--tsa-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Keep the token only if it verifies under this PEM file: the TSA's certificate then its "
              "chain to the root, or the root alone.")
@click.option("--list", "listing", is_flag=True, help="List the tokens kept instead (no TSA is asked).")
def timestamp(db: str | None, keys: str | None, tsa_url: str | None, tsa_cert: Path | None, listing: bool) -> None:
    """Have the latest signed checkpoint timestamped by a timestamp authority (可信时间戳, RFC 3161).

    Brings the log up to date and, where the ledger key is at hand, signs a checkpoint first; then
    sends the TSA a request over the checkpoint note's bytes (SHA-256, a nonce) and keeps its reply
    in the append-only dl_log_timestamps, unless this TSA already stamped that checkpoint. Bundles
    exported afterwards carry the token; `verify --bundle FILE --tsa-cert PEM` checks it. `serve
    --tsa-url URL` does the same at a set interval, never holding up a write.

    Prints JSON: {"tree_size", "tsa", "gen_time", "new"} (new: false when the checkpoint was
    already stamped by this TSA); with --list, [{"tree_size", "tsa", "gen_time", "response"}].
    Exit 0 when a token is kept (or already was); 1 when the TSA's reply is refused (not granted,
    for other bytes, another nonce, or not verifying under --tsa-cert) — nothing is kept; 2 for
    usage errors, no signed checkpoint yet, or a TSA that does not answer.
    """
    from api.timestamping import TsaUnreachable, http_ask, read_trust
    from domain.evidence.timestamps import TimestampError
    from projections.timestamps import TimestampStore

    trust = None
    if tsa_cert is not None:
        try:
            trust = read_trust(tsa_cert)
        except (TimestampError, OSError) as error:
            _fail(f"--tsa-cert {tsa_cert}: {error}", EXIT_USAGE)
    _, projector = _current(_settings(db, keys), signing=not listing)
    store = TimestampStore(projector.reader)
    if listing:
        _print_json([kept.to_json() for kept in store.kept()])
        return
    if not tsa_url:
        _fail(f"give the TSA's address: --tsa-url URL (or {TSA_URL_ENV}) / 请指定时间戳服务地址", EXIT_USAGE)
    try:
        ask = http_ask(tsa_url)
        outcome = store.stamp(tsa_url, ask, trust)
    except TsaUnreachable as error:
        _fail(str(error), EXIT_USAGE)
    except TimestampError as error:
        _fail(f"the TSA's reply is refused, nothing kept: {error} / 时间戳应答未通过核验，未保存", EXIT_BROKEN)
    except ValueError as error:
        _fail(str(error), EXIT_USAGE)
    if outcome is None:
        _fail("no checkpoint has been signed yet: the ledger key (ledger.pem) signs one (pass --keys) "
              "/ 尚无已签名的检查点", EXIT_USAGE)
    kept, new = outcome
    _print_json({"tree_size": kept.tree_size, "tsa": kept.tsa, "gen_time": kept.gen_time, "new": new})
