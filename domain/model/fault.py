"""经评估发现并确认的决策过错 (XX-18; 国令第713号第三十八条、第三十九条): the evaluation's own finding
that the decision it evaluates was made at fault — the decision's own fault (713-38), or a unit's
fault in the decision procedure, naming the unit (713-39). Signed by the lead unit once the report
is formed, citing the stored events that show it; kept among the case's findings (``source:
"evaluation"``), where an inspector's procedure (``accountability.open`` with ``finding_id``)
takes it up and closes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import Refused
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerEvent
from domain.model.commands.fault import ConfirmDecisionFault
from domain.model.decision import Decision
from domain.model.making import units_of_the_making
from domain.model.vocabulary import UNIT_FAULTS, DecisionFault

if TYPE_CHECKING:
    from domain.model.case import EvaluationCase


def article_of(case: EvaluationCase) -> str:
    """XX-18 for 息县; the Ningxia text has no article of its own on the decision's fault."""
    return "713-38" if case.is_nx else "XX-18"


def articles_of(case: EvaluationCase, fault: DecisionFault) -> list[str]:
    """The articles a confirmed fault rests on: a unit's fault in the procedure is 713-39's
    (under XX-18 too, for 息县); the decision's own, :func:`article_of`."""
    if fault in UNIT_FAULTS:
        return ["713-39"] if case.is_nx else ["XX-18", "713-39"]
    return [article_of(case)]


def check_unit(case: EvaluationCase, act: Act[ConfirmDecisionFault], ctx: Context) -> None:
    """713-39 names the unit at fault, one that did work on the decision; 713-38's faults are
    the decision's own and name none."""
    command = act.command
    if command.fault not in UNIT_FAULTS:
        if command.unit_id is not None:
            raise Refused(article_of(case),
                          "决策严重失误、久拖不决是决策本身的过错，不指明单位；单位在决策程序中的过错请选择第三十九条的过错种类",
                          "a seriously wrong or unduly delayed decision is the decision's own fault and names no unit; "
                          "for a unit's fault in the procedure choose one of Article 39's kinds",
                          rule="decision-fault/unit-named")
        return
    if command.unit_id is None:  # ARTICLE: 713-39
        raise Refused("713-39", "决策程序中的过错应当指明承担责任的单位：决策承办单位或者承担决策有关工作的单位",
                      "a fault in the decision procedure names the unit: the undertaking unit or a unit that did "
                      "work on the decision (unit_id)", rule="decision-fault/unit-named")
    decision = ctx.directory.find(case.decision_id, Decision) if case.decision_id is not None else None
    if decision is None or command.unit_id not in units_of_the_making(decision, ctx):  # ARTICLE: 713-39
        raise Refused("713-39", "所指单位不是该决策的承办单位，也没有记录在案的决策有关工作（公众参与、风险评估、合法性审查、集体讨论、公布）",
                      "the unit named neither undertook the decision nor has recorded work on it (participation, "
                      "risk assessment, legality review, discussion, publication)", rule="decision-fault/unit-of-the-making")


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
    check_unit(case, act, ctx)


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
            "articles": articles_of(case, command.fault),
            "persons": [],  # the procedure names who answers for it
            **({"unit_id": command.unit_id} if command.unit_id is not None else {}),
            "cited_events": [e.model_dump() for e in command.cited_events],
            "closed": None,
            **self.provenance(act),
        })
