"""Commands on principals: persons and units that sign, their roles and their keys."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from domain.model.commands.base import Command, Digest, Jwk, KeyId, Name, Text, unique
from domain.model.vocabulary import PrincipalKind, Role

#: a proof of possession: the new key's Ed25519 signature over its enrolment statement, base64
#: (docs/spec.md, "Proof of possession"; domain.evidence.keys.make_proof). Optional in the schema
#: only because v1/v2 events carry none; every new enrolment must give it.
# issue 20 — sm2: or an SM2 key's DER signature (starts 0x30: "M"), at most 72 bytes
Proof = Annotated[str, StringConstraints(pattern=r"^(?:[A-Za-z0-9+/]{86}==|M[A-Za-z0-9+/]{10,95}={0,2})$")]
#: what tells two people of one name in one unit apart: a staff number (工号) or an ID suffix
Identifier = Annotated[str, StringConstraints(max_length=64, pattern=r"^[0-9A-Za-z._/-]*$")]


# issue 18 — outsourcing (NX-4, XX-20, XX-21): an agency's staff are registered with the evidence
# of their employment; whoever does its entrusted work without it is not its staff
class Employment(BaseModel):
    """用工证明: the SHA-256 (lowercase hex) of the labour contract (劳动合同) or appointment letter
    (聘任文件) that makes the person the agency's staff; the ledger records the digest, not the file."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    document: Literal["labour_contract", "appointment_letter"]
    digest: Digest


class RegisterPrincipal(Command):
    """登记人员 — register a person (or the ledger itself) with roles and public keys. The keys
    are pending until a second registrar confirms them (dual control, issue 16 point 2)."""

    ACTION = "principal.register"

    name: Name
    kind: PrincipalKind
    unit: Name
    title: Annotated[str, Field(max_length=200)] = ""
    roles: Annotated[list[Role], AfterValidator(unique), Field(max_length=10)]
    public_keys: Annotated[list[Jwk], Field(min_length=1, max_length=5)]
    agency_id: UUID | None = None
    organisation_id: UUID | None = None  # the 单位 the person belongs to (issue 16 point 1)
    #: one proof of possession per public key, in order
    proofs: Annotated[list[Proof], Field(max_length=5)] | None = None
    #: staff number (工号) or ID suffix: needed when a namesake is already registered in the unit
    identifier: Identifier = ""
    #: set by init only: one of the ledger's first administrators, registered by the ledger key
    founding: bool = False
    #: set on the genesis only: the ledger follows the enrolment rules of issue 16 point 2
    enrolment: Literal["dual-control"] | None = None
    #: issue 18 — outsourcing: an agency's staff (role agency_staff) come with evidence of employment
    employment: Employment | None = None
    #: issue 20 — sm3: set on the genesis only: the ledger hashes its events and chains with SM3
    event_hash: Literal["sm3"] | None = None


class TransferPrincipal(Command):
    """调动 — the person moves to another organisation (and unit). They stay one principal, so
    their lifetime chain continues across the move (XX-18); the roles they held in the old
    organisation's scope end with it and are granted anew where they go."""

    ACTION = "principal.transfer"

    organisation_id: UUID
    unit: Name
    title: Annotated[str, Field(max_length=200)] = ""
    reason: Text


class GrantRole(Command):
    """授予角色 — grant a person a role (administrators only)."""

    ACTION = "principal.grant_role"

    role: Role
    #: issue 18 — outsourcing: granting agency_staff records the evidence of employment; granted
    #: again with it to a person who holds the role without it (registered before it was asked
    #: for), it records the evidence only
    employment: Employment | None = None


class RevokeRole(Command):
    """撤销角色 — take a role away from a person, with the reason."""

    ACTION = "principal.revoke_role"

    role: Role
    reason: Text


class AddKey(Command):
    """添加密钥 — add a public key (JWK): signed by the person themself it is active at once; proposed
    by a registrar (a first or lost key) it is pending until a second registrar confirms it."""

    ACTION = "principal.add_key"

    public_key: Jwk
    proof: Proof | None = None


class ConfirmKey(Command):
    """确认密钥 — the second registrar confirms a pending key (dual control): it is active from now."""

    ACTION = "principal.confirm_key"

    keyid: KeyId


class RotateKey(Command):
    """轮换密钥 — replace one key by another in one step: the new key is active and the old one retired
    from the same recorded moment."""

    ACTION = "principal.rotate_key"

    old_keyid: KeyId
    public_key: Jwk
    proof: Proof | None = None


class RotateLedgerKey(Command):
    """轮换账本密钥 — an administrator proposes the ledger's next key; when a second administrator
    confirms it (principal.confirm_key), it replaces the old ledger key at that moment."""

    ACTION = "principal.rotate_ledger_key"

    old_keyid: KeyId
    public_key: Jwk
    proof: Proof | None = None


class RevokeKey(Command):
    """吊销密钥 — revoke a key: nothing it signs from now on is accepted."""

    ACTION = "principal.revoke_key"

    keyid: KeyId
    reason: Text


# --- H3 lifetime: a person for a lifetime (issue 17 point 4) ------------------------------


class RetirePrincipal(Command):
    """退休、离职 — the person retires or leaves (an administrator records it). The principal is
    deactivated, never deleted: every key and role ends, later signatures are refused, and the
    lifetime chain stays readable and open (XX-18 终身责任追究)."""

    ACTION = "principal.retire"

    departure: Literal["retired", "left"]  # 退休 / 离职
    reason: Text


class RenamePrincipal(Command):
    """更名 — the person's name changes; the former names stay in the record and the chain, so a
    search by any of them finds the one person (XX-18)."""

    ACTION = "principal.rename"

    name: Name
    reason: Text
