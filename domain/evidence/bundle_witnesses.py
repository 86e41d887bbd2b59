"""What a bundle of format v4 adds (docs/spec.md §20.5): the newest checkpoint a quorum of the
ledger's witnesses cosigned (C2SP ``tlog-cosignature/v1`` lines, type 0x04), tied to the bundle's
checkpoint by an RFC 9162 consistency proof — checked here, offline, under the witnesses the
recipient trusts (their verifier keys and a quorum, or a C2SP ``tlog-policy``), for
:mod:`domain.evidence.bundle_verifier`.

A bundle says which witnesses cosigned; only the recipient's own list of witness keys says whether
that is enough: a bundle cannot vouch for its witnesses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.evidence.bundle_ledger_key import NotExtended, earlier_checkpoint
from domain.evidence.checkpoint import Checkpoint, NoteError, SignedNote
from domain.evidence.cosignature import Cosigned, cosigned_by
from domain.evidence.signing import PublicKey
from domain.evidence.tlog_policy import Policy

#: the members of a v4 bundle's ``witnessed``
WITNESSED = frozenset({"checkpoint", "consistency_path"})
#: the kind of break a missing or failing witness quorum is (§14)
WITNESS = "witness"

Breaker = Callable[..., None]  # (kind, detail, event=None)


@dataclass(frozen=True)
class WitnessTrust:
    """The witnesses a recipient trusts: (key name, key) pairs of which ``quorum`` must cosign,
    or a ``tlog-policy`` (whose witnesses and quorum then decide)."""

    witnesses: tuple[tuple[str, PublicKey], ...] = ()
    quorum: int = 0
    policy: Policy | None = None

    def describe(self) -> str:
        if self.policy is not None:
            return f"the tlog-policy given (quorum {self.policy.quorum})"
        return f"{self.quorum} of the {len(self.witnesses)} witness keys given"

    def cosigners(self, note: str) -> list[tuple[str, Cosigned]]:
        """The trusted witnesses whose cosignature on ``note`` verifies, each as (who, cosignature):
        who is the policy's name for the witness, or the key's own bytes — never the key name, which
        is the witness's choice and may be another's too. :class:`NoteError` if a line under a
        trusted witness's name and key id does not verify (the note is then malformed)."""
        signed = SignedNote.parse(note)
        trusted = [(w.name, w.key_name, w.public_key) for w in self.policy.witnesses.values()] \
            if self.policy is not None else [(key.raw.hex(), name, key) for name, key in self.witnesses]
        return [(who, c) for who, name, key in trusted if (c := cosigned_by(signed, name, key)) is not None]

    def satisfied(self, cosigned: list[tuple[str, Cosigned]]) -> bool:
        who = {w for w, _ in cosigned}
        if self.policy is not None:
            return self.policy.satisfied(who)
        return len(who) >= self.quorum


def witnessed_member(note: str, path: list[bytes]) -> dict[str, Any]:
    """The exporter's ``witnessed`` member: the cosigned note verbatim and the proof to the bundle's
    checkpoint (empty when the sizes are equal)."""
    return {"checkpoint": note, "consistency_path": [p.hex() for p in path]}


def check_witnessed(witnessed: Any, checkpoint: Checkpoint, ledger_keys: list[PublicKey],
                    events: list[dict[str, Any]], trust: WitnessTrust | None, brk: Breaker,
                    notes: list[str]) -> dict[str, Any]:
    """§20.6: the witnessed checkpoint is the ledger's (any of ``ledger_keys``), the bundle's
    checkpoint extends it, and — with ``trust`` — a quorum of the trusted witnesses cosigned it.
    Returns the report's ``witnesses`` member."""
    unwitnessed: dict[str, Any] = {"witnessed": False, "tree_size": None, "cosigners": [], "checked": trust is not None}
    if witnessed is None:
        if trust is not None:
            brk(WITNESS, f"not witnessed: the bundle carries no cosigned checkpoint, and {trust.describe()} "
                "must cosign / 证据包没有见证方联署的检查点")
        return unwitnessed
    if not isinstance(witnessed, dict) or set(witnessed) != WITNESSED:
        brk(WITNESS, f"witnessed is not an object of exactly {', '.join(sorted(WITNESSED))}")
        return unwitnessed
    note = str(witnessed["checkpoint"])
    try:
        stamped = earlier_checkpoint(note, witnessed["consistency_path"], checkpoint, ledger_keys)
    except NoteError as error:
        brk(WITNESS, f"the witnessed checkpoint does not verify under the ledger key: {error}")
        return unwitnessed
    except NotExtended as error:
        brk(WITNESS, f"the witnessed checkpoint (tree size {error.earlier.size}): the bundle's checkpoint "
            f"({checkpoint.size}) is not shown to extend it: {error.reason}")
        return unwitnessed
    what = f"the witnessed checkpoint (tree size {stamped.size})"
    held = sum(1 for e in events if e["leaf_index"] < stamped.size)
    if trust is None:
        lines = [s.name for s in SignedNote.parse(note).signatures if s.name != checkpoint.origin]
        notes.append(f"witnessed: the tree of size {stamped.size} carries {len(lines)} cosignature lines "
                     f"({', '.join(lines)}) — {held} of the bundle's events in it; the cosignatures not checked "
                     "(give --witness-vkey or --tlog-policy) / 未核验见证方联署")
        return {**unwitnessed, "tree_size": stamped.size}  # carried, not shown cosigned: nothing was checked
    try:
        cosigned = trust.cosigners(note)
    except NoteError as error:
        brk(WITNESS, f"{what}: {error}")
        return {**unwitnessed, "tree_size": stamped.size}
    found = [{"name": c.name, "timestamp": c.timestamp} for _, c in cosigned]
    if not trust.satisfied(cosigned):
        brk(WITNESS, f"{what} is cosigned by {len(cosigned)} of the witnesses trusted "
            f"({', '.join(c.name for _, c in cosigned) or 'none'}); {trust.describe()} must / 见证方联署不足法定数")
        return {"witnessed": False, "tree_size": stamped.size, "cosigners": found, "checked": True}
    notes.append(f"witnessed: the tree of size {stamped.size} cosigned by "
                 + ", ".join(f"{c.name} (POSIX time {c.timestamp})" for _, c in cosigned)
                 + f" — {held} of the bundle's events in it")
    return {"witnessed": True, "tree_size": stamped.size, "cosigners": found, "checked": True}

