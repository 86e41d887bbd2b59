"""有关单位提供材料 — the related units' duty to supply materials (XX-6 第二款; 国令第713号第四十条).

XX-6: 与重大行政决策实施有关的单位，应当按照跟踪反馈与后评估的要求，提供与重大行政决策实施情况有关的
材料和数据，如实说明实施过程中存在的问题和风险，并提出相关建议，协助做好跟踪反馈与后评估工作。县政府
办公室负责协调工作。 Decree 713 Art. 40 holds to account a 执行单位 that refuses, shirks or delays, or
conceals, misreports or omits (瞒报、谎报、漏报) major problems found in carrying out a decision.

* The lead unit or the evaluation team requests materials from a related unit (a registered
  organisation), naming the items, a period in days and the unit's responsible person — an
  organisation records no head, so the request names the person, who must belong to the unit.
* A person of that unit answers (materials with their digests, recorded on the case as its
  materials and linked to the request; the problems and risks; suggestions; an attestation that
  the answer is truthful) or refuses with a reason; a person of another unit cannot do either.
  The answer accounts for each requested item: a material names the item it answers, or the item
  is listed as not supplied with its reason; an answer leaving an item unaccounted for is refused,
  and items not supplied are a finding against the signer (713-40 漏报; XX-6 如实提供).
* A supplied material's stance is the unit's own statement (signed, attested truthful): it counts
  as sourced (:func:`domain.model.evidence_work.counted_stance`), and an evidence finding names who
  requested it, never the unit's signer.
* A refusal is recorded and the ledger raises a finding against its signer; silence past the due
  date is found by the deadline sweep against the responsible person, once per request
  (:mod:`domain.model.rules.supply`).
* The 县政府办公室 records its coordination (XX-6 第一款); it closes no finding.

The Ningxia text places no such duty on related units (NX-4 and NX-9 speak of the 承办处室's own
work): under it a request, answer and refusal are the same acts, and a refusal or silence cites
Decree 713 Art. 40 alone; coordination by a county government office is the Xixian text's only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from domain.errors import Conflict, MalformedInput, NotFound, Refused
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerEvent
from domain.model.calendar import china_date
from domain.model.commands.supply import (
    AnswerRequest,
    CoordinateSupply,
    RefuseRequest,
    RequestMaterials,
)
from domain.model.holidays import OfficialCalendar
from domain.model.organisation import Organisation, lineage
from domain.model.principal import Principal

if TYPE_CHECKING:
    from domain.model.case import EvaluationCase


def article_of(case: EvaluationCase) -> str:
    """XX-6 for 息县; the Ningxia text is silent on related units, so Decree 713 Art. 40 alone."""
    return "713-40" if case.is_nx else "XX-6"


# --- time: the one place a request's due date is counted ----------------------------------------


def due_date(request: dict[str, Any], calendar: OfficialCalendar) -> date:
    """期限届满日: the request's period counted from the day of the request (China Standard Time), as
    the 民法典 counts it (:meth:`OfficialCalendar.last_day`: the day of the request not counted; a
    last day on a 法定休假日 moves to the next working day). Raises
    :class:`~domain.model.holidays.UnknownYear` where the calendar does not know the year."""
    return calendar.last_day(china_date(request["at"]), request["within_days"])


def days_late(request: dict[str, Any], moment: datetime, calendar: OfficialCalendar) -> int:
    """How many days past its due date ``moment`` is (0 while not past)."""
    return max(0, (china_date(moment) - due_date(request, calendar)).days)


# --- checks -----------------------------------------------------------------------------------


def _belongs_to(principal: Principal, unit_id: Any, ctx: Context) -> bool:
    """Whether a person belongs to the unit (or to a unit under it)."""
    if principal.organisation_id is None:
        return False
    return unit_id in lineage(principal.organisation_id, lambda oid: ctx.directory.find(oid, Organisation))


def answerable_by(case: EvaluationCase, ctx: Context) -> list[str]:
    """The requests of this case the signer may still answer or refuse: open (neither answered nor
    refused), and addressed to the signer's unit or a unit above it (:func:`_check_unit_signs`)."""
    signer = ctx.directory.find(ctx.actor.id, Principal)
    if signer is None:
        return []
    return [rid for rid, request in case.supply_requests.items()
            if not request["answer"] and not request["refusal"] and _belongs_to(signer, request["unit_id"], ctx)]


def request_of(case: EvaluationCase, request_id: Any) -> dict[str, Any]:
    request = case.supply_requests.get(str(request_id))
    if request is None:
        raise NotFound(f"本案没有该材料请求 / no request for materials {request_id} on this case")
    return request


def check_request(case: EvaluationCase, act: Act[RequestMaterials], ctx: Context) -> None:
    command = act.command
    ctx.require(case.is_lead_unit_staff(ctx) or str(ctx.actor.id) in case.team,
                "只有承办单位或评估小组可以请求有关单位提供材料",
                "only the lead unit or the evaluation team requests materials from a related unit",
                article_of(case))
    if str(command.request_id) in case.supply_requests:
        raise Conflict(f"本案已记录该请求 / request {command.request_id} is already recorded on this case")
    unit = ctx.directory.find(command.unit_id, Organisation)
    if unit is None:
        raise NotFound(f"单位 {command.unit_id} 未登记 / no organisation {command.unit_id} is registered (unit_id)")
    responsible = ctx.directory.find(command.responsible_id, Principal)
    if responsible is None:
        raise NotFound(f"人员 {command.responsible_id} 未登记 / no principal {command.responsible_id} is registered (responsible_id)")
    if not _belongs_to(responsible, command.unit_id, ctx):
        raise Refused(article_of(case), f"{responsible.name}不是{unit.name}的人员，不能作为该单位提供材料的负责人",
                      f"{responsible.name} does not belong to {unit.name} and cannot answer for its supply",
                      rule="supply/responsible-of-the-unit")


def _check_unit_signs(case: EvaluationCase, request: dict[str, Any], ctx: Context) -> None:
    """Only a person of the requested unit answers or refuses for it, and only once."""
    if request["answer"] or request["refusal"]:
        raise Conflict("该请求已答复或已拒绝 / this request is already answered or refused")
    signer = ctx.directory.find(ctx.actor.id, Principal)
    unit = ctx.directory.find(request["unit_id"], Organisation)
    if signer is None or not _belongs_to(signer, request["unit_id"], ctx):
        name = unit.name if unit else str(request["unit_id"])
        raise Refused(article_of(case), f"只有被请求的单位（{name}）的人员可以答复或者拒绝，其他单位的人员不能代为答复",
                      f"only a person of the requested unit ({name}) answers or refuses for it",
                      rule="supply/answered-by-the-unit")


def check_answer(case: EvaluationCase, act: Act[AnswerRequest], ctx: Context) -> None:
    command = act.command
    _check_unit_signs(case, request_of(case, command.request_id), ctx)
    if not command.truthful:
        raise Refused(article_of(case), "答复应当如实说明实施过程中存在的问题和风险，签署人须承诺如实",
                      "the answer states the problems and risks truthfully: the signer attests it",
                      rule="supply/truthful-attestation")
    ids = [str(m.material_id) for m in command.materials]
    if len(set(ids)) != len(ids):
        raise MalformedInput("a material appears twice in the answer")
    known = [i for i in ids if i in case.materials]
    if known:
        raise Conflict(f"本案已记录该资料 / material {known[0]} is already recorded on this case")
    _check_every_item(case, request_of(case, command.request_id), command)


def _check_every_item(case: EvaluationCase, request: dict[str, Any], command: AnswerRequest) -> None:
    """逐项答复: every requested item is supplied (a material names it) or listed as not supplied
    with a reason; an item named in the answer is one the request lists, listed once."""
    items = list(request["items"])
    supplied = [m.item for m in command.materials if m.item is not None]
    withheld = [n.item for n in command.not_supplied]
    unknown = [i for i in [*supplied, *withheld] if i not in items]
    if unknown:
        raise Refused(article_of(case), f"答复所称的事项“{unknown[0]}”不是请求所列的材料",
                      f"the answer names an item the request does not list: {unknown[0]}",
                      rule="supply/every-item-accounted")
    both = [i for i in withheld if i in supplied or withheld.count(i) > 1]
    if both:
        raise Refused(article_of(case), f"事项“{both[0]}”在答复中既作为已提供又作为未提供，或者重复列出",
                      f"the item {both[0]} is listed as both supplied and not supplied, or twice",
                      rule="supply/every-item-accounted")
    missing = [i for i in items if i not in supplied and i not in withheld]
    if missing:
        raise Refused(article_of(case),
                      f"答复应当逐项说明所请求的材料：已提供的注明所答复的事项，未提供的说明理由；未说明的事项："
                      f"{'、'.join(missing)}",
                      "the answer accounts for each item requested (supplied, or not supplied with the reason); "
                      f"unaccounted for: {'; '.join(missing)}",
                      rule="supply/every-item-accounted")


def check_refusal(case: EvaluationCase, act: Act[RefuseRequest], ctx: Context) -> None:
    _check_unit_signs(case, request_of(case, act.command.request_id), ctx)


def check_coordination(case: EvaluationCase, act: Act[CoordinateSupply], ctx: Context) -> None:
    if case.is_nx:
        raise Refused("NX-4", "宁夏商务厅办法没有县政府办公室协调一步：评估由承办处室组织开展",
                      "the Ningxia text has no county government office coordinating: the lead unit organises",
                      rule="supply/coordination-under-xx")
    request_of(case, act.command.request_id)


# --- events -----------------------------------------------------------------------------------


class MaterialsRequested(LedgerEvent):
    """请求有关单位提供材料."""

    TOPIC = "decision-ledger/EvaluationCase/MaterialsRequested/v1"
    COMMAND = RequestMaterials

    def on(self, case: EvaluationCase, act: Act[RequestMaterials]) -> None:
        command = act.command
        case.supply_requests[str(command.request_id)] = {
            "unit_id": command.unit_id,
            "responsible_id": command.responsible_id,
            "items": list(command.items),
            "within_days": command.within_days,
            "note": command.note,
            "answer": None,
            "refusal": None,
            "coordination": [],
            **self.provenance(act),
        }


class RequestAnswered(LedgerEvent):
    """有关单位答复：提供材料，如实说明问题和风险，提出建议."""

    TOPIC = "decision-ledger/EvaluationCase/RequestAnswered/v1"
    COMMAND = AnswerRequest

    def on(self, case: EvaluationCase, act: Act[AnswerRequest]) -> None:
        command = act.command
        request = case.supply_requests[str(command.request_id)]
        by = self.provenance(act)
        for material in command.materials:
            case.materials[str(material.material_id)] = {
                "title": material.title,
                "source": str(request["unit_id"]),  # the supplying unit
                "digest": material.digest,
                "stance": material.stance.value,
                "classification": "none",
                "period": material.period.value,
                "collected": by,
                "excluded": None,
                "supplied_for": command.request_id,
                "supplied_item": material.item,
            }
        request["answer"] = {
            "materials": [m.material_id for m in command.materials],
            "problems_and_risks": command.problems_and_risks,
            "suggestions": command.suggestions,
            "not_supplied": [{"item": n.item, "reason": n.reason} for n in command.not_supplied],
            "truthful": command.truthful,
            **by,
        }


class RequestRefused(LedgerEvent):
    """有关单位拒绝提供材料."""

    TOPIC = "decision-ledger/EvaluationCase/RequestRefused/v1"
    COMMAND = RefuseRequest

    def on(self, case: EvaluationCase, act: Act[RefuseRequest]) -> None:
        request = case.supply_requests[str(act.command.request_id)]
        request["refusal"] = {"reason": act.command.reason, **self.provenance(act)}


class SupplyCoordinated(LedgerEvent):
    """县政府办公室协调."""

    TOPIC = "decision-ledger/EvaluationCase/SupplyCoordinated/v1"
    COMMAND = CoordinateSupply

    def on(self, case: EvaluationCase, act: Act[CoordinateSupply]) -> None:
        request = case.supply_requests[str(act.command.request_id)]
        request["coordination"].append({
            "measure": act.command.measure.value,
            "statement": act.command.statement,
            **self.provenance(act),
        })
