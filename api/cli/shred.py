"""`decision-ledger shred`: destroy a sealed material's data key on a lawful request."""

from __future__ import annotations

from pathlib import Path

import click

from api.cli import main
from api.cli.common import (
    EXIT_BROKEN,
    EXIT_USAGE,
    _emit,
    _fail,
    _open,
    _settings,
    db_option,
    json_option,
    keys_option,
    parse_uuid,
)
from api.cli.ledger import _administrator


@main.command()
@db_option
@keys_option
@click.option("--case", "case_id", required=True, help="The case the material belongs to.")
@click.option("--material", "material_id", required=True, help="The sealed material whose key is destroyed.")
@click.option("--request-ref", required=True, help="The lawful request's reference (登记号, 文号); no personal data.")
@click.option("--basis", required=True, help="Its lawful basis, e.g. 《个人信息保护法》第四十七条.")
@click.option("--admin-key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The administrator's key file (default: from ledger.json in the keys directory).")
@click.option("--admin-id", help="The administrator's principal id (default: from ledger.json).")
@json_option
def shred(db: str | None, keys: str | None, case_id: str, material_id: str, request_ref: str, basis: str,
          admin_key: Path | None, admin_id: str | None, as_json: bool) -> None:
    """Crypto-shred a sealed material (NX-15, XX-22): record the request as a signed
    case.record_shredding act, then destroy the material's data key in KEYS/secrets/.

    The content is then unreadable by anyone; every hash and signature still verifies, because
    they cover the ciphertext. Exit 0 shredded (or already shredded), 1 refused (not a sealed
    material of this case), 2 usage error.
    """
    from api.store.secrets import Keystore
    from domain.errors import LedgerError, MalformedInput, NotFound
    from domain.service.shredding import shred_material

    settings = _settings(db, keys)
    ledger = _open(settings)
    signer = _administrator(settings, admin_key, admin_id)
    ledger.keyring = Keystore.beside(settings.keys_dir)
    try:
        result = shred_material(ledger, lambda action, target, args: signer.act(ledger, action, target, args),
                                parse_uuid(case_id, "case"), parse_uuid(material_id, "material"), request_ref, basis)
    except (NotFound, MalformedInput) as error:
        _fail(error.detail, EXIT_USAGE)
    except LedgerError as error:
        _fail(f"refused: {error}", EXIT_BROKEN)
    finally:
        ledger.close()
    if as_json:
        _emit(result)
        return
    state = "recorded and destroyed" if result["recorded"] else "already recorded; key destroyed"
    click.echo(f"shredded material {result['material_id']} (data key {result['kid']}): {state}")
