"""Commands on principals: persons and units that sign, their roles and their keys."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.model.commands.base import Command, Jwk, KeyId, Name, Text, unique
from domain.model.vocabulary import PrincipalKind, Role


class RegisterPrincipal(Command):
    """登记人员 — register a person (or the ledger itself) with roles and public keys."""

    ACTION = "principal.register"

    name: Name
    kind: PrincipalKind
    unit: Name
    title: Annotated[str, Field(max_length=200)] = ""
    roles: Annotated[list[Role], AfterValidator(unique), Field(max_length=10)]
    public_keys: Annotated[list[Jwk], Field(min_length=1, max_length=5)]
    agency_id: UUID | None = None
    organisation_id: UUID | None = None  # the 单位 the person belongs to (issue 16 point 1)


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


class RevokeRole(Command):
    """撤销角色 — take a role away from a person, with the reason."""

    ACTION = "principal.revoke_role"

    role: Role
    reason: Text


class AddKey(Command):
    """添加密钥 — add a public key (JWK) a person signs with from now on."""

    ACTION = "principal.add_key"

    public_key: Jwk


class RotateKey(Command):
    """轮换密钥 — replace one key by another in one step: the new key is active and the old one retired
    from the same recorded moment."""

    ACTION = "principal.rotate_key"

    old_keyid: KeyId
    public_key: Jwk


class RevokeKey(Command):
    """吊销密钥 — revoke a key: nothing it signs from now on is accepted."""

    ACTION = "principal.revoke_key"

    keyid: KeyId
    reason: Text
