"""Commands on organisations: the units whose scope every role is exercised in."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from domain.model.commands.base import Command, Name
from domain.model.vocabulary import Jurisdiction, OrganisationKind


class RegisterOrganisation(Command):
    """登记单位 — register an organ, one of its units, or a body that serves it, under its parent
    (none for a top organ)."""

    ACTION = "organisation.register"

    name: Name
    kind: OrganisationKind
    parent_id: UUID | None = None
    jurisdiction: Jurisdiction | None = Field(default=None, description=(
        "The text this organ's decisions are evaluated under (NX-2: the 自治区商务厅; XX-2, XX-26: the county "
        "government, its departments and townships); what is under it inherits it (决策适用的办法)."))


class NameText(Command):
    """写明单位适用的办法 — name the text an organisation registered without one falls under
    (NX-2, XX-2): once, and never another than the one its organ above names."""

    ACTION = "organisation.name_text"

    jurisdiction: Jurisdiction = Field(description=(
        "The text this organ's decisions are evaluated under (NX-2: the 自治区商务厅; XX-2, XX-26: the county "
        "government, its departments and townships); what is under it inherits it (决策适用的办法)."))
