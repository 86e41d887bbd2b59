"""`decision-ledger`: the command line.

Exit codes, for every command: 0 success; 1 the ledger is broken (``verify``) or the ledger
refused the action; 2 a usage error — bad options, a bad database URL, a store that cannot be
opened or holds no ledger, an unreadable key file.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn
from uuid import UUID

import click

from api.demo import Demo, demo_keys_dir
from api.keyfiles import KeyFileError, read_key, read_public_key, write_key
from api.settings import ENV_DB, ENV_KEYS, Settings, SettingsError
from api.signer import Signer
from api.store.opening import StoreUnavailable, open_ledger, state_decoder, stored_records
from api.traceability import features_dir, read_scenarios, scenarios_by_article
from domain.articles import traceability
from domain.errors import LedgerError
from domain.ledger import Ledger, NewPrincipal
from domain.signing import SigningKey
from domain.verification import LedgerVerifier

LEDGER_KEY_FILE = "ledger.pem"
ADMIN_KEY_FILE = "administrator.pem"
LEDGER_INFO_FILE = "ledger.json"

EXIT_BROKEN = 1
EXIT_USAGE = 2


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"decision-ledger: {message}", err=True)
    sys.exit(code)


def _settings(db: str | None, keys: str | None) -> Settings:
    try:
        return Settings.load(db, keys)
    except SettingsError as error:
        _fail(str(error), EXIT_USAGE)


def _open(settings: Settings, *, create: bool = False, signing: bool = False) -> Ledger:
    """Open the store; ``signing`` also loads the ledger key (ledger.pem in the keys directory),
    which signs the findings rules raise."""
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="decision-ledger")
def main() -> None:
    """Decision Ledger: a signed, hash-chained audit ledger of the tracking-feedback and
    post-evaluation (跟踪反馈与后评估) of major administrative decisions.

    Start with `init`, then `demo`, then `verify`.
    """


@main.command()
@db_option
@keys_option
@click.option("--admin-name", default="系统管理员", show_default=True, help="Name of the first administrator.")
@click.option("--admin-unit", default="信息中心", show_default=True, help="Unit of the first administrator.")
@click.option(
    "--admin-public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The administrator's own public key (JWK JSON or PEM, e.g. from `keygen`). "
    "Without it, init generates administrator.pem in the keys directory.",
)
@json_option
def init(
    db: str | None,
    keys: str | None,
    admin_name: str,
    admin_unit: str,
    admin_public_key: Path | None,
    as_json: bool,
) -> None:
    """Create the store, the ledger key and the first administrator.

    The store gets its append-only triggers; the ledger key (ledger.pem, which signs the
    ledger's own events) is written to the keys directory, with ledger.json naming the ledger
    and the administrator. Runs once per store.
    """
    settings = _settings(db, keys)
    ledger = _open(settings, create=True)
    if ledger.is_initialised():
        _fail(f"{settings.database.redacted} already holds a ledger; init runs once per store", EXIT_BROKEN)
    keys_dir = settings.keys_dir.resolve()
    ledger_key_path = keys_dir / LEDGER_KEY_FILE
    if ledger_key_path.exists():
        _fail(f"{ledger_key_path} exists: that directory belongs to another ledger (use --keys)", EXIT_USAGE)
    written: list[Path] = []
    try:
        if admin_public_key is not None:
            public = read_public_key(admin_public_key)
            admin_key_path: Path | None = None
        else:
            admin_key = SigningKey.generate()
            admin_key_path = keys_dir / ADMIN_KEY_FILE
            written.append(write_key(admin_key_path, admin_key))
            public = admin_key.public_key
        ledger_key = SigningKey.generate()
        written.append(write_key(ledger_key_path, ledger_key))
        genesis = ledger.initialise(
            ledger_key, NewPrincipal(admin_name, admin_unit, [], public.jwk, title="管理员")
        )
    except (KeyFileError, LedgerError) as error:
        for path in written:
            path.unlink(missing_ok=True)
        _fail(str(error), EXIT_USAGE if isinstance(error, KeyFileError) else EXIT_BROKEN)
    info = {
        "database": settings.database.redacted,
        "ledger_id": str(genesis.ledger_id),
        "ledger_keyid": genesis.ledger_keyid,
        "ledger_key_file": str(ledger_key_path),
        "administrator_id": str(genesis.administrator_id),
        "administrator_keyid": public.keyid,
        "administrator_key_file": str(admin_key_path) if admin_key_path else None,
        "keys_dir": str(keys_dir),
    }
    (keys_dir / LEDGER_INFO_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    if as_json:
        _emit(info)
        return
    click.echo(f"initialised a ledger in {settings.database.redacted}")
    click.echo(f"  ledger       {genesis.ledger_id}  key {genesis.ledger_keyid}  ({ledger_key_path})")
    click.echo(
        f"  administrator {genesis.administrator_id}  key {public.keyid}"
        + (f"  ({admin_key_path})" if admin_key_path else "")
    )
    click.echo("publish the ledger key id: `verify --ledger-key` checks a store against it")


@main.command()
@db_option
@keys_option
@click.option(
    "--admin-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The administrator's key file (default: from ledger.json in the keys directory).",
)
@click.option("--admin-id", help="The administrator's principal id (default: from ledger.json).")
@json_option
def demo(
    db: str | None, keys: str | None, admin_key: Path | None, admin_id: str | None, as_json: bool
) -> None:
    """Record realistic cases under both texts, each action signed by its actor's own key.

    One NX case (宁夏商务厅) runs end to end, ruling "adjust" with mitigation measures; one XX
    case (息县) takes the simplified procedure through justice review and county approval to
    publication. Every demo person's key file is written under KEYS/demo/. Running it again
    adds a second set.
    """
    settings = _settings(db, keys)
    ledger = _open(settings, signing=True)
    if not ledger.is_initialised():
        _fail(f"{settings.database.redacted} holds no ledger: run `decision-ledger init` first", EXIT_USAGE)
    signer = _administrator(settings, admin_key, admin_id)
    out = demo_keys_dir(settings.keys_dir)
    progress: Callable[[str], None] = (lambda _: None) if as_json else (lambda m: click.echo(f"… {m}", err=True))
    try:
        result = Demo(ledger, signer, out, progress).run()
    except (LedgerError, KeyFileError) as error:
        _fail(f"the demo was refused: {error}", EXIT_BROKEN)
    if as_json:
        _emit(result.to_json())
        return
    click.echo(f"recorded {result.events} signed events; demo key files in {result.keys_dir}")
    for case in result.cases:
        click.echo(f"  {case['jurisdiction']} case {case['id']}  {case['phase']:<10} {case['title']}")


def _administrator(settings: Settings, key_path: Path | None, principal_id: str | None) -> Signer:
    info_path = settings.keys_dir / LEDGER_INFO_FILE
    info: dict[str, Any] = {}
    if info_path.exists():
        info = json.loads(info_path.read_text())
    key_file = key_path or (Path(info["administrator_key_file"]) if info.get("administrator_key_file") else None)
    identifier = principal_id or info.get("administrator_id")
    if key_file is None or identifier is None:
        _fail(
            f"no administrator key in {settings.keys_dir}: pass --keys (the directory init wrote) "
            "or --admin-key FILE --admin-id ID",
            EXIT_USAGE,
        )
    try:
        return Signer.from_key_file(UUID(identifier), key_file, "administrator")
    except (KeyFileError, ValueError) as error:
        _fail(str(error), EXIT_USAGE)


@main.command()
@db_option
@click.option("--ledger-key", metavar="KEYID", help="Trust only this ledger key id (printed by init).")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: when stderr is a terminal).",
)
@json_option
def verify(db: str | None, ledger_key: str | None, progress: bool | None, as_json: bool) -> None:
    """Check every stored event from the raw store.

    Checks each signature over its signed bytes and its binding to the stored aggregate and
    version, that the signing key was the signer's and active when the event was recorded,
    each event's hash, each chain link, and that versions have no gaps. Prints one line per
    break: aggregate id, version and what broke (signature / hash / chain / gap / key).
    Exit 0 when intact, 1 when anything is broken, 2 for usage errors.
    """
    settings = _settings(db, None)
    ledger = _open(settings)
    total = ledger.recorder.max_notification_id() or 0
    if total == 0:
        _fail(f"{settings.database.redacted} holds no events: nothing to verify", EXIT_USAGE)
    verifier = LedgerVerifier(state_decoder(ledger), trusted_ledger_keyid=ledger_key)
    show = sys.stderr.isatty() if progress is None else progress
    records = stored_records(ledger)
    if show:
        with click.progressbar(length=total, label="verifying", file=sys.stderr) as bar:
            report = verifier.verify_all(records, progress=bar.update)
    else:
        report = verifier.verify_all(records)
    if as_json:
        _emit(report.to_json())
    else:
        for problem in report.breaks:
            click.echo(str(problem))
        if report.ok:
            click.echo(
                f"intact: {report.events} events in {report.aggregates} aggregates "
                f"(signatures, keys, hashes, chains, versions); ledger key {report.ledger_keyid}"
            )
        else:
            affected = len({(b.aggregate_id, b.version) for b in report.breaks})
            click.echo(
                f"BROKEN: {len(report.breaks)} problems in {affected} of {report.events} events"
            )
    sys.exit(0 if report.ok else EXIT_BROKEN)


@main.command("check-deadlines")
@db_option
@keys_option
@json_option
def check_deadlines(db: str | None, keys: str | None, as_json: bool) -> None:
    """Raise a finding on every case whose deadline has passed with nothing done.

    NX-11: the evaluation is finished within 90 days of the day the decision organ decided to
    start it; NX-12b: the report is submitted within 15 days of its finalisation. Days are
    calendar days in China Standard Time. Each deadline is raised once per case; the findings
    are signed with the ledger key. Run it daily (cron, a timer).
    """
    settings = _settings(db, keys)
    ledger = _open(settings, signing=True)
    try:
        raised = ledger.check_deadlines()
    except LedgerError as error:
        _fail(str(error), EXIT_BROKEN)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in raised], ensure_ascii=False, indent=2))
        return
    for recorded in raised:
        case = ledger.get_case(recorded.aggregate_id)
        finding = next(f for f in case.findings if f["version"] == recorded.version)
        click.echo(f"{recorded.aggregate_id}  {finding['rule']:<24} {finding['summary_zh']}")
    click.echo(f"{len(raised)} findings raised")


@main.command()
@click.option(
    "--features",
    "features",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The feature files to read (default: $DECISION_LEDGER_FEATURES, else features/ in the source tree).",
)
@json_option
def articles(features: Path | None, as_json: bool) -> None:
    """Show every article of both texts: its rules, its BDD scenarios, and its status.

    Status is enforced (a rule refuses), flagged (rules raise findings), recorded (the ledger
    records it, a scenario shows it) or declaratory (with the reason nothing is checkable).
    """
    directory = features or features_dir()
    if not directory.is_dir():
        _fail(f"no feature files at {directory}: pass --features DIR", EXIT_USAGE)
    entries = traceability(scenarios_by_article(read_scenarios(directory)))
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    for entry in entries:
        detail = (
            f"{len(entry['rules'])} rules, {len(entry['scenarios'])} scenarios"
            if entry["status"] != "declaratory"
            else entry["reason"]
        )
        click.echo(f"{entry['article']:<8} {entry['status']:<12} {entry['title']}  —  {detail}")


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
@json_option
def keygen(out: Path, passphrase_env: str | None, as_json: bool) -> None:
    """Generate an Ed25519 key pair for signing; print its key id and public JWK.

    Give the public JWK to an administrator to be registered; keep the file.
    """
    passphrase = None
    if passphrase_env:
        value = os.environ.get(passphrase_env)
        if not value:
            _fail(f"environment variable {passphrase_env} is empty or unset", EXIT_USAGE)
        passphrase = value.encode("utf-8")
    key = SigningKey.generate()
    try:
        write_key(out, key, passphrase)
    except KeyFileError as error:
        _fail(str(error), EXIT_USAGE)
    data = {"file": str(out), "keyid": key.keyid, "public_jwk": key.public_key.jwk}
    if as_json:
        _emit(data)
    else:
        click.echo(f"wrote {out}\nkey id  {key.keyid}\npublic  {json.dumps(key.public_key.jwk)}")


if __name__ == "__main__":  # pragma: no cover
    main()
