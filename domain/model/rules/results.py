"""Rules on the decision organ's acts and the results: approval (NX-10(2)), rulings (NX-14, XX-16),
publication (XX-17, NX-15, XX-22), and findings of misconduct (NX-16, XX-23, XX-18)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from uuid import UUID

from domain.model.calendar import china_date
from domain.model.decision import Decision
from domain.model.organisation import Organisation, lineage, scope_of
from domain.model.rules.base import Judgement, Refuse, Rule
from domain.model.rules.common import codes, rule_of
from domain.model.vocabulary import (
    COUNTY_BODIES,
    COUNTY_BODY_NAMES,
    NX_BODY_NAMES,
    NX_DECISION_BODIES,
    Classification,
    DecisionBody,
    Jurisdiction,
    Misconduct,
    Ruling,
    RulingBasis,
)

# --- the bodies that decide (NX-4, NX-10(2); XX-13(4), XX-16, XX-26) ------------------------------

NX_BODY_ACTIONS = {"case.approve_evaluation", "case.decline_evaluation", "case.record_ruling"}


#: a government named as the one whose meeting it is: 息县人民政府, 银川市政府, 自治区人民政府办公厅
_GOVERNMENT = re.compile(r"(?:[省市县区州盟旗乡镇]|自治区)(?:人民)?政府")


def approval_body(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """NX-4 本办法所称厅决策机关是指厅党组会议、厅务会议以及厅专题会议。 NX-10(2) approvals and NX-12a
    rulings come from one of these three bodies, and the meeting named is that body's: a 厅长办公会
    recorded as a 厅务会议 is not one of them, nor is a government's meeting (息县人民政府专题会议)
    recorded as a 厅专题会议 — whose is the meeting is read before the body's name, where a
    government (县人民政府, 自治区人民政府办公厅) makes it the government's, while a topic that names
    one (数字政府建设专题会议, a 厅专题会议 on a government's plan) leaves it the 厅's.
    The refusal cites NX-4, which names the bodies."""

    @rule_of(jurisdiction, "approval-body", articles, "由厅决策机关审议决定", "decided by one of the three bodies",
           "refuse", NX_BODY_ACTIONS)
    def check(j: Judgement) -> Iterator[Refuse]:
        body, meeting = j.command.body, j.command.meeting
        if body not in NX_DECISION_BODIES:
            yield Refuse(
                "厅决策机关是指厅党组会议、厅务会议以及厅专题会议，不包括其他机关或会议",
                f"{body.value} is not a decision body: the party group meeting, the office meeting or a special meeting",
            )
        elif NX_BODY_NAMES[body] not in meeting or "办公会" in meeting or _GOVERNMENT.search(meeting.partition(NX_BODY_NAMES[body])[0]):
            yield Refuse(
                f"会议“{meeting}”不是厅决策机关的会议：厅决策机关是指厅党组会议、厅务会议以及厅专题会议",
                f"the meeting '{meeting}' is not a meeting of the {body.value} (NX-4 names three bodies only)",
            )

    return check


def approval_date(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-10(2) 承办处室提请厅决策机关研究审议是否开展评估工作: the date the body decided may not be
    later than its recording, since the NX-11 deadline counts from it."""

    @rule_of(jurisdiction, "approval-date", (article,), "审议日期不得晚于记录日期", "the decision date is not in the future",
           "refuse", {"case.approve_evaluation", "case.decline_evaluation"})
    def check(j: Judgement) -> Iterator[Refuse]:
        if date.fromisoformat(j.command.decided_on) > china_date(j.ctx.now):
            yield Refuse(
                f"审议日期{j.command.decided_on}晚于记录日期，不能预先记录",
                f"the decision date {j.command.decided_on} is later than today: it cannot be recorded in advance",
            )

    return check


def deciding_organ_of(j: Judgement) -> Organisation | None:
    """XX-26 各乡镇（办事处）和县政府部门……参照本办法执行: the organisation of the case's decision
    when it is a township government or a county department (any organisation under another),
    else None (the county government's own decision, or one recorded before organisations)."""
    decision = j.ctx.directory.find(j.the_case.decision_id, Decision) if j.the_case.decision_id else None
    if decision is None or decision.organisation_id is None:
        return None
    organisation = j.ctx.directory.find(decision.organisation_id, Organisation)
    return organisation if organisation is not None and organisation.parent_id is not None else None


def county_body(jurisdiction: Jurisdiction, articles: tuple[str, ...], action: str, what: str) -> Rule:
    """XX-13(4) 通过后提交县政府审定; XX-16 经报县政府研究同意: the county government approves the report
    and rules on the decision — the 县政府 itself or its 常务会议 or 全体会议, where it studies and
    decides (国令第713号第三十条). XX-26: a township government or county department applying the
    measures to its own decision does so itself, by persons of that organ."""

    @rule_of(jurisdiction, f"{action.split('_', 1)[1]}-body", articles, f"{what}由县政府（参照执行的，由作出决策的机关）作出",
           f"{action}: the county government, or under XX-26 the organ whose decision it is", "refuse", {action})
    def check(j: Judgement) -> Iterator[Refuse]:
        body = j.command.body
        organ = deciding_organ_of(j)
        if organ is None and body not in COUNTY_BODIES:
            yield Refuse(
                f"{what}应当由县政府作出（县政府常务会议、全体会议视为县政府），“{j.command.meeting}”不是县政府",
                f"{action} is for the county government (its standing or plenary meeting), not {body.value}",
            )
        elif organ is None and not county_meeting(body, j.command.meeting):
            yield Refuse(
                f"{what}应当由县政府作出：“{j.command.meeting}”不是县政府的会议"
                + (f"（{body_label(body)}的名称应当含“{COUNTY_BODY_NAMES[body]}”）" if body in COUNTY_BODY_NAMES else ""),
                f"'{j.command.meeting}' is not a meeting of the county government ({body.value})",
            )
        elif organ is not None and body is not DecisionBody.DECIDING_ORGAN:
            yield Refuse(
                f"本决策由{organ.name}作出，参照息县办法执行，{what}由{organ.name}作出",
                f"the decision is {organ.name}'s, applying the measures under XX-26: {organ.name} decides",
            )
        elif organ is not None and not belongs_to(j, organ):
            yield Refuse(
                f"{what}由作出决策的{organ.name}作出，签署人不属于该机关",
                f"the signer does not belong to {organ.name}, whose decision it is",
            )

    return check


def county_meeting(body: DecisionBody, meeting: str) -> bool:
    """Is the meeting named a meeting of the county (县人民政府, its 常务会议 or 全体会议), and of the
    body claimed? A 厅 body's meeting (厅务会议…) is not, whatever the body field says."""
    named = "县" in meeting and "厅" not in meeting
    return named and (body not in COUNTY_BODY_NAMES or COUNTY_BODY_NAMES[body] in meeting)


def body_label(body: DecisionBody) -> str:
    return {DecisionBody.COUNTY_STANDING_MEETING: "县政府常务会议", DecisionBody.COUNTY_PLENARY_MEETING: "县政府全体会议"}.get(
        body, "县政府")


def belongs_to(j: Judgement, organ: Organisation) -> bool:
    """Does the signer act within the organ (its own staff, or a body serving it)?"""
    actor_organisation: UUID | None = getattr(j.ctx.actor, "organisation_id", None)
    if actor_organisation is None:
        return False

    def find(organisation_id: UUID) -> Organisation | None:
        return j.ctx.directory.find(organisation_id, Organisation)

    return organ.id in lineage(scope_of(actor_organisation, find), find)


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


def ruling_procedure(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """XX-16 第二款 跟踪反馈与后评估报告建议停止执行、暂缓执行或建议对决策内容作重大修改的，经报县政府
    研究同意后，按照《重大行政决策程序暂行条例》第三十七条规定执行。 Art. 37: no change or stop without
    the legal procedure; in an emergency the head may first decide to suspend; a major adjustment
    goes through the decision procedure again. So a ruling to suspend or stop, or to change the
    decision substantially, records the procedure it rests on — studied and agreed by the county
    government, or (suspension only) the head's decision in an emergency, with the emergency
    stated — and a major change names the procedure that follows."""

    @rule_of(jurisdiction, "ruling-procedure", articles, "停止、暂缓执行或重大修改应当载明程序依据",
           "stop, suspend or major change records its procedural basis", "refuse", {"case.record_ruling"})
    def check(j: Judgement) -> Iterator[Refuse]:
        command = j.command
        if command.major_change and command.ruling is not Ruling.ADJUST:
            yield Refuse("只有调整决策内容的决定才是对决策内容作重大修改",
                         "only a ruling to adjust changes the decision's content")
            return
        if command.ruling not in (Ruling.SUSPEND, Ruling.TERMINATE) and not command.major_change:
            return
        if command.basis is None:
            yield Refuse(
                "停止执行、暂缓执行或对决策内容作重大修改，应当载明程序依据：经报县政府研究同意，"
                "或者情况紧急时由行政首长先决定中止执行",
                f"a ruling to {command.ruling.value} states its procedure: studied and agreed by the county "
                "government, or the head's emergency suspension",
            )
        elif command.basis is RulingBasis.EMERGENCY_SUSPENSION and command.ruling is not Ruling.SUSPEND:
            yield Refuse("情况紧急时行政首长只能先决定中止执行，停止执行或重大修改应当经县政府研究同意",
                         "in an emergency the head may only suspend first; stopping or a major change is studied and agreed")
        elif command.basis is RulingBasis.EMERGENCY_SUSPENSION and not command.emergency.strip():
            yield Refuse("行政首长先决定中止执行的，应当载明紧急情况",
                         "an emergency suspension states the emergency")
        if command.major_change and not command.follow_up.strip():
            yield Refuse("对决策内容作重大修改的，应当载明依照《重大行政决策程序暂行条例》履行的相关法定程序",
                         "a major change names the decision procedure it follows (Decree 713 Art. 37)")

    return check


def major_change_procedure(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-13 厅决策机关对决策内容作重大修改的，按照《宁夏回族自治区重大行政决策规定》有关规定执行。
    A major change is a change of the decision's content, so only a ruling to adjust can be one;
    and the ruling names the procedure of the regional rules it follows. That procedure lies
    outside this text: the ledger records its name, not its steps."""

    @rule_of(jurisdiction, "major-change-procedure", (article,), "对决策内容作重大修改的，载明依照自治区规定履行的程序",
           "a major change names the procedure of the regional rules it follows", "refuse", {"case.record_ruling"})
    def check(j: Judgement) -> Iterator[Refuse]:
        command = j.command
        if not command.major_change:
            return
        if command.ruling is not Ruling.ADJUST:
            yield Refuse(
                f"只有调整决策内容的决定才是对决策内容作重大修改，“{RULING_LABELS[command.ruling]}”的决定不是",
                f"only a ruling to adjust changes the decision's content; a ruling to {command.ruling.value} does not",
            )
        elif not command.follow_up.strip():
            yield Refuse(
                "厅决策机关对决策内容作重大修改的，按照《宁夏回族自治区重大行政决策规定》有关规定执行：应当载明所履行的程序",
                "a major change of the decision's content follows the Ningxia regional rules on major administrative "
                "decisions: name the procedure it follows",
            )

    return check


#: The rulings as the texts word them (NX-12b, NX-14; XX-16)
RULING_LABELS = {Ruling.CONTINUE: "继续实施", Ruling.ADJUST: "调整", Ruling.SUSPEND: "中止执行", Ruling.TERMINATE: "终止执行"}


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
