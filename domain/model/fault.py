"""经评估发现并确认的决策过错 (XX-18; 国令第713号第三十八条): the evaluation's own finding that the
decision it evaluates was made at fault. Signed by the lead unit once the report is formed, citing
the stored events that show it; kept among the case's findings (``source: "evaluation"``), where
an inspector's procedure (``accountability.open`` with ``finding_id``) takes it up and closes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import Refused
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerEvent
from domain.model.commands.fault import ConfirmDecisionFault

if TYPE_CHECKING:
    from domain.model.case import EvaluationCase


def article_of(case: EvaluationCase) -> str:
    """XX-18 for 息县; the Ningxia text has no article of its own on the decision's fault."""
    return "713-38" if case.is_nx else "XX-18"


def check_confirmation(case: EvaluationCase, act: Act[ConfirmDecisionFault], ctx: Context) -> None:
    article = article_of(case)
    if not case.report:
        raise Refused(article, "决策过错应当经评估发现并确认：评估报告正式形成后方可记录",
                      "a fault of the decision is confirmed by the evaluation: record it once the report is formed",
                      rule="decision-fault/after-the-report")
    from domain.model.accountability import citation_problem  # the one check of a cited event

    for citation in act.command.cited_events:
        problem = citation_problem(ctx.directory, citation)
        if problem is not None:
            raise Refused(article, problem[0], problem[1], rule="decision-fault/cited-events")


class DecisionFaultConfirmed(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/DecisionFaultConfirmed/v1"
    COMMAND = ConfirmDecisionFault

    def on(self, case: EvaluationCase, act: Act[ConfirmDecisionFault]) -> None:
        command = act.command
        case.findings.append({
            "finding_id": command.finding_id,
            "source": "evaluation",
            "rule": f"{case.jurisdiction}/decision-fault",
            "conduct": command.fault.value,
            "summary_zh": command.statement,
            "articles": [article_of(case)],
            "persons": [],  # the fault is the decision's: the procedure names who answers for it
            "cited_events": [e.model_dump() for e in command.cited_events],
            "closed": None,
            **self.provenance(act),
        })
