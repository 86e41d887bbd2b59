"""Credit as a process in tests (H3 credit; NX-17, XX-24): a credit department with its officer,
a proposal citing the entrusting case's latest event, and the department's decision."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4
from weakref import WeakKeyDictionary

from api.signer import Signer
from domain.evidence.signing import SigningKey
from tests.support import World

_OFFICERS: WeakKeyDictionary[World, Signer] = WeakKeyDictionary()


def credit_officer(world: World, name: str = "周信") -> Signer:
    """信用主管部门 and one officer holding the role ``credit_authority`` in it (registered once per world)."""
    if world in _OFFICERS:
        return _OFFICERS[world]
    organ, department = uuid4(), uuid4()
    world.do(world.admin, "organisation.register", organ, {"name": "宁夏回族自治区发展和改革委员会", "kind": "organ"})
    world.do(world.admin, "organisation.register", department, {
        "name": "自治区发展改革委信用处", "kind": "credit", "parent_id": str(organ)})
    key = SigningKey.generate()
    _OFFICERS[world] = world.enrol({
        "kind": "person", "name": name, "unit": "自治区发展改革委信用处", "roles": ["credit_authority"],
        "public_keys": [key.public_key.jwk], "organisation_id": str(department)}, key)
    return _OFFICERS[world]


def proposal_args(world: World, case_id: UUID, proposal_id: UUID | None = None, **changes: Any) -> dict[str, Any]:
    """A proposal (提请) citing the case's latest event, pinned by its hash."""
    version = world.ledger.version_of(case_id)
    cited = {"aggregate_id": str(case_id), "version": version,
             "hash": world.ledger.stored_event_hash(case_id, version)}
    return {"proposal_id": str(proposal_id or uuid4()), "case_id": str(case_id), "conduct": "报告数据与事实不符",
            "consequences": "误导决策，造成严重后果", "cited_events": [cited], **changes}


def record_args(proposal_id: UUID | str, today: date, days: int = 365) -> dict[str, Any]:
    """The credit department's decision to record, with a period running from today."""
    return {"proposal_id": str(proposal_id), "outcome": "recorded", "reasons": "经核实，符合纳入条件",
            "valid_from": today.isoformat(), "valid_until": (today + timedelta(days=days)).isoformat()}
