"""Who may read what: by role, by membership of the case, and by a material's classification
(NX-15, XX-22). The HTTP layer asks these questions; it decides nothing itself.

* Discipline inspectors (纪检监察) read every case and every material.
* A case is read by its members — the lead unit's staff, the team, the staff of an entrusted
  agency, the engaged experts — and by the bodies that review it (the decision organ, the
  justice reviewers, the government office).
* A material's content is shown to a reader cleared for its classification: work secrets to
  the case's readers; commercial secrets and personal privacy to the lead unit and the team;
  state secrets to the lead unit only — and always to whoever collected it and to inspectors.
  Others see that a material exists and its classification, never its content.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.errors import LedgerError
from domain.model.case import EvaluationCase
from domain.model.principal import Principal
from domain.model.sealing import MATERIAL_FIELDS, SHREDDED, KeyRing, KeyShredded, Place, open_with
from domain.model.vocabulary import Classification, Role

REVIEWERS = frozenset({Role.DECISION_ORGAN, Role.JUSTICE_REVIEWER, Role.GOVERNMENT_OFFICE})
OVERSEERS = frozenset({Role.DISCIPLINE_INSPECTOR})
WITHHELD = "〔按密级隐去 withheld by classification〕"
UNREADABLE = "〔无法解密 cannot be decrypted here〕"


def has_any(principal: Principal, roles: frozenset[Role] | set[Role]) -> bool:
    return any(principal.has_role(role) for role in roles)


def is_inspector(principal: Principal) -> bool:
    return has_any(principal, OVERSEERS)


def is_lead_unit(principal: Principal, case: EvaluationCase) -> bool:
    return principal.has_role(Role.LEAD_UNIT) and principal.unit == case.lead_unit


def is_member(principal: Principal, case: EvaluationCase) -> bool:
    pid = str(principal.id)
    agency = (
        principal.has_role(Role.AGENCY_STAFF)
        and principal.agency_id is not None
        and str(principal.agency_id) in case.agencies
    )
    return is_lead_unit(principal, case) or pid in case.team or pid in case.experts or agency


def can_read_case(principal: Principal, case: EvaluationCase) -> bool:
    return is_inspector(principal) or is_member(principal, case) or has_any(principal, REVIEWERS)


def cleared_for(principal: Principal, case: EvaluationCase, material: dict[str, Any]) -> bool:
    """May this reader see the content of this material (NX-15, XX-22)?"""
    level = material["classification"]
    if level == Classification.NONE.value or is_inspector(principal):
        return True
    if material.get("collected", {}).get("by") == principal.id:
        return True
    if level == Classification.WORK_SECRET.value:
        return can_read_case(principal, case)
    if level in (Classification.COMMERCIAL_SECRET.value, Classification.PERSONAL_PRIVACY.value):
        return is_lead_unit(principal, case) or str(principal.id) in case.team
    return is_lead_unit(principal, case)  # state secret


def redact_material(material: dict[str, Any]) -> dict[str, Any]:
    """What an uncleared reader sees of a material: that it exists, and its classification (and,
    once its key is destroyed, that it was shredded)."""
    kept: dict[str, Any] = {
        k: material[k] for k in ("classification", "period", "collected", "excluded", "shredded") if k in material
    }
    marker = SHREDDED if material.get("shredded") else WITHHELD
    return {**kept, "title": marker, "source": marker, "stance": WITHHELD, "digest": marker, "withheld": True}


def sealed_content(keyring: KeyRing | None, sealed: dict[str, Any], place: Place,
                   shredded: bool = False) -> dict[str, Any]:
    """The content of a sealed value for a cleared reader: decrypted; or, once its key was
    destroyed, the shredded marker; or, when it cannot be opened here, the unreadable marker —
    never an error (NX-15, XX-22)."""
    if shredded or keyring is None:
        marker = SHREDDED if shredded else UNREADABLE
        return {**dict.fromkeys(MATERIAL_FIELDS, marker), ("shredded" if shredded else "unreadable"): True}
    try:
        return open_with(keyring, sealed, place)
    except KeyShredded:
        return {**dict.fromkeys(MATERIAL_FIELDS, SHREDDED), "shredded": True}
    except LedgerError:
        return {**dict.fromkeys(MATERIAL_FIELDS, UNREADABLE), "unreadable": True}


def disclose_material(keyring: KeyRing | None, case_id: UUID, material_id: str,
                      material: dict[str, Any]) -> dict[str, Any]:
    """What a cleared reader sees of a material: its content, opened if it is sealed."""
    sealed = material.get("sealed")
    if sealed is None:
        return material
    content = sealed_content(keyring, sealed, Place(case_id, UUID(material_id)), bool(material.get("shredded")))
    content.pop("summary", None)  # a case's state lists materials by title, source and digest
    shown = {**{k: v for k, v in material.items() if k != "sealed"}, **content}
    if material.get("shredded"):
        shown["shredded"] = material["shredded"]  # the signed record of who had it shredded
    return shown


def can_read_person(reader: Principal, subject_id: str) -> bool:
    """A lifetime chain is read by the person themself, inspectors and administrators."""
    return str(reader.id) == subject_id or is_inspector(reader) or reader.has_role(Role.ADMINISTRATOR)


def can_oversee(reader: Principal) -> bool:
    """Decision traces, all findings, bundles: inspectors (纪检监察)."""
    return is_inspector(reader)


def can_see_figures(reader: Principal) -> bool:
    """Deadlines and annual figures (NX-18, XX-25): inspectors, reviewing bodies, administrators,
    lead units."""
    return is_inspector(reader) or has_any(reader, {*REVIEWERS, Role.ADMINISTRATOR, Role.LEAD_UNIT})
