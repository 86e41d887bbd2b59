"""Rules on entrusted agencies and outside experts (NX-4, NX-17; XX-20, XX-21). Avoidance (NX-8;
713-36) is in :mod:`domain.model.rules.avoidance`."""

from __future__ import annotations

from collections.abc import Iterator

from domain.model import outsourcing
from domain.model.agency import Agency
from domain.model.calendar import china_date
from domain.model.rules.base import EventRef, Flag, Judgement, Refuse, Rule
from domain.model.rules.common import codes, rule_of
from domain.model.vocabulary import EntrustedTask, Jurisdiction

# --- entrustment (NX-4, XX-20, XX-21, NX-17) -----------------------------------------------

#: What each evaluation action does, as an entrusted task.
TASK_OF_ACTION: dict[str, EntrustedTask | None] = {
    "case.collect_material": EntrustedTask.MATERIALS,
    "case.exclude_material": EntrustedTask.MATERIALS,
    "case.prepare_survey": EntrustedTask.SURVEY,
    "case.conduct_survey": EntrustedTask.SURVEY,
    "case.hold_forum": EntrustedTask.FORUM,
    "case.hold_hearing": EntrustedTask.HEARING,
    "case.visit_site": EntrustedTask.FIELD_VISIT,
    "case.solicit_opinions": EntrustedTask.CONSULTATION,
    "case.draw_conclusion": EntrustedTask.ANALYSIS,
    "case.draft_report": EntrustedTask.REPORT_DRAFTING,
    "case.record_opinion": None,  # any way of hearing opinions
    "case.finalise_report": None,  # never entrusted: the report is the lead unit's
}
#: The entrusted tasks and the work of each action, as a refusal names them in Chinese (NX-4, XX-20)
TASK_LABELS: dict[EntrustedTask, str] = {
    EntrustedTask.MATERIALS: "收集信息资料", EntrustedTask.SURVEY: "问卷调查", EntrustedTask.FORUM: "座谈会",
    EntrustedTask.HEARING: "论证会", EntrustedTask.FIELD_VISIT: "实地调研", EntrustedTask.CONSULTATION: "征求意见",
    EntrustedTask.ANALYSIS: "分析资料并得出初步结论", EntrustedTask.REPORT_DRAFTING: "起草评估报告",
}
WORK_LABELS: dict[str, str] = {
    "case.collect_material": "收集信息资料", "case.exclude_material": "剔除资料",
    "case.prepare_survey": "制定调查提纲、设计调查问卷", "case.conduct_survey": "问卷调查",
    "case.hold_forum": "召开座谈会", "case.hold_hearing": "召开论证会", "case.visit_site": "实地调研",
    "case.solicit_opinions": "征求意见", "case.draw_conclusion": "得出初步结论", "case.draft_report": "起草评估报告",
    "case.record_opinion": "记录意见", "case.finalise_report": "正式形成评估报告",
}


def work_label(action: str) -> str:
    return WORK_LABELS.get(action, action)


_HEARING_TASKS = {
    EntrustedTask.SURVEY, EntrustedTask.FORUM, EntrustedTask.HEARING,
    EntrustedTask.FIELD_VISIT, EntrustedTask.CONSULTATION,
}

#: The ban on handing work on, as each text words it: NX-4 names only 其他单位; XX-20 adds 或者个人.
NO_HAND_ON: dict[Jurisdiction, tuple[str, str]] = {
    Jurisdiction.NX: ("不得擅自将委托事项变相转包给其他单位", "may not hand entrusted work on to another unit"),
    Jurisdiction.XX: ("不得擅自将委托事项变相转包给其他单位或者个人",
                      "may not hand entrusted work on to another unit or person"),
}


def entrusted_scope(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 / XX-20 受委托评估机构应当在委托范围内开展工作。 An agency's staff act only on the tasks
    their agency was entrusted with (engaging outside experts is always theirs to do), and so do
    the outside experts the agency engaged (外聘专家参与): they work inside its entrustment, not
    beside it."""

    @rule_of(jurisdiction, "entrusted-scope", (article,), "受委托机构在委托范围内开展工作",
           "an entrusted agency acts inside its entrustment", "refuse", set(TASK_OF_ACTION))
    def check(j: Judgement) -> Iterator[Refuse]:
        case = j.the_case
        if outsourcing.acts_as_lead_unit(case, j.ctx):
            return  # acting as the lead unit or the team, not as the agency
        staff_of = case.acting_agency(j.ctx)
        agency = staff_of or outsourcing.engaging_agency(case, j.actor_id)
        if agency is None or str(agency) not in case.agencies:
            return
        tasks = {EntrustedTask(t) for t in case.agencies[str(agency)]["tasks"]}
        task = TASK_OF_ACTION[j.action]
        inside = (
            bool(tasks & _HEARING_TASKS)
            if j.action == "case.record_opinion"
            else task is not None and task in tasks
        )
        if not inside:
            who, who_en = ("", "") if staff_of else ("（受委托评估机构外聘的专家只在该机构的委托范围内参与）",
                                                     "an expert the agency engaged works inside its entrustment: ")
            yield Refuse(
                f"受委托评估机构应当在委托范围内开展工作{who}：{work_label(j.action)}不在委托事项"
                f"（{codes([label for task, label in TASK_LABELS.items() if task in tasks])}）之内",
                f"{who_en}{j.action} is outside the agency's entrustment ({', '.join(sorted(tasks))})",
            )

    return check


def entrustment_after_approval(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """NX-10(2) 承办处室提请厅决策机关研究审议是否开展评估工作以及评估工作的具体事宜; NX-4 厅决策机关决定是否
    开展具体评估工作。可以委托……第三方机构开展评估。 Entrusting an agency (its agreement, its fee) or
    engaging an outside expert commits the evaluation the decision organ has yet to decide on, and
    is one of the 具体事宜 it studies: both wait for its decision to evaluate. (A declined case is
    closed; the case itself refuses any further step.)"""

    @rule_of(jurisdiction, "entrustment-after-approval", articles, "厅决策机关决定开展评估之后，方可委托第三方机构或者外聘专家",
             "no entrustment or outside expert before the decision organ decides to evaluate", "refuse",
             {"case.entrust_agency", "case.engage_expert"})
    def check(j: Judgement) -> Iterator[Refuse]:
        case = j.the_case
        if case.approval is None and case.declined is None:
            what, what_en = (("委托第三方机构开展评估", "entrust an agency") if j.action == "case.entrust_agency"
                             else ("外聘专家参与评估", "engage an outside expert"))
            yield Refuse(
                f"承办处室提请厅决策机关研究审议是否开展评估工作以及评估工作的具体事宜；厅决策机关决定开展评估之前，不得{what}",
                f"the decision organ has not yet decided to evaluate (NX-10(2)): no one may {what_en} before it does",
            )

    return check


def no_hand_over(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 不得擅自将委托事项变相转包给其他单位 / XX-20 ……给其他单位或者个人。 The attempt is refused
    and recorded as a finding against the person, with their signed attempt as the evidence. Each
    text is quoted in its own words (:data:`NO_HAND_ON`)."""
    forbidden, forbidden_en = NO_HAND_ON[jurisdiction]

    @rule_of(jurisdiction, "no-hand-over", (article,), "不得转包委托事项", "no hand-on of entrusted work",
           "refuse+flag", {"case.hand_over_work"})
    def check(j: Judgement) -> Iterator[Refuse]:
        if outsourcing.agency_acted_for(j.the_case, j.ctx) is not None:
            yield Refuse(
                f"受委托评估机构{forbidden}（拟转交给：{j.command.to}）",
                f"an entrusted agency {forbidden_en} ({j.command.to})",
                record_attempt=True,
                persons=(j.actor_id,),
            )

    return check


def agency_qualified(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-21 受委托评估机构应当信用记录良好，具备开展评估工作的必要设备、设施，其指定参与评估的工作人员
    应当具备……专业素质。 An agency without them, or with a bad credit record, cannot be entrusted."""

    @rule_of(jurisdiction, "agency-qualified", (article,), "受委托机构应当具备资质、信用良好",
           "an entrusted agency is qualified and of good credit", "refuse", {"case.entrust_agency"})
    def check(j: Judgement) -> Iterator[Refuse]:
        agency = j.ctx.directory.find(j.command.agency_id, Agency)
        if agency is None:
            return
        if agency.credit_in_force(china_date(j.ctx.now)):  # H3 credit: decided, period running, not repaired
            yield Refuse(f"{agency.name}有不良信用记录，不得委托", f"{agency.name} has a bad credit record")
        elif not agency.qualified:
            yield Refuse(
                f"{agency.name}未记录信用良好、必要设备设施和专业人员等资质",
                f"{agency.name} has no recorded XX-21 qualifications (credit, equipment, qualified staff)",
            )

    return check


def agency_bad_credit(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-17 受委托评估机构……纳入不良信用记录。 NX does not forbid entrusting such an agency; the
    entrustment is flagged against the person who made it, citing the record."""

    @rule_of(jurisdiction, "agency-bad-credit", (article,), "委托有不良信用记录的机构", "entrusting an agency with bad credit",
           "flag", {"case.entrust_agency"})
    def check(j: Judgement) -> Iterator[Flag]:
        agency = j.ctx.directory.find(j.command.agency_id, Agency)
        in_force = agency.credit_in_force(china_date(j.ctx.now)) if agency is not None else []
        if agency is None or not in_force:
            return
        yield Flag(
            f"委托了有不良信用记录的评估机构{agency.name}",
            f"{agency.name}, entrusted here, has a bad credit record",
            persons=(j.actor_id,),
            cited=tuple(EventRef.of(agency.id, entry.get("decision") or entry) for entry in in_force),
        )

    return check


# --- issue 18 — outsourcing (NX-4, XX-20; XX-6, XX-13(3)) ------------------------------------------

#: The acts that are entrusted work: every evaluation action an agency may be entrusted with.
ENTRUSTED_WORK = {action for action, task in TASK_OF_ACTION.items() if task is not None} | {"case.record_opinion"}


def hand_over_by_conduct(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 / XX-20 不得擅自将委托事项变相转包给其他单位（XX-20: 或者个人）, seen from the conduct: entrusted
    work done for the agency by a person who is neither its registered staff (with evidence of
    employment) nor an outside expert it engaged is work handed on. Refused — the work of such a
    person does not enter the evaluation — and kept as a finding against them, with their signed
    attempt as the evidence (as a confessed hand-over is). Being on the lead unit's team does not
    exempt a person of the agency (:func:`outsourcing.acts_as_lead_unit`). A person who holds the
    agency's staff role but whose evidence of employment was never recorded (registered before it
    was asked for) is refused without a finding, told how to record it."""
    forbidden, forbidden_en = NO_HAND_ON[jurisdiction]

    @rule_of(jurisdiction, "hand-over-by-conduct", (article,), "以受委托机构名义办理委托事项者应为其工作人员或外聘专家",
             "whoever does entrusted work for the agency is its staff or its engaged expert", "refuse+flag",
             ENTRUSTED_WORK)
    def check(j: Judgement) -> Iterator[Refuse]:
        case = j.the_case
        if outsourcing.acts_as_lead_unit(case, j.ctx) or str(j.actor_id) in case.experts:
            return  # the lead unit, its team, and every engaged expert act by their own standing
        agency = outsourcing.agency_acted_for(case, j.ctx)
        if agency is None or outsourcing.is_registered_staff(j.ctx.actor, agency):
            return
        found = j.ctx.directory.find(agency, Agency)
        name = found.name if found is not None else str(agency)
        if outsourcing.is_unproven_staff(j.ctx.actor, agency):
            yield Refuse(
                f"持有受委托评估机构{name}工作人员角色的人员，未记录劳动合同或聘任文件，尚不能以该机构名义办理委托事项"
                f"（{work_label(j.action)}）：请管理员以 principal.grant_role（角色 agency_staff，附 employment：document 为 "
                "labour_contract 或 appointment_letter，digest 为其 SHA-256）补录用工证明",
                f"the signer holds the agency_staff role of {name} but no evidence of employment is on record, so may "
                f"not do its entrusted work ({j.action}) yet: an administrator records it with principal.grant_role "
                "(role agency_staff, employment: {document, digest})",
            )
            return
        yield Refuse(
            f"以受委托评估机构{name}名义办理委托事项（{work_label(j.action)}）的人员，既不是该机构登记在册、附有劳动合同或聘任文件的"
            f"工作人员，也不是该机构外聘的专家：受委托评估机构{forbidden}",
            f"entrusted work ({j.action}) for {name} by a person who is neither its registered staff (with evidence "
            f"of employment) nor an expert it engaged: an entrusted agency {forbidden_en}",
            record_attempt=True,
            persons=(j.actor_id,),
        )

    return check


def report_by_lead_unit(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """NX-4 承办处室负责组织开展评估具体工作 (the report is formed for it to submit, NX-10(4), NX-12b);
    XX-6 决策执行单位负责跟踪反馈与后评估工作的具体实施 (XX-13(3) 正式形成报告, then XX-13(4) it sends
    the report on). Only the lead unit's own staff finalise the report: not an entrusted agency or
    its experts, and not the team's invited members (XX-11(1): 人大代表、政协委员、专家 may join the
    team; they do not become the unit)."""

    @rule_of(jurisdiction, "report-by-lead-unit", articles, "评估报告由承办处室（决策执行单位）正式形成",
             "the lead unit itself finalises the report", "refuse", {"case.finalise_report"})
    def check(j: Judgement) -> Iterator[Refuse]:
        case = j.the_case
        if case.is_lead_unit_staff(j.ctx):
            return
        unit = "承办处室" if case.is_nx else "决策执行单位"
        yield Refuse(
            f"评估报告由{unit}（{case.lead_unit}）的工作人员正式形成并报送；受委托评估机构、其外聘专家和评估小组中"
            f"非{unit}的成员可以参与起草和论证，但不能正式形成报告",
            f"only staff of the lead unit ({case.lead_unit}) finalise and submit the report; an agency, its experts "
            "and invited team members may draft and review it",
        )

    return check


def experts_when_own_staff_insufficient(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-20 受委托评估机构……自身力量不能满足评估工作需要的，可以外聘专家参与。 An engagement under an
    agency's entrustment states why the agency's own staff cannot meet the need. (NX-4 says only
    可以外聘专家参与: no such condition under 宁夏商务厅's text, whose rulebook has no such rule.)"""

    @rule_of(jurisdiction, "experts-when-own-staff-insufficient", (article,),
             "受委托机构自身力量不能满足需要的，方可外聘专家",
             "an agency engages outside experts only where its own staff cannot meet the need", "refuse",
             {"case.engage_expert"})
    def check(j: Judgement) -> Iterator[Refuse]:
        command = j.command
        if command.agency_id is None or command.own_staff_insufficient.strip():
            return
        yield Refuse(
            "受委托评估机构自身力量不能满足评估工作需要的，方可外聘专家参与：外聘前应当说明本机构工作人员不能满足需要的情况",
            "an entrusted agency engages outside experts only where its own staff cannot meet the need: state it",
        )

    return check
