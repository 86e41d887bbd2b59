"""Crypto-shredding a sealed material on a lawful request (NX-15, XX-22).

The request is recorded first, as a ``case.record_shredding`` act signed by the administrator who
carries it out (who, the request's reference, its basis, which key), then the data key is
destroyed. Recording first means no key is ever destroyed without an accountable record; if the
destruction fails, running it again finds the record and only destroys the key. Every hash and
signature covers the ciphertext, so ``verify`` passes before and after.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.signer import Signer
from api.store.secrets import Keystore
from domain.errors import NotFound
from domain.model.commands.case import RecordShredding
from domain.model.rules import procedure as P
from domain.service.ledger import Ledger


def shred_material(ledger: Ledger, keystore: Keystore, signer: Signer, case_id: UUID, material_id: UUID,
                   request_ref: str, basis: str) -> dict[str, Any]:
    case = ledger.find_case(case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    material = case.materials.get(str(material_id))
    if material is None:
        raise NotFound(f"no material {material_id} on case {case_id}")
    sealed = material.get("sealed")
    if sealed is None:
        raise P.SHREDDING_OF_SEALED_MATERIAL.refusal(case.jurisdiction)
    recorded = None
    if not material.get("shredded"):
        recorded = signer.act(ledger, RecordShredding.ACTION, case_id, {
            "material_id": str(material_id), "kid": sealed["kid"], "request_ref": request_ref, "basis": basis,
        })
    destroyed = keystore.destroy(sealed["kid"])
    return {
        "case_id": str(case_id),
        "material_id": str(material_id),
        "kid": sealed["kid"],
        "recorded": recorded.to_json() if recorded else None,
        "key_destroyed": destroyed,
    }
