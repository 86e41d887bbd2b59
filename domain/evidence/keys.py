"""Keys over time: when a principal's public key may sign (docs/spec.md, "Keys over time").

A principal's key history is written by the principal's own events, read from their signed
arguments (:func:`key_change`): a registration adds its ``public_keys``, ``principal.add_key`` its
``public_key``; ``principal.rotate_key`` ends ``old_keyid`` ("rotated") and adds ``public_key``;
``principal.revoke_key`` ends ``keyid`` ("revoked", with its ``reason``). Every change takes effect
at the event's recording time. The ledger (when it records) and every verifier (when they check)
apply the same changes through :func:`apply`, and judge a signature with :meth:`KeyRecord.refusal`.

A key is active from the moment it is recorded (inclusive) until the moment it is rotated out
or revoked (exclusive). A signature counts only if its key was active both when the intent was
signed and when the event was recorded. Nothing is backdated: a revocation takes effect when it is
recorded, so an event that verified when it was written verifies for ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.evidence.errors import MalformedInput
from domain.evidence.signing import PublicKey
from domain.evidence.times import format_time

REGISTER = "principal.register"
ADD = "principal.add_key"
ROTATE = "principal.rotate_key"
REVOKE = "principal.revoke_key"
KEY_ACTIONS = frozenset({REGISTER, ADD, ROTATE, REVOKE})


@dataclass
class KeyRecord:
    keyid: str
    jwk: dict[str, str]
    active_from: datetime
    active_until: datetime | None = None
    ended_by: str = ""  # "rotated" or "revoked"
    reason: str = ""

    @property
    def public_key(self) -> PublicKey:
        return PublicKey.from_jwk(self.jwk)

    def active_at(self, moment: datetime) -> bool:
        return self.active_from <= moment and (self.active_until is None or moment < self.active_until)

    def describe_at(self, moment: datetime) -> str:
        """Why this key may or may not sign at ``moment``, for error messages."""
        if moment < self.active_from:
            return f"key {self.keyid} is not valid before {format_time(self.active_from)}"
        if self.active_until is not None and moment >= self.active_until:
            return f"key {self.keyid} was {self.ended_by or 'ended'} at {format_time(self.active_until)}"
        return f"key {self.keyid} is active"

    def refusal(self, signed_at: datetime, recorded_at: datetime) -> str:
        """Why a signature made at ``signed_at`` and recorded at ``recorded_at`` does not count,
        or "" if it does: the key must be active at both moments."""
        if not self.active_at(recorded_at):
            return self.describe_at(recorded_at)
        if not self.active_at(signed_at):
            return f"signed at {format_time(signed_at)}, but {self.describe_at(signed_at)}"
        return ""


@dataclass(frozen=True)
class KeyChange:
    """What one principal event does to its principal's key history."""

    added: tuple[PublicKey, ...] = ()
    ended: str = ""  # the key id it ends, if any
    ended_by: str = ""
    reason: str = ""


def _text(args: dict[str, Any], name: str) -> str:
    value = args.get(name)
    if not isinstance(value, str):
        raise MalformedInput(f"{name} must be a string")
    return value


def key_change(action: str, args: Any) -> KeyChange | None:
    """The key change a principal event's signed arguments make, or None if the action changes
    no key. Raises :class:`MalformedInput` where the arguments do not say it readably."""
    if action not in KEY_ACTIONS:
        return None
    if not isinstance(args, dict):
        raise MalformedInput("the arguments of a key event are an object")
    if action == REGISTER:
        keys = args.get("public_keys")
        if not isinstance(keys, list) or not keys:
            raise MalformedInput("public_keys must be a non-empty list of JWKs")
        return KeyChange(added=tuple(PublicKey.from_jwk(key) for key in keys))
    if action == ADD:
        return KeyChange(added=(PublicKey.from_jwk(args.get("public_key")),))
    if action == ROTATE:
        return KeyChange(added=(PublicKey.from_jwk(args.get("public_key")),), ended=_text(args, "old_keyid"),
                         ended_by="rotated")
    return KeyChange(ended=_text(args, "keyid"), ended_by="revoked", reason=str(args.get("reason", "")))


@dataclass
class KeyHistory:
    """All keys a principal ever had, keyed by key id; never shrinks."""

    keys: dict[str, KeyRecord] = field(default_factory=dict)

    def apply(self, change: KeyChange, at: datetime) -> None:
        """A principal event's key change, recorded at ``at``: the key it ends (if this principal
        has it, still active) ends first, then the keys it adds begin."""
        ended = self.keys.get(change.ended) if change.ended else None
        if ended is not None and ended.active_until is None:
            ended.active_until = at
            ended.ended_by = change.ended_by
            ended.reason = change.reason
        for key in change.added:
            self.keys[key.keyid] = KeyRecord(keyid=key.keyid, jwk=key.jwk, active_from=at)

    def active_at(self, keyid: str, moment: datetime) -> bool:
        record = self.keys.get(keyid)
        return record is not None and record.active_at(moment)

    def active_keys(self, moment: datetime) -> list[KeyRecord]:
        return [record for record in self.keys.values() if record.active_at(moment)]
