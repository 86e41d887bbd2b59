"""Rules on time limits (NX-11, NX-12b), judged on each act and by the deadline sweep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from uuid import UUID

from domain.model.calendar import china_date
from domain.model.rules.base import SWEEP, EventRef, Flag, Judgement, Rule
from domain.model.rules.common import rule_of
from domain.model.vocabulary import Jurisdiction

# --- deadlines (NX-11, NX-12b) ------------------------------------------------------------------


def _responsible_for_case(j: Judgement) -> tuple[UUID, ...]:
    """Who answers for a case's timing: the person who opened it and the team leaders."""
    case = j.the_case
    leaders = [UUID(pid) for pid, member in case.team.items() if member["team_role"] == "leader"]
    return tuple(dict.fromkeys([case.opened["by"], *leaders]))


def completion_deadline(jurisdiction: Jurisdiction, article: str, days: int) -> Rule:
    """NX-11 应当在确定评估开始之日起九十日内完成评估工作。 Counted in calendar days (China Standard
    Time) from the date the decision organ decided to start; completion is the report's
    finalisation. Flagged when the report is finalised late, or by the sweep once the deadline has
    passed without one; once per case."""
    rule_id = f"{jurisdiction.value}/completion-deadline"

    @rule_of(jurisdiction, "completion-deadline", (article,), f"{days}日内完成评估", f"finish within {days} days",
           "flag", {"case.finalise_report", SWEEP})
    def check(j: Judgement) -> Iterator[Flag]:
        case = j.the_case
        if case.approval is None or case.findings_of_rule(rule_id):
            return
        start = date.fromisoformat(case.approval["decided_on"])
        deadline = start + timedelta(days=days)
        today = china_date(j.ctx.now)
        if j.action == SWEEP and case.report is not None:
            return
        if today <= deadline:
            return
        late = (today - deadline).days
        yield Flag(
            f"评估自{start}开始，应于{deadline}前完成，{'完成时' if j.action != SWEEP else '至今'}已逾期{late}日",
            f"the evaluation started {start} and was due by {deadline}; {late} days overdue",
            persons=_responsible_for_case(j),
            cited=(EventRef.of(case.id, case.approval),),
            cite_this_event=j.action != SWEEP,
            figures={"start": str(start), "deadline": str(deadline), "days_overdue": late},
        )

    return check


def submission_deadline(jurisdiction: Jurisdiction, article: str, days: int) -> Rule:
    """NX-12b 评估工作完成之日起十五日内，承办处室应根据评估报告和实际情况向厅决策机关提请审议。 Flagged
    when the submission is late, or by the sweep once the deadline has passed; once per case."""
    rule_id = f"{jurisdiction.value}/submission-deadline"

    @rule_of(jurisdiction, "submission-deadline", (article,), f"完成后{days}日内提请审议", f"submit within {days} days",
           "flag", {"case.submit_report", SWEEP})
    def check(j: Judgement) -> Iterator[Flag]:
        case = j.the_case
        if case.report is None or case.findings_of_rule(rule_id):
            return
        if j.action == SWEEP and case.submission is not None:
            return
        done = china_date(case.report["at"])
        deadline = done + timedelta(days=days)
        today = china_date(j.ctx.now)
        if today <= deadline:
            return
        late = (today - deadline).days
        yield Flag(
            f"评估工作于{done}完成，应于{deadline}前提请厅决策机关审议，已逾期{late}日",
            f"the evaluation finished {done}; submission was due by {deadline}; {late} days overdue",
            persons=_responsible_for_case(j),
            cited=(EventRef.of(case.id, case.report),),
            cite_this_event=j.action != SWEEP,
            figures={"completed": str(done), "deadline": str(deadline), "days_overdue": late},
        )

    return check


