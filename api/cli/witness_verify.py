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


def witness_checkpoint(witness: str, origin: str, vkey: str | None) -> tuple[str, str]:
    """The witness's latest cosigned checkpoint of ``origin`` and its verifier key (given, the
    one its store keeps, or the witness's ``/vkey``)."""
    from api.witness.store import WitnessStore, WitnessStoreError, origin_hash

    digest = origin_hash(origin)
    if witness.startswith(("http://", "https://")):
        base = witness.rstrip("/")
        status, note = _get(f"{base}/{digest}/checkpoint")
        if status == 404:
            _fail(f"--witness {witness}: the witness has cosigned no checkpoint of {origin}", EXIT_USAGE)
        if status != 200:
            _fail(f"--witness {witness}: the witness answered {status}", EXIT_USAGE)
        if vkey is None:
            status, vkey = _get(f"{base}/vkey")
            if status != 200:
                _fail(f"--witness {witness}: give the witness's verifier key (--witness-vkey)", EXIT_USAGE)
        return note, vkey.strip()
    try:
        store = WitnessStore.open(witness)
    except WitnessStoreError as error:
        _fail(f"--witness {witness}: {error}", EXIT_USAGE)
    found = store.latest_note(digest)
    if found is None:
        _fail(f"--witness {witness}: the witness has cosigned no checkpoint of {origin}", EXIT_USAGE)
    vkey = vkey or store.stored_vkey()
    if vkey is None:
        _fail(f"--witness {witness}: give the witness's verifier key (--witness-vkey)", EXIT_USAGE)
    return found, vkey


def verify_with_witness(ledger: Any, records: Any, reader: Any, witness: str, vkey_text: str | None,
                        since: Any) -> VerificationReport:
    """``since(note)``: the ledger verified from a trusted checkpoint (``verify --since-checkpoint``)."""
    pinned = vkey_text is not None
    note, vkey_text = witness_checkpoint(witness, reader.origin, vkey_text)
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
    if not pinned and witness.startswith(("http://", "https://")):  # the key came from the same server
        report.notes.insert(1, f"the witness's verifier key was read from {witness.rstrip('/')}/vkey, the server "
                               "checked: whoever answers there is trusted; pin the key the witness gave you "
                               "with --witness-vkey / 见证方公钥取自被核验的服务器本身，请用 --witness-vkey 指定")
    return report
