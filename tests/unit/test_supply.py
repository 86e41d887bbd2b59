"""有关单位提供材料 (XX-6 第二款; 国令第713号第四十条): requests to related units, their answers and
refusals signed by a person of the unit, silence found by the deadline sweep once per request, and
the 县政府办公室's coordination (XX-6 第一款)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain import clock
from domain.errors import Conflict, NotFound, NotPermitted, Refused
from domain.model.articles import DECREE_713, rules_by_article
from domain.model.holidays import OfficialCalendar
from domain.model.supply import due_date
from tests.supply_support import (
    COUNTY,
    ITEMS,
    NX_ORGAN,
    NX_RELATED,
    XX_OTHER,
    XX_RELATED,
    Unit,
    answer_args,
    organisation,
    request_args,
    unit,
)
from tests.support import NXScript, World, XXScript


def _stored(world: World) -> int:
    return world.ledger.recorder.max_notification_id() or 0


def _xx(world: World) -> tuple[XXScript, Unit, Unit]:
    county = organisation(world, COUNTY, "organ")
    xx = XXScript(world)
    xx.advance_to("collect_material")
    return xx, unit(world, XX_RELATED, county), unit(world, XX_OTHER, county)


def _supply_findings(script: XXScript | NXScript, kind: str) -> list[dict[str, Any]]:
    return [f for f in script.case.findings if f["rule"].endswith(kind)]


def test_a_request_is_answered_by_a_person_of_the_unit_and_its_materials_join_the_case(
        world: World, manual_clock: clock.ManualClock) -> None:
    xx, finance, other = _xx(world)
    head, clerk = finance.person("刘志强"), finance.person("王芳")
    stranger = other.person("赵磊")
    request_id, material_id = uuid4(), uuid4()
    xx.do(xx.member, "case.request_materials", request_args(finance, head, request_id))
    request = xx.case.supply_requests[str(request_id)]
    assert request["responsible_id"] == head.principal_id and request["answer"] is None
    assert str(due_date(request, OfficialCalendar())) == "2026-03-12"  # 2026-03-02 (China time), ten days: a Thursday

    before = _stored(world)
    with pytest.raises(Refused) as refused:  # a person of another unit cannot answer for it
        xx.do(stranger, "case.answer_request", answer_args(request_id, material_id))
    assert refused.value.article == "XX-6" and XX_RELATED in refused.value.zh and _stored(world) == before
    with pytest.raises(Refused) as refused:  # the signer attests that the answer is truthful
        xx.do(clerk, "case.answer_request", answer_args(request_id, material_id, truthful=False))
    assert refused.value.article == "XX-6" and "如实" in refused.value.zh and _stored(world) == before

    xx.do(clerk, "case.answer_request", answer_args(request_id, material_id))
    case = xx.case
    answer = case.supply_requests[str(request_id)]["answer"]
    assert answer["by"] == clerk.principal_id and "风险" in answer["problems_and_risks"]
    material = case.materials[str(material_id)]
    assert material["supplied_for"] == request_id and material["collected"]["by"] == clerk.principal_id
    assert material["digest"] and material["excluded"] is None
    with pytest.raises(Conflict):  # answered once
        xx.do(head, "case.refuse_request", {"request_id": str(request_id), "reason": "已答复"})

    manual_clock.advance(timedelta(days=30))
    assert world.ledger.check_deadlines() == []  # answered: no silence
    assert case.findings == []


def test_the_request_names_a_responsible_person_of_the_unit(world: World) -> None:
    xx, finance, other = _xx(world)
    head = finance.person("刘志强")
    stranger = other.person("赵磊")
    before = _stored(world)
    with pytest.raises(Refused) as refused:
        xx.do(xx.lead, "case.request_materials", request_args(finance, stranger))
    assert refused.value.article == "XX-6" and _stored(world) == before
    with pytest.raises(NotPermitted):  # the legality reviewer is neither the lead unit nor the team
        xx.do(xx.justice, "case.request_materials", request_args(finance, head))
    with pytest.raises(NotFound):
        xx.do(xx.lead, "case.request_materials", request_args(finance, head, unit_id=str(uuid4())))


def test_a_refusal_is_recorded_with_a_finding_against_its_signer(world: World) -> None:
    xx, finance, _ = _xx(world)
    head, clerk = finance.person("刘志强"), finance.person("王芳")
    request_id = uuid4()
    xx.do(xx.lead, "case.request_materials", request_args(finance, head, request_id))
    recorded = xx.do(clerk, "case.refuse_request", {"request_id": str(request_id), "reason": "涉及内部资料，不便提供"})
    assert recorded.findings == ("XX/supply-refused",)
    (found,) = _supply_findings(xx, "supply-refused")
    assert found["articles"] == ["XX-6", "713-40"]
    assert [p["principal_id"] for p in found["persons"]] == [clerk.principal_id]
    assert found["figures"]["unit"] == XX_RELATED and "不便提供" in found["summary_zh"]
    assert len(found["cited_events"]) == 2  # the request and the refusal
    assert xx.case.supply_requests[str(request_id)]["refusal"]["reason"] == "涉及内部资料，不便提供"


def test_silence_past_the_due_date_is_found_once_per_request_and_coordination_closes_nothing(
        world: World, manual_clock: clock.ManualClock) -> None:
    xx, finance, _ = _xx(world)
    head = finance.person("刘志强")
    office = world.person("郑红", ["government_office"], "息县人民政府办公室")
    silent, answered = uuid4(), uuid4()
    xx.do(xx.lead, "case.request_materials", request_args(finance, head, silent))
    xx.do(xx.lead, "case.request_materials", request_args(finance, head, answered, days=30))

    manual_clock.advance(timedelta(days=10))  # the last day: not yet late
    assert world.ledger.check_deadlines() == []
    manual_clock.advance(timedelta(days=1))
    assert len(world.ledger.check_deadlines()) == 1
    (found,) = _supply_findings(xx, "supply-overdue")
    assert [p["principal_id"] for p in found["persons"]] == [head.principal_id]
    assert found["figures"]["request_id"] == str(silent) and found["figures"]["days_overdue"] == 1
    assert found["figures"]["deadline"] == "2026-03-12" and found["figures"]["unit"] == XX_RELATED

    xx.do(office, "case.coordinate_supply", {"request_id": str(silent), "measure": "urge",
                                             "statement": "已电话督促财政局于三日内提供"})
    assert xx.case.supply_requests[str(silent)]["coordination"][0]["by"] == office.principal_id
    manual_clock.advance(timedelta(days=5))
    assert world.ledger.check_deadlines() == []  # once per request
    assert len(_supply_findings(xx, "supply-overdue")) == 1 and xx.case.open_findings()  # still open

    manual_clock.advance(timedelta(days=20))  # the second request is now 6 days late; a late answer finds it
    recorded = xx.do(head, "case.answer_request", answer_args(answered))
    assert recorded.findings == ("XX/supply-overdue",)
    assert [f["figures"]["request_id"] for f in _supply_findings(xx, "supply-overdue")] == [str(silent), str(answered)]


def test_a_request_whose_due_date_falls_after_the_evidence_closed_has_lapsed(
        world: World, manual_clock: clock.ManualClock) -> None:
    xx, finance, _ = _xx(world)
    head = finance.person("刘志强")
    request_id = uuid4()
    xx.do(xx.lead, "case.request_materials", request_args(finance, head, request_id))
    xx.advance_to("close_evidence")
    xx.step("close_evidence").run()
    xx.done.append("close_evidence")
    with pytest.raises(Refused):  # the evidence phase is closed: nothing more is supplied
        xx.do(head, "case.answer_request", answer_args(request_id))
    manual_clock.advance(timedelta(days=20))
    assert _supply_findings(xx, "supply-overdue") == [] and world.ledger.check_deadlines() == []


def test_under_the_ningxia_text_the_acts_cite_decree_713_and_there_is_no_county_office(
        world: World, manual_clock: clock.ManualClock) -> None:
    organ = organisation(world, NX_ORGAN, "organ")
    nx = NXScript(world)
    nx.advance_to("collect_material")
    ecommerce = unit(world, NX_RELATED, organ)
    head = ecommerce.person("马丽")
    office = world.person("郑红", ["government_office"], "息县人民政府办公室")
    request_id = uuid4()
    nx.do(nx.member, "case.request_materials", request_args(ecommerce, head, request_id, days=10))
    with pytest.raises(Refused) as refused:
        nx.do(office, "case.coordinate_supply", {"request_id": str(request_id), "measure": "urge", "statement": "督促"})
    assert refused.value.article == "NX-4"
    manual_clock.advance(timedelta(days=11))  # ten days end on a Thursday: the eleventh is late
    world.ledger.check_deadlines()
    (found,) = _supply_findings(nx, "supply-overdue")
    assert found["articles"] == ["713-40"] and found["rule"] == "NX/supply-overdue"


def test_decree_713_article_40_and_xx_6_are_traced_by_rules_that_refuse_and_flag() -> None:
    cited = rules_by_article()
    assert DECREE_713["713-40"].pending == ""
    rules = {c.rule: c.effect for c in cited["713-40"]}
    assert rules["NX/supply-overdue"] == "flag" and rules["XX/supply-refused"] == "flag"
    assert rules["supply/answered-by-the-unit"] == "refuse"
    assert {"XX/supply-overdue", "supply/truthful-attestation"} <= {c.rule for c in cited["XX-6"]}


# --- issue 18 review: every item accounted for; a supplied material is its source's statement ---


def test_an_answer_accounts_for_every_item_requested_and_items_not_supplied_are_found(world: World) -> None:
    xx, finance, _ = _xx(world)
    head, clerk = finance.person("刘志强"), finance.person("王芳")
    request_id = uuid4()
    xx.do(xx.lead, "case.request_materials", request_args(finance, head, request_id))
    funds, audits = ITEMS
    before = _stored(world)
    for unaccounted in (  # an empty answer; one item silently left out; an item the request does not list
            answer_args(request_id, materials=[], problems_and_risks="无", suggestions="无"),
            answer_args(request_id, items=[funds]),
            answer_args(request_id, not_supplied=[{"item": "其他材料", "reason": "无"}])):
        with pytest.raises(Refused) as refused:
            xx.do(clerk, "case.answer_request", unaccounted)
        assert refused.value.article == "XX-6" and refused.value.rule == "supply/every-item-accounted"
        assert _stored(world) == before
    assert audits in str(refused.value.zh) or "其他材料" in str(refused.value.zh)
    with pytest.raises(Refused):  # supplied and not supplied at once
        xx.do(clerk, "case.answer_request", answer_args(
            request_id, not_supplied=[{"item": audits, "reason": "尚未考核"}]))
    assert xx.case.supply_requests[str(request_id)]["answer"] is None and _stored(world) == before

    partly = answer_args(request_id, items=[funds], not_supplied=[{"item": audits, "reason": "考核记录尚未归档"}])
    recorded = xx.do(clerk, "case.answer_request", partly)
    assert recorded.findings == ("XX/supply-withheld",)
    (found,) = _supply_findings(xx, "supply-withheld")
    assert found["articles"] == ["XX-6", "713-40"]
    assert [p["principal_id"] for p in found["persons"]] == [clerk.principal_id]
    assert audits in found["summary_zh"] and "尚未归档" in found["summary_zh"]
    assert found["figures"]["items_not_supplied"] == 1 and len(found["cited_events"]) == 2
    answer = xx.case.supply_requests[str(request_id)]["answer"]
    assert answer["not_supplied"] == [{"item": audits, "reason": "考核记录尚未归档"}]
    assert [m["supplied_item"] for m in xx.case.materials.values() if m.get("supplied_for")] == [funds]


def test_all_items_supplied_raise_no_finding(world: World) -> None:
    xx, finance, _ = _xx(world)
    head = finance.person("刘志强")
    request_id = uuid4()
    xx.do(xx.lead, "case.request_materials", request_args(finance, head, request_id))
    recorded = xx.do(head, "case.answer_request", answer_args(request_id))
    assert recorded.findings == () and xx.case.findings == []


def test_supplied_materials_count_as_sourced_and_never_name_the_supplier(world: World) -> None:
    from domain.model.evidence_work import UNCONFIRMED, counted_stance

    xx, finance, _ = _xx(world)
    head = finance.person("刘志强")
    xx.advance_to("close_evidence")
    four = [f"明细{n}" for n in range(4)]
    request_id = uuid4()
    xx.do(xx.lead, "case.request_materials", request_args(finance, head, request_id, items=four))
    answer = answer_args(request_id, items=four)
    for material in answer["materials"]:
        material["stance"] = "supporting"
    xx.do(head, "case.answer_request", answer)
    supplied = [m for m in xx.case.materials.values() if m.get("supplied_for")]
    assert [counted_stance(xx.case, m) for m in supplied] == ["supporting"] * 4
    for source in ("村民代表甲", "村民代表乙", "村民代表丙"):
        xx.do(xx.lead, "case.record_opinion", {"opinion_id": str(uuid4()), "source": source, "stance": "opposing",
                                              "summary": "反对"})
    xx.step("close_evidence").run()
    named = {p["principal_id"] for f in xx.case.findings for p in f["persons"]}
    assert head.principal_id not in named
    assert not [f for f in xx.case.findings if f["figures"].get("stance") == UNCONFIRMED]
    (selective,) = [f for f in xx.case.findings if f["rule"] == "XX/selective-collection"]
    assert [p["principal_id"] for p in selective["persons"]] == [xx.lead.principal_id]  # who requested them
