"""Who may read what: by role within the reader's organisation, by membership of the case, and by
a material's classification (NX-15, XX-22). The HTTP layer asks these questions; it decides
nothing itself.

* A role is exercised within the scope of the reader's organisation
  (:mod:`domain.model.organisation`): a case belongs to the organisation of its decision's
  deciding organ, and the reviewing bodies and inspectors of another organ's tree do not read it
  (issue 16 point 1). Cases of decisions recorded without an organisation are read as before.
* Discipline inspectors (纪检监察) read every case and every material within their scope.
* A case is read by its members — the lead unit's staff, the team, the staff of an entrusted
  agency, the engaged experts — and by the bodies that review it (the decision organ, the
  justice reviewers, the government office) within their scope.
* A material's content is shown to a reader cleared for its classification: work secrets to
  the case's readers; commercial secrets and personal privacy to the lead unit and the team;
  state secrets to the lead unit only — and always to whoever collected it and to inspectors.
  Others see that a material exists and its classification, never its content.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.errors import LedgerError
from domain.model.aggregate import Directory
from domain.model.case import EvaluationCase
from domain.model.decision import Decision
from domain.model.organisation import Organisation, acts_within, reaches
from domain.model.principal import Principal
from domain.model.sealing import MATERIAL_FIELDS, SHREDDED, KeyRing, KeyShredded, Place, open_with
from domain.model.vocabulary import Classification, Role

REVIEWERS = frozenset({Role.DECISION_ORGAN, Role.JUSTICE_REVIEWER, Role.GOVERNMENT_OFFICE})
OVERSEERS = frozenset({Role.DISCIPLINE_INSPECTOR})
WITHHELD = "〔按密级隐去 withheld by classification〕"
UNREADABLE = "〔无法解密 cannot be decrypted here〕"


class CaseFacts(Protocol):
    """What the rules of who reads a case look at: the case itself, or its facts as the read
    models hold them (:class:`projections.membership.Membership`, issue 19 — perf)."""

    @property
    def id(self) -> UUID: ...

    @property
    def decision_id(self) -> UUID | None: ...

    @property
    def lead_unit(self) -> str: ...

    @property
    def team(self) -> Collection[str]: ...

    @property
    def experts(self) -> Collection[str]: ...

    @property
    def agencies(self) -> Collection[str]: ...


def has_any(principal: Principal, roles: frozenset[Role] | set[Role]) -> bool:
    return any(principal.has_role(role) for role in roles)


def is_inspector(principal: Principal) -> bool:
    return has_any(principal, OVERSEERS)


def organisation_of(case: CaseFacts, directory: Directory) -> UUID | None:
    """The organisation a case belongs to: its decision's deciding organ (None if the decision
    was recorded without one)."""
    decision = directory.find(case.decision_id, Decision) if case.decision_id else None
    return decision.organisation_id if decision is not None else None


def reaches_case(principal: Principal, case: CaseFacts, directory: Directory) -> bool:
    """Does a role held in the reader's organisation reach this case's organisation?"""
    return reaches(principal.organisation_id, organisation_of(case, directory), _finder(directory))


def _finder(directory: Directory) -> Any:
    return lambda organisation_id: directory.find(organisation_id, Organisation)


def is_lead_unit(principal: Principal, case: CaseFacts, directory: Directory) -> bool:
    return (
        principal.has_role(Role.LEAD_UNIT)
        and principal.unit == case.lead_unit
        and acts_within(principal.organisation_id, organisation_of(case, directory), _finder(directory))
    )


def is_member(principal: Principal, case: CaseFacts, directory: Directory) -> bool:
    pid = str(principal.id)
    agency = (
        principal.has_role(Role.AGENCY_STAFF)
        and principal.agency_id is not None
        and str(principal.agency_id) in case.agencies
    )
    return is_lead_unit(principal, case, directory) or pid in case.team or pid in case.experts or agency


def can_read_case(principal: Principal, case: CaseFacts, directory: Directory) -> bool:
    if is_member(principal, case, directory):
        return True
    return has_any(principal, OVERSEERS | REVIEWERS) and reaches_case(principal, case, directory)


def oversees_case(principal: Principal, case: CaseFacts, directory: Directory) -> bool:
    """An inspector whose scope reaches the case."""
    return is_inspector(principal) and reaches_case(principal, case, directory)


def cleared_for(principal: Principal, case: EvaluationCase, material: dict[str, Any],
                directory: Directory) -> bool:
    """May this reader see the content of this material (NX-15, XX-22)?"""
    return clearance(principal, case, directory)(material)


def clearance(principal: Principal, case: CaseFacts, directory: Directory) -> Callable[[dict[str, Any]], bool]:
    """:func:`cleared_for` for the materials of one state of a case: what depends on the reader and the case
    alone (may they read it, do they oversee it, are they its lead unit) is found once, at the
    first material that asks (issue 19 — perf: a case of 10,000 materials)."""
    facts: dict[str, bool] = {}

    def cleared(material: dict[str, Any]) -> bool:
        level = material["classification"]
        if "read" not in facts:
            facts["read"] = can_read_case(principal, case, directory)
        if not facts["read"]:
            return False
        if level == Classification.NONE.value:
            return True
        if "oversee" not in facts:
            facts["oversee"] = oversees_case(principal, case, directory)
        if facts["oversee"]:
            return True
        if material.get("collected", {}).get("by") == principal.id:
            return True
        if level == Classification.WORK_SECRET.value:
            return True
        if "lead" not in facts:
            facts["lead"] = is_lead_unit(principal, case, directory)
        lead = facts["lead"]
        if level in (Classification.COMMERCIAL_SECRET.value, Classification.PERSONAL_PRIVACY.value):
            return lead or str(principal.id) in case.team
        return lead  # state secret

    return cleared


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
    """A lifetime chain is read by the person themself and by inspectors — each act only where
    :func:`sees_in_chain` says. Administrators keep the directory (roles and keys), not the acts:
    a chain shows case content (L4)."""
    return str(reader.id) == subject_id or is_inspector(reader)


def sees_in_chain(reader: Principal, subject: Principal | None, at: datetime,
                  case_organisation: UUID | None, directory: Directory) -> bool:
    """Does this reader see one act of a person's chain? The person themself sees all of it. An
    inspector sees an act if their scope covers the organisation the person belonged to when
    they did it — the chain follows the person across transfers (issue 16 point 1) — or, for a
    person of no organisation then (an expert, an agency's staff), the organisation of the case
    the act is in."""
    if subject is not None and reader.id == subject.id:
        return True
    if not is_inspector(reader):
        return False
    belonged = subject.belonged_at(at) if subject is not None else None
    target = belonged if belonged is not None else case_organisation
    return reaches(reader.organisation_id, target, _finder(directory))


def can_oversee(reader: Principal) -> bool:
    """Decision traces, findings, bundles: inspectors (纪检监察), each within their scope."""
    return is_inspector(reader)


def oversees_decision(reader: Principal, decision: Decision, directory: Directory) -> bool:
    """An inspector whose scope reaches the decision's deciding organ."""
    return is_inspector(reader) and reaches(reader.organisation_id, decision.organisation_id, _finder(directory))


def can_see_figures(reader: Principal) -> bool:
    """Deadlines and annual figures (NX-18, XX-25): inspectors, reviewing bodies, administrators,
    lead units."""
    return is_inspector(reader) or has_any(reader, {*REVIEWERS, Role.ADMINISTRATOR, Role.LEAD_UNIT})
