"""Rules on evidence (NX-9, XX-7): no preset conclusion, no choice of data by preference."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from domain.model.evidence_work import (
    PRESET_MIN_CHARS,
    UNCONFIRMED,
    chosen_by,
    counted_stance,
    has_evidence,
    repeated_in,
)
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
    share of everything collected — are flagged with the figures, once per person and stance. The
    stance counted is the sourced or confirmed one; a bare label counts as 未经核实
    (:func:`domain.model.evidence_work.counted_stance`)."""
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
        stances = Counter(counted_stance(case, m) for m in [*mine, target])
        stance, count = stances.most_common(1)[0]
        total = len(mine) + 1
        share = count * 100 // total
        collected = Counter(counted_stance(case, m) for m in case.materials.values())
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
            f"同一工作人员剔除的{total}份资料中{count}份为“{STANCE_LABELS[stance]}”立场（{share}%），"
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


# --- issue 18: conclusions on the whole of the evidence (NX-9, XX-7, NX-10(3), XX-12) ------------

#: The ways of hearing the public that count as a channel of opinion (NX-9 / XX-7 广泛听取公民、
#: 法人和其他组织的意见; NX-10(3), XX-12(2), XX-15): a site visit alone hears no one.
OPINION_CHANNELS = frozenset({"survey", "forum", "hearing", "consultation"})
STANCE_LABELS = {"supporting": "支持", "opposing": "反对", "neutral": "中立", "mixed": "兼有",
                 UNCONFIRMED: "未经核实"}


def _conclusion_flag(j: Judgement, zh: str, en: str, **figures: int | str) -> Flag:
    return Flag(zh, en, persons=(j.actor_id,), figures=figures)


def conclusion_without_opinion(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 广泛听取公民、法人和其他组织的意见: a conclusion drawn with no survey, forum,
    hearing or consultation recorded on the case is flagged against the person who drew it."""

    @rule_of(jurisdiction, "conclusion-without-opinion", (article,), "未听取公众意见即得出结论",
             "a conclusion with no public-opinion channel", "flag", {"case.draw_conclusion"})
    def check(j: Judgement) -> Iterator[Flag]:
        kinds = {a["kind"] for a in j.the_case.activities.values()}
        if not kinds & OPINION_CHANNELS:
            yield _conclusion_flag(
                j, "未经问卷调查、座谈会、论证会或征求意见听取公众意见即得出初步结论，涉嫌预设评估结论",
                "a conclusion was drawn with no survey, forum, hearing or consultation recorded")

    return check


def conclusion_without_stakeholders(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-10(3) 可以采取问卷调查、实地调研、召开座谈会或者论证会等方式进行，应注重听取社会公众特别是利害关系人
    的意见: a conclusion drawn before any forum or hearing at which a 利害关系人 took part, or any
    survey with 利害关系人 among its respondents, is flagged against the person who drew it."""

    @rule_of(jurisdiction, "conclusion-without-stakeholders", (article,), "未听取利害关系人意见即得出结论",
             "a conclusion without hearing the parties concerned", "flag", {"case.draw_conclusion"})
    def check(j: Judgement) -> Iterator[Flag]:
        heard = sum(a.get("stakeholders", 0) for a in j.the_case.activities.values()
                    if a["kind"] in ("forum", "hearing", "survey"))
        if heard == 0:
            yield _conclusion_flag(
                j, "未召开有利害关系人参加的座谈会或论证会，也未向利害关系人问卷调查，即得出初步结论，未注重听取利害关系人的意见",
                "a conclusion was drawn before any forum, hearing or survey that heard a party concerned")

    return check


def conclusion_without_before_after(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-12(1) 收集重大行政决策实施前后的信息: a conclusion drawn without material (not excluded)
    from before and from after the implementation is flagged against the person who drew it."""

    @rule_of(jurisdiction, "conclusion-without-before-after", (article,), "未收集实施前后的信息即得出结论",
             "a conclusion without information from before and after implementation", "flag",
             {"case.draw_conclusion"})
    def check(j: Judgement) -> Iterator[Flag]:
        periods = Counter(m["period"] for m in j.the_case.materials.values() if not m["excluded"])
        missing = [label for period, label in (("before", "实施前"), ("after", "实施后")) if not periods[period]]
        if missing:
            yield _conclusion_flag(
                j, f"未收集决策{'和'.join(missing)}的信息即得出初步结论",
                f"a conclusion was drawn without information from {' and '.join(missing)} the implementation",
                before=periods["before"], after=periods["after"])

    return check


def preset_in_plan(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 不得预设评估结论: a conclusion one of whose sentences (at least eight characters,
    spaces and punctuation aside) appears word for word in the plan or an entrustment written
    before any evidence was gathered is flagged, citing that plan or entrustment."""

    @rule_of(jurisdiction, "preset-in-plan", (article,), "结论照搬评估方案或委托协议预先写明的结论",
             "a conclusion repeating one written beforehand", "flag", {"case.draw_conclusion"})
    def check(j: Judgement) -> Iterator[Flag]:
        case = j.the_case
        sources = ([case.plan] if case.plan else []) + list(case.agencies.values())
        earlier = [(s, found) for s in sources if (stated := s.get("stated")) and not stated["after_evidence"]
                   and (found := repeated_in(j.command.conclusion, stated["texts"]))]
        if earlier:
            yield Flag(
                "初步结论照搬了收集证据前评估方案或委托协议中已写明的表述，涉嫌预设评估结论",
                "the conclusion repeats a sentence the plan or an entrustment stated before any evidence",
                persons=(j.actor_id,), cited=tuple(EventRef.of(case.id, s) for s, _ in earlier),
                figures={"repeated_sentences": len({x for _, found in earlier for x in found}),
                         "min_characters": PRESET_MIN_CHARS})

    return check


def evidence_closed_empty(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 全面调查了解实施情况: closing the evidence with no material kept, no survey,
    meeting, visit or consultation and no opinion is flagged against the person who closes it."""

    @rule_of(jurisdiction, "evidence-closed-empty", (article,), "未收集任何证据即结束证据收集",
             "evidence closed with no evidence", "flag", {"case.close_evidence"})
    def check(j: Judgement) -> Iterator[Flag]:
        if not has_evidence(j.the_case):
            yield Flag("未收集任何资料、未开展任何调查、未记录任何意见即结束证据收集",
                       "the evidence was closed with no material, activity or opinion recorded",
                       persons=(j.actor_id,), figures={"materials": 0, "activities": 0, "opinions": 0})

    return check


def material_source(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7: a material said to come from a survey, meeting, visit or consultation names
    one recorded on the case (its stance then counts as sourced)."""

    @rule_of(jurisdiction, "material-source", (article,), "资料来源的调查活动应当在案",
             "a material's source activity is on the case", "refuse", {"case.collect_material"})
    def check(j: Judgement) -> Iterator[Refuse]:
        via = j.command.via
        if via is not None and str(via) not in j.the_case.activities:
            yield Refuse("资料注明的来源调查活动（问卷、座谈会、论证会、调研或征求意见）未在本案记录",
                         "the survey, meeting, visit or consultation the material came from is not on this case")

    return check


# --- issue 18: preference, for the team as well as per person, on collection as well as exclusion --

#: The team's exclusions are skewed on the same thresholds as one person's (SKEW_MIN_*).
#: Collection is selective when at least this many materials with a sourced or confirmed stance…
COLLECTION_MIN_MATERIALS = 4
#: …are at least this share (percent) of one stance, supporting or opposing…
COLLECTION_MIN_SHARE = 75
#: …while at least this many opinions were recorded…
COLLECTION_MIN_OPINIONS = 3
#: …of which that stance's share is lower by at least this many points.
COLLECTION_MIN_GAP = 40
#: Among at least COLLECTION_MIN_MATERIALS materials, more than this share (percent) with an
#: unconfirmed stance hides the collection from the check: that is flagged too.
UNCONFIRMED_MAX_SHARE = 50


def skewed_team_exclusions(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 不得按照工作人员的偏好取舍信息资料, for the team as a whole: all exclusions on
    the case, by whoever made them, on the thresholds of one person's (at least 3, at least 75% on
    one counted stance, 25 points above its share of all collected), once per stance, when two or
    more people excluded material of that stance (one person alone is ``skewed-exclusions``),
    naming each of them."""
    rule_id = f"{jurisdiction.value}/skewed-team-exclusions"

    @rule_of(jurisdiction, "skewed-team-exclusions", (article,), "评估小组整体不得按偏好取舍信息资料",
             "no choice of data by preference, team as a whole", "flag", {"case.exclude_material"})
    def check(j: Judgement) -> Iterator[Flag]:
        case = j.the_case
        target = case.materials.get(str(j.command.material_id))
        if target is None or target["excluded"]:
            return
        excluded = [m for m in case.materials.values() if m["excluded"]]
        skew = _exclusion_skew(case, [*excluded, target])
        if skew is None or any(f["rule"] == rule_id and f["figures"].get("stance") == skew["stance"]
                               for f in case.findings):
            return
        stance = str(skew["stance"])
        on_stance = [m for m in excluded if counted_stance(case, m) == stance]
        persons = tuple(dict.fromkeys([*(m["excluded"]["by"] for m in on_stance), j.actor_id]))
        if len(persons) < 2:
            return  # one person's exclusions: the rule ``skewed-exclusions``
        yield Flag(
            f"本案剔除的{skew['excluded_total']}份资料中{skew['excluded_on_stance']}份为“{STANCE_LABELS[stance]}”"
            f"立场（{skew['share_percent']}%），而该立场仅占全部资料的{skew['collected_share_percent']}%，"
            "评估小组整体涉嫌按偏好取舍信息资料",
            f"{skew['excluded_on_stance']} of the case's {skew['excluded_total']} exclusions "
            f"({skew['share_percent']}%) fall on '{stance}' material, {skew['collected_share_percent']}% of all collected",
            persons=persons, cited=tuple(EventRef.of(case.id, m["excluded"]) for m in on_stance), figures=skew)

    return check


def _exclusion_skew(case: Any, excluded: list[dict[str, Any]]) -> dict[str, int | str] | None:
    """The figures of a skew of these exclusions against all collected material, if there is one."""
    stances = Counter(counted_stance(case, m) for m in excluded)
    stance, count = stances.most_common(1)[0]
    total = len(excluded)
    share = count * 100 // total
    collected = Counter(counted_stance(case, m) for m in case.materials.values())
    collected_share = collected[stance] * 100 // max(1, len(case.materials))
    if total < SKEW_MIN_EXCLUSIONS or share < SKEW_MIN_SHARE or share - collected_share < SKEW_MIN_EXCESS:
        return None
    return {"stance": stance, "excluded_total": total, "excluded_on_stance": count, "share_percent": share,
            "collected_total": len(case.materials), "collected_on_stance": collected[stance],
            "collected_share_percent": collected_share}


def selective_collection(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 不得按照工作人员的偏好取舍信息资料, on collection: when the evidence closes,
    the materials with a sourced or confirmed stance (:func:`~domain.model.evidence_work.counted_stance`)
    — the team's, or else those one person chose (:func:`~domain.model.evidence_work.chosen_by`: a
    supplied material is chosen by the person who requested it, never the unit's signer) — are
    selective when at least 4 of them, at least 75% are of one stance (supporting or opposing),
    while of at least 3 opinions recorded that stance's share is 40 points lower or more. Among
    at least 4 materials, more than half unconfirmed is flagged too: it would hide the check."""

    @rule_of(jurisdiction, "selective-collection", (article,), "不得按偏好选择性收集信息资料",
             "no selective collection of data", "flag", {"case.close_evidence"})
    def check(j: Judgement) -> Iterator[Flag]:
        case = j.the_case
        materials = list(case.materials.values())
        team = _collection_skew(case, materials)
        if team is not None:
            yield _collection_flag(case, "评估小组收集", team)
        else:
            for person in dict.fromkeys(chosen_by(case, m) for m in materials):
                skew = _collection_skew(case, [m for m in materials if chosen_by(case, m) == person])
                if skew is not None:
                    yield _collection_flag(case, "同一工作人员收集", skew)
        unconfirmed = [m for m in materials if counted_stance(case, m) == UNCONFIRMED]
        share = len(unconfirmed) * 100 // max(1, len(materials))
        if len(materials) >= COLLECTION_MIN_MATERIALS and share > UNCONFIRMED_MAX_SHARE:
            yield Flag(
                f"结束证据收集时{len(materials)}份资料中{len(unconfirmed)}份（{share}%）的立场仅有收集人标注，"
                "来源记录（同一调查活动记录的意见）不能印证，也未经他人核实，无法检查是否按偏好取舍信息资料",
                f"{len(unconfirmed)} of {len(materials)} materials ({share}%) carry only their collector's stance, "
                "supported neither by their source's record nor by a second person",
                persons=tuple(dict.fromkeys(chosen_by(case, m) for m in unconfirmed)),
                cited=tuple(EventRef.of(case.id, m["collected"]) for m in unconfirmed),
                figures={"stance": UNCONFIRMED, "collected_total": len(materials),
                         "collected_on_stance": len(unconfirmed), "collected_share_percent": share})

    return check


def _collection_skew(case: Any, materials: list[dict[str, Any]]) -> dict[str, Any] | None:
    counted = [m for m in materials if counted_stance(case, m) in ("supporting", "opposing", "neutral", "mixed")]
    opinions = Counter(o["stance"] for o in case.opinions.values())
    total_opinions = sum(opinions.values())
    if len(counted) < COLLECTION_MIN_MATERIALS or total_opinions < COLLECTION_MIN_OPINIONS:
        return None
    stances = Counter(counted_stance(case, m) for m in counted)
    for stance in ("supporting", "opposing"):
        share = stances[stance] * 100 // len(counted)
        heard = opinions[stance] * 100 // total_opinions
        if share >= COLLECTION_MIN_SHARE and share - heard >= COLLECTION_MIN_GAP:
            return {"stance": stance, "collected_total": len(counted), "collected_on_stance": stances[stance],
                    "collected_share_percent": share, "opinions_total": total_opinions,
                    "opinions_on_stance": opinions[stance], "opinions_share_percent": heard,
                    "materials": [m for m in counted if counted_stance(case, m) == stance]}
    return None


def _collection_flag(case: Any, who: str, skew: dict[str, Any]) -> Flag:
    chosen = skew.pop("materials")
    stance = skew["stance"]
    return Flag(
        f"{who}的{skew['collected_total']}份已核实立场的资料中{skew['collected_on_stance']}份为"
        f"“{STANCE_LABELS[stance]}”立场（{skew['collected_share_percent']}%），而听取的{skew['opinions_total']}条"
        f"意见中该立场仅占{skew['opinions_share_percent']}%，涉嫌按偏好选择性收集信息资料",
        f"{skew['collected_on_stance']} of {skew['collected_total']} materials ({skew['collected_share_percent']}%) "
        f"are '{stance}' while {skew['opinions_share_percent']}% of {skew['opinions_total']} opinions are",
        persons=tuple(dict.fromkeys(chosen_by(case, m) for m in chosen)),
        cited=tuple(EventRef.of(case.id, m["collected"]) for m in chosen), figures=skew)
