"""回避: who did a decision's main pre-decision demonstration stays out of its evaluation.

* NX-8 重大行政决策作出前承担主要论证工作的专家、专业机构和社会组织等，原则上不得参与评估工作。
* 国令第713号第三十六条（第二款）开展决策后评估，可以委托专业机构、社会组织等第三方进行，决策作出前
  承担主要论证评估工作的单位除外。 Both texts implement it.

Three rules follow. The list of demonstrators (or an explicit "none") is on the decision before a
case opens, so the check has something to check against. The unit (agency, organisation) that did
the main demonstration is never entrusted with the evaluation, under either text, and no reason is
accepted (713-36 admits no exception). A person — a demonstrating expert, or staff of a
demonstrating unit — may come in by every door of the evaluation (the team, an engagement, an
expert review, any act on the case): under NX-8's 原则上 that is refused unless a reason is
recorded when they are admitted, and then flagged; under XX, whose text has no article of its own
and whose basis (713-36) excludes units only, it is flagged, once per person, for the inspector.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from domain.model.decision import Decision
from domain.model.principal import Principal
from domain.model.rules.base import Flag, Judgement, Refuse, Rule
from domain.model.rules.common import rule_of
from domain.model.vocabulary import Jurisdiction

#: Acts on a case by which a person takes part in the evaluation (the actor is checked).
EVALUATION_ACTS = frozenset({
    "case.submit_plan", "case.prepare_survey", "case.engage_expert", "case.collect_material",
    "case.exclude_material", "case.conduct_survey", "case.hold_forum", "case.hold_hearing",
    "case.visit_site", "case.solicit_opinions", "case.record_opinion", "case.close_evidence",
    "case.draw_conclusion", "case.draft_report", "case.give_expert_opinion", "case.finalise_report",
})

NONE_STATED = "无承担主要论证工作的专家、机构"


def _decision(j: Judgement, decision_id: UUID | None = None) -> Decision | None:
    target = decision_id if decision_id is not None else j.the_case.decision_id
    return j.ctx.directory.find(target, Decision)  # type: ignore[arg-type]


def demonstrators_recorded(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """NX-8; 713-36. The avoidance can be checked only against a list: before a case opens, the
    decision records who did its main demonstration, or that no one did (无承担主要论证工作的专家、机构)."""

    @rule_of(jurisdiction, "demonstrators-recorded", articles, "立案前记录决策前论证者或者记录无",
             "the pre-decision demonstrators (or none) are recorded before a case opens", "refuse", {"case.open"})
    def check(j: Judgement) -> Iterator[Refuse]:
        decision = _decision(j, j.command.decision_id)
        if decision is not None and not decision.demonstrators_recorded:
            yield Refuse(
                "立案前应当在决策上记录决策作出前承担主要论证工作的专家、专业机构和社会组织，"
                f"或者记录“{NONE_STATED}”，以便评估人员回避",
                "record on the decision who did its main pre-decision demonstration, or that no one did, "
                "before opening its evaluation",
            )

    return check


def unit_excluded(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """713-36 ……决策作出前承担主要论证评估工作的单位除外。 The unit is not entrusted, and its staff do
    not act as an entrusted agency (a list amended after the entrustment), whatever the reason."""

    @rule_of(jurisdiction, "demonstrating-unit-excluded", articles, "决策前承担主要论证评估工作的单位不得受委托评估",
             "the unit that did the main pre-decision demonstration is not entrusted", "refuse",
             {"case.entrust_agency"} | EVALUATION_ACTS)
    def check(j: Judgement) -> Iterator[Refuse]:
        decision = _decision(j)
        units = decision.demonstrating_units() if decision is not None else {}
        if not units:
            return
        case = j.the_case
        if j.action == "case.entrust_agency":
            unit: UUID | None = j.command.agency_id
        elif case.is_lead_unit_staff(j.ctx) or str(j.actor_id) in case.team:
            return  # acting as the lead unit or the team: the person rule judges them
        else:
            unit = case.acting_agency(j.ctx)
        if unit in units:
            yield Refuse(
                f"{units[unit]}在决策作出前承担了主要论证评估工作，不得承担该决策的后评估工作，说明理由亦不例外",
                f"{units[unit]} did the decision's main pre-decision demonstration: it may not carry out "
                "the evaluation, whatever the reason",
            )

    return check


def _entrants(j: Judgement) -> Iterator[tuple[UUID, str, bool]]:
    """Who comes into the evaluation by this act: (person, the reason recorded for them, admitted
    now). A team member or an engaged expert comes in with the act that admits them; anyone else
    acting on the case comes in with the reason recorded when they were admitted, if any."""
    command = j.command
    if j.action == "case.form_team":
        for member in command.members:
            yield member.principal_id, member.justification, True
        return
    if j.action == "case.engage_expert":
        yield command.expert_id, command.justification, True
    case = j.the_case
    actor = str(j.actor_id)
    admitted = case.team.get(actor, {}).get("justification") or case.experts.get(actor, {}).get("justification")
    yield j.actor_id, admitted or "", False


def _who(entry: dict[str, Any], person: Principal) -> tuple[str, str]:
    if entry["principal_id"] == person.id:
        return entry["name"], entry["name"]
    return f"{entry['name']}的工作人员{person.name}", f"{person.name}, staff of {entry['name']}"


def demonstrators_excluded(jurisdiction: Jurisdiction, articles: tuple[str, ...], *, in_principle: bool) -> Rule:
    """NX-8 (``in_principle``): 原则上不得参与 — refused unless a reason is recorded when the person
    is admitted (to the team, or engaged), then flagged against the admitting person and them.
    XX (713-36 only, which excludes the unit): flagged, once per person."""
    effect = "refuse+flag" if in_principle else "flag"

    @rule_of(jurisdiction, "demonstrators-excluded", articles, "决策前论证者原则上不得参与评估" if in_principle
             else "决策前论证者参与评估的，记录问题", "pre-decision demonstrators stay out, in principle"
             if in_principle else "a pre-decision demonstrator taking part is flagged", effect,
             {"case.form_team"} | EVALUATION_ACTS)
    def check(j: Judgement) -> Iterator[Refuse | Flag]:
        decision = _decision(j)
        if decision is None or not decision.demonstrators:
            return
        for person_id, reason, admitted_now in _entrants(j):
            person = j.ctx.directory.find(person_id, Principal)
            entry = decision.demonstrator_of(person_id, person.agency_id) if person is not None else None
            if entry is None or person is None:
                continue
            zh, en = _who(entry, person)
            persons = (j.actor_id, person_id) if person_id != j.actor_id else (j.actor_id,)
            if in_principle:
                if not reason.strip():
                    yield Refuse(
                        f"{zh}承担了决策作出前的主要论证工作，原则上不得参与评估工作；确需参与的，应当在"
                        "成立评估小组或者外聘时记录理由",
                        f"{en} did the decision's main pre-decision demonstration: record a justification "
                        "when admitting them to the team or engaging them",
                    )
                    return
                if admitted_now:
                    yield Flag(
                        f"{zh}承担了决策作出前的主要论证工作，经记录理由后参与评估：{reason}",
                        f"{en}, a pre-decision demonstrator, takes part with a justification",
                        persons=persons,
                        figures={"demonstrator": entry["name"], "justification": reason[:200]},
                    )
            elif admitted_now or not _flagged(j, person_id):
                yield Flag(
                    f"{zh}承担了决策作出前的主要论证工作，参与了评估工作（《重大行政决策程序暂行条例》"
                    "第三十六条排除其单位）",
                    f"{en}, a pre-decision demonstrator, takes part in the evaluation (713-36 excludes the unit)",
                    persons=persons,
                    figures={"demonstrator": entry["name"]},
                )

    return check


def _flagged(j: Judgement, person_id: UUID) -> bool:
    """Whether this rule has already raised a finding naming the person on this case."""
    rule = f"{j.jurisdiction.value}/demonstrators-excluded"
    return any(
        str(person_id) in {str(p.get("principal_id", p)) if isinstance(p, dict) else str(p) for p in f["persons"]}
        for f in j.the_case.findings_of_rule(rule)
    )
