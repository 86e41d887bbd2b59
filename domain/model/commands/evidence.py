"""Commands of the evidence work (NX-9, XX-7): interim findings kept apart from conclusions, and
a material's stance confirmed by a second person."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from domain.model.commands.base import Command, LongText
from domain.model.vocabulary import Stance


class RecordInterimFinding(Command):
    """记录阶段性发现 (跟踪反馈; NX-9, XX-7): what the work has shown so far, recorded while the
    evidence is still being gathered. It is not a conclusion (NX-10(3), XX-12(3)) and is never
    judged as a preset one."""

    ACTION = "case.record_interim_finding"

    interim_id: UUID
    statement: LongText


class ConfirmStance(Command):
    """核实资料立场 (NX-9, XX-7): a second person, not the collector, states the stance of a
    collected material; the skew rules count this stance rather than the collector's label."""

    ACTION = "case.confirm_stance"

    material_id: UUID
    stance: Stance
    note: Annotated[str, Field(max_length=2000)] = ""
