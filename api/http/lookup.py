"""Looking a person, an organisation or an agency up by name (issue 19 point 2): the forms' typed
inputs ask ``GET /v1/lookup/{source}?q=…`` as the person types, instead of listing a province's
whole directory in a ``<select>``.

What a reader is offered stays within their scope: people and organisations of the reader's own
organ (the top of their organisation's line: a 处室's 厅, a 县局's 县政府), and people of no
organisation — outside experts, agencies' staff — whom any case may engage; agencies are a public
register (NX-17, XX-24). A reader of no organisation is offered only people of none. Retired or
departed people are never offered. The ledger still judges every choice when the act is signed.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from api.http.reads import ERRORS, UUID_PATTERN, Reader, Svc
from domain.model.organisation import Organisation, lineage
from domain.model.principal import Principal
from projections import lookup

SOURCES = ("people", "experts", "organisations", "agencies")
#: rows read per request: enough candidates that those outside the scope do not crowd out the rest
CANDIDATES = 200


class Match(BaseModel):
    id: str
    label: str  # what the form shows and the preview repeats
    name: str


class Matches(BaseModel):
    items: list[Match]
    more: bool  # more matched than shown: type more of the name


class Scope:
    """The reader's organ, and each organisation's line, found once per request."""

    def __init__(self, svc: Any, reader: Principal) -> None:
        self.find = cache(lambda oid: svc.ledger.find(oid, Organisation))
        self.lines = cache(lambda oid: tuple(lineage(oid, self.find)))
        self.root = self.lines(reader.organisation_id)[-1] if reader.organisation_id else None

    def offers(self, organisation_id: UUID | None) -> bool:
        if organisation_id is None:
            return True
        return self.root is not None and self.lines(organisation_id)[-1] == self.root

    def under(self, organisation_id: UUID | None, unit: UUID) -> bool:
        return organisation_id is not None and unit in self.lines(organisation_id)


def _uuid(text: Any) -> UUID | None:
    try:
        return UUID(str(text)) if text else None
    except ValueError:
        return None


def _person_label(row: dict[str, Any]) -> str:
    detail = "，".join(part for part in (row.get("unit"), row.get("title")) if part)
    return f"{row['name']}（{detail}）" if detail else str(row["name"])


def router() -> Any:
    api = APIRouter(prefix="/v1", tags=["reads"], responses=ERRORS)

    @api.get("/lookup/{source}", response_model=Matches,
             summary="Look a person, expert, organisation or agency up by name, within the reader's scope "
                     "(the forms' typed inputs)")
    def look_up(
        source: Annotated[str, Path(pattern="^(people|experts|organisations|agencies)$")],
        who: Reader, svc: Svc,
        q: Annotated[str, Query(min_length=1, max_length=64, description="part of the name (or 工号)")],
        organisation: Annotated[str | None, Query(pattern=UUID_PATTERN, description=(
            "people only: those of this organisation or a unit under it"))] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 20,
    ) -> Matches:
        text = " ".join(q.split())
        if not text:  # spaces alone are no part of a name: nothing, in every source alike (spec §24)
            return Matches(items=[], more=False)
        scope = Scope(svc, who)
        views = svc.current().views
        found: list[Match] = []
        if source in ("people", "experts"):
            unit = _uuid(organisation)
            for row in lookup.people(views, text, CANDIDATES):
                org = _uuid(row["organisation_id"])
                if source == "experts" and "expert" not in row["roles"]:
                    continue
                if scope.offers(org) and (unit is None or scope.under(org, unit)):
                    found.append(Match(id=row["principal_id"], label=_person_label(row), name=row["name"]))
        elif source == "organisations":
            needle = text.casefold()
            for row in lookup.organisations(views):
                org = _uuid(row["organisation_id"])
                if needle in row["name"].casefold() and org is not None and scope.root is not None \
                        and scope.offers(org):
                    parent = scope.find(_uuid(row["parent_id"])) if row["parent_id"] else None
                    label = f"{row['name']}（{parent.name}）" if parent is not None else row["name"]
                    found.append(Match(id=row["organisation_id"], label=label, name=row["name"]))
            found.sort(key=lambda m: (len(m.name), m.name))
        else:
            found = [Match(id=row["agency_id"], name=row["name"],  # 713-41: criticism shown, never a bar
                           label=f"{row['name']}（曾被通报批评{row['criticised']}次）" if row["criticised"] else row["name"])
                     for row in lookup.agencies(views, text, limit + 1)]
        return Matches(items=found[:limit], more=len(found) > limit)

    return api
