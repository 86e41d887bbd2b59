"""The NX rulebook: 宁夏回族自治区商务厅重大行政决策实施情况跟踪反馈与后评估办法（试行）."""

from domain.model.rules import procedure as P
from domain.model.rules import templates as t
from domain.model.rules.base import Rulebook
from domain.model.vocabulary import Jurisdiction

NX = Jurisdiction.NX

RULEBOOK = Rulebook(
    id="NX",
    version=1,
    title="宁夏回族自治区商务厅重大行政决策实施情况跟踪反馈与后评估办法（试行）",
    jurisdiction=NX,
    rules=(
        t.trigger_grounds(NX, "NX-4"),
        t.plan_complete(NX, "NX-10(1)"),
        t.content_items(NX, "NX-6"),
        t.report_sections(NX, "NX-7", required=("NX-7(1)", "NX-7(2)", "NX-7(3)", "NX-7(4)")),
        t.approval_body(NX, ("NX-10(2)", "NX-4")),
        t.entrusted_scope(NX, "NX-4"),
        t.no_hand_over(NX, "NX-4"),
        t.demonstrators_excluded(NX, "NX-8"),
        t.agency_bad_credit(NX, "NX-17"),
        t.exclusion_reason(NX, "NX-9"),
        t.skewed_exclusions(NX, "NX-9"),
        t.preset_conclusion(NX, "NX-9"),
        t.completion_deadline(NX, "NX-11", days=90),
        t.submission_deadline(NX, "NX-12b", days=15),
        t.mitigation_measures(NX, "NX-14"),
        t.publication_withholds_classified(NX, ("NX-15",)),
        t.accountability(NX, ("NX-16",)),
    ),
    procedure=tuple(p for p in P.ALL if p.nx),
)
