"""The XX rulebook: 息县重大行政决策实施情况跟踪反馈与后评估办法（试行）（息政办〔2021〕43号）."""

from domain.model.rules import (
    avoidance,
    content,
    deadlines,
    disclosure,
    entrustment,
    evidence,
    opening,
    preparation,
    results,
    review,
)
from domain.model.rules import procedure as P
from domain.model.rules import supply as supplying  # issue 18 — duty to supply (XX-6)
from domain.model.rules.base import Rulebook
from domain.model.vocabulary import Jurisdiction

XX = Jurisdiction.XX

RULEBOOK = Rulebook(
    id="XX",
    version=3,
    title="息县重大行政决策实施情况跟踪反馈与后评估办法（试行）",
    jurisdiction=XX,
    rules=(
        opening.trigger_grounds(XX, "XX-9"),
        opening.superior_evaluation(XX, "XX-19"),
        avoidance.demonstrators_recorded(XX, ("713-36",)),
        content.plan_complete(XX, "XX-11(2)"),
        content.content_items(XX, "XX-8"),
        content.report_sections(XX, "XX-14", required=("XX-14(1)", "XX-14(2)", "XX-14(3)")),
        entrustment.entrusted_scope(XX, "XX-20"),
        entrustment.no_hand_over(XX, "XX-20"),
        entrustment.agency_qualified(XX, "XX-21"),
        avoidance.unit_excluded(XX, ("713-36",)),
        avoidance.demonstrators_excluded(XX, ("713-36",), in_principle=False),
        evidence.exclusion_reason(XX, "XX-7"),
        evidence.skewed_exclusions(XX, "XX-7"),
        evidence.preset_conclusion(XX, "XX-7"),
        results.mitigation_measures(XX, "XX-16"),
        results.publication_withholds_classified(XX, ("XX-17", "XX-22")),
        results.accountability(XX, ("XX-23", "XX-18")),
        # issue 18 — outsourcing (XX-20, XX-6): hand-over seen from conduct; the 决策执行单位 finalises
        # the report; an agency engages experts only where its own staff cannot meet the need
        entrustment.hand_over_by_conduct(XX, "XX-20"),
        entrustment.report_by_lead_unit(XX, ("XX-6", "XX-13(3)")),
        entrustment.experts_when_own_staff_insufficient(XX, "XX-20"),
        # issue 18 — deadlines on the official calendar: the publication period (point 7)
        deadlines.publication_period(XX, "XX-17"),
        # issue 18 — duty to supply (XX-6): XX-6 with Decree 713 Art. 40
        supplying.supply_refused(XX, ("XX-6", "713-40")),
        supplying.supply_overdue(XX, ("XX-6", "713-40")),
        supplying.supply_withheld(XX, ("XX-6", "713-40")),  # issue 18 review — items not supplied
        # issue 18 — preset conclusion and preference (XX-7)
        evidence.material_source(XX, "XX-7"),
        evidence.evidence_closed_empty(XX, "XX-7"),
        evidence.selective_collection(XX, "XX-7"),
        evidence.skewed_team_exclusions(XX, "XX-7"),
        evidence.conclusion_without_opinion(XX, "XX-7"),
        evidence.conclusion_without_before_after(XX, "XX-12(1)"),
        evidence.preset_in_plan(XX, "XX-7"),
        # issue 18 — bodies and readings (XX-13(4), XX-16, XX-26; 国令第713号第三十七条)
        results.county_body(XX, ("XX-13(4)", "XX-26"), "case.approve_report", "评估报告审定"),
        results.county_body(XX, ("XX-16", "XX-26"), "case.record_ruling", "决策执行的决定"),
        results.ruling_procedure(XX, ("XX-16", "713-37")),
        # acceptance audit — XX-11: the team is the working unit's staff, with invited members;
        # the questionnaire is designed (XX-11(3)) before the survey (XX-12(2))
        preparation.team_composition(XX, "XX-11(1)"),
        preparation.questionnaire_before_survey(XX, "XX-11(3)"),
        # acceptance audit — XX-6: whoever took part in the evaluation does not review its report
        review.review_apart_from_evaluation(XX, "XX-6"),
        # acceptance audit — XX-17: only classified material is kept out of the published results
        disclosure.withheld_only_if_classified(XX, ("XX-17", "XX-22")),
    ),
    procedure=tuple(p for p in P.ALL if p.xx),
)
