"""Rules on evidence (NX-9, XX-7): no preset conclusion, no choice of data by preference."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from domain.model.rules.base import EventRef, Flag, Judgement, Refuse, Rule
from domain.model.rules.common import rule_of
from domain.model.vocabulary import Jurisdiction

# --- evidence (NX-9, XX-7) ----------------------------------------------------------------------


def preset_conclusion(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 跟踪反馈与后评估不得预设评估结论。 A conclusion or report draft recorded before the
    evidence phase is closed is accepted and flagged against the person who recorded it."""

    @rule_of(jurisdiction, "preset-conclusion", (article,), "不得预设评估结论", "no preset conclusion",
           "flag", {"case.draw_conclusion", "case.draft_report"})
    def check(j: Judgement) -> Iterator[Flag]:
        if j.the_case.evidence_closed is None:
            what = "初步结论" if j.action == "case.draw_conclusion" else "评估报告稿"
            yield Flag(
                f"证据收集结束前记录{what}，涉嫌预设评估结论",
                f"a {'conclusion' if what == '初步结论' else 'report draft'} was recorded before the "
                "evidence phase closed: a preset conclusion",
                persons=(j.actor_id,),
            )

    return check


def exclusion_reason(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 不得按照工作人员的偏好取舍信息资料: every exclusion states its reason."""

    @rule_of(jurisdiction, "exclusion-reason", (article,), "剔除资料应当说明理由", "an exclusion states its reason",
           "refuse", {"case.exclude_material"})
    def check(j: Judgement) -> Iterator[Refuse]:
        if not j.command.reason.strip():
            yield Refuse("剔除信息资料应当说明理由", "excluding material needs a stated reason")

    return check


#: One person's exclusions are skewed when at least this many fall mostly on one stance…
SKEW_MIN_EXCLUSIONS = 3
#: …at least this share of them (percent)…
SKEW_MIN_SHARE = 75
#: …and that share exceeds the stance's share of all collected material by this many points.
SKEW_MIN_EXCESS = 25


def skewed_exclusions(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 不得按照工作人员的偏好取舍信息资料. One person's exclusions that fall mostly on one
    stance — at least 3 exclusions, at least 75% on one stance, and 25 points above that stance's
    share of everything collected — are flagged with the figures, once per person and stance."""
    rule_id = f"{jurisdiction.value}/skewed-exclusions"

    @rule_of(jurisdiction, "skewed-exclusions", (article,), "不得按偏好取舍信息资料", "no choice of data by preference",
           "flag", {"case.exclude_material"})
    def check(j: Judgement) -> Iterator[Flag]:
        case = j.the_case
        actor = j.actor_id
        mine = [m for m in case.materials.values() if m["excluded"] and m["excluded"]["by"] == actor]
        target = case.materials.get(str(j.command.material_id))
        if target is None or target["excluded"]:
            return
        stances = Counter(m["stance"] for m in [*mine, target])
        stance, count = stances.most_common(1)[0]
        total = len(mine) + 1
        share = count * 100 // total
        collected = Counter(m["stance"] for m in case.materials.values())
        collected_share = collected[stance] * 100 // max(1, len(case.materials))
        already = any(
            f["rule"] == rule_id
            and f["figures"].get("stance") == stance
            and any(p["principal_id"] == actor for p in f["persons"])
            for f in case.findings
        )
        if total < SKEW_MIN_EXCLUSIONS or share < SKEW_MIN_SHARE or already:
            return
        if share - collected_share < SKEW_MIN_EXCESS:
            return
        yield Flag(
            f"同一工作人员剔除的{total}份资料中{count}份为“{stance}”立场（{share}%），"
            f"而该立场仅占全部资料的{collected_share}%，涉嫌按偏好取舍信息资料",
            f"{count} of this person's {total} exclusions ({share}%) fall on '{stance}' material, "
            f"which is {collected_share}% of all collected",
            persons=(actor,),
            cited=tuple(EventRef.of(case.id, m["excluded"]) for m in mine),
            figures={
                "stance": stance,
                "excluded_total": total,
                "excluded_on_stance": count,
                "share_percent": share,
                "collected_total": len(case.materials),
                "collected_on_stance": collected[stance],
                "collected_share_percent": collected_share,
            },
        )

    return check


