"""Rules shared by both texts, written once and instantiated per rulebook with that text's
article keys (``preset_conclusion("NX-9")``, ``preset_conclusion("XX-7")``).

Each function returns a :class:`Rule`; its docstring quotes the article it comes from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from uuid import UUID

from domain.model.agency import Agency
from domain.model.decision import Decision
from domain.model.rules.base import SWEEP, EventRef, Flag, Judgement, Refuse, Rule, Verdict
from domain.model.vocabulary import (
    CONTENT_ITEMS,
    NX_DECISION_BODIES,
    PLAN_PARTS,
    REPORT_SECTIONS,
    TRIGGER_GROUNDS,
    Classification,
    EntrustedTask,
    Jurisdiction,
    Misconduct,
    Ruling,
)

CHINA_STANDARD_TIME = timezone(timedelta(hours=8))


def china_date(moment: datetime) -> date:
    """Calendar days in the texts' deadlines are days in China Standard Time (UTC+8)."""
    return moment.astimezone(CHINA_STANDARD_TIME).date()


Check = Callable[[Judgement], Iterable[Verdict]]


def _rule(
    jurisdiction: Jurisdiction,
    name: str,
    articles: tuple[str, ...],
    title: str,
    title_en: str,
    effect: str,
    actions: set[str],
) -> Callable[[Check], Rule]:
    """Decorator: turn a check function into a Rule of this rulebook."""

    def make(check: Check) -> Rule:
        return Rule(
            id=f"{jurisdiction.value}/{name}",
            articles=articles,
            title=title,
            title_en=title_en,
            effect=effect,
            actions=frozenset(actions),
            check=check,
        )

    return make


def _codes(codes: list[str]) -> str:
    return "、".join(codes)


# --- opening --------------------------------------------------------------------------------


def trigger_grounds(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 有下列情形之一的，承办处室应当及时组织 (seven grounds); XX-9 (five grounds).
    A case opens only on its own text's grounds."""
    grounds = TRIGGER_GROUNDS[jurisdiction]

    @_rule(jurisdiction, "trigger-grounds", (article,), "评估情形限于本办法规定", "grounds of the text only", "refuse", {"case.open"})
    def check(j: Judgement) -> Iterator[Refuse]:
        foreign = [g for g in j.command.grounds if g not in grounds]
        if foreign:
            yield Refuse(
                f"评估情形{_codes(foreign)}不是本办法第{article[3:]}条规定的情形",
                f"grounds {', '.join(foreign)} are not among {article}'s grounds ({', '.join(grounds)})",
            )

    return check


def superior_evaluation(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-19 执行上级改革任务或落实上级政策部署，依照有关规定应当由上级机关组织决策评估的，可以不重复
    组织执行评估，接受上级委任或根据上级要求协助评估的除外。 The county may skip its own evaluation;
    a county case on such a decision states its basis."""

    @_rule(jurisdiction, "superior-evaluation", (article,), "上级机关组织评估的，县级评估应当说明依据",
           "a county case on a decision a superior evaluates states its basis", "refuse", {"case.open"})
    def check(j: Judgement) -> Iterator[Refuse]:
        decision = j.ctx.directory.find(j.command.decision_id, Decision)
        superior = decision.superior_evaluation if decision else None
        basis = j.command.superior_basis
        if superior and basis is None:
            yield Refuse(
                f"该决策由{superior['superior_organ']}组织评估，县级开展评估应当说明依据："
                "接受上级委任、根据上级要求协助评估，或本级自行评估的理由",
                "a superior organ evaluates this decision: state the basis of the county's case "
                "(commissioned, assisting, or its own reason)",
            )
        if basis is not None and not superior:
            yield Refuse(
                "该决策未记录上级机关组织评估，无需说明第十九条依据",
                "no superior evaluation is recorded for this decision; XX-19's basis does not apply",
            )

    return check


# --- plan, content, report ----------------------------------------------------------------------


def plan_complete(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-10(1) 评估方案应当包括评估目的、评估范围、评估方法、评估程序与时间安排，以及经费预算等;
    XX-11(2) 方案主要包括目的、对象与内容、标准与方法、步骤与时间安排、经费预算、组织保障等。"""
    parts = PLAN_PARTS[jurisdiction]

    @_rule(jurisdiction, "plan-complete", (article,), "评估方案内容完整", "the plan has every part", "refuse", {"case.submit_plan"})
    def check(j: Judgement) -> Iterator[Refuse]:
        unknown = sorted(set(j.command.parts) - set(parts))
        if unknown:
            yield Refuse(
                f"评估方案的组成部分{_codes(unknown)}不是{article}规定的内容",
                f"plan parts {', '.join(unknown)} are not among {article}'s ({', '.join(parts)})",
            )
            return
        missing = [key for key in parts if key not in j.command.parts]
        if missing:
            yield Refuse(
                f"评估方案缺少：{_codes([parts[k] for k in missing])}",
                f"the plan lacks {', '.join(missing)}",
            )

    return check


def content_items(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-6 评估工作围绕以下内容开展; XX-8 跟踪反馈与后评估围绕以下内容开展: the plan's content items
    are the text's own, and the final report addresses every item the plan lists."""
    items = CONTENT_ITEMS[jurisdiction]

    @_rule(jurisdiction, "content-items", (article,), "评估内容属于本办法规定的内容，报告逐项回应",
           "content items are the text's own and the report addresses each",
           "refuse", {"case.submit_plan", "case.finalise_report"})
    def check(j: Judgement) -> Iterator[Refuse]:
        listed = j.command.content_items if j.action == "case.submit_plan" else j.command.addressed_items
        foreign = [code for code in listed if code not in items]
        if foreign:
            yield Refuse(
                f"评估内容{_codes(foreign)}不是{article}规定的内容",
                f"content items {', '.join(foreign)} are not among {article}'s items",
            )
            return
        plan = j.the_case.plan
        if j.action == "case.finalise_report" and plan:
            missing = [code for code in plan["content_items"] if code not in listed]
            if missing:
                yield Refuse(
                    f"评估报告未回应方案所列的评估内容：{_codes(missing)}",
                    f"the report does not address the plan's content items {', '.join(missing)}",
                )

    return check


def report_sections(jurisdiction: Jurisdiction, article: str, required: tuple[str, ...]) -> Rule:
    """NX-7 评估报告应当包括以下内容; XX-14 跟踪反馈与后评估报告应当包括以下内容: a report uses the
    text's sections, and a final report has every required one."""
    sections = REPORT_SECTIONS[jurisdiction]

    @_rule(jurisdiction, "report-sections", (article,), "评估报告内容完整", "the report has every required section",
           "refuse", {"case.draft_report", "case.finalise_report"})
    def check(j: Judgement) -> Iterator[Refuse]:
        given = list(j.command.sections)
        foreign = [key for key in given if key not in sections]
        if foreign:
            yield Refuse(
                f"报告章节{_codes(foreign)}不是{article}规定的内容",
                f"report sections {', '.join(foreign)} are not among {article}'s sections",
            )
            return
        missing = [key for key in required if key not in given]
        if j.action == "case.finalise_report" and missing:
            yield Refuse(
                f"评估报告缺少：{_codes([f'{k}{sections[k]}' for k in missing])}",
                f"the report lacks sections {', '.join(missing)}",
            )

    return check


# --- approval (NX) --------------------------------------------------------------------------------


def approval_body(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """NX-10(2) 承办处室提请厅决策机关研究审议是否开展评估工作; NX-4 本办法所称厅决策机关是指厅党组会议、
    厅务会议以及厅专题会议。 The date the body decided may not be later than its recording: the
    NX-11 deadline counts from it."""

    @_rule(jurisdiction, "approval-body", articles, "由厅决策机关审议", "decided by one of the three bodies",
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


# --- evidence (NX-9, XX-7) ----------------------------------------------------------------------


def preset_conclusion(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-9 / XX-7 跟踪反馈与后评估不得预设评估结论。 A conclusion or report draft recorded before the
    evidence phase is closed is accepted and flagged against the person who recorded it."""

    @_rule(jurisdiction, "preset-conclusion", (article,), "不得预设评估结论", "no preset conclusion",
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

    @_rule(jurisdiction, "exclusion-reason", (article,), "剔除资料应当说明理由", "an exclusion states its reason",
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

    @_rule(jurisdiction, "skewed-exclusions", (article,), "不得按偏好取舍信息资料", "no choice of data by preference",
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


# --- entrustment (NX-4, XX-20, XX-21, NX-8, NX-17) -----------------------------------------------

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
_HEARING_TASKS = {
    EntrustedTask.SURVEY, EntrustedTask.FORUM, EntrustedTask.HEARING,
    EntrustedTask.FIELD_VISIT, EntrustedTask.CONSULTATION,
}


def entrusted_scope(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 / XX-20 受委托评估机构应当在委托范围内开展工作。 An agency's staff act only on the tasks
    their agency was entrusted with (engaging outside experts is always theirs to do)."""

    @_rule(jurisdiction, "entrusted-scope", (article,), "受委托机构在委托范围内开展工作",
           "an entrusted agency acts inside its entrustment", "refuse", set(TASK_OF_ACTION))
    def check(j: Judgement) -> Iterator[Refuse]:
        case = j.the_case
        if case.is_lead_unit_staff(j.ctx) or str(j.actor_id) in case.team:
            return  # acting as the lead unit or the team, not as the agency
        agency = case.acting_agency(j.ctx)
        if agency is None:
            return
        tasks = {EntrustedTask(t) for t in case.agencies[str(agency)]["tasks"]}
        task = TASK_OF_ACTION[j.action]
        inside = (
            bool(tasks & _HEARING_TASKS)
            if j.action == "case.record_opinion"
            else task is not None and task in tasks
        )
        if not inside:
            yield Refuse(
                f"受委托评估机构应当在委托范围内开展工作：{j.action}不在委托事项（{_codes(sorted(tasks))}）之内",
                f"{j.action} is outside the agency's entrustment ({', '.join(sorted(tasks))})",
            )

    return check


def no_hand_over(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 / XX-20 不得擅自将委托事项变相转包给其他单位或者个人。 The attempt is refused and recorded
    as a finding against the person, with their signed attempt as the evidence."""

    @_rule(jurisdiction, "no-hand-over", (article,), "不得转包委托事项", "no hand-on of entrusted work",
           "refuse+flag", {"case.hand_over_work"})
    def check(j: Judgement) -> Iterator[Refuse]:
        if j.the_case.acting_agency(j.ctx) is not None:
            yield Refuse(
                f"受委托评估机构不得擅自将委托事项变相转包给其他单位或者个人（拟转交给：{j.command.to}）",
                f"an entrusted agency may not hand entrusted work on to another unit or person ({j.command.to})",
                record_attempt=True,
                persons=(j.actor_id,),
            )

    return check


def demonstrators_excluded(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-8 重大行政决策作出前承担主要论证工作的专家、专业机构和社会组织等，原则上不得参与评估工作。
    原则上: engaging one is refused unless a justification is recorded, and then flagged."""

    @_rule(jurisdiction, "demonstrators-excluded", (article,), "决策前论证者原则上不得参与评估",
           "pre-decision demonstrators stay out, in principle", "refuse+flag",
           {"case.engage_expert", "case.entrust_agency"})
    def check(j: Judgement) -> Iterator[Refuse | Flag]:
        decision = j.ctx.directory.find(j.the_case.decision_id, Decision)  # type: ignore[arg-type]
        if decision is None:
            return
        command = j.command
        party = command.expert_id if j.action == "case.engage_expert" else command.agency_id
        named = [d for d in decision.demonstrators if party in (d["principal_id"], d["agency_id"])]
        if not named:
            return
        who = named[0]["name"]
        if not command.justification.strip():
            yield Refuse(
                f"{who}承担了决策前的主要论证工作，原则上不得参与评估；确需参与的，应当记录理由",
                f"{who} did the decision's main pre-decision demonstration: record a justification to engage them",
            )
            return
        persons = (j.actor_id, party) if j.action == "case.engage_expert" else (j.actor_id,)
        yield Flag(
            f"{who}承担了决策前的主要论证工作，经记录理由后参与评估：{command.justification}",
            f"{who}, a pre-decision demonstrator, was engaged with a justification",
            persons=persons,
            figures={"demonstrator": who, "justification": command.justification[:200]},
        )

    return check


def agency_qualified(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-21 受委托评估机构应当信用记录良好，具备开展评估工作的必要设备、设施，其指定参与评估的工作人员
    应当具备……专业素质。 An agency without them, or with a bad credit record, cannot be entrusted."""

    @_rule(jurisdiction, "agency-qualified", (article,), "受委托机构应当具备资质、信用良好",
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

    @_rule(jurisdiction, "agency-bad-credit", (article,), "委托有不良信用记录的机构", "entrusting an agency with bad credit",
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


# --- deadlines (NX-11, NX-12b) ------------------------------------------------------------------


def _responsible_for_case(j: Judgement) -> tuple[UUID, ...]:
    """Who answers for a case's timing: the person who opened it and the team leaders."""
    case = j.the_case
    leaders = [UUID(pid) for pid, member in case.team.items() if member["team_role"] == "leader"]
    return tuple(dict.fromkeys([case.opened["by"], *leaders]))


def completion_deadline(jurisdiction: Jurisdiction, article: str, days: int) -> Rule:
    """NX-11 应当在确定评估开始之日起九十日内完成评估工作。 Counted in calendar days (China Standard
    Time) from the date the decision organ decided to start; completion is the report's
    finalisation. Flagged when the report is finalised late, or by the sweep once the deadline has
    passed without one; once per case."""
    rule_id = f"{jurisdiction.value}/completion-deadline"

    @_rule(jurisdiction, "completion-deadline", (article,), f"{days}日内完成评估", f"finish within {days} days",
           "flag", {"case.finalise_report", SWEEP})
    def check(j: Judgement) -> Iterator[Flag]:
        case = j.the_case
        if case.approval is None or case.findings_of_rule(rule_id):
            return
        start = date.fromisoformat(case.approval["decided_on"])
        deadline = start + timedelta(days=days)
        today = china_date(j.ctx.now)
        if j.action == SWEEP and case.report is not None:
            return
        if today <= deadline:
            return
        late = (today - deadline).days
        yield Flag(
            f"评估自{start}开始，应于{deadline}前完成，{'完成时' if j.action != SWEEP else '至今'}已逾期{late}日",
            f"the evaluation started {start} and was due by {deadline}; {late} days overdue",
            persons=_responsible_for_case(j),
            cited=(EventRef.of(case.id, case.approval),),
            cite_this_event=j.action != SWEEP,
            figures={"start": str(start), "deadline": str(deadline), "days_overdue": late},
        )

    return check


def submission_deadline(jurisdiction: Jurisdiction, article: str, days: int) -> Rule:
    """NX-12b 评估工作完成之日起十五日内，承办处室应根据评估报告和实际情况向厅决策机关提请审议。 Flagged
    when the submission is late, or by the sweep once the deadline has passed; once per case."""
    rule_id = f"{jurisdiction.value}/submission-deadline"

    @_rule(jurisdiction, "submission-deadline", (article,), f"完成后{days}日内提请审议", f"submit within {days} days",
           "flag", {"case.submit_report", SWEEP})
    def check(j: Judgement) -> Iterator[Flag]:
        case = j.the_case
        if case.report is None or case.findings_of_rule(rule_id):
            return
        if j.action == SWEEP and case.submission is not None:
            return
        done = china_date(case.report["at"])
        deadline = done + timedelta(days=days)
        today = china_date(j.ctx.now)
        if today <= deadline:
            return
        late = (today - deadline).days
        yield Flag(
            f"评估工作于{done}完成，应于{deadline}前提请厅决策机关审议，已逾期{late}日",
            f"the evaluation finished {done}; submission was due by {deadline}; {late} days overdue",
            persons=_responsible_for_case(j),
            cited=(EventRef.of(case.id, case.report),),
            cite_this_event=j.action != SWEEP,
            figures={"completed": str(done), "deadline": str(deadline), "days_overdue": late},
        )

    return check


# --- results ------------------------------------------------------------------------------


def mitigation_measures(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-14 / XX-16 作出中止执行、终止执行或者调整决策内容决定的，应当采取有效措施，避免或者减少经济损失
    和不良社会影响。 Suspend, terminate or adjust needs its measures."""

    @_rule(jurisdiction, "mitigation-measures", (article,), "中止、终止或调整应当采取措施",
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

    @_rule(jurisdiction, "publication-withholds-classified", articles, "公开时不得包含涉密资料",
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
                f"{len(exposed)}份涉密资料（{_codes(sorted({c for _, c in exposed}))}）未列入不予公开范围",
                f"{len(exposed)} classified materials are not withheld from publication",
            )

    return check


# --- accountability (NX-16, XX-23, XX-18) ----------------------------------------------------------


def accountability(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """NX-16 / XX-23 存在失职渎职、弄虚作假、干扰评估等行为的，对负有责任的领导人员和直接责任人员依法依规
    追究责任 (NX-16 adds: 评估结果无法运用与其工作不力、方式方法简单有关的). An inspector's finding cites
    stored events, pinned by their hashes."""
    conducts = set(Misconduct) if jurisdiction is Jurisdiction.NX else set(Misconduct) - {Misconduct.INEFFECTIVE_WORK}

    @_rule(jurisdiction, "accountability", articles, "追究责任应当以记录在案的行为为据",
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
