"""Organisation: an organ, its units and the bodies that serve it — the scope of every role.

The ledger knows organisations as a hierarchy (宁夏回族自治区商务厅 with its 处室, its 厅决策机关
and the discipline inspection group stationed in it; 息县人民政府 with its 办公室, 司法局,
departments and townships, XX-26). A principal belongs to one at a time (a transfer is an event
on the principal), and a role is exercised within the scope of the principal's organisation:

* an organ or unit reaches itself and everything under it;
* a serving body (office, legality reviewer, decision body, inspection group) reaches the organ it
  serves — its parent — and everything under that;
* a unit also acts on the decisions and cases of the organs it belongs to (a 处室 registers the
  厅's decision and opens its evaluation).

Organisations are registered by administrators and never removed (XX-18: the history stays).
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.errors import NotFound, NotPermitted
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerAggregate, LedgerCreated
from domain.model.commands.organisation import RegisterOrganisation
from domain.model.vocabulary import SERVING_BODIES, OrganisationKind

#: at most this many levels above an organisation are followed (the hierarchy has no cycles: a
#: parent exists before its children and never moves; the bound keeps a damaged store finite)
MAX_DEPTH = 16


class Organisation(LedgerAggregate):
    """单位 — an organ (机关), one of its units (处室, 部门) or a body serving it."""

    TOPIC = "decision-ledger/Organisation/v1"

    def __init__(self) -> None:
        self.name = ""
        self.kind = OrganisationKind.UNIT.value
        self.parent_id: UUID | None = None

    @property
    def serves_parent(self) -> bool:
        return OrganisationKind(self.kind) in SERVING_BODIES and self.parent_id is not None

    @classmethod
    def register(cls, act: Act[RegisterOrganisation], ctx: Context) -> Organisation:
        command = act.command
        if command.parent_id is not None and ctx.directory.find(command.parent_id, Organisation) is None:
            raise NotFound(f"上级单位 {command.parent_id} 未登记 / no organisation {command.parent_id} is registered (parent_id)")
        if command.parent_id is None and OrganisationKind(command.kind) is not OrganisationKind.ORGAN:
            raise NotPermitted(
                "只有机关可以没有上级单位：请填写上级单位（parent_id）",
                f"a {command.kind.value} serves or belongs to an organ: name its parent_id",
            )
        return cls._record_creation(cls.Registered, act)

    class Registered(LedgerCreated):
        TOPIC = "decision-ledger/Organisation/Registered/v1"
        COMMAND = RegisterOrganisation

        def on(self, organisation: Organisation, act: Act[RegisterOrganisation]) -> None:
            organisation.name = act.command.name
            organisation.kind = act.command.kind.value
            organisation.parent_id = act.command.parent_id


Find = Callable[[UUID], "Organisation | None"]


def lineage(organisation_id: UUID, find: Find) -> list[UUID]:
    """The organisation and those above it, nearest first."""
    chain: list[UUID] = []
    current: UUID | None = organisation_id
    while current is not None and current not in chain and len(chain) < MAX_DEPTH:
        chain.append(current)
        found = find(current)
        current = found.parent_id if found is not None else None
    return chain


def scope_of(organisation_id: UUID, find: Find) -> UUID:
    """The organisation whose subtree a role held in this one reaches (its parent, for a
    serving body)."""
    found = find(organisation_id)
    if found is not None and found.serves_parent:
        assert found.parent_id is not None
        return found.parent_id
    return organisation_id


def reaches(actor_organisation: UUID | None, target_organisation: UUID | None, find: Find) -> bool:
    """Does a role held in the actor's organisation reach what belongs to the target's
    (for reading it, reviewing it, inspecting it)? A target of no organisation (recorded before
    organisations) is reached by every role as before; an actor of no organisation reaches
    only such targets."""
    if target_organisation is None:
        return True
    if actor_organisation is None:
        return False
    return scope_of(actor_organisation, find) in lineage(target_organisation, find)


def acts_within(actor_organisation: UUID | None, target_organisation: UUID | None, find: Find) -> bool:
    """May a role held in the actor's organisation act on what belongs to the target's: what
    its scope reaches, and the organs the actor's unit belongs to (a 处室 acts on its 厅's
    decisions)."""
    if reaches(actor_organisation, target_organisation, find):
        return True
    assert target_organisation is not None
    return actor_organisation is not None and target_organisation in lineage(actor_organisation, find)

