"""What a bundle of format v3 adds (docs/spec.md §21.3): each event's C2SP ``tlog-proof`` text, and
the RFC 3161 timestamps of checkpoints, each tied to the bundle's checkpoint by a consistency
proof — checked here, for :mod:`domain.evidence.bundle_verifier`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain.evidence.bundle_ledger_key import NotExtended, earlier_checkpoint
from domain.evidence.checkpoint import Checkpoint, NoteError
from domain.evidence.merkle import leaf_hash
from domain.evidence.signing import PublicKey
from domain.evidence.times import format_time, parse_time
from domain.evidence.tlog_proof import TlogProof, TlogProofError

if TYPE_CHECKING:  # the RFC 3161 reader is imported when a bundle carries a timestamp
    from domain.evidence.timestamps import Stamped, Trust

#: the members of one timestamp of a bundle
STAMP = frozenset({"checkpoint", "response", "consistency_path"})
#: how far an event's recording time (the ledger's clock) may run past the TSA's time of a
#: checkpoint holding it before the two contradict each other (the clocks differ; §13.1.3's 300 s)
CLOCK_SKEW = timedelta(seconds=300)

Breaker = Callable[..., None]  # (kind, detail, event=None)


def tlog_proof_problem(event: dict[str, Any], event_hash: str, bundle_checkpoint: str, ledger_key: PublicKey,
                       origin: str) -> str:
    """Why an event's ``tlog_proof`` does not prove it (``""`` if it does): it parses as C2SP writes
    it, names the event's leaf, carries its inclusion path and the bundle's checkpoint verbatim, and
    verifies (c2sp.org/tlog-proof's steps 2 and 4)."""
    try:
        proof = TlogProof.parse(event.get("tlog_proof"))  # type: ignore[arg-type]
        if proof.index != event["leaf_index"]:
            return f"the tlog-proof is of index {proof.index}, not the event's leaf {event['leaf_index']}"
        if [h.hex() for h in proof.path] != event["inclusion_path"]:
            return "the tlog-proof's hashes are not the event's inclusion_path"
        if proof.checkpoint != bundle_checkpoint:
            return "the tlog-proof's checkpoint is not the bundle's checkpoint, byte for byte"
        proof.verify(leaf_hash(bytes.fromhex(event_hash)), ledger_key, origin)
    except (TlogProofError, ValueError) as error:
        return f"the tlog-proof does not verify: {error}"
    return ""


def check_timestamps(stamps: Any, checkpoint: Checkpoint, ledger_keys: list[PublicKey], events: list[dict[str, Any]],
                     trust: Trust | None, brk: Breaker, notes: list[str]) -> None:
    """Each timestamp: its checkpoint is the ledger's (signed by any of ``ledger_keys``: one stamped
    before a rotation, by the key it rotated out), the bundle's checkpoint extends it, the TSA's
    reply is for its bytes (and, with ``trust``, verifies under it), and no event the checkpoint
    holds was recorded after the TSA's time (beyond :data:`CLOCK_SKEW`). With ``trust``, at least
    one timestamp must verify under it."""
    if not isinstance(stamps, list):
        brk("timestamp", "the bundle's timestamps are not a list")
        return
    verified = 0
    for number, stamp in enumerate(stamps, 1):
        stamped = _check_one(number, stamp, checkpoint, ledger_keys, events, trust, brk)
        if stamped is None:
            continue
        size, when = stamped
        verified += 1
        held = sum(1 for e in events if e["leaf_index"] < size)
        notes.append(f"timestamp {number}: the tree of size {size} existed at {format_time(when.gen_time)} "
                     f"({when.tsa or 'TSA'}, serial {when.serial}) — {held} of the bundle's events in it"
                     + ("" if trust is not None else "; the TSA's signature not checked (give --tsa-cert)"))
    if trust is not None and not verified:
        brk("timestamp", f"the bundle carries no timestamp that verifies under the TSA certificate given "
            f"({trust.describe()})")


def _check_one(number: int, stamp: Any, checkpoint: Checkpoint, ledger_keys: list[PublicKey], events: list[dict[str, Any]],
               trust: Trust | None, brk: Breaker) -> tuple[int, Stamped] | None:
    from domain.evidence.timestamps import read, verify

    what = f"timestamp {number}"
    if not isinstance(stamp, dict) or set(stamp) != STAMP:
        brk("timestamp", f"{what} is not an object of exactly {', '.join(sorted(STAMP))}")
        return None
    note = stamp["checkpoint"]
    try:
        stamped_checkpoint = earlier_checkpoint(str(note), stamp["consistency_path"], checkpoint, ledger_keys)
    except NoteError as error:
        brk("timestamp", f"{what}: its checkpoint does not verify under the ledger key: {error}")
        return None
    except NotExtended as error:
        brk("timestamp", f"timestamp {number} (tree size {error.earlier.size}): the bundle's checkpoint "
            f"({checkpoint.size}) is not shown to extend the timestamped one: {error.reason}")
        return None
    what = f"timestamp {number} (tree size {stamped_checkpoint.size})"
    try:
        reply = base64.b64decode(str(stamp["response"]), validate=True)
        stamped = verify(reply, note, trust) if trust is not None else read(reply, note)
    except (binascii.Error, ValueError) as error:
        brk("timestamp", f"{what}: {error}")
        return None
    for event in events:
        recorded = _recorded(event)
        if event["leaf_index"] < stamped_checkpoint.size and recorded is not None \
                and recorded > stamped.gen_time + CLOCK_SKEW:
            brk("time", f"recorded at {format_time(recorded)}, after the TSA's time of a checkpoint holding it "
                f"({what}: {format_time(stamped.gen_time)})", event)
    return stamped_checkpoint.size, stamped


def _recorded(event: dict[str, Any]) -> datetime | None:
    try:
        return parse_time(event["state"]["timestamp"])
    except (KeyError, TypeError, ValueError):
        return None
