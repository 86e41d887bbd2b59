"""创世: a ledger's first events — its own principal, registered by the ledger key itself and
declaring the enrolment rules of issue 16 point 2, then its first administrators (two or more,
for dual control), registered by the ledger key as ``founding`` — in one transaction on an empty
store. Every verifier finds the ledger key in the first (docs/spec.md, "The genesis"); every key
is given with its proof of possession (docs/authority.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from domain import clock
from domain.errors import MalformedInput
from domain.evidence.intent import sign_intent
from domain.evidence.keys import DUAL_CONTROL, make_proof
from domain.evidence.signing import SigningKey
from domain.evidence.sm2_note import companion
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
    #: proves the holder has the private key: ``proof(ledger_id, principal_id)`` gives the new
    #: key's signature over its enrolment statement (domain.evidence.keys.make_proof)
    prove: Callable[[str, str], str] | None = None

    @classmethod
    def holding(cls, name: str, unit: str, key: SigningKey, roles: list[Role] | None = None,
                title: str = "") -> NewPrincipal:
        """A person whose private key is at hand, so their proof can be made here."""
        return cls(name, unit, roles or [], key.public_key.jwk, title,
                   lambda ledger_id, principal_id: make_proof(key, ledger_id, principal_id))


@dataclass(frozen=True)
class Genesis:
    ledger_id: UUID
    ledger_keyid: str
    administrator_id: UUID
    #: every founding administrator, the first included (dual control needs two)
    administrator_ids: tuple[UUID, ...] = ()


def found(ledger_key: SigningKey, administrators: Sequence[NewPrincipal], directory: Directory,
          hash_suite: str = "sha256") -> tuple[Principal, list[Principal]]:
    """The ledger's principal (self-signed) and its founding administrators, all pending
    storage, signed at the clock's now. Each administrator's key comes with its proof."""
    if len(administrators) < 2:
        raise MalformedInput("init needs two administrators at least: dual control (issue 16 point 2) needs "
                             "a second registrar to confirm every key the first proposes")
    now = clock.now()
    ledger_id = uuid4()
    # issue 20 — sm2: a ledger with an SM2 key (ledger-sm2.pem) registers it beside the Ed25519 one
    own_keys = [ledger_key, *([sm2_key] if (sm2_key := companion(ledger_key)) is not None else [])]
    with clock.using(clock.ManualClock(now)):
        ledger = Principal.found_ledger(_ledger_act(ledger_key, ledger_id, ledger_id, {
            "enrolment": DUAL_CONTROL,
            "kind": PrincipalKind.SYSTEM.value,
            "name": LEDGER_PRINCIPAL_NAME,
            "proofs": [make_proof(key, str(ledger_id), str(ledger_id)) for key in own_keys],
            "public_keys": [key.public_key.jwk for key in own_keys],
            "roles": [Role.LEDGER.value],
            "unit": LEDGER_PRINCIPAL_NAME,
            **({"event_hash": "sm3"} if hash_suite == "sm3" else {}),  # issue 20 — sm3 (docs/spec.md §22.4)
        }))
        founded: list[Principal] = []
        for administrator in administrators:
            administrator_id = uuid4()
            if administrator.prove is None:
                raise MalformedInput(f"the administrator {administrator.name} gives no proof of possession")
            enrolment = _ledger_act(ledger_key, ledger_id, administrator_id, {
                "founding": True,
                "kind": PrincipalKind.PERSON.value,
                "name": administrator.name,
                "proofs": [administrator.prove(str(ledger_id), str(administrator_id))],
                "public_keys": [administrator.public_jwk],
                "roles": sorted({Role.ADMINISTRATOR.value, *(r.value for r in administrator.roles)}),
                "title": administrator.title,
                "unit": administrator.unit,
            })
            directory = _Founding(directory, founded)
            founded.append(Principal.register(enrolment, Context(actor=ledger, directory=directory, now=now,
                                                                 ledger_id=ledger_id)))
    return ledger, founded


class _Founding:
    """The directory while founding: the administrators registered so far are namesakes too."""

    def __init__(self, directory: Directory, founded: list[Principal]) -> None:
        self.directory, self.founded = directory, founded

    def find(self, aggregate_id: UUID, kind: type[Any]) -> Any:
        return self.directory.find(aggregate_id, kind)

    def stored_event_hash(self, aggregate_id: UUID, version: int) -> str | None:
        return self.directory.stored_event_hash(aggregate_id, version)

    def stored_event(self, aggregate_id: UUID, version: int) -> Any | None:
        return self.directory.stored_event(aggregate_id, version)

    def namesakes(self, name: str, unit: str) -> list[Any]:
        return [p for p in self.founded if p.name == name and p.unit == unit]


def _ledger_act(key: SigningKey, ledger_id: UUID, target: UUID, args: dict[str, Any]) -> Act[RegisterPrincipal]:
    intent = new_intent(ledger_id, RegisterPrincipal.ACTION, target, 0, args)
    return Act(sign_intent(key, intent), intent, RegisterPrincipal.parse(args))
