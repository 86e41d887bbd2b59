"""The signed intent: what a person asked the ledger to record, in their own signed bytes
(docs/spec.md §4).

Binding the target and the expected version into the signed bytes means a signature cannot be
replayed against another aggregate or at another position: the stored event's position is part
of what was signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.evidence.canonical import canonical_bytes, parse_canonical
from domain.evidence.errors import MalformedInput
from domain.evidence.signing import INTENT_PAYLOAD_TYPE, Envelope, SigningKey, sign
from domain.evidence.times import format_time, parse_time

INTENT_TYPE = "decision-ledger/intent/v1"

#: How far the signer's clock (``signed_at``) may be from the ledger's when an intent is
#: recorded; ``verify`` holds every stored event to the same bound.
MAX_CLOCK_SKEW = timedelta(minutes=5)
_FIELDS = {"action", "actor", "args", "expected_version", "nonce", "signed_at", "target", "type"}


def _uuid(value: Any, what: str) -> UUID:
    if not isinstance(value, str):
        raise MalformedInput(f"intent {what} must be a UUID string")
    try:
        parsed = UUID(value)
    except ValueError:
        raise MalformedInput(f"intent {what} {value!r} is not a UUID") from None
    if str(parsed) != value:
        raise MalformedInput(f"intent {what} must be a lowercase hyphenated UUID")
    return parsed


@dataclass(frozen=True)
class Intent:
    actor: UUID
    action: str
    target: UUID
    expected_version: int
    args: dict[str, Any]
    signed_at: datetime
    nonce: str

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "actor": str(self.actor),
            "args": self.args,
            "expected_version": self.expected_version,
            "nonce": self.nonce,
            "signed_at": format_time(self.signed_at),
            "target": str(self.target),
            "type": INTENT_TYPE,
        }

    def encode(self) -> bytes:
        return canonical_bytes(self.to_json())

    @classmethod
    def decode(cls, payload: bytes) -> Intent:
        data = parse_canonical(payload)
        if not isinstance(data, dict):
            raise MalformedInput("an intent must be a JSON object")
        missing = _FIELDS - set(data)
        extra = set(data) - _FIELDS
        if missing or extra:
            raise MalformedInput(
                "intent fields: "
                + "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(sorted(missing))}" if missing else "",
                        f"unknown {', '.join(sorted(extra))}" if extra else "",
                    )
                    if part
                )
            )
        if data["type"] != INTENT_TYPE:
            raise MalformedInput(f"intent type must be {INTENT_TYPE!r}")
        action = data["action"]
        if not isinstance(action, str) or not action:
            raise MalformedInput("intent action must be a non-empty string")
        version = data["expected_version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise MalformedInput("intent expected_version must be a non-negative integer")
        if not isinstance(data["args"], dict):
            raise MalformedInput("intent args must be a JSON object")
        nonce = data["nonce"]
        if not isinstance(nonce, str) or not 16 <= len(nonce) <= 64:
            raise MalformedInput("intent nonce must be a string of 16 to 64 characters")
        try:
            signed_at = parse_time(data["signed_at"])
        except ValueError as error:
            raise MalformedInput(f"intent signed_at: {error}") from None
        return cls(
            actor=_uuid(data["actor"], "actor"),
            action=action,
            target=_uuid(data["target"], "target"),
            expected_version=version,
            args=data["args"],
            signed_at=signed_at,
            nonce=nonce,
        )


def sign_intent(key: SigningKey, intent: Intent) -> Envelope:
    """What a client does: canonical bytes of the intent, signed in a DSSE envelope."""
    return sign(key, intent.encode(), INTENT_PAYLOAD_TYPE)


@dataclass(frozen=True)
class SignedIntent:
    """An envelope opened: its intent decoded from the signed bytes (signature not yet checked;
    the ledger checks it against the actor's key active at the moment of recording)."""

    envelope: Envelope
    intent: Intent

    @classmethod
    def open(cls, envelope_json: Any) -> SignedIntent:
        envelope = Envelope.from_json(envelope_json)
        return cls(envelope, Intent.decode(envelope.payload))

    @property
    def keyid(self) -> str:
        return self.envelope.keyid
