"""Commands on the ledger itself: init, demo, verify, articles."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import click

from api.cli import main
from api.cli.common import (
    ADMIN_KEY_FILE,
    EXIT_BROKEN,
    EXIT_USAGE,
    LEDGER_INFO_FILE,
    LEDGER_KEY_FILE,
    LEDGER_SM2_KEY_FILE,
    _emit,
    _fail,
    _open,
    _settings,
    db_option,
    json_option,
    keys_option,
)

if TYPE_CHECKING:  # each command imports what it uses: `verify --bundle` needs domain.evidence alone
    from api.settings import Settings
    from api.signer import Signer
    from domain.evidence.report import VerificationReport
    from domain.service.records import LedgerRecords
    from projections.runner import Projector


DEFAULT_ADMINS = ("系统管理员", "复核管理员")


def _admin_key_file(keys_dir: Path, index: int) -> Path:
    """administrator.pem for the first, administrator-2.pem, administrator-3.pem… after it."""
    return keys_dir / (ADMIN_KEY_FILE if index == 0 else ADMIN_KEY_FILE.replace(".pem", f"-{index + 1}.pem"))


def initialise(
    settings: Settings, admin_names: tuple[str, ...] = DEFAULT_ADMINS, admin_unit: str = "信息中心",
    admin_keys: tuple[Path, ...] = (), *, sm2: bool = False, hash_suite: str = "sha256",
) -> dict[str, Any]:
    """Create the store, the ledger key and the founding administrators (two at least: dual
    control, issue 16 point 2; docs/authority.md); write ledger.json. An administrator who brings
    their own key file (``admin_keys``, in the order of the names) has it read here to prove
    possession; it is not copied. The others get a generated key file in the keys directory."""
    from api.keyfiles import KeyFileError, read_key, write_key, write_private
    from domain.errors import LedgerError
    from domain.evidence.signing import SigningKey
    from domain.service.ledger import NewPrincipal

    if len(admin_names) < 2:
        _fail("init needs two administrators at least (--admin NAME --admin NAME): every key one administrator "
              "registers is confirmed by a second (dual control, docs/authority.md)", EXIT_USAGE)
    if len(admin_keys) > len(admin_names):
        _fail("more --admin-key files than --admin names", EXIT_USAGE)
    ledger = _open(settings, create=True)
    if ledger.is_initialised():
        _fail(f"{settings.database.redacted} already holds a ledger; init runs once per store", EXIT_BROKEN)
    keys_dir = settings.keys_dir.resolve()
    ledger_key_path = keys_dir / LEDGER_KEY_FILE
    if ledger_key_path.exists():
        _fail(f"{ledger_key_path} exists: that directory belongs to another ledger (use --keys)", EXIT_USAGE)
    written: list[Path] = []
    admins: list[tuple[SigningKey, Path | None]] = []
    try:
        for index in range(len(admin_names)):
            if index < len(admin_keys):
                passphrase = os.environ.get("DECISION_LEDGER_PASSPHRASE")
                admins.append((read_key(admin_keys[index], passphrase.encode() if passphrase else None), None))
            else:
                admin_key = SigningKey.generate()
                written.append(write_key(_admin_key_file(keys_dir, index), admin_key))
                admins.append((admin_key, written[-1]))
        ledger_key = SigningKey.generate()
        written.append(write_key(ledger_key_path, ledger_key))
        if sm2:  # issue 20 — sm2: the ledger's SM2 key, registered in the genesis, signs checkpoints too
            from domain.evidence.sm2_keys import Sm2SigningKey

            sm2_key = Sm2SigningKey.generate()
            written.append(write_key(keys_dir / LEDGER_SM2_KEY_FILE, sm2_key))
            ledger_key.sm2_companion = sm2_key  # type: ignore[attr-defined]
        genesis = ledger.initialise(ledger_key, *(
            NewPrincipal.holding(name, admin_unit, key, title="管理员")
            for name, (key, _) in zip(admin_names, admins, strict=True)), hash_suite=hash_suite)
    except (KeyFileError, LedgerError) as error:
        for path in written:
            path.unlink(missing_ok=True)
        _fail(str(error), EXIT_USAGE if isinstance(error, KeyFileError) else EXIT_BROKEN)
    administrators = [
        {"id": str(principal), "name": name, "keyid": key.keyid, "key_file": str(path) if path else None}
        for principal, name, (key, path) in zip(genesis.administrator_ids, admin_names, admins, strict=True)
    ]
    info = {
        "database": settings.database.redacted,
        "ledger_id": str(genesis.ledger_id),
        "ledger_keyid": genesis.ledger_keyid,
        "ledger_key_file": str(ledger_key_path),
        "administrator_id": administrators[0]["id"],
        "administrator_keyid": administrators[0]["keyid"],
        "administrator_key_file": administrators[0]["key_file"],
        "administrators": administrators,
        "keys_dir": str(keys_dir),
    }
    info["hash"] = hash_suite  # issue 20 — sm3
    if sm2:  # issue 20 — sm2
        info["ledger_sm2_keyid"] = ledger_key.sm2_companion.keyid  # type: ignore[attr-defined]
        info["ledger_sm2_key_file"] = str(keys_dir / LEDGER_SM2_KEY_FILE)
    write_private(keys_dir / LEDGER_INFO_FILE, (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode())
    return info


@main.command()
@db_option
@keys_option
@click.option("--admin", "admin_names", multiple=True, metavar="NAME",
              help="A founding administrator's name; give it twice or more (default: 系统管理员 and 复核管理员). "
              "Dual control: every key one administrator registers is confirmed by another.")
@click.option("--admin-unit", default="信息中心", show_default=True, help="Unit of the founding administrators.")
@click.option(
    "--admin-key", "admin_keys", multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An administrator's own key file (from `keygen`), in the order of --admin: init reads it to prove "
    "possession and does not copy it (passphrase in $DECISION_LEDGER_PASSPHRASE). Without it, init generates "
    "administrator.pem, administrator-2.pem… in the keys directory.",
)
@click.option("--sm2", is_flag=True, help="issue 20 — sm2: the ledger also holds an SM2 key (国密; ledger-sm2.pem, "
              "registered in the genesis), and every checkpoint carries its SM2 signature line beside the Ed25519 one "
              "(docs/spec.md §22.2).")
@click.option("--hash", "hash_suite", type=click.Choice(["sha256", "sm3"]), default="sha256", show_default=True,
              help="issue 20 — sm3: the hash of the ledger's events and chains, recorded in the genesis; sm3 (国密, "
              "GB/T 32905) for a system assessed under GB/T 39786. The transparency log stays RFC 9162 SHA-256 over "
              "those hashes (docs/spec.md §22.4). Chosen once, at init.")
@json_option
def init(
    db: str | None,
    keys: str | None,
    admin_names: tuple[str, ...],
    admin_unit: str,
    admin_keys: tuple[Path, ...],
    sm2: bool,
    hash_suite: str,
    as_json: bool,
) -> None:
    """Create the store, the ledger key and the founding administrators.

    The store gets its append-only triggers; the ledger key (ledger.pem, which signs the
    ledger's own events) is written to the keys directory, with ledger.json naming the ledger
    and the administrators. Two administrators at least: one registers a person, another
    confirms the key (docs/authority.md). Runs once per store.
    """
    settings = _settings(db, keys)
    info = initialise(settings, admin_names or DEFAULT_ADMINS, admin_unit, admin_keys, sm2=sm2, hash_suite=hash_suite)
    if as_json:
        _emit(info)
        return
    click.echo(f"initialised a ledger in {settings.database.redacted}")
    click.echo(f"  ledger       {info['ledger_id']}  key {info['ledger_keyid']}  ({info['ledger_key_file']})")
    for admin in info["administrators"]:
        click.echo(f"  administrator {admin['id']}  {admin['name']}  key {admin['keyid']}"
                   + (f"  ({admin['key_file']})" if admin["key_file"] else ""))
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
@click.option(
    "--confirmer-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The second administrator's key file, who confirms each key (default: from ledger.json).",
)
@click.option("--confirmer-id", help="The second administrator's principal id (default: from ledger.json).")
@json_option
def demo(
    db: str | None, keys: str | None, admin_key: Path | None, admin_id: str | None,
    confirmer_key: Path | None, confirmer_id: str | None, as_json: bool
) -> None:
    """Record realistic cases under both texts, each action signed by its actor's own key.

    One NX case (宁夏商务厅) runs end to end, ruling "adjust" with mitigation measures; one XX
    case (息县) takes the simplified procedure through justice review and county approval to
    publication. Every demo person's key file is written under KEYS/demo/. Running it again
    adds a second set.
    """
    from api.demo import Demo, demo_keys_dir
    from api.keyfiles import KeyFileError
    from api.store.secrets import Keystore
    from domain.errors import LedgerError

    settings = _settings(db, keys)
    ledger = _open(settings, signing=True)
    if not ledger.is_initialised():
        _fail(f"{settings.database.redacted} holds no ledger: run `decision-ledger init` first", EXIT_USAGE)
    signer = _administrator(settings, admin_key, admin_id)
    confirmer = _administrator(settings, confirmer_key, confirmer_id, second=True)
    out = demo_keys_dir(settings.keys_dir)
    keystore = Keystore.beside(settings.keys_dir)
    ledger.keyring = keystore
    progress: Callable[[str], None] = (lambda _: None) if as_json else (lambda m: click.echo(f"… {m}", err=True))
    try:
        result = Demo(ledger, signer, out, progress, secrets=keystore, confirmer=confirmer).run()
    except (LedgerError, KeyFileError) as error:
        _fail(f"the demo was refused: {error}", EXIT_BROKEN)
    if as_json:
        _emit(result.to_json())
        return
    click.echo(f"recorded {result.events} signed events; demo key files in {result.keys_dir}")
    for case in result.cases:
        click.echo(f"  {case['jurisdiction']} case {case['id']}  {case['phase']:<10} {case['title']}")


def _administrator(settings: Settings, key_path: Path | None, principal_id: str | None,
                   second: bool = False) -> Signer:
    """The first administrator init wrote (or the second, who confirms keys), or the one named."""
    from api.keyfiles import KeyFileError
    from api.signer import Signer

    info_path = settings.keys_dir / LEDGER_INFO_FILE
    info: dict[str, Any] = {}
    if info_path.exists():
        info = json.loads(info_path.read_text())
    admins = info.get("administrators") or []
    written = admins[1 if second else 0] if len(admins) > (1 if second else 0) else {}
    key_file = key_path or (Path(written["key_file"]) if written.get("key_file") else None)
    identifier = principal_id or written.get("id")
    if key_file is None or identifier is None:
        option = "--confirmer-key FILE --confirmer-id ID" if second else "--admin-key FILE --admin-id ID"
        _fail(
            f"no {'second ' if second else ''}administrator key in {settings.keys_dir}: pass --keys (the directory "
            f"init wrote) or {option}",
            EXIT_USAGE,
        )
    try:
        return Signer.from_key_file(UUID(identifier), key_file, "administrator")
    except (KeyFileError, ValueError) as error:
        _fail(str(error), EXIT_USAGE)


@main.command()
@db_option
@keys_option
@click.option("--ledger-key", metavar="KEYID", help="Trust only this ledger key id (printed by init).")
@click.option(
    "--since-checkpoint",
    "since",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check only what came after this trusted checkpoint (a signed note you kept).",
)
@click.option(
    "--bundle",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check an exported evidence bundle instead, with no database and no network.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: when stderr is a terminal).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes that check hashes and signatures of the whole store (default: every core; 1: all "
    "in this process). Breaks, their order and the result are the same for any N. With N > 1 the read "
    "models' audit runs beside them in a process of its own. --since-checkpoint and --bundle run in one process.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also list every break that follows from a root cause (by default each root cause is named once, "
    "with the count of the breaks that follow from it).",
)
# issue 20 — witnesses
@click.option("--witness", metavar="URL|DIR|DB",
              help="Check the ledger against this witness's latest cosigned checkpoint (its URL, or its store: "
              "a directory or SQLite file): the cosignature, then as --since-checkpoint from it.")
@click.option("--witness-vkey", "witness_vkeys", metavar="VKEY", multiple=True,
              help="A witness's verifier key (type 0x04). With --witness: the witness's (required for a URL; "
              "default for DIR/DB: the one its store keeps). With --bundle: a witness whose cosignature counts "
              "(repeat it); then --quorum of them must have cosigned the bundle's witnessed checkpoint.")
@click.option("--quorum", type=click.IntRange(min=1), metavar="N",
              help="With --bundle and --witness-vkey: how many of those witnesses must cosign (default: all).")
@click.option("--tlog-policy", "tlog_policy", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --bundle: a C2SP tlog-policy file whose witnesses and quorum the bundle's witnessed "
              "checkpoint must satisfy (instead of --witness-vkey).")
@json_option
@click.option("--skip-read-models", is_flag=True,
              help="Check the events, the log and the checkpoints only: do not compare the read models and the "
              "case snapshots with a replay of the events (by default they are; the report notes the skip).")
# issue 20 — stamps: a bundle's RFC 3161 timestamps checked against a TSA's certificate
@click.option("--tsa-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The TSA's certificate (PEM: the TSA's certificate then its chain to the root, or the root "
              "alone). With --bundle: the bundle's timestamps must verify under it (at least one must). With "
              "--db: every token the store keeps must (without it, their signatures are not checked).")
def verify(
    db: str | None,
    keys: str | None,
    ledger_key: str | None,
    since: Path | None,
    bundle: Path | None,
    progress: bool | None,
    jobs: int | None,
    verbose: bool,
    witness: str | None,
    witness_vkeys: tuple[str, ...],
    quorum: int | None,
    tlog_policy: Path | None,
    as_json: bool,
    skip_read_models: bool = False,
    tsa_cert: Path | None = None,
) -> None:
    """Check every stored event from the raw store, and the transparency log.

    Checks each signature over its signed bytes and its binding to the stored aggregate and
    version, that the signing key was the signer's and active when the event was recorded,
    each event's hash, each chain link, that versions have no gaps, that the log holds exactly
    these events and that every checkpoint's signed root is the root of the events. Hashes and
    signatures are checked on every core (--jobs), the records streamed. Then what the store
    serves beside the events: the log's stored nodes and tracking row, every checkpoint the
    ledger signed (the append-only dl_log_signed, and checkpoint.note beside the ledger key in
    the keys directory), the RFC 3161 tokens kept (with --tsa-cert, their signatures too) and —
    when the events verify — the read models against a replay of the events and every case
    snapshot against the events' state (not with --skip-read-models, which the report notes).
    Prints one
    line per root cause: aggregate id, version and what broke (signature / hash / chain / gap / time /
    key / log / checkpoint / view / snapshot), and how many further breaks follow from it (one deleted
    event: one line, at its place). With --since-checkpoint, checks the log's consistency with that
    checkpoint and only the events after it; with --bundle, checks an exported bundle offline
    (and, with --since-checkpoint, that its checkpoint extends that one; with --tsa-cert, that its
    RFC 3161 timestamps verify under that TSA's certificate; with --witness-vkey VKEY… [--quorum N]
    or --tlog-policy FILE, that a quorum of those witnesses cosigned its witnessed checkpoint — a
    bundle without one is reported "not witnessed"). With --witness URL|DIR,
    checks the witness's cosignature on its latest checkpoint of this ledger, then as
    --since-checkpoint from that checkpoint: a rewrite of what the witness saw is a break.
    Exit 0 when intact, 1 when anything is broken, 2 for usage errors (with --witness: the witness
    does not answer or holds no checkpoint of this ledger).
    """
    if skip_read_models and (bundle is not None or since is not None or witness is not None):
        _fail("--skip-read-models applies to a whole store's check (no --bundle, --since-checkpoint or "
              "--witness) / --skip-read-models 仅用于整库核验", EXIT_USAGE)
    if bundle is not None:
        if db is not None:
            _fail("--bundle is checked on its own: no --db", EXIT_USAGE)
        from api.cli.bundle_verify import verify_bundle_file, witness_trust

        trust = witness_trust(witness_vkeys, quorum, tlog_policy)
        _report(verify_bundle_file(bundle, ledger_key, since, tsa_cert, trust), as_json, verbose)
    if tsa_cert is not None and (since is not None or witness is not None):
        _fail("--tsa-cert checks a bundle's timestamps, or the whole store's (no --since-checkpoint or --witness) "
              "/ --tsa-cert 须与 --bundle 或完整核验同用", EXIT_USAGE)
    stamps_trust = _tsa_trust(tsa_cert)  # read before the store is: a bad file is a usage error at once
    if quorum is not None or tlog_policy is not None or (witness_vkeys and witness is None):
        _fail("--witness-vkey, --quorum and --tlog-policy check a bundle's witnesses (give --bundle FILE), "
              "or --witness-vkey the key of --witness / 这些选项须与 --bundle 或 --witness 同用", EXIT_USAGE)
    if witness is not None and len(witness_vkeys) > 1:
        _fail("--witness checks one witness: give its one --witness-vkey / --witness 只核验一个见证方", EXIT_USAGE)
    from api.derived_audit import DerivedAudit
    from api.verification_pool import available_cores, parallel_opener
    from domain.evidence.store import verify_store
    from domain.service.records import LedgerRecords
    from projections.signed import CheckpointMemory
    from projections.store_audit import audit_store

    settings = _settings(db, keys)
    ledger = _open(settings)
    total = ledger.recorder.max_notification_id() or 0
    if total == 0:
        _fail(f"{settings.database.redacted} holds no events: nothing to verify", EXIT_USAGE)
    show = sys.stderr.isatty() if progress is None else progress
    projector = open_projector_quietly(settings, ledger)
    reader = projector.reader if projector is not None else None
    records = LedgerRecords(ledger)
    derived = None
    with click.progressbar(length=total, label="verifying", file=sys.stderr) if show else _no_bar() as bar:
        if witness is not None:  # issue 20 — witnesses
            from api.cli.witness_verify import verify_with_witness

            if reader is None or since is not None:
                _fail("--witness needs the store's transparency log, and no --since-checkpoint", EXIT_USAGE)
            vkey = witness_vkeys[0] if witness_vkeys else None
            report = verify_with_witness(ledger, records, reader, witness, vkey, lambda note: _verify_since(
                ledger, records, reader, note, ledger_key, bar))
        elif since is not None:
            if reader is None:
                _fail("there is no transparency log in this store to check against (run `project`)", EXIT_USAGE)
            report = _verify_since(ledger, records, reader, since.read_text(encoding="utf-8"), ledger_key, bar)
        else:
            workers = jobs if jobs is not None else available_cores()
            # the read models' audit in its own process beside the workers (--jobs 1: all here)
            derived = DerivedAudit(settings.database) if workers > 1 and not skip_read_models else None
            opener = parallel_opener(ledger, workers) if workers > 1 else None
            report = verify_store(records, reader, ledger_key, progress=bar.update if bar else None, opener=opener)
    if since is None and witness is None:
        audit_store(report, ledger, projector, CheckpointMemory(settings.keys_dir), stamps_trust, derived,
                    views=not skip_read_models)
    _report(report, as_json, verbose)


def _tsa_trust(tsa_cert: Path | None) -> Any:
    """The TSA certificate `--tsa-cert` names, read (``None`` without one)."""
    if tsa_cert is None:
        return None
    from domain.evidence.timestamps import TimestampError, Trust

    try:
        return Trust.from_pem(tsa_cert.read_bytes())
    except (OSError, TimestampError) as error:
        _fail(f"--tsa-cert {tsa_cert}: {error} / 时间戳服务证书无法读取", EXIT_USAGE)


class _no_bar:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def open_projector_quietly(settings: Settings, ledger: Any) -> Projector | None:
    """The log, if this store has one (verify never creates tables)."""
    from api.store.opening import open_projector

    try:
        projector = open_projector(settings.database, ledger, create=False)
        projector.reader.size()
    except Exception:  # noqa: BLE001 — no log tables (or none readable): verify the events alone
        return None
    return projector


def _verify_since(ledger: Any, records: LedgerRecords, reader: Any, note: str, pinned: str | None,
                  bar: Any) -> VerificationReport:
    from domain.evidence.report import LOG, Break, VerificationReport
    from domain.evidence.store import verify_since

    genesis = ledger.genesis()
    record = ledger.get_principal(genesis.ledger_id).key(genesis.ledger_keyid)
    if record is None:
        _fail("the store's ledger principal has no genesis key", EXIT_BROKEN)
    if pinned is not None and record.keyid != pinned:
        report = VerificationReport()
        report.breaks.append(Break(LOG, 0, None, "key", f"the ledger key is {record.keyid}, not the trusted {pinned}"))
        return report
    return verify_since(note, records, reader, record.public_key, progress=bar.update if bar else None)


def _report(report: VerificationReport, as_json: bool, verbose: bool = False) -> None:
    """Each root cause once, with the count of the breaks that follow from it (docs/spec.md §13.4);
    with ``verbose`` those breaks too."""
    roots = report.roots()
    if as_json:
        _emit(report.to_json(verbose))
    else:
        for root in roots:
            following = len(root.following)
            click.echo(str(root.cause) + (f" [{following} further breaks follow from it]" if following else ""))
            if verbose:
                for brk in root.following:
                    click.echo(f"  follows: {brk}")
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        if report.witnesses is not None and not report.witnesses["witnessed"]:
            click.echo("note: not witnessed: no quorum of witnesses' cosignatures on this bundle's checkpoints "
                       "/ 证据包未经见证方联署", err=True)
        if report.ok:
            click.echo(
                f"intact: {report.events} events in {report.aggregates} aggregates "
                f"(signatures, keys, hashes, chains, versions); ledger key {report.ledger_keyid}"
            )
        else:
            affected = len({(r.cause.aggregate_id, r.cause.version) for r in roots})
            following = len(report.breaks) - len(roots)
            click.echo(f"BROKEN: {len(roots)} problems in {affected} of {report.events} events"
                       + (f" ({following} further breaks follow from them)" if following else ""))
    sys.exit(0 if report.ok else EXIT_BROKEN)
