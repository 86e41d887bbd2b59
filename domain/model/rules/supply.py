"""Rules on the related units' duty to supply materials (XX-6 第二款; 国令第713号第四十条): a refusal,
items an answer does not supply, and silence past the due date, are findings (:mod:`domain.model.supply` holds the acts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from domain.model.calendar import china_date
from domain.model.holidays import UnknownYear
from domain.model.organisation import Organisation
from domain.model.rules.base import SWEEP, EventRef, Flag, Judgement, Rule, Undetermined
from domain.model.rules.common import rule_of
from domain.model.rules.deadlines import official_calendar, undetermined
from domain.model.supply import days_late, due_date
from domain.model.vocabulary import Jurisdiction


def _unit_name(j: Judgement, request: dict[str, Any]) -> str:
    unit = j.ctx.directory.find(request["unit_id"], Organisation)
    return unit.name if unit is not None else str(request["unit_id"])


def supply_refused(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """XX-6 有关单位应当提供材料和数据; 713-40 拒不执行、推诿: a unit's refusal is recorded, with its
    reason, and raised as a finding against the person who signed it."""

    @rule_of(jurisdiction, "supply-refused", articles, "有关单位拒绝提供材料",
             "a related unit refuses to supply materials", "flag", {"case.refuse_request"})
    def check(j: Judgement) -> Iterator[Flag]:
        request = j.the_case.supply_requests.get(str(j.command.request_id))
        if request is None or request["answer"] or request["refusal"]:
            return  # the case refuses it
        unit = _unit_name(j, request)
        yield Flag(
            f"{unit}拒绝提供评估所需材料，理由为：{j.command.reason}",
            f"{unit} refused to supply the materials requested, stating: {j.command.reason}",
            persons=(j.actor_id,),
            cited=(EventRef.of(j.the_case.id, request),),
            figures={"unit": unit, "unit_id": str(request["unit_id"]), "request_id": str(j.command.request_id)},
        )

    return check


def supply_overdue(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """XX-6; 713-40 拖延: a request left unanswered past its due date is found against the unit and
    the responsible person the request names — by the deadline sweep, or when a late answer comes
    first; once per request. Silence counts only while the case could still take an answer: a
    request whose due date falls after the evidence phase closed has lapsed."""
    rule_id = f"{jurisdiction.value}/supply-overdue"

    @rule_of(jurisdiction, "supply-overdue", articles, "有关单位逾期未提供材料",
             "a related unit lets the due date pass", "flag", {SWEEP, "case.answer_request"})
    def check(j: Judgement) -> Iterator[Flag | Undetermined]:
        case = j.the_case
        calendar = official_calendar(j.ctx.directory)
        found = {f["figures"].get("request_id") for f in case.findings_of_rule(rule_id)}
        if j.action == SWEEP:
            pending = [(rid, r) for rid, r in case.supply_requests.items() if not r["answer"] and not r["refusal"]]
        else:
            rid = str(j.command.request_id)
            pending = [(rid, case.supply_requests[rid])] if rid in case.supply_requests else []
        for request_id, request in pending:
            if request_id in found or request["answer"] or request["refusal"]:
                continue
            try:
                due = due_date(request, calendar)
            except UnknownYear as unknown:
                yield undetermined(rule_id, f"请求{_unit_name(j, request)}提供材料的期限", unknown)
                continue
            late = days_late(request, j.ctx.now, calendar)
            closed = case.evidence_closed
            if late == 0 or (closed is not None and china_date(closed["at"]) <= due):
                continue
            unit = _unit_name(j, request)
            yield Flag(
                f"{unit}应于{due}前提供评估所需材料，{'答复时' if j.action != SWEEP else '至今'}已逾期{late}日",
                f"{unit} was to supply the materials requested by {due}; {late} days overdue",
                persons=(UUID(str(request["responsible_id"])),),
                cited=(EventRef.of(case.id, request),),
                cite_this_event=j.action != SWEEP,
                figures={"unit": unit, "unit_id": str(request["unit_id"]), "request_id": request_id,
                         "deadline": str(due), "days_overdue": late,
                         "calendar": calendar.version()},
            )

    return check


# issue 18 review — duty to supply (XX-6): the items an answer does not supply


def supply_withheld(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """XX-6 有关单位应当提供材料和数据; 713-40 漏报: an answer recording requested items as not
    supplied, each with its reason, is accepted and raised as a finding against its signer, like a
    refusal of those items."""

    @rule_of(jurisdiction, "supply-withheld", articles, "有关单位未提供所请求的部分材料",
             "a related unit does not supply some items requested", "flag", {"case.answer_request"})
    def check(j: Judgement) -> Iterator[Flag]:
        request = j.the_case.supply_requests.get(str(j.command.request_id))
        withheld = list(j.command.not_supplied)
        if request is None or request["answer"] or request["refusal"] or not withheld:
            return  # the case refuses it, or everything is supplied
        unit = _unit_name(j, request)
        listed = "；".join(f"{n.item}（理由：{n.reason}）" for n in withheld)
        yield Flag(
            f"{unit}未提供所请求的{len(withheld)}项材料：{listed}",
            f"{unit} did not supply {len(withheld)} of the items requested: "
            + "; ".join(f"{n.item} ({n.reason})" for n in withheld),
            persons=(j.actor_id,),
            cited=(EventRef.of(j.the_case.id, request),),
            figures={"unit": unit, "unit_id": str(request["unit_id"]), "request_id": str(j.command.request_id),
                     "items_requested": len(request["items"]), "items_not_supplied": len(withheld)},
        )

    return check
