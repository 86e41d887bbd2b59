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

An organ names the text its decisions are evaluated under (NX-2: 自治区商务厅…决定做出的…事项;
XX-2: 县政府（决策机关）…适用本办法, with XX-26's departments and townships); what is under it
inherits the text. A decision of the organ is registered under that text only.

Organisations are registered by administrators and never removed (XX-18: the history stays).
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.errors import Conflict, NotFound, NotPermitted, Refused
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerAggregate, LedgerCreated, LedgerEvent
from domain.model.commands.organisation import NameText, RegisterOrganisation
from domain.model.vocabulary import SERVING_BODIES, OrganisationKind
from domain.model.words import TEXT_WORDS

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
        self.jurisdiction: str | None = None

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
        if command.jurisdiction is not None and command.parent_id is not None:
            _check_one_text(command.jurisdiction.value, command.parent_id, ctx)
        return cls._record_creation(cls.Registered, act)

    def name_text(self, act: Act[NameText], ctx: Context) -> None:
        """写明适用的办法 (NX-2, XX-2): an organisation registered without its text names it, once."""
        if self.jurisdiction:
            raise Conflict(f"{self.name}已写明适用{TEXT_WORDS[self.jurisdiction]}，不能更改 / {self.name} already "
                           f"names its text ({self.jurisdiction}): it does not change")
        if self.parent_id is not None:
            _check_one_text(act.command.jurisdiction.value, self.parent_id, ctx)
        self._record(self.TextNamed, act)

    class Registered(LedgerCreated):
        TOPIC = "decision-ledger/Organisation/Registered/v1"
        COMMAND = RegisterOrganisation

        def on(self, organisation: Organisation, act: Act[RegisterOrganisation]) -> None:
            organisation.name = act.command.name
            organisation.kind = act.command.kind.value
            organisation.parent_id = act.command.parent_id
            jurisdiction = act.command.jurisdiction
            organisation.jurisdiction = jurisdiction.value if jurisdiction is not None else None

    class TextNamed(LedgerEvent):
        TOPIC = "decision-ledger/Organisation/TextNamed/v1"
        COMMAND = NameText

        def on(self, organisation: Organisation, act: Act[NameText]) -> None:
            organisation.jurisdiction = act.command.jurisdiction.value


Find = Callable[[UUID], "Organisation | None"]


def governing_text(organisation_id: UUID, find: Find) -> str | None:
    """The text the organisation's decisions are evaluated under: its own, else its nearest
    organ's above it (``None`` where no one named one: organisations registered before)."""
    for found in (find(i) for i in lineage(organisation_id, find)):
        if found is not None and found.jurisdiction:
            return found.jurisdiction
    return None


def _check_one_text(jurisdiction: str, parent_id: UUID, ctx: Context) -> None:
    """ARTICLE: NX-2, XX-2 — what is under an organ falls under the organ's text, not the other."""
    inherited = governing_text(parent_id, lambda oid: ctx.directory.find(oid, Organisation))
    if inherited is not None and inherited != jurisdiction:
        raise Refused(
            f"{inherited}-2",
            f"上级单位的重大行政决策适用{TEXT_WORDS[inherited]}（第二条），其下属单位不能写明适用另一办法",
            f"the organ above falls under {inherited} (article 2): what is under it cannot name another text",
            rule="procedure/decision-of-own-text",
        )


def check_text_of_organ(jurisdiction: str, governing: str | None) -> None:
    """ARTICLE: NX-2, XX-2 — a decision is registered under the text of the organ that made it:
    a text's article 2 says whose decisions it covers (the rule of a case opened on a decision
    of the other text, ``procedure/decision-of-own-text``)."""
    if governing is None or governing == jurisdiction:
        return
    raise Refused(
        f"{jurisdiction}-2",
        f"该决策机关的重大行政决策适用{TEXT_WORDS[governing]}（第二条），不能按{TEXT_WORDS[jurisdiction]}登记和评估",
        f"the deciding organ's decisions are evaluated under {governing} (article 2), not under {jurisdiction}",
        rule="procedure/decision-of-own-text",
    )


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

