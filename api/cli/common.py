"""What every command shares: settings, opening the store, options, output, exit codes.

Exit codes, for every command: 0 success; 1 the ledger is broken (``verify``) or the ledger
refused the action; 2 a usage error — bad options, a bad database URL, a store that cannot be
opened or holds no ledger, an unreadable key file.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import UUID

import click

from api.settings import ENV_DB, ENV_KEYS, Settings, SettingsError

if TYPE_CHECKING:  # imported where used: a command that opens no store does not load the database stack
    from domain.evidence.signing import SigningKey
    from domain.service.ledger import Ledger
    from projections.runner import Projector

LEDGER_KEY_FILE = "ledger.pem"
LEDGER_SM2_KEY_FILE = "ledger-sm2.pem"  # issue 20 — sm2: read with ledger.pem (api/keyfiles.read_key)
ADMIN_KEY_FILE = "administrator.pem"
LEDGER_INFO_FILE = "ledger.json"

EXIT_BROKEN = 1
EXIT_USAGE = 2


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"decision-ledger: {message}", err=True)
    sys.exit(code)


def parse_uuid(text: str, what: str) -> UUID:
    """A UUID given on the command line, or a usage error naming what it should have been."""
    try:
        return UUID(text)
    except ValueError:
        _fail(f"{what} {text!r} is not a UUID", EXIT_USAGE)


def _settings(db: str | None, keys: str | None) -> Settings:
    try:
        return Settings.load(db, keys)
    except SettingsError as error:
        _fail(str(error), EXIT_USAGE)


def _open(settings: Settings, *, create: bool = False, signing: bool = False) -> Ledger:
    """Open the store; ``signing`` also loads the ledger key (ledger.pem in the keys directory),
    which signs the findings rules raise."""
    from api.keyfiles import KeyFileError, read_key
    from api.store.opening import StoreUnavailable, open_ledger

    key = None
    if signing:
        path = settings.keys_dir / LEDGER_KEY_FILE
        if not path.exists():
            _fail(
                f"the ledger key {path} is missing: findings are signed with it "
                "(pass --keys, the directory init wrote)",
                EXIT_USAGE,
            )
        try:
            key = read_key(path)
        except KeyFileError as error:
            _fail(str(error), EXIT_USAGE)
    try:
        return open_ledger(settings.database, create=create, ledger_key=key)
    except StoreUnavailable as error:
        _fail(str(error), EXIT_USAGE)


def _emit(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


db_option = click.option(
    "--db",
    metavar="URL",
    help=(
        f"Database URL: sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DBNAME. "
        f"Default: ${ENV_DB}, else sqlite:///decision-ledger.db."
    ),
)
keys_option = click.option(
    "--keys",
    metavar="DIR",
    help=(
        f"Directory of key files. Default: ${ENV_KEYS}, else FILE.keys beside a SQLite "
        "file, else ./decision-ledger-keys/HOST-PORT-DBNAME."
    ),
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def _key_if_present(settings: Settings) -> SigningKey | None:
    """The ledger key, if this machine holds it (it signs checkpoints and findings)."""
    from api.keyfiles import KeyFileError, read_key

    path = settings.keys_dir / LEDGER_KEY_FILE
    if not path.exists():
        return None
    try:
        return read_key(path)
    except KeyFileError as error:
        _fail(str(error), EXIT_USAGE)


def _projector(settings: Settings, ledger: Ledger) -> Projector:
    from api.store.opening import StoreUnavailable, open_projector
    from projections.signed import CheckpointMemory

    try:
        projector = open_projector(settings.database, ledger)
    except StoreUnavailable as error:
        _fail(str(error), EXIT_USAGE)
    projector.memory = CheckpointMemory(settings.keys_dir)
    return projector


def _sign(projector: Projector, key: SigningKey) -> str:
    """Sign a checkpoint, or stop with exit 1 when the log is not consistent with one signed
    before (the message says what to run)."""
    from projections.signed import CheckpointRefused

    try:
        return projector.sign_checkpoint(key)
    except CheckpointRefused as error:
        _fail(f"no checkpoint signed: {error}", EXIT_BROKEN)


def _current(settings: Settings, *, signing: bool = False) -> tuple[Ledger, Projector]:
    """Open the ledger and bring its read models up to date (quietly) before a query."""
    from api.store.privileges import privilege_refusal

    ledger = _open(settings)
    if not ledger.is_initialised():
        _fail(f"{settings.database.redacted} holds no ledger: run `decision-ledger init` first", EXIT_USAGE)
    projector = _projector(settings, ledger)
    try:
        projector.catch_up()
    except Exception as error:  # noqa: BLE001 — a store that does not decode cannot be projected
        refused = privilege_refusal(error)
        if refused is not None:
            _fail(f"the read models cannot be brought up to date as {settings.database.user}: {refused} "
                  "(the migration role grants the service role with `decision-ledger grant`)", EXIT_USAGE)
        _fail(f"the read models cannot be brought up to date: {error}; run `decision-ledger verify`", EXIT_BROKEN)
    if signing:
        key = _key_if_present(settings)
        if key is not None:
            _sign(projector, key)
    return ledger, projector


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
