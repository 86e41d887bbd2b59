"""Agency: a third party a lead unit may entrust with an evaluation (NX-4, XX-20)."""

from __future__ import annotations

from uuid import UUID

from domain.aggregate import Act, Context, LedgerAggregate, LedgerCreated
from domain.commands.agency import RegisterAgency


class Agency(LedgerAggregate):
    """受委托评估机构: a university, research institute, law firm, social organisation or
    consultancy. Its qualifications (XX-21) and credit record (NX-17, XX-24) are added to it."""

    TOPIC = "decision-ledger/Agency/v1"

    def __init__(self) -> None:
        self.name = ""
        self.kind = ""
        self.credit_code = ""
        self.address = ""
        self.registered_by: UUID | None = None

    @classmethod
    def register(cls, act: Act[RegisterAgency], ctx: Context) -> Agency:
        return cls._record_creation(cls.Registered, act)

    class Registered(LedgerCreated):
        TOPIC = "decision-ledger/Agency/Registered/v1"
        COMMAND = RegisterAgency

        def on(self, agency: Agency, act: Act[RegisterAgency]) -> None:
            agency.name = act.command.name
            agency.kind = act.command.kind.value
            agency.credit_code = act.command.credit_code
            agency.address = act.command.address
            agency.registered_by = act.actor_id
