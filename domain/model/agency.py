"""Agency: a third party a lead unit may entrust with an evaluation (NX-4, XX-20)."""

from __future__ import annotations

from typing import Any, Protocol, cast
from uuid import UUID

from domain.errors import NotFound
from domain.evidence import topics
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerAggregate, LedgerCreated, LedgerEvent
from domain.model.commands.agency import RecordBadCredit, RecordQualification, RegisterAgency
from domain.model.vocabulary import Role


class EntrustingCase(Protocol):
    """The evaluation case a bad-credit record is about, as the agency consults it."""

    agencies: dict[str, dict[str, Any]]

    @property
    def is_nx(self) -> bool: ...

    def is_lead_unit_staff(self, ctx: Context) -> bool: ...


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
        self.bad_credit: list[dict[str, Any]] = []

    @property
    def qualified(self) -> bool:
        """XX-21: good credit, the necessary equipment, qualified staff — as last recorded."""
        q = self.qualification
        return bool(q and q["credit_record_good"] and q["has_equipment"] and q["staff_qualified"])

    @classmethod
    def register(cls, act: Act[RegisterAgency], ctx: Context) -> Agency:
        return cls._record_creation(cls.Registered, act)

    def record_qualification(self, act: Act[RecordQualification], ctx: Context) -> None:
        """记录机构资质 (XX-21)."""
        self._record(self.QualificationRecorded, act)

    def record_bad_credit(self, act: Act[RecordBadCredit], ctx: Context) -> None:
        """纳入不良信用记录 (NX-17, XX-24): by the unit that entrusted the agency on that case,
        or by a discipline inspector."""
        found = ctx.directory.find(act.command.case_id, LedgerAggregate)
        if found is None or found.TOPIC != topics.CASE:  # type: ignore[attr-defined]
            raise NotFound(f"no evaluation case {act.command.case_id}")
        case = cast(EntrustingCase, found)
        if str(self.id) not in case.agencies:
            raise NotFound(f"{self.name} was not entrusted on case {act.command.case_id}")
        ctx.require(
            case.is_lead_unit_staff(ctx) or ctx.has_role(Role.DISCIPLINE_INSPECTOR),
            "the entrusting unit (委托处室/单位) or a discipline inspector records bad credit",
            "NX-17" if case.is_nx else "XX-24",
        )
        self._record(self.BadCreditRecorded, act)

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



