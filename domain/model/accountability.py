"""Accountability: the procedure of 责任追究 (NX-16, XX-23, XX-18; 国令第713号第三十八条).

立案 → 调查 → 告知 → 陈述申辩 → 决定 → 申诉 → 复核, each step a signed event of its actor: the
inspector opens, investigates, tells, decides and reviews; the subject states their own defence
and appeals. A subject's steps are never closed: a decision, and any review of it, stay beside
the facts and the defence (XX-18: 终身责任追究).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.errors import Conflict, MalformedInput, NotFound, Refused
from domain.model.acts import Act
from domain.model.aggregate import Context, Directory, LedgerAggregate, LedgerCreated, LedgerEvent
from domain.model.case import EvaluationCase
from domain.model.commands import accountability as c
from domain.model.commands.findings import EventCitation
from domain.model.decision import Decision
from domain.model.making import units_of_the_making
from domain.model.organisation import Organisation
from domain.model.principal import Principal
from domain.model.vocabulary import (
    UNIT_FAULTS,
    AccountabilityGround,
    Conduct,
    Outcome,
    ReliefGround,
    SubjectRole,
)

#: makes the refusal of one article, in Chinese and English
Refuser = Callable[[str, str], Refused]

#: sanctions only where the outcome imposes one; relief only where liability is reduced or exempted
_NEEDS_SANCTION = {Outcome.SANCTIONED}
_MAY_SANCTION = {Outcome.SANCTIONED, Outcome.REDUCED}
_NEEDS_RELIEF = {Outcome.REDUCED, Outcome.EXEMPTED}


def article_of(ground: str, jurisdiction: str, fault: str | None = None) -> str:
    """The article a procedure rests on: NX-16 or XX-23 for misconduct in an evaluation; for a
    decision fault, Decree 713 Art. 39 when it is a unit's in the decision procedure, else XX-18
    (息县) or Art. 38 (宁夏商务厅, whose text has no such article)."""
    if ground == AccountabilityGround.EVALUATION_MISCONDUCT:
        return "NX-16" if jurisdiction == "NX" else "XX-23"
    if fault in UNIT_FAULTS:
        return "713-39"
    return "XX-18" if jurisdiction == "XX" else "713-38"


def citation_problem(directory: Directory, citation: EventCitation) -> tuple[str, str] | None:
    """Why a cited event does not pin a stored one, or ``None`` (as ``case.find_misconduct``
    checks its ``cited_events``)."""
    stored = directory.stored_event_hash(citation.aggregate_id, citation.version)
    if stored == citation.hash:
        return None
    return (
        f"所引事件{citation.aggregate_id}第{citation.version}版与账本记录不符",
        f"cited event {citation.aggregate_id} version {citation.version} "
        + ("does not exist" if stored is None else "has another hash"),
    )


def dissent_problem(directory: Directory, decision_id: UUID | None, subject_id: UUID,
                    record: EventCitation) -> tuple[str, str] | None:
    """Why ``record`` is not the subject's recorded dissent (国令第713号第三十八条), or ``None``:
    it must pin, by its hash, one of the records where the subject stated 不同意 in a collective
    discussion of the decision at issue — their own signed opinion, or their opinion transcribed
    from the archive with its source (:meth:`Decision.dissent_of`)."""
    problem = citation_problem(directory, record)
    if problem is not None:
        return problem
    decision = directory.find(decision_id, Decision) if decision_id is not None else None
    dissent = decision.dissent_of(subject_id) if decision is not None else []
    if not any(entry["aggregate_id"] == record.aggregate_id and entry["version"] == record.version
               and entry["hash"] == record.hash for entry in dissent):
        return ("所引记录不是该人员在本决策集体讨论中表示不同意的意见（本人签署或者据档案转录）",
                ("the cited record is not the subject's 不同意 in a collective discussion of this decision "
                 "(their own signed opinion or one transcribed from the archive)"))
    return None


class Accountability(LedgerAggregate):
    """责任追究程序: its grounds, subjects, evidence and every step, per subject."""

    TOPIC = "decision-ledger/Accountability/v1"

    def __init__(self) -> None:
        self.jurisdiction = ""
        self.article = ""
        self.ground = ""
        self.case_id: UUID | None = None
        self.decision_id: UUID | None = None
        self.finding_id: UUID | None = None
        self.conduct: str | None = None
        self.fault: str | None = None
        self.opened: dict[str, Any] = {}
        self.subjects: dict[str, dict[str, Any]] = {}
        self.evidence: list[dict[str, Any]] = []
        self.steps: list[dict[str, Any]] = []  # every step in order, naming the subjects it concerns

    # --- commands -------------------------------------------------------------------------

    @classmethod
    def open(cls, act: Act[c.OpenAccountability], ctx: Context) -> Accountability:
        """立案 (NX-16, XX-23, XX-18): grounds, subjects and evidence, checked against the texts
        and the ledger."""
        command = act.command
        case = _case(ctx, command.case_id)
        decision = ctx.directory.find(command.decision_id, Decision)
        if decision is None:
            raise NotFound(f"没有决策 {command.decision_id} / no decision {command.decision_id}")
        if decision.jurisdiction != command.jurisdiction:
            raise MalformedInput(f"decision {decision.id} is under {decision.jurisdiction}, not "
                                 f"{command.jurisdiction.value} (jurisdiction)", pointer="/args/jurisdiction")
        if case is not None and case.decision_id != decision.id:
            raise MalformedInput(f"case {case.id} evaluates another decision than {decision.id} (case_id)",
                                 pointer="/args/case_id")
        refuse = _refuser(article_of(command.ground, decision.jurisdiction, command.fault))
        if command.ground == AccountabilityGround.EVALUATION_MISCONDUCT:
            _check_misconduct(command, case, decision.jurisdiction, ctx, refuse)
        else:
            _check_fault(command, refuse)
        if command.finding_id is not None:
            found = next((f for f in case.findings if f["finding_id"] == command.finding_id), None) \
                if case is not None else None
            if found is None:
                raise NotFound(f"该案件没有问题 {command.finding_id} / no finding {command.finding_id} on case {command.case_id}")
            _check_taken_up(command, found, decision.jurisdiction)
        _check_subjects(command, decision, ctx, refuse)
        _check_evidence(command.evidence, ctx, refuse)
        return cls._record_creation(cls.Opened, act)

    def investigate(self, act: Act[c.InvestigateAccountability], ctx: Context) -> None:
        """调查: evidence pinned like the opening's."""
        _check_evidence(act.command.evidence, ctx, _refuser(self.article))
        self._record(self.Investigated, act)

    def notify(self, act: Act[c.NotifySubject], ctx: Context) -> None:
        """告知: the facts and the intended handling, to a person named."""
        self._person(act.command.subject_id, "告知", "told")
        self._record(self.SubjectNotified, act)

    def state_defence(self, act: Act[c.StateDefence], ctx: Context) -> None:
        """陈述申辩: only the subject, and only after being told."""
        subject = self.subjects.get(str(act.actor_id))
        if subject is None or subject["role"] == SubjectRole.UNIT:
            raise self._refuse("陈述申辩应当由被追究责任的人员本人提出，他人不得代为签署",
                               "a statement of defence is signed by the subject themself, not by another")
        if not subject["notified"]:
            raise self._refuse("尚未告知拟处理意见，不能陈述申辩；请先告知",
                               "the subject has not been told the facts and intended handling yet")
        self._record(self.DefenceStated, act)

    def decide(self, act: Act[c.DecideAccountability], ctx: Context) -> None:
        """决定: per subject, after telling them; sanctions only from the list; relief with its
        ground (国令第713号第三十八条: a recorded dissent cites its record)."""
        seen: set[UUID] = set()
        for decision in act.command.decisions:
            if decision.subject_id in seen:
                raise Conflict(f"同一被追究人员在一次操作中被决定两次 / subject {decision.subject_id} is decided twice in one act")
            seen.add(decision.subject_id)
            subject = self._person(decision.subject_id, "作出决定", "decided")
            if not subject["notified"]:  # ARTICLE: NX-16 / XX-23 / XX-18 (依法依规: 告知 precedes 决定)
                raise self._refuse("作出决定前应当告知拟处理意见并听取陈述申辩；请先告知该人员",
                                   "the subject must be told the facts and intended handling before a decision")
            if subject["decision"] is not None:
                raise Conflict(f"已作出处理决定，变更须经申诉、复核 / {decision.subject_id} is already decided; a change goes by appeal and review")
            self._check_decision(decision, ctx)
        self._record(self.Decided, act)

    def appeal(self, act: Act[c.AppealDecision], ctx: Context) -> None:
        """申诉: the subject themself, against the decision on them."""
        subject = self.subjects.get(str(act.actor_id))
        if subject is None or subject["role"] == SubjectRole.UNIT:
            raise self._refuse("申诉应当由被处理的人员本人提出", "an appeal is signed by the subject themself")
        if subject["decision"] is None:
            raise self._refuse("尚未作出决定，无可申诉", "there is no decision on the subject to appeal")
        self._record(self.Appealed, act)

    def review(self, act: Act[c.ReviewDecision], ctx: Context) -> None:
        """复核: an appeal upheld or changed; a change carries the new decision."""
        command = act.command
        subject = self._person(command.subject_id, "复核", "reviewed")
        if len(subject["appeals"]) <= len(subject["reviews"]):
            raise self._refuse("没有待处理的申诉", "there is no pending appeal of this subject")
        changed = command.result == "changed"
        if changed != (command.decision is not None):
            raise self._refuse("变更原决定应当载明新的决定；维持原决定不得另作决定",
                               "a change carries the new decision; upholding carries none")
        if command.decision is not None:
            if command.decision.subject_id != command.subject_id:
                raise self._refuse("新的决定应当针对申诉人", "the new decision must be on the appellant")
            self._check_decision(command.decision, ctx)
        self._record(self.Reviewed, act)

    # --- checks ---------------------------------------------------------------------------

    def _refuse(self, zh: str, en: str) -> Refused:
        return _refuser(self.article)(zh, en)

    def _person(self, subject_id: UUID, step_zh: str, step_en: str) -> dict[str, Any]:
        subject = self.subjects.get(str(subject_id))
        if subject is None:
            raise NotFound(f"{subject_id} 不是本程序的被追究人员 / {subject_id} is not a subject of this procedure")
        if subject["role"] == SubjectRole.UNIT:
            raise self._refuse(f"单位是被认定有关行为的一方，不能对其{step_zh}；处分落在其领导人员和直接责任人员",
                               f"a unit is a party, not a person to be {step_en}: sanctions fall on its "
                               "leaders and directly responsible persons")
        return subject

    def _check_decision(self, decision: c.SubjectDecision, ctx: Context) -> None:
        outcome = decision.outcome
        if outcome in _NEEDS_SANCTION and not decision.sanctions:
            raise self._refuse("给予处分或者问责应当写明处分种类", "a sanction decision names the sanction")
        if outcome not in _MAY_SANCTION and decision.sanctions:
            raise self._refuse("不予追究或者免除责任的，不得同时给予处分",
                               "no liability or exemption imposes no sanction")
        if (outcome in _NEEDS_RELIEF) != (decision.relief is not None):
            raise self._refuse("减轻或者免除责任应当写明理由；其他决定不载减免理由",
                               "a reduction or exemption states its ground, and only those do")
        relief = decision.relief
        if relief is None:
            return
        if relief.ground == ReliefGround.RECORDED_DISSENT:  # ARTICLE: 713-38
            if relief.record is None:
                raise _refuser("713-38")("以集体讨论中持不同意见为由减免责任，应当援引记录在案的意见",
                                         "relief for recorded dissent cites the record of the dissent")
            problem = dissent_problem(ctx.directory, self.decision_id, decision.subject_id, relief.record)
            if problem is not None:
                raise _refuser("713-38")(*problem)
        elif not relief.description.strip():
            raise self._refuse("容错纠错或者其他减免理由应当具体说明", "describe the ground of the relief")

    # --- events ---------------------------------------------------------------------------

    def _step(self, event: LedgerEvent, act: Act[Any], step: str, subjects: list[str], **details: Any) -> dict[str, Any]:
        entry = {"step": step, "subjects": subjects, **details, **event.provenance(act)}
        self.steps.append(entry)
        return entry

    class Opened(LedgerCreated):
        TOPIC = "decision-ledger/Accountability/Opened/v1"
        COMMAND = c.OpenAccountability

        def on(self, procedure: Accountability, act: Act[c.OpenAccountability]) -> None:
            command = act.command
            procedure.ground = command.ground.value
            procedure.case_id = command.case_id
            procedure.finding_id = command.finding_id
            procedure.conduct = command.conduct.value if command.conduct else None
            procedure.fault = command.fault.value if command.fault else None
            procedure.decision_id = command.decision_id
            procedure.jurisdiction = command.jurisdiction.value
            procedure.article = article_of(command.ground, command.jurisdiction, command.fault)
            for subject in command.subjects:
                procedure.subjects[str(subject.subject_id)] = {
                    "subject_id": subject.subject_id, "role": subject.role.value, "notified": [],
                    "defences": [], "decision": None, "appeals": [], "reviews": [],
                }
            procedure.evidence.append({"step": "open", **command.evidence.model_dump()})
            procedure.opened = procedure._step(self, act, "open", list(procedure.subjects),
                                               statement=command.statement)

    class Investigated(LedgerEvent):
        TOPIC = "decision-ledger/Accountability/Investigated/v1"
        COMMAND = c.InvestigateAccountability

        def on(self, procedure: Accountability, act: Act[c.InvestigateAccountability]) -> None:
            procedure.evidence.append({"step": "investigate", **act.command.evidence.model_dump()})
            procedure._step(self, act, "investigate", list(procedure.subjects), facts=act.command.facts)

    class SubjectNotified(LedgerEvent):
        TOPIC = "decision-ledger/Accountability/SubjectNotified/v1"
        COMMAND = c.NotifySubject

        def on(self, procedure: Accountability, act: Act[c.NotifySubject]) -> None:
            command = act.command
            entry = procedure._step(self, act, "notify", [str(command.subject_id)], facts=command.facts,
                                    intended_handling=command.intended_handling)
            procedure.subjects[str(command.subject_id)]["notified"].append(entry)

    class DefenceStated(LedgerEvent):
        TOPIC = "decision-ledger/Accountability/DefenceStated/v1"
        COMMAND = c.StateDefence

        def on(self, procedure: Accountability, act: Act[c.StateDefence]) -> None:
            entry = procedure._step(self, act, "state_defence", [str(act.actor_id)], statement=act.command.statement,
                                    documents=[d.model_dump() for d in act.command.documents])
            procedure.subjects[str(act.actor_id)]["defences"].append(entry)

    class Decided(LedgerEvent):
        TOPIC = "decision-ledger/Accountability/Decided/v1"
        COMMAND = c.DecideAccountability

        def on(self, procedure: Accountability, act: Act[c.DecideAccountability]) -> None:
            for decision in act.command.decisions:
                entry = procedure._step(self, act, "decide", [str(decision.subject_id)], **_decision(decision))
                procedure.subjects[str(decision.subject_id)]["decision"] = entry

    class Appealed(LedgerEvent):
        TOPIC = "decision-ledger/Accountability/Appealed/v1"
        COMMAND = c.AppealDecision

        def on(self, procedure: Accountability, act: Act[c.AppealDecision]) -> None:
            entry = procedure._step(self, act, "appeal", [str(act.actor_id)], statement=act.command.statement,
                                    documents=[d.model_dump() for d in act.command.documents])
            procedure.subjects[str(act.actor_id)]["appeals"].append(entry)

    class Reviewed(LedgerEvent):
        TOPIC = "decision-ledger/Accountability/Reviewed/v1"
        COMMAND = c.ReviewDecision

        def on(self, procedure: Accountability, act: Act[c.ReviewDecision]) -> None:
            command = act.command
            new = _decision(command.decision) if command.decision else None
            entry = procedure._step(self, act, "review", [str(command.subject_id)], result=command.result.value,
                                    reasons=command.reasons, decision=new)
            subject = procedure.subjects[str(command.subject_id)]
            subject["reviews"].append(entry)
            if new is not None:
                subject["decision"] = entry


def _decision(decision: c.SubjectDecision) -> dict[str, Any]:
    return {
        "outcome": decision.outcome.value,
        "sanctions": [s.value for s in decision.sanctions],
        "relief": decision.relief.model_dump() if decision.relief else None,
        "reasons": decision.reasons,
    }


def _refuser(article: str) -> Refuser:
    def refuse(zh: str, en: str) -> Refused:
        return Refused(article, zh, en, rule=f"{article}/accountability-procedure")
    return refuse


def _case(ctx: Context, case_id: UUID | None) -> EvaluationCase | None:
    if case_id is None:
        return None
    case = ctx.directory.find(case_id, EvaluationCase)
    if case is None:
        raise NotFound(f"没有评估案件 {case_id} / no evaluation case {case_id}")
    return case


def _check_misconduct(command: c.OpenAccountability, case: EvaluationCase | None, jurisdiction: str,
                      ctx: Context, refuse: Refuser) -> None:
    """NX-16 / XX-23: the case, a conduct of the open list, NX-16's fourth ground tied to an
    evaluation whose result could not be used."""
    if case is None:
        raise refuse("评估中的行为应当指明所在的评估案件", "misconduct in an evaluation names the case (case_id)")
    if command.conduct is None or command.fault is not None:
        raise refuse("评估中的行为应当写明行为种类，不写决策过错", "name the conduct, not a decision fault")
    if command.conduct == Conduct.OTHER and not command.conduct_description.strip():
        raise refuse("“等”行为应当具体描述", "describe the other conduct (the texts' 等)")
    if command.conduct == Conduct.INEFFECTIVE_WORK:  # ARTICLE: NX-16 (its fourth ground), XX-23 (none)
        if jurisdiction != "NX":
            raise refuse("息县办法第二十三条未规定“评估结果无法运用与其工作不力、方式方法简单有关”的情形",
                         "XX-23 has no ground of ineffective work making the result unusable (NX-16's fourth ground)")
        if command.unusable_case_id is None or ctx.directory.find(command.unusable_case_id, EvaluationCase) is None:
            raise refuse("应当指明评估结果无法运用的评估案件", "name the evaluation whose result could not be used")


def _check_fault(command: c.OpenAccountability, refuse: Refuser) -> None:
    """XX-18; 国令第713号第三十八条: 决策严重失误, or 久拖不决 causing major loss or grave adverse
    effect (造成重大损失、恶劣影响); 第三十九条: a unit's procedure not followed, or dereliction or
    falsification in it."""
    if command.fault is None or command.conduct is not None:
        raise refuse("决策过错应当写明过错种类（决策严重失误、久拖不决造成重大损失、恶劣影响，或者有关单位未按规定履行决策程序、"
                     "履行决策程序时失职渎职、弄虚作假）",
                     "a decision fault names its kind (serious error, delay causing major loss or grave adverse "
                     "effect, or a unit's procedure not followed, dereliction or falsification in it)")


def _check_taken_up(command: c.OpenAccountability, finding: dict[str, Any], jurisdiction: str) -> None:
    """A procedure that takes up the evaluation's confirmed decision fault rests on that fault: the
    decision's own (713-38: the head answers) cannot become a unit's in the procedure (713-39: the
    head is no subject), nor the reverse; and a unit named as party is the unit found at fault."""
    if finding["source"] != "evaluation":
        return
    kind = finding["conduct"]
    if command.ground != AccountabilityGround.DECISION_FAULT or command.fault != kind:  # ARTICLE: 713-38, 713-39
        raise Refused(article_of(AccountabilityGround.DECISION_FAULT, jurisdiction, kind),
                      f"所跟进的问题经评估确认为{_kind_zh(kind)}，立案应当依同一过错种类（{kind}）：决策本身的过错"
                      "依第三十八条追究行政首长等人员，单位在决策程序中的过错依第三十九条追究该单位的人员",
                      f"the finding taken up was confirmed as {kind}: the procedure rests on the same fault (the "
                      "decision's own under Article 38, the head answering; a unit's in the procedure under "
                      "Article 39) (fault)", rule="decision-fault/finding-taken-up")
    named = {s.subject_id for s in command.subjects if s.role == SubjectRole.UNIT}
    if named and named != {finding.get("unit_id")}:  # ARTICLE: 713-39
        raise Refused("713-39", "所列单位不是评估确认在决策程序中有过错的单位：单位一方应当是所跟进问题指明的单位",
                      "the unit named as party is not the unit the evaluation found at fault in the finding taken "
                      "up (subjects)", rule="decision-fault/finding-taken-up")


def _kind_zh(kind: str) -> str:
    return "单位在决策程序中的过错（第三十九条）" if kind in UNIT_FAULTS else "决策本身的过错（第三十八条）"


def _check_subjects(command: c.OpenAccountability, decision: Decision, ctx: Context, refuse: Refuser) -> None:
    """Persons are registered principals; a unit is a registered organisation, named beside the
    persons on whom sanctions fall: under XX-23 (参与评估工作的单位), and under 713-39 (the unit at
    fault in the decision procedure, which the deciding organ orders to correct), where the persons are
    the unit's leaders and direct persons, not the head who decided (713-38)."""
    subjects = command.subjects
    ids = [s.subject_id for s in subjects]
    if len(set(ids)) != len(ids):
        raise Conflict("被追究人员重复列出 / a subject is named twice")
    unit_fault = command.fault in UNIT_FAULTS
    for subject in subjects:
        if subject.role == SubjectRole.UNIT:
            _check_unit(command, decision, subject.subject_id, ctx, refuse)
        elif ctx.directory.find(subject.subject_id, Principal) is None:
            raise NotFound(f"人员 {subject.subject_id} 未登记 / no principal {subject.subject_id} is registered")
        elif unit_fault and subject.role == SubjectRole.HEAD:  # ARTICLE: 713-39
            raise refuse("第三十九条追究的是有关单位负有责任的领导人员和直接责任人员；行政首长对决策本身的责任依第三十八条",
                         "Article 39 holds the unit's responsible leaders and direct persons to account; the head "
                         "answers for the decision itself under Article 38 (role: leader or direct)")
    if all(s.role == SubjectRole.UNIT for s in subjects):
        raise refuse("应当同时列明负有责任的领导人员和直接责任人员", "name the responsible leaders and direct persons too")


def _check_unit(command: c.OpenAccountability, decision: Decision, unit_id: UUID, ctx: Context,
                refuse: Refuser) -> None:
    """A unit as party: under XX-23 (参与评估工作的单位), or under 713-39 a unit of the making."""
    if command.fault in UNIT_FAULTS:  # ARTICLE: 713-39
        if ctx.directory.find(unit_id, Organisation) is None:
            raise NotFound(f"单位 {unit_id} 未登记 / no organisation {unit_id} is registered")
        if unit_id not in units_of_the_making(decision, ctx):
            raise refuse("所列单位不是该决策的承办单位，也没有记录在案的决策有关工作",
                         "the unit named neither undertook the decision nor has recorded work on it")
        return
    if decision.jurisdiction != "XX":  # ARTICLE: XX-23 (参与评估工作的单位)
        raise refuse("宁夏商务厅办法第十六条追究的是工作人员，不以单位为一方",
                     "NX-16 holds staff to account; it names no unit as party")
    if command.ground != AccountabilityGround.EVALUATION_MISCONDUCT:
        raise refuse("决策过错追究的是有关责任人员，单位只在评估中的行为（息县办法第二十三条）和决策程序中的过错（第三十九条）中作为一方",
                     "a decision fault holds persons to account; a unit is a party only under XX-23 and, for a "
                     "fault in the decision procedure, Article 39")
    if ctx.directory.find(unit_id, Organisation) is None:
        raise NotFound(f"单位 {unit_id} 未登记 / no organisation {unit_id} is registered")


def _check_evidence(evidence: c.Evidence, ctx: Context, refuse: Refuser) -> None:
    if not evidence.events and not evidence.documents:
        raise refuse("应当援引证据：账本中的事件或者账本外文件的摘要", "cite evidence: ledger events or documents")
    for citation in evidence.events:
        problem = citation_problem(ctx.directory, citation)
        if problem is not None:
            raise refuse(*problem)

