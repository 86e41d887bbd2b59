"""What registering a person checks before anything is stored (登记人员): the separation of duties
(an administrator holds no case role), namesakes told apart, the organisation registered, and no key
given twice. The principal aggregate (:mod:`domain.model.principal`) applies them."""

from __future__ import annotations

from uuid import UUID

from domain.errors import Conflict, MalformedInput, NotFound, NotPermitted
from domain.evidence.signing import PublicKey
from domain.model.aggregate import Context
from domain.model.commands.principal import RegisterPrincipal
from domain.model.organisation import Organisation
from domain.model.vocabulary import Role

#: roles that read case content or act in cases: an administrator holds none of them
#: (separation of duties, issue 16 point 2; the principle of Decree 713 Art. 36 and NX-8 that
#: whoever took part in one stage may not judge it)
CASE_ROLES = frozenset(Role) - {Role.ADMINISTRATOR, Role.LEDGER}


def separate_duties(roles: set[Role]) -> None:
    if Role.ADMINISTRATOR in roles and roles & CASE_ROLES:
        held = ", ".join(sorted(r.value for r in roles & CASE_ROLES))
        raise NotPermitted(
            f"职责分离：管理员不得兼任办案或纪检监察角色（{held}），请另行登记一人担任该角色",
            f"separation of duties (issue 16 point 2): an administrator cannot also hold {held} — roles that "
            "read case content or act in cases (the principle of Decree 713 Art. 36). "
            "Register a separate person for that role")


def no_namesake(command: RegisterPrincipal, ctx: Context) -> None:
    for other in ctx.directory.namesakes(command.name, command.unit):
        if other.identifier == command.identifier:
            raise Conflict(
                f"{command.name} of {command.unit} is already registered as principal {other.id}"
                + (f" with identifier {other.identifier}" if other.identifier else "")
                + "; 同一单位已有同名人员: if this is another person, give an identifier that tells them "
                "apart (staff number 工号 or ID suffix)")



def require_organisation(organisation_id: UUID | None, ctx: Context) -> None:
    if organisation_id is not None and ctx.directory.find(organisation_id, Organisation) is None:
        raise NotFound(f"单位 {organisation_id} 未登记（organisation_id）/ no organisation {organisation_id} is registered (organisation_id)")


def distinct_keys(command: RegisterPrincipal) -> None:
    keyids = [PublicKey.from_jwk(k.model_dump()).keyid for k in command.public_keys]
    if len(set(keyids)) != len(keyids):
        raise MalformedInput("public_keys repeat a key")

