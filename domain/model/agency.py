"""Agency: a third party a lead unit may entrust with an evaluation (NX-4, XX-20)."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol, cast
from uuid import UUID

from domain.errors import Conflict, NotFound, Refused
from domain.evidence import topics
from domain.model import criticism, eligibility
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerAggregate, LedgerCreated, LedgerEvent
from domain.model.commands.agency import RecordBadCredit, RecordQualification, RegisterAgency
from domain.model.commands.credit import DecideBadCredit, ProposeBadCredit, RepairCredit
from domain.model.commands.eligibility import (
    CriticiseAgency,
    RecordAgencyRectification,
    RevokeAgencyEligibility,
)


class EntrustingCase(Protocol):
    """The evaluation case a bad-credit record is about, as the agency consults it."""

    agencies: dict[str, dict[str, Any]]

    @property
    def is_nx(self) -> bool: ...

    def is_lead_unit_staff(self, ctx: Context) -> bool: ...


def in_force(proposal: dict[str, Any], on: date) -> bool:
    """Whether a bad-credit proposal is a record in force on this day: the credit department
    recorded it, its period (from inclusive, until exclusive) is running, it was not repaired."""
    decision = proposal["decision"]
    return bool(
        decision and decision["outcome"] == "recorded" and proposal["repair"] is None
        and date.fromisoformat(decision["valid_from"]) <= on < date.fromisoformat(decision["valid_until"])
    )


class Agency(LedgerAggregate):
    """受委托评估机构: a university, research institute, law firm, social organisation or
    consultancy, with its qualifications (XX-21) and its credit record (NX-17, XX-24)."""

    TOPIC = "decision-ledger/Agency/v1"

    def __init__(self) -> None:
        self.name = ""
        self.kind = ""
        self.credit_code = ""
        self.address = ""
        self.registered_by: UUID | None = None
        self.qualification: dict[str, Any] | None = None
        #: records entered directly before credit became a process (stored events only): in force for good
        self.bad_credit: list[dict[str, Any]] = []
        #: H3 credit: 提请 → 决定 (with a period) → 信用修复, by proposal id
        self.credit: dict[str, dict[str, Any]] = {}
        #: 取消评估资格 (国令第713号第四十一条): no evaluation entrusts the agency again
        self.eligibility_revoked: dict[str, Any] | None = None
        #: 通报批评、责令限期整改 (713-41), by criticism id, each with its rectification once recorded
        self.criticisms: dict[str, dict[str, Any]] = {}

    @property
    def qualified(self) -> bool:
        """XX-21: good credit, the necessary equipment, qualified staff — as last recorded."""
        q = self.qualification
        return bool(q and q["credit_record_good"] and q["has_equipment"] and q["staff_qualified"])

    def credit_in_force(self, on: date) -> list[dict[str, Any]]:
        """The bad-credit records XX-21's check at entrustment (and NX-17's flag) sees on this day:
        the direct records of before, and every record the credit department decided whose period
        is running and which was not repaired."""
        return [*self.bad_credit, *(p for p in self.credit.values() if in_force(p, on))]

    @classmethod
    def register(cls, act: Act[RegisterAgency], ctx: Context) -> Agency:
        return cls._record_creation(cls.Registered, act)

    def record_qualification(self, act: Act[RecordQualification], ctx: Context) -> None:
        """记录机构资质 (XX-21)."""
        self._record(self.QualificationRecorded, act)

    def record_bad_credit(self, act: Act[RecordBadCredit], ctx: Context) -> None:
        """纳入不良信用记录 (NX-17, XX-24), directly: kept so that stored records replay; a new one is
        refused — the entrusting unit proposes it (提请) and the credit department decides."""
        case = self._entrusting_case(act.command.case_id, ctx)
        article = "NX-17" if case.is_nx else "XX-24"
        raise Refused(
            article,
            "不良信用记录由委托处室（委托单位）提请有关部门依法依规纳入，不得直接记录：请以 credit.propose 提请信用主管部门决定",
            "a bad-credit record is proposed by the entrusting unit to the competent department, which decides; it is "
            "not recorded directly: propose it with credit.propose",
            rule="credit/proposed-not-recorded")

    # --- H3 credit: 提请, 决定, 信用修复 (NX-17, XX-24, XX-21) -----------------------------------

    def propose_credit(self, act: Act[ProposeBadCredit], ctx: Context) -> None:
        """提请: the unit that entrusted this agency on the case proposes a bad-credit record."""
        command = act.command
        case = self._entrusting_case(command.case_id, ctx)
        article = "NX-17" if case.is_nx else "XX-24"
        if not case.is_lead_unit_staff(ctx):
            raise Refused(article, "只有委托该机构的处室（单位）可以提请纳入不良信用记录",
                          "only the unit that entrusted the agency on this case proposes a bad-credit record",
                          rule="credit/proposed-by-entrusting-unit")
        if str(command.proposal_id) in self.credit:
            raise Conflict(f"提请 {command.proposal_id} 已记录 / proposal {command.proposal_id} is already recorded")
        from domain.model.accountability import citation_problem  # the one check of a cited event

        for citation in command.cited_events:
            problem = citation_problem(ctx.directory, citation)
            if problem is not None:
                raise Refused(article, problem[0], problem[1], rule="credit/cited-events")
        self._record(self.CreditProposed, act)

    def decide_credit(self, act: Act[DecideBadCredit], ctx: Context) -> None:
        """信用主管部门决定: record for a period, or decline, with reasons."""
        proposal = self._proposal(act.command.proposal_id)
        if proposal["decision"] is not None:
            raise Conflict(f"proposal {act.command.proposal_id} was decided already ({proposal['decision']['outcome']})")
        self._record(self.CreditDecided, act)

    def repair_credit(self, act: Act[RepairCredit], ctx: Context) -> None:
        """信用修复: a record in force ends early; it stays on the history."""
        proposal = self._proposal(act.command.proposal_id)
        decision = proposal["decision"]
        if decision is None or decision["outcome"] != "recorded" or proposal["repair"] is not None:
            raise Conflict(f"提请 {act.command.proposal_id} 不是有效的不良信用记录，无需修复 / "
                           f"proposal {act.command.proposal_id} is no bad-credit record in force: nothing to repair")
        self._record(self.CreditRepaired, act)

    def revoke_eligibility(self, act: Act[RevokeAgencyEligibility], ctx: Context) -> None:
        """取消评估资格 (713-41), by the unit that entrusted the agency on the case."""
        eligibility.check_revocation(act, ctx, self.name, self.eligibility_revoked,
                                     lambda case: str(self.id) in case.agencies)
        self._record(self.EligibilityRevoked, act)

    def criticise(self, act: Act[CriticiseAgency], ctx: Context) -> None:
        """通报批评、责令限期整改 (713-41), by the unit that entrusted the agency on the case."""
        criticism.check_criticism(act, ctx, self.name, self.criticisms, lambda case: str(self.id) in case.agencies)
        self._record(self.Criticised, act)

    def record_rectification(self, act: Act[RecordAgencyRectification], ctx: Context) -> None:
        """整改完成 (713-41), by the unit that criticised the agency."""
        criticism.check_rectification(act, ctx, self.name, self.criticisms,
                                      lambda case: str(self.id) in case.agencies)
        self._record(self.RectificationRecorded, act)

    def _proposal(self, proposal_id: UUID) -> dict[str, Any]:
        proposal = self.credit.get(str(proposal_id))
        if proposal is None:
            raise NotFound(f"{self.name}没有不良信用提请 {proposal_id} / no bad-credit proposal {proposal_id} for {self.name}")
        return proposal

    def _entrusting_case(self, case_id: UUID, ctx: Context) -> EntrustingCase:
        found = ctx.directory.find(case_id, LedgerAggregate)
        if found is None or found.TOPIC != topics.CASE:  # type: ignore[attr-defined]
            raise NotFound(f"没有评估案件 {case_id} / no evaluation case {case_id}")
        case = cast(EntrustingCase, found)
        if str(self.id) not in case.agencies:
            raise NotFound(f"{self.name}未受托办理案件 {case_id} / {self.name} was not entrusted on case {case_id}")
        return case

    class Registered(LedgerCreated):
        TOPIC = "decision-ledger/Agency/Registered/v1"
        COMMAND = RegisterAgency

        def on(self, agency: Agency, act: Act[RegisterAgency]) -> None:
            agency.name = act.command.name
            agency.kind = act.command.kind.value
            agency.credit_code = act.command.credit_code
            agency.address = act.command.address
            agency.registered_by = act.actor_id

    class QualificationRecorded(LedgerEvent):
        TOPIC = "decision-ledger/Agency/QualificationRecorded/v1"
        COMMAND = RecordQualification

        def on(self, agency: Agency, act: Act[RecordQualification]) -> None:
            agency.qualification = {**act.command.model_dump(), **self.provenance(act)}

    class BadCreditRecorded(LedgerEvent):
        TOPIC = "decision-ledger/Agency/BadCreditRecorded/v1"
        COMMAND = RecordBadCredit

        def on(self, agency: Agency, act: Act[RecordBadCredit]) -> None:
            agency.bad_credit.append(
                {
                    "case_id": act.command.case_id,
                    "conduct": act.command.conduct,
                    **self.provenance(act),
                }
            )

    class CreditProposed(LedgerEvent):  # H3 credit
        TOPIC = "decision-ledger/Agency/CreditProposed/v1"
        COMMAND = ProposeBadCredit

        def on(self, agency: Agency, act: Act[ProposeBadCredit]) -> None:
            command = act.command
            agency.credit[str(command.proposal_id)] = {
                "proposal_id": command.proposal_id, "case_id": command.case_id, "conduct": command.conduct,
                "consequences": command.consequences,
                "cited_events": [c.model_dump(mode="json") for c in command.cited_events],
                **self.provenance(act), "decision": None, "repair": None,
            }

    class CreditDecided(LedgerEvent):  # H3 credit
        TOPIC = "decision-ledger/Agency/CreditDecided/v1"
        COMMAND = DecideBadCredit

        def on(self, agency: Agency, act: Act[DecideBadCredit]) -> None:
            command = act.command
            agency.credit[str(command.proposal_id)]["decision"] = {
                "outcome": command.outcome, "reasons": command.reasons,
                "valid_from": command.valid_from.isoformat() if command.valid_from else None,
                "valid_until": command.valid_until.isoformat() if command.valid_until else None,
                **self.provenance(act),
            }

    class CreditRepaired(LedgerEvent):  # H3 credit
        TOPIC = "decision-ledger/Agency/CreditRepaired/v1"
        COMMAND = RepairCredit

        def on(self, agency: Agency, act: Act[RepairCredit]) -> None:
            agency.credit[str(act.command.proposal_id)]["repair"] = {
                "reasons": act.command.reasons, **self.provenance(act)}

    class EligibilityRevoked(LedgerEvent):
        TOPIC = "decision-ledger/Agency/EligibilityRevoked/v1"
        COMMAND = RevokeAgencyEligibility

        def on(self, agency: Agency, act: Act[RevokeAgencyEligibility]) -> None:
            agency.eligibility_revoked = eligibility.revocation(act, self.provenance(act))

    class Criticised(criticism.Criticised):
        TOPIC = "decision-ledger/Agency/Criticised/v1"
        COMMAND = CriticiseAgency

    class RectificationRecorded(criticism.RectificationRecorded):
        TOPIC = "decision-ledger/Agency/RectificationRecorded/v1"
        COMMAND = RecordAgencyRectification
