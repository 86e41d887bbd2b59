"""Commands on signing keys: keygen, and key-proof (the proof of possession every enrolment gives,
docs/authority.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from uuid import UUID

import click

from api.cli import main
from api.cli.common import EXIT_USAGE, _emit, _fail, json_option


@main.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the private key (PKCS#8 PEM, mode 0600). Never overwritten.",
)
@click.option(
    "--passphrase-env",
    metavar="VAR",
    help="Encrypt the key with the passphrase in this environment variable.",
)
@click.option("--principal", "principal_id", metavar="PRINCIPAL_ID",
              help="Also prove possession for enrolment to this principal (with --ledger-id).")
@click.option("--ledger-id", metavar="LEDGER_ID", help="The ledger's id (ledger.json, or the origin of "
              "GET /v1/public/checkpoint after decision-ledger/), which the proof names.")
@click.option("--algorithm", type=click.Choice(["ed25519", "sm2"]), default="ed25519", show_default=True,
              help="issue 20 — sm2: sm2 makes an SM2 key (国密, GB/T 32918; signs with SM3 and the default "
              "user id, docs/spec.md §22), written without a passphrase.")
@json_option
def keygen(out: Path, passphrase_env: str | None, principal_id: str | None, ledger_id: str | None,
           algorithm: str, as_json: bool) -> None:
    """Generate an Ed25519 (or, with --algorithm sm2, an SM2) key pair for signing; print its key
    id and public JWK.

    The private key goes to FILE (PKCS#8 PEM, mode 0600, encrypted if a passphrase is given);
    the public key, as an RFC 8037 JWK, to FILE with the suffix .jwk. Give the .jwk file to an
    administrator to be registered (`client principal register --public-keys @FILE.jwk`);
    keep the private file. Neither file is ever overwritten.

    Every new key proves its holder enrols it (docs/authority.md): with --principal and
    --ledger-id, keygen also prints the proof of possession to give with it (`--proofs` of
    `client principal register`, `--proof` of `add-key` and `rotate-key`). For a key file made
    before, `key-proof` makes it.
    """
    from api.keyfiles import KeyFileError, write_key
    from domain.evidence.signing import SigningKey

    public_out = out.with_suffix(".jwk")
    if public_out == out:
        _fail(f"{out}: name the private key file something other than *.jwk", EXIT_USAGE)
    if public_out.exists():
        _fail(f"{public_out} already exists; key files are never overwritten", EXIT_USAGE)
    passphrase = None
    if passphrase_env:
        value = os.environ.get(passphrase_env)
        if not value:
            _fail(f"environment variable {passphrase_env} is empty or unset", EXIT_USAGE)
        passphrase = value.encode("utf-8")
    if (principal_id is None) != (ledger_id is None):
        _fail("a proof of possession names both the principal and the ledger: give --principal and --ledger-id",
              EXIT_USAGE)
    if algorithm == "sm2" and passphrase is not None:  # issue 20 — sm2
        _fail("an SM2 key file is written without a passphrase (keep it on an encrypted volume); drop "
              "--passphrase-env", EXIT_USAGE)
    key = SigningKey.generate() if algorithm == "ed25519" else _sm2_key()
    try:
        write_key(out, key, passphrase)
    except KeyFileError as error:
        _fail(str(error), EXIT_USAGE)
    public_out.write_text(json.dumps(key.public_key.jwk) + "\n", encoding="utf-8")
    data = {"file": str(out), "public_file": str(public_out), "keyid": key.keyid, "public_jwk": key.public_key.jwk,
            "algorithm": algorithm}
    if principal_id is not None and ledger_id is not None:
        data["proof"] = _proof(key, ledger_id, principal_id)
    if as_json:
        _emit(data)
    else:
        click.echo(f"wrote {out} (private) and {public_out} (public)\nkey id  {key.keyid}\n"
                   f"public  {json.dumps(key.public_key.jwk)}" + (f"\nproof   {data['proof']}" if "proof" in data else ""))


def _sm2_key() -> Any:  # issue 20 — sm2
    from domain.evidence.sm2_keys import Sm2SigningKey

    return Sm2SigningKey.generate()


def _proof(key: Any, ledger_id: str, principal_id: str) -> str:
    from domain.evidence.keys import make_proof

    try:
        return make_proof(key, str(UUID(ledger_id)), str(UUID(principal_id)))
    except ValueError:
        _fail("--principal and --ledger-id are UUIDs", EXIT_USAGE)


@main.command("key-proof")
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The private key file of the key to enrol (its passphrase in $DECISION_LEDGER_PASSPHRASE).")
@click.option("--principal", "principal_id", required=True, metavar="PRINCIPAL_ID",
              help="The principal the key is enrolled to.")
@click.option("--ledger-id", required=True, metavar="LEDGER_ID", help="The ledger's id, which the proof names.")
@json_option
def key_proof(key_file: Path, principal_id: str, ledger_id: str, as_json: bool) -> None:
    """Print a key's proof of possession for its enrolment (docs/authority.md).

    The proof is the key's Ed25519 signature over its enrolment statement (docs/spec.md,
    "Proof of possession"): the ledger, the principal and the key id. Give it with the public
    key: `client principal register --proofs '["PROOF"]'` or `client principal add-key --proof`.
    The administrators never hold the private key; only its holder can make the proof.
    """
    from api.keyfiles import KeyFileError, read_key

    passphrase = os.environ.get("DECISION_LEDGER_PASSPHRASE")
    try:
        key = read_key(key_file, passphrase.encode() if passphrase else None)
    except KeyFileError as error:
        _fail(str(error), EXIT_USAGE)
    proof = _proof(key, ledger_id, principal_id)
    if as_json:
        _emit({"keyid": key.keyid, "principal": principal_id, "ledger_id": ledger_id, "proof": proof})
    else:
        click.echo(proof)


# issue 19 — forms2: key invitations from the command line (the /keys/invitations page's twin)


@main.group()
def keys() -> None:
    """Browser-key enrolment invitations, from the command line (docs/authority.md).

    An administrator invites a registered person (or a person invites their own other computer):
    the service answers a one-time link, valid 24 hours and usable once, that the person opens in
    their browser to make a key. The key does nothing until it is signed on /keys/requests — by
    two administrators (dual control) or by the person with a key they already hold. Each command
    signs in with --key as --as and talks to --server, like `client`.

    Output: JSON on stdout. Exit codes: 0 done; 1 the service refused (the RFC 9457 problem on
    stdout, the reason on stderr); 2 a usage error or a service that cannot be reached.
    """


def _keys_connection(command: Any) -> Any:
    from api.cli.client import connection_options

    return connection_options(command)


@keys.command("invite")
@click.argument("principal_id")
@_keys_connection
def keys_invite(principal_id: str, **params: Any) -> None:
    """Invite PRINCIPAL_ID to enrol a browser key: print the one-time link.

    Prints {"principal_id", "name", "link", "code", "expires_at"}. Give the link to the person
    through a trusted channel; it is shown this once (the service keeps only its SHA-256).
    """
    from api.cli.client import _connection, _finish

    try:
        UUID(principal_id)
    except ValueError:
        _fail(f"PRINCIPAL_ID {principal_id!r} is not a principal id (a UUID)", EXIT_USAGE)
    connection = _connection(params)
    _finish(connection.request("POST", "/v1/key-invitations", body={"principal_id": principal_id}))


@keys.command("invitations")
@click.option("--requested", is_flag=True,
              help="List the invitations a browser has answered with a key (waiting for signatures), "
                   "instead of those not yet used.")
@_keys_connection
def keys_invitations(requested: bool, **params: Any) -> None:
    """List the open invitations: all of them for an administrator, your own otherwise.

    Prints {"items": [{"principal_id", "name", "issued_by", "issuer", "created_at", "expires_at",
    "keyid", "fingerprint", "state"}], "requested"}; ``state`` is where the requested key stands in
    the ledger: none, pending, active or ended.
    """
    from api.cli.client import _connection, _finish

    connection = _connection(params)
    _finish(connection.request("GET", f"/v1/key-invitations?requested={'true' if requested else 'false'}"))
