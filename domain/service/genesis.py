"""创世: a ledger's first two events — its own principal, registered by the ledger key itself,
and the first administrator, registered by the ledger key — in one transaction on an empty store.
Every verifier finds the ledger key in the first (docs/spec.md, "The genesis")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from domain import clock
from domain.evidence.intent import sign_intent
from domain.evidence.signing import SigningKey
from domain.model.acts import Act, new_intent
from domain.model.aggregate import Context, Directory
from domain.model.commands.principal import RegisterPrincipal
from domain.model.principal import Principal
from domain.model.vocabulary import PrincipalKind, Role

LEDGER_PRINCIPAL_NAME = "决策账本 Decision Ledger"


@dataclass(frozen=True)
class NewPrincipal:
    """A person to register, described by their public key only."""

    name: str
    unit: str
    roles: list[Role]
    public_jwk: dict[str, str]
    title: str = ""


@dataclass(frozen=True)
class Genesis:
    ledger_id: UUID
    ledger_keyid: str
    administrator_id: UUID


def found(ledger_key: SigningKey, administrator: NewPrincipal, directory: Directory) -> tuple[Principal, Principal]:
    """The ledger's principal (self-signed) and the first administrator, both pending, signed at
    the clock's now."""
    now = clock.now()
    ledger_id, administrator_id = uuid4(), uuid4()
    with clock.using(clock.ManualClock(now)):
        ledger = Principal.found_ledger(_ledger_act(ledger_key, ledger_id, ledger_id, {
            "kind": PrincipalKind.SYSTEM.value,
            "name": LEDGER_PRINCIPAL_NAME,
            "public_keys": [ledger_key.public_key.jwk],
            "roles": [Role.LEDGER.value],
            "unit": LEDGER_PRINCIPAL_NAME,
        }))
        enrolment = _ledger_act(ledger_key, ledger_id, administrator_id, {
            "kind": PrincipalKind.PERSON.value,
            "name": administrator.name,
            "public_keys": [administrator.public_jwk],
            "roles": sorted({Role.ADMINISTRATOR.value, *(r.value for r in administrator.roles)}),
            "title": administrator.title,
            "unit": administrator.unit,
        })
        first_administrator = Principal.register(enrolment, Context(actor=ledger, directory=directory, now=now))
    return ledger, first_administrator


def _ledger_act(key: SigningKey, ledger_id: UUID, target: UUID, args: dict[str, Any]) -> Act[RegisterPrincipal]:
    intent = new_intent(ledger_id, RegisterPrincipal.ACTION, target, 0, args)
    return Act(sign_intent(key, intent), intent, RegisterPrincipal.parse(args))
