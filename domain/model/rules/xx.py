"""The XX rulebook: 息县重大行政决策实施情况跟踪反馈与后评估办法（试行）（息政办〔2021〕43号）."""

from domain.model.rules import content, entrustment, evidence, opening, results
from domain.model.rules import procedure as P
from domain.model.rules.base import Rulebook
from domain.model.vocabulary import Jurisdiction

XX = Jurisdiction.XX

RULEBOOK = Rulebook(
    id="XX",
    version=1,
    title="息县重大行政决策实施情况跟踪反馈与后评估办法（试行）",
    jurisdiction=XX,
    rules=(
        opening.trigger_grounds(XX, "XX-9"),
        opening.superior_evaluation(XX, "XX-19"),
        content.plan_complete(XX, "XX-11(2)"),
        content.content_items(XX, "XX-8"),
        content.report_sections(XX, "XX-14", required=("XX-14(1)", "XX-14(2)", "XX-14(3)")),
        entrustment.entrusted_scope(XX, "XX-20"),
        entrustment.no_hand_over(XX, "XX-20"),
        entrustment.agency_qualified(XX, "XX-21"),
        evidence.exclusion_reason(XX, "XX-7"),
        evidence.skewed_exclusions(XX, "XX-7"),
        evidence.preset_conclusion(XX, "XX-7"),
        results.mitigation_measures(XX, "XX-16"),
        results.publication_withholds_classified(XX, ("XX-17", "XX-22")),
        results.accountability(XX, ("XX-23", "XX-18")),
        # issue 18 — bodies and readings (XX-13(4), XX-16, XX-26; 国令第713号第三十七条)
        results.county_body(XX, ("XX-13(4)", "XX-26"), "case.approve_report", "评估报告审定"),
        results.county_body(XX, ("XX-16", "XX-26"), "case.record_ruling", "决策执行的决定"),
        results.ruling_procedure(XX, ("XX-16", "713-37")),
    ),
    procedure=tuple(p for p in P.ALL if p.xx),
)
