"""XX-6 review apart from the evaluation: who took part is refused, not every holder of a role
in the 决策执行单位 (the 县司法局 may itself be the unit that carries out a decision)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import Refused
from tests.support import World, XXScript

JUSTICE = "息县司法局"


class JusticeLedScript(XXScript):
    """A decision the 县司法局 carries out: it evaluates it (XX-6) and, apart, reviews the report."""

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.lead = world.person("李明", ["lead_unit"], JUSTICE)
        self.member = world.person("王芳", ["lead_unit"], JUSTICE)
        # the bureau's reviewer also holds the lead-unit role for the bureau's own decisions
        self.justice = world.person("赵强", ["justice_reviewer", "lead_unit"], JUSTICE)

    def open_args(self) -> dict[str, Any]:
        return {**super().open_args(), "lead_unit": JUSTICE}


def test_a_reviewer_of_the_executing_unit_who_took_no_part_reviews(world: World) -> None:
    script = JusticeLedScript(world)
    script.advance_to("pass_justice_review")
    script.do(script.justice, "case.pass_justice_review", {"report_id": str(script.report_id), "opinion": "合法"})
    assert script.case.justice_review is not None and script.case.justice_review["status"] == "passed"


def test_a_reviewer_who_recorded_evaluation_work_is_refused(world: World) -> None:
    script = JusticeLedScript(world)
    script.advance_to("collect_baseline")
    member, script.member = script.member, script.justice  # not on the team, but collects a material
    script.advance_to("hold_forum")
    script.member = member
    script.advance_to("pass_justice_review")
    with pytest.raises(Refused) as refused:
        script.do(script.justice, "case.pass_justice_review", {"report_id": str(script.report_id), "opinion": "合法"})
    assert refused.value.article == "XX-6" and refused.value.rule == "XX/review-apart-from-evaluation"
    assert "记录" in refused.value.zh
