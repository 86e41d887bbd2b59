"""`witness`: an independent witness (c2sp.org/tlog-witness) — `init`, `serve` — and the
ledger's side, `submit` (one round of what `serve` does in the background)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from api.cli import main
from api.cli.common import (
    EXIT_BROKEN,
    EXIT_USAGE,
    _current,
    _fail,
    _settings,
    db_option,
    keys_option,
)

PATH = click.Path(path_type=Path)


@main.group()
def witness() -> None:
    """An independent witness of the ledger's log (纪检监察机关, 司法局, 审计局 run one), and the
    ledger's submission of its checkpoints to witnesses (docs/operations.md, "Witnesses").

    A witness keeps its own key and store, cosigns a checkpoint only if it is consistent with
    the last one it cosigned for that log, and keeps every inconsistent attempt as evidence."""


@witness.command("init")
@click.option("--key", "key_file", required=True, type=PATH,
              help="The witness's private key file: made (Ed25519, 0600) if it does not exist.")
@click.option("--store", "store_dir", required=True, metavar="DIR|DB",
              help="The witness's store, new: a directory, or a SQLite file (sqlite:///FILE, or FILE.db).")
@click.option("--name", required=True, help="The witness's key name, e.g. sfj.xixian.gov.cn/witness.")
@click.option("--log", "logs", multiple=True, required=True, metavar="VKEY",
              help="A log it witnesses: its verifier key (`decision-ledger checkpoint --vkey`). Repeatable.")
def witness_init(key_file: Path, store_dir: str, name: str, logs: tuple[str, ...]) -> None:
    """Make a witness: its key (if new) and its store. Prints its verifier key (type 0x04, kept
    in the store too), which goes into the ledger's policy file as
    `witness NAME VKEY URL`.

    Exit 2 if the store exists already, a log's verifier key or the name is malformed, or the
    key file cannot be read or written."""
    from api.keyfiles import KeyFileError, read_key, write_key
    from api.witness.store import WitnessStore, WitnessStoreError
    from domain.evidence.checkpoint import NoteError, check_name
    from domain.evidence.cosignature import cosigner_vkey
    from domain.evidence.signing import SigningKey

    try:
        check_name(name)
        key = read_key(key_file) if key_file.exists() else SigningKey.generate()
        if not key_file.exists():
            write_key(key_file, key)
        store = WitnessStore.create(store_dir, name, list(logs), cosigner_vkey(name, key.public_key))
    except (NoteError, KeyFileError, WitnessStoreError) as error:
        _fail(str(error), EXIT_USAGE)
    click.echo(store.vkey(key))


@witness.command("serve")
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The witness's private key file.")
@click.option("--store", "store_dir", required=True, metavar="DIR|DB",
              help="The witness's store (`witness init`): its directory or SQLite file.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8100, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
def witness_serve(key_file: Path, store_dir: str, host: str, port: int) -> None:
    """Run the witness: POST /add-checkpoint (C2SP tlog-witness), GET /<sha256(origin)>/checkpoint,
    GET /vkey, GET /healthz. Prints `listening on http://HOST:PORT/` and the verifier key.

    Exit 2 if the key file or the store cannot be read, or the port is taken."""
    from api.keyfiles import KeyFileError, read_key
    from api.witness.server import make_server
    from api.witness.store import WitnessStore, WitnessStoreError

    try:
        key = read_key(key_file)
        store = WitnessStore.open(store_dir)
        server = make_server(store, key, host, port)
    except (KeyFileError, WitnessStoreError) as error:
        _fail(str(error), EXIT_USAGE)
    except OSError as error:
        _fail(f"cannot listen on {host}:{port}: {error.strerror}", EXIT_USAGE)
    click.echo(f"listening on http://{host}:{server.server_address[1]}/")
    click.echo(f"witness {store.vkey(key)}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@witness.command("submit")
@db_option
@keys_option
def witness_submit(db: str | None, keys: str | None) -> None:
    """Offer the ledger's latest checkpoint to the witnesses of the policy file `tlog-policy` in
    the keys directory, once (`serve` does this in the background), and publish it in
    `witnessed.note` if their cosignatures make the quorum.

    Prints JSON: {"tree_size", "witnessed_size", "published": bool, "errors": text or null}.
    Exit 0 when the latest checkpoint is published, 1 when no quorum answered, 2 for usage
    errors (no policy file, a malformed policy, no checkpoint)."""
    from api.witness.submitter import POLICY_FILE, Witnessing
    from domain.evidence.tlog_policy import PolicyError

    settings = _settings(db, keys)
    if not (settings.keys_dir / POLICY_FILE).exists():
        _fail(f"no policy file {settings.keys_dir / POLICY_FILE} (c2sp.org/tlog-policy)", EXIT_USAGE)
    _, projector = _current(settings, signing=True)
    reader = projector.reader
    try:
        witnessing = Witnessing.beside(settings.keys_dir, reader.origin)
    except PolicyError as error:
        _fail(f"{settings.keys_dir / POLICY_FILE}: {error}", EXIT_USAGE)
    if witnessing is None:
        _fail(f"no policy file {settings.keys_dir / POLICY_FILE}", EXIT_USAGE)
    latest = reader.latest_checkpoint()
    if latest is None:
        _fail("no checkpoint yet: run `decision-ledger checkpoint` with the ledger key", EXIT_USAGE)
    published = witnessing.round(latest, reader.consistency)
    click.echo(json.dumps({"tree_size": latest[0], "witnessed_size": witnessing.published_size(),
                           "published": published, "errors": witnessing.last_error}, ensure_ascii=False))
    sys.exit(0 if published else EXIT_BROKEN)
