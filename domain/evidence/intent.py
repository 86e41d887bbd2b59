"""The signed intent: what a person asked the ledger to record, in their own signed bytes.

An intent is a JSON object in RFC 8785 canonical form::

    {
      "action": "case.exclude_material",          # which command
      "actor": "<principal uuid>",                # who asks (must own the signing key)
      "args": {...},                              # the command's arguments
      "expected_version": 7,                      # the aggregate version the signer saw (0: new)
      "nonce": "<16 to 64 characters>",           # makes every intent unique
      "signed_at": "2026-11-22T08:30:00.000000Z", # the signer's clock (UTC, six digits)
      "target": "<aggregate uuid>",               # which case, decision, principal or agency
      "type": "decision-ledger/intent/v1"
    }

It travels in a DSSE envelope (:mod:`domain.evidence.signing`). Binding the target and the expected
version into the signed bytes means a signature cannot be replayed against another aggregate or
at another position: the stored event's position is part of what was signed.
"""

from __future__ import annotations

import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, create_model

from domain import clock
from domain.errors import MalformedInput
from domain.evidence.canonical import canonical_bytes, parse_canonical
from domain.evidence.signing import INTENT_PAYLOAD_TYPE, Envelope, SigningKey, sign
from domain.model.commands.base import Command

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
            "signed_at": clock.format_time(self.signed_at),
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
            signed_at = clock.parse_time(data["signed_at"])
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


def new_intent(
    actor: UUID,
    action: str,
    target: UUID,
    expected_version: int,
    args: dict[str, Any],
    signed_at: datetime | None = None,
) -> Intent:
    return Intent(
        actor=actor,
        action=action,
        target=target,
        expected_version=expected_version,
        args=args,
        signed_at=signed_at or clock.now(),
        nonce=secrets.token_hex(16),
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


C = TypeVar("C", bound=Command)

#: per command class, a model of a whole intent whose ``args`` are that command: one strict
#: JSON-mode parse of the signed bytes gives the intent's fields, its raw ``args`` and the typed
#: command (the same validator as :meth:`Command.parse`, without re-encoding the args first)
_STORED_MODELS: dict[type[Command], type[BaseModel]] = {}
_TYPE_FIELD: Any = (Literal["decision-ledger/intent/v1"], ...)


def _stored_model(command_class: type[Command]) -> type[BaseModel]:
    model = _STORED_MODELS.get(command_class)
    if model is None:
        model = create_model(  # type: ignore[call-overload]
            f"Stored{command_class.__name__}Intent",
            __config__=ConfigDict(extra="forbid", strict=True),
            action=(str, ...),
            actor=(UUID, ...),
            raw_args=(dict[str, Any], Field(validation_alias="args")),
            args=(command_class, ...),
            expected_version=(int, ...),
            nonce=(str, ...),
            signed_at=(str, ...),
            target=(UUID, ...),
            type=_TYPE_FIELD,
        )
        _STORED_MODELS[command_class] = model
    return model  # type: ignore[no-any-return]


def open_stored(envelope_json: Any, command_class: type[C]) -> tuple[Envelope, Intent, C]:
    """The meaning of a *stored* event's envelope: its envelope, intent and typed command.

    For replay and projections only. The event was checked in full when it was recorded
    (:meth:`SignedIntent.open`, then the ledger's signature, key and rule checks) and ``verify``
    re-checks every stored event, so this skips what only those need: the canonical spelling of
    the base64 and of the intent's JSON (no re-encoding), the envelope's shape beyond the fields
    read, and the intent fields' spelling (UUID case, nonce length, …). What it reads is parsed
    once: the intent's JSON and its command's arguments in one strict pydantic parse (the
    command's own validator, in JSON mode, as :meth:`Command.parse`).

    Anything it cannot read this way is read by the full checks (:meth:`Envelope.from_json`,
    :meth:`Intent.decode`, :meth:`Command.parse`), so a garbled store fails as it always did,
    with the same error."""
    try:
        (signature,) = envelope_json["signatures"]
        payload = binascii.a2b_base64(envelope_json["payload"])
        envelope = Envelope(envelope_json["payloadType"], payload, signature["keyid"],
                            binascii.a2b_base64(signature["sig"]))
        stored: Any = _stored_model(command_class).model_validate_json(payload)
        intent = Intent(actor=stored.actor, action=stored.action, target=stored.target,
                        expected_version=stored.expected_version, args=stored.raw_args,
                        signed_at=clock.parse_time(stored.signed_at), nonce=stored.nonce)
        command: C = stored.args
    except Exception:  # noqa: BLE001 — not readable fast: the full checks say why (or read it)
        envelope = Envelope.from_json(envelope_json)
        intent = Intent.decode(envelope.payload)
        command = command_class.parse(intent.args)
    return envelope, intent, command
