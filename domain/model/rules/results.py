"""Rules on the decision organ's acts and the results: approval (NX-10(2)), rulings (NX-14, XX-16),
publication (XX-17, NX-15, XX-22), and findings of misconduct (NX-16, XX-23, XX-18)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from domain.model.calendar import china_date
from domain.model.rules.base import Judgement, Refuse, Rule
from domain.model.rules.common import codes, rule_of
from domain.model.vocabulary import (
    NX_DECISION_BODIES,
    Classification,
    Jurisdiction,
    Misconduct,
    Ruling,
)

# --- approval (NX) --------------------------------------------------------------------------------


def approval_body(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """NX-10(2) 承办处室提请厅决策机关研究审议是否开展评估工作; NX-4 本办法所称厅决策机关是指厅党组会议、
    厅务会议以及厅专题会议。 The date the body decided may not be later than its recording: the
    NX-11 deadline counts from it."""

    @rule_of(jurisdiction, "approval-body", articles, "由厅决策机关审议", "decided by one of the three bodies",
           "refuse", {"case.approve_evaluation", "case.decline_evaluation"})
    def check(j: Judgement) -> Iterator[Refuse]:
        if j.command.body not in NX_DECISION_BODIES:
            yield Refuse(
                "厅决策机关是指厅党组会议、厅务会议以及厅专题会议",
                "the decision organ is the party group meeting, the office meeting or a special meeting",
            )
        if date.fromisoformat(j.command.decided_on) > china_date(j.ctx.now):
            yield Refuse(
                f"审议日期{j.command.decided_on}晚于记录日期，不能预先记录",
                f"the decision date {j.command.decided_on} is later than today: it cannot be recorded in advance",
            )

    return check


# --- results ------------------------------------------------------------------------------


def mitigation_measures(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-14 / XX-16 作出中止执行、终止执行或者调整决策内容决定的，应当采取有效措施，避免或者减少经济损失
    和不良社会影响。 Suspend, terminate or adjust needs its measures."""

    @rule_of(jurisdiction, "mitigation-measures", (article,), "中止、终止或调整应当采取措施",
           "suspend, terminate or adjust with measures", "refuse", {"case.record_ruling"})
    def check(j: Judgement) -> Iterator[Refuse]:
        if j.command.ruling is not Ruling.CONTINUE and not j.command.measures:
            yield Refuse(
                "作出中止执行、终止执行或者调整决策内容决定的，应当记录避免或者减少经济损失和不良社会影响的措施",
                f"a ruling to {j.command.ruling.value} must record its mitigation measures",
            )

    return check


def publication_withholds_classified(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """XX-17 向社会公开，涉及国家秘密、商业秘密或者个人隐私的内容除外; NX-15 / XX-22 对工作涉及的国家秘密、
    商业秘密、工作秘密及个人隐私等予以保密。 Publication withholds every classified material."""

    @rule_of(jurisdiction, "publication-withholds-classified", articles, "公开时不得包含涉密资料",
           "publication withholds classified material", "refuse", {"case.publish_results"})
    def check(j: Judgement) -> Iterator[Refuse]:
        withheld = {str(m) for m in j.command.withheld_material_ids}
        exposed = [
            (material_id, m["classification"])
            for material_id, m in j.the_case.materials.items()
            if m["classification"] != Classification.NONE.value and material_id not in withheld
        ]
        if exposed:
            yield Refuse(
                f"{len(exposed)}份涉密资料（{codes(sorted({c for _, c in exposed}))}）未列入不予公开范围",
                f"{len(exposed)} classified materials are not withheld from publication",
            )

    return check


# --- accountability (NX-16, XX-23, XX-18) ----------------------------------------------------------


def accountability(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """NX-16 / XX-23 存在失职渎职、弄虚作假、干扰评估等行为的，对负有责任的领导人员和直接责任人员依法依规
    追究责任 (NX-16 adds: 评估结果无法运用与其工作不力、方式方法简单有关的). An inspector's finding cites
    stored events, pinned by their hashes."""
    conducts = set(Misconduct) if jurisdiction is Jurisdiction.NX else set(Misconduct) - {Misconduct.INEFFECTIVE_WORK}

    @rule_of(jurisdiction, "accountability", articles, "追究责任应当以记录在案的行为为据",
           "findings of misconduct cite recorded events", "refuse", {"case.find_misconduct"})
    def check(j: Judgement) -> Iterator[Refuse]:
        command = j.command
        if command.conduct not in conducts:
            yield Refuse(
                f"{articles[0]}未规定“{command.conduct.value}”情形",
                f"{articles[0]} does not name the conduct '{command.conduct.value}'",
            )
            return
        for citation in command.cited_events:
            stored = j.ctx.directory.stored_event_hash(citation.aggregate_id, citation.version)
            if stored != citation.hash:
                yield Refuse(
                    f"所引事件{citation.aggregate_id}第{citation.version}版与账本记录不符",
                    f"cited event {citation.aggregate_id} version {citation.version} "
                    + ("does not exist" if stored is None else "has another hash"),
                )
                return

    return check
