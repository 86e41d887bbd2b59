"""Commands on entrusted agencies (受委托评估机构, NX-4, XX-20)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from domain.model.commands.base import Command, Name, Text
from domain.model.vocabulary import AgencyKind


class RegisterAgency(Command):
    """登记第三方机构 — register an agency an evaluation may be entrusted to (NX-8, XX-10), by its
    unified social credit code (统一社会信用代码)."""

    ACTION = "agency.register"

    name: Name
    kind: AgencyKind
    credit_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{18}$")]  # 统一社会信用代码
    address: Annotated[str, Field(max_length=200)] = ""


class RecordQualification(Command):
    """记录机构资质 (XX-21): good credit, the necessary equipment, qualified staff."""

    ACTION = "agency.record_qualification"

    credit_record_good: bool
    has_equipment: bool
    staff_qualified: bool
    evidence: Text


class RecordBadCredit(Command):
    """纳入不良信用记录 (NX-17, XX-24): an agency reported against the facts with serious
    consequences on a case it was entrusted with."""

    ACTION = "agency.record_bad_credit"

    case_id: UUID
    conduct: Text
    consequences: Text
