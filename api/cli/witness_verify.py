"""`verify --witness URL|DIR`: the ledger checked against a witness's latest cosigned checkpoint
(docs/spec.md §20.4). The witness's checkpoint is fetched (``GET <URL>/<sha256(origin)>/checkpoint``,
or read from the witness's store, a directory or SQLite file), its cosignature verified under the witness's
verifier key, and then the ledger is verified from it as from any trusted checkpoint
(``--since-checkpoint``): its ledger signature, the consistency of the ledger's latest checkpoint
with it, and every event after it. A rewrite of anything the witness saw is a break.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

from api.cli.common import EXIT_USAGE, _fail
from domain.evidence.checkpoint import NoteError, SignedNote
from domain.evidence.cosignature import parse_cosigner_vkey, verify_cosignature
from domain.evidence.report import LOG, VerificationReport


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as error:
        _fail(f"--witness {url}: the witness does not answer ({error})", EXIT_USAGE)


def witness_checkpoint(witness: str, origin: str, vkey: str | None) -> tuple[str, str, str]:
    """The witness's latest cosigned checkpoint of ``origin``, its verifier key (given, or for a
    store the one it keeps) and where that key came from. A URL needs the key given: a server
    cannot vouch for itself."""
    from api.witness.store import WitnessStore, WitnessStoreError, origin_hash

    digest = origin_hash(origin)
    if witness.startswith(("http://", "https://")):
        if vkey is None:
            _fail(f"--witness {witness}: give the witness's verifier key with --witness-vkey VKEY (the key the "
                  "witness's organisation gave you, type 0x04): a key read from the server checked would let "
                  "whoever answers there vouch for itself / 请用 --witness-vkey 指定见证方机构提供的验证公钥", EXIT_USAGE)
        base = witness.rstrip("/")
        status, note = _get(f"{base}/{digest}/checkpoint")
        if status == 404:
            _fail(f"--witness {witness}: the witness has cosigned no checkpoint of {origin}", EXIT_USAGE)
        if status != 200:
            _fail(f"--witness {witness}: the witness answered {status}", EXIT_USAGE)
        return note, vkey.strip(), "given with --witness-vkey"
    try:
        store = WitnessStore.open(witness)
    except WitnessStoreError as error:
        _fail(f"--witness {witness}: {error}", EXIT_USAGE)
    found = store.latest_note(digest)
    if found is None:
        _fail(f"--witness {witness}: the witness has cosigned no checkpoint of {origin}", EXIT_USAGE)
    if vkey is not None:
        return found, vkey.strip(), "given with --witness-vkey"
    stored = store.stored_vkey()
    if stored is None:
        _fail(f"--witness {witness}: give the witness's verifier key (--witness-vkey)", EXIT_USAGE)
    return found, stored.strip(), f"read from the witness's store {witness}"


def verify_with_witness(ledger: Any, records: Any, reader: Any, witness: str, vkey_text: str | None,
                        since: Any) -> VerificationReport:
    """``since(note)``: the ledger verified from a trusted checkpoint (``verify --since-checkpoint``)."""
    note, vkey_text, source = witness_checkpoint(witness, reader.origin, vkey_text)
    try:
        name, key = parse_cosigner_vkey(vkey_text)
    except NoteError as error:
        _fail(f"--witness-vkey: {error}", EXIT_USAGE)
    try:
        cosigned = verify_cosignature(SignedNote.parse(note), name, key)
    except NoteError as error:
        refused = VerificationReport()
        refused.add(LOG, 0, None, "checkpoint", f"the witness's checkpoint is not cosigned by {name}: {error}")
        return refused
    report: VerificationReport = since(note)
    report.notes.insert(0, f"witness {name} cosigned size {note.split(chr(10))[1]} at POSIX time "
                           f"{cosigned.timestamp}")
    report.notes.insert(1, f"trusted witness key {vkey_text}, {source} / 所信任的见证方公钥及其来源")
    return report
