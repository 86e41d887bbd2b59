"""Helpers for issue 18 point 6 (bodies): an XX case on a township government's own decision,
applying the county's measures under XX-26 (参照执行), with its people in their organisations."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from tests.support import Step, World, XXScript

TOWNSHIP = "项店镇人民政府"
TOWNSHIP_UNIT = "项店镇农业农村办公室"


class TownshipScript(XXScript):
    """XXScript whose decision is 项店镇人民政府's own: the county government, the township under it,
    the township's working unit that carries out the decision, the county justice bureau and
    office. ``township_head`` approves for the township; ``county_officer`` is the county
    government's (its office's) decision-organ staff."""

    def __init__(self, world: World, department: str | None = None) -> None:
        """``department``: the decision is that county department's own instead (XX-26's 县政府部门),
        carried out by the department itself."""
        super().__init__(world)
        self.county_id = self.world.organisation("息县人民政府", "organ", None)
        if department is None:
            self.township_id = self.world.organisation(TOWNSHIP, "organ", self.county_id)
            self.unit_id = self.world.organisation(TOWNSHIP_UNIT, "unit", self.township_id)
            self.organ_name, self.unit_name = TOWNSHIP, TOWNSHIP_UNIT
        else:
            self.township_id = self.unit_id = self.world.organisation(department, "unit", self.county_id)
            self.organ_name = self.unit_name = department
        self.justice_id = self.world.organisation("息县司法局", "justice", self.county_id)
        self.office_id = self.world.organisation("息县人民政府办公室", "office", self.county_id)
        self.lead = self.world.member("刘洋", ["lead_unit"], self.unit_id, self.unit_name)
        self.member = self.world.member("王芳", ["lead_unit"], self.unit_id, self.unit_name)
        self.justice = self.world.member("何静", ["justice_reviewer"], self.justice_id, "息县司法局")
        self.township_head = self.world.member("张强", ["decision_organ"], self.township_id, self.organ_name)
        self.county_officer = self.world.member("郑军", ["decision_organ"], self.office_id, "息县人民政府办公室")
        self.county = self.township_head
        self.decision_id = uuid4()
        world.do(self.member, "decision.register", self.decision_id, {
            "jurisdiction": "XX", "title": "项店镇农村人居环境整治实施方案", "document_number": "项政〔2021〕8号",
            "organ": self.organ_name, "decided_on": "2021-06-18", "purpose": "改善农村人居环境",
            "organisation_id": str(self.township_id)})
        # NX-8, 713-36: who did the main pre-decision demonstration (here: no one) before a case opens
        world.do(self.member, "decision.record_demonstrators", self.decision_id, {"none": True})

    def open_args(self) -> dict[str, Any]:
        return {**super().open_args(), "lead_unit": self.unit_name, "title": f"{self.organ_name}决策后评估"}

    def steps(self) -> list[Step]:
        """XXScript's steps, the report approved by the township itself (XX-26)."""
        return [
            Step("approve_report", lambda: self.do(self.township_head, "case.approve_report", self.approval()))
            if step.name == "approve_report" else step
            for step in super().steps()
        ]

    def approval(self, body: str = "deciding_organ", meeting: str = "项店镇党政联席会议") -> dict[str, Any]:
        return {"report_id": str(self.report_id), "report_digest": self.report_digest(), "body": body, "meeting": meeting}
