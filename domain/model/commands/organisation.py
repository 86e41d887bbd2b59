"""Commands on organisations: the units whose scope every role is exercised in."""

from __future__ import annotations

from uuid import UUID

from domain.model.commands.base import Command, Name
from domain.model.vocabulary import Jurisdiction, OrganisationKind


class RegisterOrganisation(Command):
    """登记单位 — register an organ, one of its units, or a body that serves it, under its parent
    (none for a top organ)."""

    ACTION = "organisation.register"

    name: Name
    kind: OrganisationKind
    parent_id: UUID | None = None
    #: the text its decisions are evaluated under (NX-2: the 自治区商务厅; XX-2 and XX-26: the county
    #: government, its departments and townships); units and bodies inherit their organ's
    jurisdiction: Jurisdiction | None = None
