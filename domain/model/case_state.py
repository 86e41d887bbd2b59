"""The state of an evaluation case (评估案件) and the checks its steps share: where the case stands
(its phase), who may act on it, and the order of steps (:mod:`domain.model.rules.procedure`).
:class:`domain.model.case.EvaluationCase` adds the steps themselves and their events."""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.errors import Conflict, MalformedInput, Refused
from domain.model import case_events as ev
from domain.model import outsourcing
from domain.model import process_record as pr
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerAggregate
from domain.model.rules import procedure as P
from domain.model.vocabulary import Jurisdiction, Procedure, Role, Scope


class Phase(StrEnum):
    PREPARATION = "preparation"  # 准备阶段 / 成立小组、制定方案
    AWAITING_APPROVAL = "awaiting_approval"  # NX-10(2) 提请厅决策机关审议
    DECLINED = "declined"  # 厅决策机关决定不开展评估
    IMPLEMENTATION = "implementation"  # 实施阶段 / 开展具体评估工作
    CONCLUSION = "conclusion"  # 结论形成阶段 / 形成评估报告
    REPORT_FINALISED = "report_finalised"  # 正式形成报告
    JUSTICE_REVIEW_PASSED = "justice_review_passed"  # XX-13(4) 司法行政部门审核通过
    REPORT_APPROVED = "report_approved"  # XX-13(4) 县政府审定
    SUBMITTED = "submitted"  # NX-12b 提请厅决策机关审议
    RULED = "ruled"  # NX-12a, NX-14, XX-16
    PUBLISHED = "published"  # XX-17


class CaseState(LedgerAggregate):
    """What every step of a case reads: its state, and the checks of who acts and in what order."""

    def __init__(self) -> None:
        self.decision_id: UUID | None = None
        self.jurisdiction = ""
        self.title = ""
        self.lead_unit = ""
        self.grounds: list[str] = []
        self.ground_statement = ""
        self.scope = Scope.WHOLE.value
        self.scope_parts: list[str] = []
        self.procedure = Procedure.STANDARD.value
        self.simplified_reason = ""
        self.opened: dict[str, Any] = {}
        self.team: dict[str, dict[str, Any]] = {}
        self.team_formed: dict[str, Any] | None = None
        self.plan: dict[str, Any] | None = None
        self.survey_plan: dict[str, Any] | None = None
        self.approval: dict[str, Any] | None = None
        self.declined: dict[str, Any] | None = None
        self.agencies: dict[str, dict[str, Any]] = {}
        self.experts: dict[str, dict[str, Any]] = {}
        self.materials: dict[str, dict[str, Any]] = {}
        self.activities: dict[str, dict[str, Any]] = {}
        self.opinions: dict[str, dict[str, Any]] = {}
        self.evidence_closed: dict[str, Any] | None = None
        self.conclusions: list[dict[str, Any]] = []
        self.drafts: dict[str, dict[str, Any]] = {}
        self.report: dict[str, Any] | None = None
        self.justice_review: dict[str, Any] | None = None
        self.report_approval: dict[str, Any] | None = None
        self.submission: dict[str, Any] | None = None
        self.ruling: dict[str, Any] | None = None
        self.publication: dict[str, Any] | None = None
        self.findings: list[dict[str, Any]] = []
        # issue 18 — duty to supply (XX-6): requests to related units, by request id
        self.supply_requests: dict[str, dict[str, Any]] = {}
        self.interim_findings: dict[str, dict[str, Any]] = {}  # issue 18 — evidence (NX-9, XX-7)
        self.acts: list[dict[str, Any]] = []  # issue 18 — every act, for the 全过程记录 (NX-10(4))

    # --- where the case stands -------------------------------------------------------------

    @property
    def is_nx(self) -> bool:
        return self.jurisdiction == Jurisdiction.NX.value

    @property
    def is_simplified(self) -> bool:
        return self.procedure == Procedure.SIMPLIFIED.value

    @property
    def phase(self) -> Phase:
        if self.publication:
            return Phase.PUBLISHED
        if self.ruling:
            return Phase.RULED
        if self.declined:
            return Phase.DECLINED
        if self.submission:
            return Phase.SUBMITTED
        if self.report_approval:
            return Phase.REPORT_APPROVED
        if self.report_is_final:
            if self.justice_review and self.justice_review["status"] == "passed":
                return Phase.JUSTICE_REVIEW_PASSED
            return Phase.REPORT_FINALISED
        if self.evidence_closed or self.drafts:
            return Phase.CONCLUSION
        if self.work_open and (self.is_nx or self.is_simplified or self.work_recorded):
            return Phase.IMPLEMENTATION
        if self.is_nx and self.plan:
            return Phase.AWAITING_APPROVAL
        return Phase.PREPARATION

    @property
    def work_open(self) -> bool:
        """Whether evaluation work may be done: NX after approval (NX-10(2)); XX once the plan
        exists (XX-11), or at once on the simplified procedure (XX-15)."""
        if self.is_nx:
            return self.approval is not None
        return self.is_simplified or self.plan is not None

    @property
    def work_recorded(self) -> bool:
        """Whether implementation work has begun: XX's preparation phase lasts until then."""
        return bool(self.materials or self.activities or self.opinions or self.conclusions)

    @property
    def report_is_final(self) -> bool:
        """A report is final until a justice review returns it (XX-13(4))."""
        return self.report is not None and not (
            self.justice_review and self.justice_review["status"] == "returned"
        )

    def applied(self, event: ev.LedgerEvent, act: Act[Any]) -> None:
        """全过程记录 (NX-10(4)): keep each act, in order (:mod:`domain.model.process_record`)."""
        self.acts.append(pr.act_entry(event, act, self.jurisdiction))

    def _art(self, nx: str, xx: str) -> str:
        return nx if self.is_nx else xx

    # --- who may act --------------------------------------------------------------------

    def is_lead_unit_staff(self, ctx: Context) -> bool:
        return ctx.has_role(Role.LEAD_UNIT) and ctx.actor.unit == self.lead_unit and ctx.in_scope

    def is_team_leader(self, ctx: Context) -> bool:
        return self.team.get(str(ctx.actor.id), {}).get("team_role") == "leader"

    def acting_agency(self, ctx: Context) -> UUID | None:
        """The entrusted agency the actor works for on this case as its registered staff, if any
        (issue 18: with evidence of employment, :mod:`domain.model.outsourcing`)."""
        actor = ctx.actor
        if actor.agency_id and str(actor.agency_id) in self.agencies and outsourcing.is_registered_staff(
                actor, actor.agency_id):
            return actor.agency_id
        return None

    def is_evaluator(self, ctx: Context) -> bool:
        """承办处室 staff, team members, staff of an entrusted agency, engaged experts."""
        actor_id = str(ctx.actor.id)
        return (
            self.is_lead_unit_staff(ctx)
            or actor_id in self.team
            or self.acting_agency(ctx) is not None
            or actor_id in self.experts
        )

    def _require_lead_unit(self, ctx: Context, nx: str = "NX-4") -> None:
        """承办处室 (NX-4; ``nx`` where an article names it for the step, as NX-12b does) /
        决策执行单位 (XX-6)."""
        ctx.require(
            self.is_lead_unit_staff(ctx),
            f"只有承办单位{self.lead_unit}的人员可以办理此步骤", f"only staff of the lead unit {self.lead_unit} may take this step",
            self._art(nx, "XX-6"),
        )

    def _require_evaluator(self, ctx: Context) -> None:
        ctx.require(
            self.is_evaluator(ctx),
            "只有本案的承办单位、评估小组、受委托机构或外聘专家可以记录评估工作",
            "only the lead unit, the evaluation team, an entrusted agency or an engaged expert "
            "of this case may record evaluation work",
            self._art("NX-4", "XX-6"),
        )

    # --- order of steps -------------------------------------------------------------------

    def _refuse(self, rule: P.ProcedureRule) -> Refused:
        return rule.refusal(self.jurisdiction)

    def _require_not_closed(self) -> None:
        if self.declined:
            raise self._refuse(P.CASE_CLOSED)

    def _require_work_open(self) -> None:
        self._require_not_closed()
        if not self.work_open:
            raise self._refuse(P.APPROVAL_BEFORE_WORK if self.is_nx else P.PLAN_BEFORE_IMPLEMENTATION)

    def _require_evidence_open(self) -> None:
        if self.evidence_closed:
            raise self._refuse(P.EVIDENCE_CLOSED)

    def _require_report_open(self) -> None:
        if self.report_is_final:
            raise self._refuse(P.REPORT_FINAL)

    def _require_current_report(self, report_id: UUID) -> None:
        if not self.report_is_final or self.report is None:
            raise self._refuse(P.REPORT_REQUIRED)
        if self.report["report_id"] != report_id:
            raise self._refuse(P.REPORT_OF_THIS_CASE)

    def _only(self, jurisdiction: Jurisdiction, rule: P.ProcedureRule) -> None:
        if self.jurisdiction != jurisdiction.value:
            raise self._refuse(rule)

    def accountability_articles(self) -> list[str]:
        """Articles an inspector's finding rests on: NX-16; XX-23 with XX-18's lifetime chain."""
        return ["NX-16"] if self.is_nx else ["XX-23", "XX-18"]

    # --- shared by the steps ----------------------------------------------------------------------

    def _require_work(self, ctx: Context) -> None:
        self._require_work_open()
        self._require_evaluator(ctx)
        self._require_evidence_open()

    def _require_new(self, registry: dict[str, Any], item_id: UUID, what: str) -> None:
        if str(item_id) in registry:
            raise Conflict(f"本案已记录 {item_id} / {what} {item_id} is already recorded on this case")

    def _record_activity(self, event: type[ev.LedgerEvent], act: Act[Any], ctx: Context) -> None:
        self._require_work(ctx)
        command = act.command
        self._require_new(self.activities, getattr(command, event.ID_FIELD), "activity")  # type: ignore[attr-defined]
        start, end = getattr(command, "period_from", None), getattr(command, "period_to", None)
        if start and end and start > end:
            raise MalformedInput(f"period_from {start} is after period_to {end}")
        self._record(event, act)

    def open_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if not f["closed"]]

    def _require_new_finding(self, finding_id: UUID) -> None:
        if any(f["finding_id"] == finding_id for f in self.findings):
            raise Conflict(f"本案已记录该问题 / finding {finding_id} is already recorded on this case")

    def findings_of_rule(self, rule: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["rule"] == rule]
