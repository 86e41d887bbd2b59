"""Related units for the duty to supply materials (XX-6; 国令第713号第四十条): a unit registered as
an organisation with its people, and the arguments of a request and of an answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from api.signer import Signer
from domain.evidence.signing import SigningKey
from tests.support import World, digest

#: the county and one of its departments, a related unit of the standard 息县 case's decision
COUNTY = "息县人民政府"
XX_RELATED = "息县财政局"
XX_OTHER = "息县城市管理局"
NX_ORGAN = "宁夏回族自治区商务厅"
NX_RELATED = "宁夏回族自治区商务厅电子商务处"


@dataclass
class Unit:
    """A registered organisation and the people who belong to it, by name."""

    world: World
    name: str
    organisation_id: UUID
    people: dict[str, Signer] = field(default_factory=dict)

    def person(self, name: str, roles: list[str] | None = None) -> Signer:
        key = SigningKey.generate()
        signer = self.world.enrol({"kind": "person", "name": name, "public_keys": [key.public_key.jwk],
                                   "roles": roles or [], "unit": self.name,
                                   "organisation_id": str(self.organisation_id)}, key)
        self.people[name] = signer
        return signer


def organisation(world: World, name: str, kind: str, parent: UUID | None = None) -> UUID:
    return world.organisation(name, kind, parent)


def unit(world: World, name: str, organ: UUID, kind: str = "unit") -> Unit:
    return Unit(world, name, organisation(world, name, kind, organ))


#: the items a standard request lists (:func:`request_args`), answered one material each (:func:`answer_args`)
ITEMS = ["2021年至2022年农村生活垃圾治理资金拨付明细", "运营单位考核记录"]


def request_args(unit: Unit, responsible: Signer, request_id: UUID | None = None, *, days: int = 10,
                 **changes: Any) -> dict[str, Any]:
    return {"request_id": str(request_id or uuid4()), "unit_id": str(unit.organisation_id),
            "responsible_id": str(responsible.principal_id), "items": list(ITEMS), "within_days": days,
            **changes}


def answer_args(request_id: UUID | str, material_id: UUID | None = None, *, items: list[str] | None = None,
                **changes: Any) -> dict[str, Any]:
    """An answer supplying every item requested (the standard request's unless ``items`` says), one
    material each, the first with ``material_id``."""
    ids = [material_id or uuid4(), *(uuid4() for _ in (items or ITEMS)[1:])]
    return {"request_id": str(request_id),
            "materials": [{"material_id": str(mid), "title": item, "digest": digest(item), "period": "during",
                           "item": item} for mid, item in zip(ids, items or ITEMS, strict=True)],
            "problems_and_risks": "部分乡镇转运设备配套资金未按期到位，存在运营中断的风险",
            "suggestions": "建议将配套资金纳入年初预算", "truthful": True, **changes}
