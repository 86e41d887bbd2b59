"""Who works for an entrusted agency on a case (NX-4, XX-20: 受委托评估机构应当在委托范围内开展工作,
可以外聘专家参与, 不得擅自将委托事项变相转包).

An agency works on a case through two kinds of people, and through no one else:

* **its own staff** (本机构工作人员): principals registered with the agency (``agency_id``), the role
  ``agency_staff`` and the evidence of their employment — the SHA-256 of the labour contract or the
  appointment letter (劳动合同或聘任文件), recorded at registration or when the role is granted;
* **the outside experts it engaged** on the case (外聘专家, ``case.engage_expert`` with its
  ``agency_id``), who inherit its entrusted scope.

Anyone else who does entrusted work for the agency — a person the agency names as its own but whose
employment is not on record, or a person of the agency engaged by no one — is the agency's work
handed on (变相转包): judged from the conduct, not from a confession (``case.hand_over_work``).
Being on the lead unit's team changes none of this. A person who holds the agency's staff role but
whose evidence was never recorded (registered before it was asked for) is refused until an
administrator records it, without a finding: the gap is the ledger's, not a hand-over.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.errors import MalformedInput
from domain.model.commands.principal import Employment
from domain.model.vocabulary import Role

if TYPE_CHECKING:
    from domain.model.aggregate import Actor, Context
    from domain.model.case import EvaluationCase


def employment_of(actor: Actor) -> dict[str, Any] | None:
    """The recorded evidence of an agency person's employment, or None (never recorded, or a
    principal stored before it was asked for: not the agency's registered staff)."""
    employment = getattr(actor, "employment", None)
    return employment if isinstance(employment, dict) else None


def is_registered_staff(actor: Actor, agency_id: UUID) -> bool:
    """本机构工作人员: registered with this agency, as its staff, with evidence of employment."""
    return (
        actor.agency_id == agency_id
        and actor.has_role(Role.AGENCY_STAFF)
        and employment_of(actor) is not None
    )


def engaging_agency(case: EvaluationCase, principal_id: UUID) -> UUID | None:
    """The agency that engaged this expert on the case (None: engaged by the lead unit, or not at all)."""
    engagement = case.experts.get(str(principal_id))
    agency = engagement.get("agency_id") if engagement else None
    return UUID(str(agency)) if agency is not None else None


def agency_acted_for(case: EvaluationCase, ctx: Context) -> UUID | None:
    """The entrusted agency on whose behalf the actor works on this case: the one that engaged
    them as an expert, or the agency they are registered with (whatever their role), if it is
    entrusted here."""
    engaged_by = engaging_agency(case, ctx.actor.id)
    if engaged_by is not None:
        return engaged_by
    agency = ctx.actor.agency_id
    return agency if agency is not None and str(agency) in case.agencies else None


def acts_as_lead_unit(case: EvaluationCase, ctx: Context) -> bool:
    """Acting as the lead unit or its team, not as an agency. A person of an agency entrusted on
    the case (``agency_id``), or an expert an agency engaged, acts for that agency whether or not
    the lead unit put them on the team: the team is the lead unit's choice, the entrustment and the
    ban on handing work on still bind them (NX-4, XX-20). Only the lead unit's own staff act as the
    lead unit whatever else they are."""
    if case.is_lead_unit_staff(ctx):
        return True
    return agency_acted_for(case, ctx) is None and str(ctx.actor.id) in case.team


def is_unproven_staff(actor: Actor, agency_id: UUID) -> bool:
    """Holds the agency's staff role (``agency_staff``, registered with it) but no evidence of
    employment is on record — a principal registered before it was asked for. Not yet the
    agency's staff; the evidence is recorded by ``principal.grant_role`` (agency_staff, employment)."""
    return (
        actor.agency_id == agency_id
        and actor.has_role(Role.AGENCY_STAFF)
        and employment_of(actor) is None
    )


# --- registration: the evidence of employment ----------------------------------------------------


def require_employment(as_agency_staff: bool, employment: Employment | None) -> None:
    """An agency's staff are registered with the evidence of their employment (劳动合同或聘任文件),
    and only they: whoever does entrusted work for an agency without it is not its staff (NX-4, XX-20)."""
    if as_agency_staff and employment is None:
        raise MalformedInput(
            "agency staff are registered with the evidence of their employment: employment.document "
            "(labour_contract or appointment_letter) and employment.digest (its SHA-256); "
            "受委托评估机构工作人员应当附劳动合同或聘任文件 (NX-4, XX-20)")
    if employment is not None and not as_agency_staff:
        raise MalformedInput("evidence of employment (employment) is recorded for an agency's staff (agency_staff) only")


def records_missing_employment(actor: Actor, role: Role, employment: Employment | None) -> bool:
    """``principal.grant_role`` of agency_staff, with the evidence of employment, to a person who
    already holds the role without it (registered before it was asked for): it records the evidence,
    signed by an administrator as any grant is; the role is not granted twice."""
    return role is Role.AGENCY_STAFF and employment is not None and actor.has_role(role) \
        and employment_of(actor) is None


def employment_record(employment: Employment | None, at: datetime) -> dict[str, Any] | None:
    return None if employment is None else {**employment.model_dump(), "recorded_at": at}
