"""Rules on entrusted agencies and outside experts (NX-4, NX-17; XX-20, XX-21). Avoidance (NX-8;
713-36) is in :mod:`domain.model.rules.avoidance`."""

from __future__ import annotations

from collections.abc import Iterator

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
_HEARING_TASKS = {
    EntrustedTask.SURVEY, EntrustedTask.FORUM, EntrustedTask.HEARING,
    EntrustedTask.FIELD_VISIT, EntrustedTask.CONSULTATION,
}


def entrusted_scope(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 / XX-20 受委托评估机构应当在委托范围内开展工作。 An agency's staff act only on the tasks
    their agency was entrusted with (engaging outside experts is always theirs to do)."""

    @rule_of(jurisdiction, "entrusted-scope", (article,), "受委托机构在委托范围内开展工作",
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
                f"受委托评估机构应当在委托范围内开展工作：{j.action}不在委托事项（{codes(sorted(tasks))}）之内",
                f"{j.action} is outside the agency's entrustment ({', '.join(sorted(tasks))})",
            )

    return check


def no_hand_over(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 / XX-20 不得擅自将委托事项变相转包给其他单位或者个人。 The attempt is refused and recorded
    as a finding against the person, with their signed attempt as the evidence."""

    @rule_of(jurisdiction, "no-hand-over", (article,), "不得转包委托事项", "no hand-on of entrusted work",
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


