"""Commands on the transparency log: checkpoint, cosign, prove, export."""

from __future__ import annotations

import json
from pathlib import Path

import click

from api.cli import main
from api.cli.common import (
    EXIT_BROKEN,
    EXIT_USAGE,
    _current,
    _fail,
    _key_if_present,
    _print_json,
    _settings,
    db_option,
    json_option,
    keys_option,
)


@main.command()
@db_option
@keys_option
@click.option("--vkey", is_flag=True, help="Print the ledger's verifier key (name+id+key) instead.")
def checkpoint(db: str | None, keys: str | None, vkey: bool) -> None:
    """Print the latest checkpoint of the transparency log (C2SP signed note).

    Brings the log up to date first and, where the ledger key is at hand, signs a new checkpoint
    if the log has grown. Publish checkpoints (XX-17): anyone holding one can later prove the
    ledger was not rewritten (`verify --since-checkpoint`).
    """
    from domain.evidence.checkpoint import verifier_key

    settings = _settings(db, keys)
    ledger, projector = _current(settings, signing=True)
    reader = projector.reader
    if vkey:
        genesis = ledger.genesis()
        record = ledger.get_principal(genesis.ledger_id).key(genesis.ledger_keyid)
        if record is None:
            _fail("the ledger principal has lost its genesis key", EXIT_BROKEN)
        click.echo(verifier_key(reader.origin, record.public_key))
        return
    latest = reader.latest_checkpoint()
    if latest is None:
        _fail("no checkpoint yet: the ledger key (ledger.pem) is needed to sign one (pass --keys)", EXIT_USAGE)
    click.echo(latest[1], nl=False)


@main.command()
@db_option
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The witness's private key file.")
@click.option("--name", required=True, help="The witness's key name, e.g. sft.xixian.gov.cn/witness.")
@click.option("--size", type=int, help="The checkpoint to co-sign (default: the latest).")
def cosign(db: str | None, key_file: Path, name: str, size: int | None) -> None:
    """Co-sign a checkpoint as a witness (e.g. the justice department, XX-6).

    The ledger's signature is checked first; the witness's signature line is added to the note.
    """
    from api.keyfiles import KeyFileError, read_key
    from domain.evidence.checkpoint import NoteError, check_name
    from projections.tlog import LogError

    try:
        check_name(name)
    except NoteError as error:
        _fail(str(error), EXIT_USAGE)
    settings = _settings(db, None)
    ledger, projector = _current(settings)
    reader = projector.reader
    latest = reader.latest_checkpoint()
    if latest is None:
        _fail("there is no checkpoint to co-sign yet", EXIT_USAGE)
    genesis = ledger.genesis()
    record = ledger.get_principal(genesis.ledger_id).key(genesis.ledger_keyid)
    try:
        key = read_key(key_file)
        note = reader.cosign(size or latest[0], key, name, record.public_key if record else None)  # type: ignore[arg-type]
    except (KeyFileError, LogError) as error:
        _fail(str(error), EXIT_USAGE)
    except NoteError as error:
        _fail(f"the checkpoint's ledger signature does not verify: {error}", EXIT_BROKEN)
    click.echo(note, nl=False)


def _parse_event(text: str) -> tuple[str, int]:
    aggregate, _, version = text.rpartition(":")
    if not aggregate or not version.isdigit():
        _fail(f"--event {text!r}: write AGGREGATE_ID:VERSION", EXIT_USAGE)
    return aggregate, int(version)


@main.command()
@db_option
@keys_option
@click.option("--event", "event", metavar="ID:VERSION", help="Prove this event is in the log.")
@click.option("--consistency", nargs=2, type=int, metavar="OLD NEW",
              help="Prove the tree of size NEW extends the tree of size OLD.")
@json_option
# issue 20 — stamps: the inclusion proof as C2SP tlog-proof text
@click.option("--format", "form", type=click.Choice(["text", "json", "tlog-proof"]), default="text",
              show_default=True, help="tlog-proof: an event's inclusion proof as C2SP tlog-proof text "
              "(c2sp.org/tlog-proof@v1, docs/spec.md §21.2); json: as --json.")
def prove(db: str | None, keys: str | None, event: str | None, consistency: tuple[int, int] | None,
          as_json: bool, form: str) -> None:
    """Print an RFC 9162 inclusion proof for an event, or a consistency proof between sizes.

    Inclusion: {"leaf_index", "tree_size", "event_hash", "leaf_hash", "inclusion_path",
    "checkpoint"} against the latest checkpoint. Consistency: {"old_size", "new_size",
    "old_root", "new_root", "consistency_path"}. Hashes are lowercase hex; paths run from the
    leaf up. With --format tlog-proof (inclusion only) the proof is C2SP tlog-proof text: the
    header, "index N", the path in base64 and, after a blank line, the checkpoint verbatim.
    """
    from domain.evidence.merkle import ProofError
    from projections.tlog import LogError

    if (event is None) == (consistency is None):
        _fail("give exactly one of --event ID:VERSION or --consistency OLD NEW", EXIT_USAGE)
    if form == "tlog-proof" and event is None:
        _fail("--format tlog-proof is an inclusion proof: give --event ID:VERSION", EXIT_USAGE)
    _, projector = _current(_settings(db, keys), signing=True)
    reader = projector.reader
    try:
        if event is not None:
            aggregate, version = _parse_event(event)
            proof = reader.inclusion_proof(aggregate, version)
        else:
            assert consistency is not None
            proof = reader.consistency_proof(*consistency)
    except (LogError, ProofError) as error:
        _fail(str(error), EXIT_USAGE)
    if form == "tlog-proof":
        from domain.evidence.tlog_proof import TlogProof

        path = tuple(bytes.fromhex(h) for h in proof["inclusion_path"])
        click.echo(TlogProof(proof["leaf_index"], path, proof["checkpoint"]).render(), nl=False)
    elif as_json or form == "json":
        _print_json(proof)
    else:
        for key, value in proof.items():
            click.echo(f"{key}: {value}" if not isinstance(value, list) else f"{key}: {' '.join(value)}")


@main.command()
@db_option
@keys_option
@click.option("--case", "case_id", help="Export a case: every version, with the decision it evaluates.")
@click.option("--person", "principal_id", help="Export a person's lifetime chain: every act and finding.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The bundle file.")
@click.option("--since-checkpoint", "since", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Add the consistency proof from this checkpoint (one the recipient holds) to the bundle's.")
def export(db: str | None, keys: str | None, case_id: str | None, principal_id: str | None, out: Path,
           since: Path | None) -> None:
    """Write an offline evidence bundle (JSON, docs/spec.md): the events with their signed
    intents verbatim, the key histories, an inclusion proof for each event and the checkpoint they
    lead to, and a head signed by the ledger key saying what the bundle must hold (a case and its
    decision whole; a person's every act and every finding naming them), so the ledger key must be
    at hand (--keys).

    Check it anywhere, with no database: `decision-ledger verify --bundle FILE`. With
    --since-checkpoint NOTE the bundle also proves its checkpoint extends NOTE, which the
    recipient checks with `verify --bundle FILE --since-checkpoint NOTE`.
    """
    from api.witness.submitter import witnessed_note
    from domain.errors import LedgerError
    from domain.evidence.checkpoint import Checkpoint, NoteError, SignedNote
    from projections.export import Exporter
    from projections.tlog import LogError

    if (case_id is None) == (principal_id is None):
        _fail("give exactly one of --case ID or --person ID", EXIT_USAGE)
    old_note = None
    if since is not None:
        try:
            old_note = since.read_text(encoding="utf-8")
            Checkpoint.from_text(SignedNote.parse(old_note).text)
        except (NoteError, OSError, UnicodeDecodeError) as error:
            _fail(f"--since-checkpoint {since}: not a checkpoint ({error})", EXIT_USAGE)
    settings = _settings(db, keys)
    ledger, projector = _current(settings, signing=True)
    try:
        exporter = Exporter(ledger, projector, _key_if_present(settings), witnessed_note(settings.keys_dir))
        bundle = exporter.case(case_id) if case_id else exporter.person(principal_id)  # type: ignore[arg-type]
        if old_note is not None:
            bundle = exporter.since(bundle, old_note)
    except (LogError, LedgerError, ValueError) as error:
        _fail(str(getattr(error, "detail", error)), EXIT_USAGE)
    out.write_text(json.dumps(bundle, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    click.echo(f"wrote {out}: {len(bundle['events'])} events under checkpoint {bundle['tree_size']}")
