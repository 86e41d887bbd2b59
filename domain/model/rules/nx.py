"""The NX rulebook: 宁夏回族自治区商务厅重大行政决策实施情况跟踪反馈与后评估办法（试行）."""

from domain.model.rules import (
    avoidance,
    content,
    deadlines,
    entrustment,
    evidence,
    opening,
    results,
)
from domain.model.rules import procedure as P
from domain.model.rules import supply as supplying  # issue 18 — duty to supply (XX-6)
from domain.model.rules.base import Rulebook
from domain.model.vocabulary import Jurisdiction

NX = Jurisdiction.NX

RULEBOOK = Rulebook(
    id="NX",
    version=3,
    title="宁夏回族自治区商务厅重大行政决策实施情况跟踪反馈与后评估办法（试行）",
    jurisdiction=NX,
    rules=(
        opening.trigger_grounds(NX, "NX-4"),
        avoidance.demonstrators_recorded(NX, ("NX-8", "713-36")),
        content.plan_complete(NX, "NX-10(1)"),
        content.content_items(NX, "NX-6"),
        content.report_sections(NX, "NX-7", required=("NX-7(1)", "NX-7(2)", "NX-7(3)", "NX-7(4)")),
        # issue 18 — bodies: NX-4 names the three bodies; NX-10(2) dates their decision
        results.approval_body(NX, ("NX-4", "NX-10(2)", "NX-12a")),
        results.approval_date(NX, "NX-10(2)"),
        entrustment.entrusted_scope(NX, "NX-4"),
        entrustment.no_hand_over(NX, "NX-4"),
        avoidance.unit_excluded(NX, ("713-36", "NX-8")),
        avoidance.demonstrators_excluded(NX, ("NX-8",), in_principle=True),
        entrustment.agency_bad_credit(NX, "NX-17"),
        evidence.exclusion_reason(NX, "NX-9"),
        evidence.skewed_exclusions(NX, "NX-9"),
        evidence.preset_conclusion(NX, "NX-9"),
        deadlines.completion_deadline(NX, "NX-11", days=90),
        deadlines.submission_deadline(NX, "NX-12b", days=15),
        results.mitigation_measures(NX, "NX-14"),
        results.publication_withholds_classified(NX, ("NX-15",)),
        results.accountability(NX, ("NX-16",)),
        # issue 18 — outsourcing (NX-4): hand-over seen from conduct; the 承办处室 finalises the report
        entrustment.hand_over_by_conduct(NX, "NX-4"),
        entrustment.report_by_lead_unit(NX, ("NX-4", "NX-10(4)")),
        # issue 18 — duty to supply (XX-6): the Ningxia text is silent on related units, so Decree 713 Art. 40 alone
        supplying.supply_refused(NX, ("713-40",)),
        supplying.supply_overdue(NX, ("713-40",)),
        supplying.supply_withheld(NX, ("713-40",)),  # issue 18 review — items not supplied
        # issue 18 — preset conclusion and preference (NX-9)
        evidence.material_source(NX, "NX-9"),
        evidence.evidence_closed_empty(NX, "NX-9"),
        evidence.selective_collection(NX, "NX-9"),
        evidence.skewed_team_exclusions(NX, "NX-9"),
        evidence.conclusion_without_opinion(NX, "NX-9"),
        evidence.conclusion_without_stakeholders(NX, "NX-10(3)"),
        evidence.preset_in_plan(NX, "NX-9"),
        # NX acceptance audit — NX-13: a major change names the regional rules' procedure it follows
        results.major_change_procedure(NX, "NX-13"),
        # NX acceptance audit — NX-10(2): entrustment and outside experts wait for the decision to evaluate
        entrustment.entrustment_after_approval(NX, ("NX-10(2)", "NX-4")),
    ),
    procedure=tuple(p for p in P.ALL if p.nx),
)
