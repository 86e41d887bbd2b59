"""Crypto-shredding a sealed material on a lawful request (NX-15, XX-22).

The request is recorded first, as a ``case.record_shredding`` act signed by the administrator who
carries it out (who, the request's reference, its basis, which key); once it is stored the ledger
destroys the data key (:meth:`domain.service.ledger.Ledger.submit_many`). Recording first means no
key is ever destroyed without an accountable record; if the destruction failed, running this again
finds the record and only destroys the key. Every hash and signature covers the ciphertext, so
``verify`` passes before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.errors import NotFound
from domain.model.commands.case import RecordShredding
from domain.model.rules import procedure as P
from domain.service.ledger import Ledger
from domain.service.recorded import Recorded

#: signs an intent of the administrator's and submits it: (action, target, args) → what was stored
Act = Callable[[str, UUID, dict[str, Any]], Recorded]


def shred_material(ledger: Ledger, act: Act, case_id: UUID, material_id: UUID, request_ref: str,
                   basis: str) -> dict[str, Any]:
    """Record the shredding of a sealed material (unless it is recorded already) and see its data
    key destroyed; what happened, as JSON."""
    if ledger.keyring is None:
        raise NotFound("no key store is open: data keys live beside the ledger's keys (pass --keys)")
    case = ledger.find_case(case_id)
    if case is None:
        raise NotFound(f"没有案件 {case_id} / no case {case_id}")
    material = case.materials.get(str(material_id))
    if material is None:
        raise NotFound(f"该案件没有资料 {material_id} / no material {material_id} on case {case_id}")
    sealed = material.get("sealed")
    if sealed is None:
        raise P.SHREDDING_OF_SEALED_MATERIAL.refusal(case.jurisdiction)
    kid = sealed["kid"]
    gone_before = ledger.keyring.is_shredded(kid)
    recorded = None
    if not material.get("shredded"):
        recorded = act(RecordShredding.ACTION, case_id, {
            "material_id": str(material_id), "kid": kid, "request_ref": request_ref, "basis": basis,
        })
    else:
        ledger.keyring.destroy(kid)  # recorded before, the destruction may have failed then
    return {
        "case_id": str(case_id),
        "material_id": str(material_id),
        "kid": kid,
        "recorded": recorded.to_json() if recorded else None,
        "key_destroyed": not gone_before and ledger.keyring.is_shredded(kid),
    }
