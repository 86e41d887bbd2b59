"""Acts: a signed intent opened and its command parsed — what a command method acts on — and
the intents the ledger and its clients compose.

A stored event's act is read once per event (:func:`stored_act`), without re-checking what was
checked when it was recorded and what ``verify`` checks (:func:`open_stored`).
"""

from __future__ import annotations

import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar
from uuid import UUID
from weakref import WeakValueDictionary

from pydantic import BaseModel, ConfigDict, Field, create_model

from domain import clock
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope
from domain.evidence.times import parse_time
from domain.model.commands.base import RECORDED, Command

C = TypeVar("C", bound=Command)
_PEOPLE: WeakValueDictionary[UUID, UUID] = WeakValueDictionary()


def shared_id(value: UUID) -> UUID:
    """One object per id: a long case names the same few people thousands of times, and its
    snapshot (:mod:`domain.service.snapshots`) then stores and restores each of them once."""
    return _PEOPLE.setdefault(value, value)


@dataclass(frozen=True)
class Act(Generic[C]):
    """A signed intent opened and its command parsed: what a command method acts on."""

    envelope: Envelope
    intent: Intent
    command: C
    rulebook: str = ""  # the rulebook the act is judged under ("" where none applies)

    @property
    def actor_id(self) -> UUID:
        return self.intent.actor

    @classmethod
    def decode(cls, envelope_json: dict[str, Any], command_class: type[C], rulebook: str = "") -> Act[C]:
        """A fresh envelope, with every check a submission gets (see :func:`stored_act` for
        the events already stored)."""
        envelope = Envelope.from_json(envelope_json)
        intent = Intent.decode(envelope.payload)
        return cls(envelope, intent, command_class.parse(intent.args), rulebook)


class SignedEvent(Protocol):
    """A stored event as the ledger writes it: its envelope verbatim, its rulebook, its command."""

    envelope: dict[str, Any]
    rulebook: str
    COMMAND: ClassVar[type[Command]]


#: the acts of the events decoded last, by the event object's id (the event is kept beside its
#: act, so an id is never taken for another object's while its entry lives)
_ACTS: dict[int, tuple[SignedEvent, Act[Any]]] = {}
_ACTS_KEPT = 4096


def stored_act(event: SignedEvent) -> Act[Any]:
    """The act a stored event records (:func:`open_stored`: its meaning, without
    re-checking what was checked when it was recorded and what ``verify`` checks), decoded once
    per event object: applying an event and projecting it read the same act."""
    kept = _ACTS.get(id(event))
    if kept is not None and kept[0] is event:
        return kept[1]
    envelope, intent, command = open_stored(event.envelope, event.COMMAND)
    act: Act[Any] = Act(envelope, intent, command, event.rulebook)
    if len(_ACTS) >= _ACTS_KEPT:
        _ACTS.clear()
    _ACTS[id(event)] = (event, act)
    return act



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
    command's own validator, in JSON mode, as :meth:`Command.parse`). The text rule
    (:mod:`domain.model.text`) is not applied: what was recorded before it keeps replaying.

    Anything it cannot read this way is read by the full checks (:meth:`Envelope.from_json`,
    :meth:`Intent.decode`, :meth:`Command.parse`), so a garbled store fails as it always did,
    with the same error."""
    try:
        (signature,) = envelope_json["signatures"]
        payload = binascii.a2b_base64(envelope_json["payload"])
        envelope = Envelope(envelope_json["payloadType"], payload, signature["keyid"],
                            binascii.a2b_base64(signature["sig"]))
        stored: Any = _stored_model(command_class).model_validate_json(payload, context=RECORDED)
        intent = Intent(actor=stored.actor, action=stored.action, target=stored.target,
                        expected_version=stored.expected_version, args=stored.raw_args,
                        signed_at=parse_time(stored.signed_at), nonce=stored.nonce)
        command: C = stored.args
    except Exception:  # noqa: BLE001 — not readable fast: the full checks say why (or read it)
        envelope = Envelope.from_json(envelope_json)
        intent = Intent.decode(envelope.payload)
        command = command_class.parse(intent.args, recorded=True)
    return envelope, intent, command
