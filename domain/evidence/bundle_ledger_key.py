"""Which ledger key signs a bundle's checkpoint and head (docs/spec.md §13.2, steps 4 and 10): the
genesis key, or a key the ledger principal's rotations in the bundle propose — and, once the
bundle's events are checked, it must be the ledger's active key at the end of that history. An
earlier checkpoint a bundle carries (a timestamped one, §21.4; a witnessed one, §20.6) may be
signed by any of those keys, and must be shown to lead to the bundle's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.evidence import topics
from domain.evidence.checkpoint import Checkpoint, open_under
from domain.evidence.errors import LedgerError
from domain.evidence.intent import Intent
from domain.evidence.keys import ROTATE_LEDGER
from domain.evidence.merkle import ProofError, path_of, verify_consistency
from domain.evidence.signing import Envelope, PublicKey
from domain.evidence.times import format_time
from domain.evidence.verifier import KeyChecks


def _intent(event: dict[str, Any]) -> Intent | None:
    try:
        return Intent.decode(Envelope.from_json(event["state"]["envelope"]).payload)
    except (LedgerError, KeyError, TypeError):
        return None


def proposed_ledger_keys(events: list[dict[str, Any]], ledger_id: str) -> list[PublicKey]:
    """The keys the ledger principal's rotations in the bundle propose, as their intents say
    (not yet checked: only to find the key a note is signed with)."""
    found = []
    for event in events:
        intent = _intent(event) if event["aggregate_id"] == ledger_id else None
        if intent is not None and event["topic"] == topics.EVENT_OF_ACTION[ROTATE_LEDGER]:
            try:
                found.append(PublicKey.from_jwk(intent.args.get("public_key")))
            except LedgerError:
                continue
    return found


class NotExtended(Exception):
    """An earlier checkpoint of the ledger that the bundle's checkpoint is not shown to extend."""

    def __init__(self, earlier: Checkpoint, reason: str) -> None:
        super().__init__(reason)
        self.earlier = earlier
        self.reason = reason


def earlier_checkpoint(note: str, consistency_path: Any, checkpoint: Checkpoint,
                       ledger_keys: list[PublicKey]) -> Checkpoint:
    """An earlier checkpoint the bundle carries: it verifies under any of ``ledger_keys`` (one signed
    before a rotation, by the key it retired) — else :class:`NoteError` — and the RFC 9162
    consistency proof (hex hashes) leads from it to ``checkpoint`` — else :class:`NotExtended`."""
    earlier, _ = open_under(note, ledger_keys, checkpoint.origin)
    try:
        path = path_of(consistency_path)
        verify_consistency(earlier.size, checkpoint.size, earlier.root, checkpoint.root, path)
    except (TypeError, ValueError, ProofError) as error:
        raise NotExtended(earlier, str(error)) from None
    return earlier


def check_signing_key(brk: Callable[[str, str], None], checks: KeyChecks, ledger_id: str, key: PublicKey) -> None:
    """§13.2 step 10: the key that signs the checkpoint and the head is the ledger's active key at the
    end of the ledger principal's history the bundle holds — the genesis key until a rotation is
    confirmed, then the confirmed key; a rotated (retired) or pending key signs no checkpoint."""
    history = checks.keys.get(ledger_id)
    record = history.keys.get(key.keyid) if history is not None else None
    if record is None:
        state = "no key event of the ledger principal in the bundle adds it"
    elif record.active_from is None:
        state = "pending: never confirmed"
    elif record.active_until is not None:
        state = f"{record.ended_by or 'ended'} at {format_time(record.active_until)}"
    else:
        return
    brk("checkpoint", f"the checkpoint is signed by ledger key {key.keyid}, which is not the ledger's "
        f"active key in the bundle's ledger-principal history ({state})")
