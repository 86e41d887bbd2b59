"""Commands on entrusted agencies (受委托评估机构, NX-4, XX-20)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from domain.commands.base import Command, Name
from domain.vocabulary import AgencyKind


class RegisterAgency(Command):
    ACTION = "agency.register"

    name: Name
    kind: AgencyKind
    credit_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{18}$")]  # 统一社会信用代码
    address: Annotated[str, Field(max_length=200)] = ""
