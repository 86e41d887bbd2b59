"""A unit's record (单位的过错记录; 国令第713号第三十九条) on SQLite and PostgreSQL: the fault an
evaluation confirmed against the unit that undertook the decision, with its decision, fault,
articles, who confirmed it and when; the procedure holding the unit's leader and direct person to
account, on the unit's record and on each person's lifetime chain (XX-18) — through the API, the
page and the CLI, scoped as findings are; and a store whose read models were written before the
unit's read model existed, named by ``verify`` and repaired by ``rebuild``."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

from api.demo_cast import MARKET_UNIT, XX_UNIT
from tests.accountability_support import open_args, subject
from tests.integration.commands import invoke
from tests.integration.http_support import Served, serve_ledger
from tests.integration.stores import DemoLedger
from tests.integration.test_dossier import read_pdf
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import nothing_stored, post
from tests.integration.test_web_words import scan_chinese

STATEMENT = "评估确认：县住建局未组织招商需求论证即将方案提交常务会议，未按照规定履行决策程序"


def _fault_case(served: Served) -> tuple[UUID, UUID]:
    """The demo's 息县 case whose report found its decision at fault, and that decision."""
    case = next(c for c in served.demo.cases if "XX/decision-fault" in c["findings"])
    return UUID(str(case["id"])), UUID(str(case["decision_id"]))


def _citation(served: Served, case: UUID) -> dict[str, Any]:
    first = served.ledger.stored_event(case, 1)
    assert first is not None
    return {"aggregate_id": str(case), "version": 1, "hash": first.hash}


def _confirm(served: Served, case: UUID, unit: str, fault: str = "procedure_not_followed") -> tuple[UUID, Any]:
    finding = uuid4()
    envelope = served.sign("chen_jianhua", "case.confirm_decision_fault", case, {
        "finding_id": str(finding), "fault": fault, "unit_id": unit, "cited_events": [_citation(served, case)],
        "statement": STATEMENT})
    return finding, post(served, f"/v1/cases/{case}/decision-faults", envelope)


def test_a_unit_s_record_over_http_on_its_page_in_the_chains_and_the_cli(served: Served) -> None:
    case, decision = _fault_case(served)
    housing = served.demo.organisations[XX_UNIT]
    chen, sun_li = (str(served.people[h].principal_id) for h in ("chen_jianhua", "sun_li"))
    before = served.get(f"/v1/units/{housing}", "jiang_weiguo").json()
    assert before["unit"]["name"] == XX_UNIT and before["findings"] == before["procedures"] == []

    # a unit that did no work on the decision is refused (713-39) and its record stays empty
    other = served.demo.organisations[MARKET_UNIT]
    with nothing_stored(served):
        refused = problem_of(_confirm(served, case, other)[1], 422)
    assert refused["article"] == "713-39"
    assert served.get(f"/v1/units/{other}", "kong_deming").json()["findings"] == []

    finding, confirmed = _confirm(served, case, housing)
    assert confirmed.status_code == 201, confirmed.text
    record = served.get(f"/v1/units/{housing}", "jiang_weiguo").json()
    (found,) = record["findings"]
    assert found["finding_id"] == str(finding) and found["unit"] == {"unit_id": housing, "name": XX_UNIT}
    assert found["fault"] == "procedure_not_followed" and found["articles"] == ["XX-18", "713-39"]
    assert found["confirmed_by"] == chen and found["confirmed_by_name"] == "陈建华"
    assert found["confirmed_at"] and found["decision_id"] == str(decision) and found["case_id"] == str(case)
    assert found["decision_title"] == "息县产业集聚区标准化厂房建设实施方案" and found["summary"] == STATEMENT
    assert record["withheld"] == 0
    listed = served.get("/v1/findings", "jiang_weiguo", case=str(case)).json()["items"]
    assert {f["finding_id"]: f["unit"] for f in listed}[str(finding)] == {"unit_id": housing, "name": XX_UNIT}
    assert all(f["unit"] is None for f in listed if f["finding_id"] != str(finding))

    # the inspector holds the unit's leader and direct person to account on that finding (713-39)
    procedure = uuid4()
    args = open_args("XX", decision, [subject(UUID(housing), "unit"), subject(UUID(chen), "leader"),
                                      subject(UUID(sun_li), "direct")],
                     events=[_citation(served, case)], case_id=case, ground="decision_fault",
                     fault="procedure_not_followed", finding_id=finding)
    opened = post(served, "/v1/accountabilities", served.sign("jiang_weiguo", "accountability.open", procedure, args))
    assert opened.status_code == 201, opened.text
    (held,) = served.get(f"/v1/units/{housing}", "jiang_weiguo").json()["procedures"]
    assert held["accountability_id"] == str(procedure) and held["article"] == "713-39"
    assert held["finding_id"] == str(finding)
    assert sorted((p["name"], p["role"]) for p in held["persons"]) == [("孙丽", "direct"), ("陈建华", "leader")]
    for person, role in ((sun_li, "direct"), (chen, "leader")):  # each person's lifetime chain (XX-18)
        chain = served.get(f"/v1/persons/{person}", "jiang_weiguo").json()
        (mine,) = [p for p in chain["procedures"] if p["accountability_id"] == str(procedure)]
        assert mine["article"] == "713-39" and mine["role"] == role and mine["units"] == [housing]

    # scoped as findings are: the 商务厅's inspector sees none of it, counted; others may not read it
    outside = served.get(f"/v1/units/{housing}", "kong_deming").json()
    assert outside["findings"] == outside["procedures"] == [] and outside["withheld"] == 2
    assert "not-permitted" in problem_of(served.get(f"/v1/units/{housing}", "chen_jianhua"), 403)["type"]
    problem_of(served.get(f"/v1/units/{uuid4()}", "jiang_weiguo"), 404)
    problem_of(served.get(f"/v1/units/{chen}", "jiang_weiguo"), 404)  # a person is not a unit
    problem_of(served.get("/v1/units/not-a-uuid", "jiang_weiguo"), 422)

    page = served.client.get(f"/units/{housing}", headers=served.session("jiang_weiguo"))
    assert page.status_code == 200 and 'id="unit-findings"' in page.text and 'id="unit-procedures"' in page.text
    for words in ("单位的过错记录", XX_UNIT, "未按照规定履行决策程序", "713-39", "XX-18", "陈建华", "孙丽",
                  "负有责任的领导人员", "直接责任人员", "息县产业集聚区标准化厂房建设实施方案"):
        assert words in page.text, words
    assert "procedure_not_followed" not in page.text and scan_chinese(page.text) == [], "words, not codes"
    english = served.client.get(f"/units/{housing}?lang=en", headers=served.session("jiang_weiguo"))
    assert "Faults confirmed by an evaluation" in english.text and "decision procedure not followed" in english.text
    outside_page = served.client.get(f"/units/{housing}", headers=served.session("kong_deming"))
    assert outside_page.status_code == 200 and 'id="unit-withheld"' in outside_page.text
    assert "陈建华" not in outside_page.text
    denied = served.client.get(f"/units/{housing}", headers=served.session("chen_jianhua"))
    assert denied.status_code == 403
    person_page = served.client.get(f"/persons/{sun_li}", headers=served.session("jiang_weiguo"))
    assert f'href="/units/{housing}"' in person_page.text and "所涉单位" in person_page.text
    findings_page = served.client.get("/findings", headers=served.session("jiang_weiguo"))
    assert f'href="/units/{housing}" class="finding-unit">{XX_UNIT}</a>' in findings_page.text
    trace_page = served.client.get(f"/decisions/{decision}/trace", headers=served.session("jiang_weiguo"))
    assert f'href="/units/{housing}"' in trace_page.text
    dossier = served.client.get(f"/decisions/{decision}/dossier.pdf", headers=served.session("jiang_weiguo"))
    assert dossier.status_code == 200, dossier.text[:300]
    _, text = read_pdf(dossier.content, f"decision-dossier-unit-{served.url.split(':')[0]}")
    assert f"承担责任的单位：{XX_UNIT}" in text.replace(" ", "").replace("\n", ""), "the finding's unit, read once"
    served.client.cookies.clear()

    shown = invoke("unit", housing, "--db", served.url)  # the CLI reads the same record, unscoped
    assert shown.code == 0, shown.err
    assert "1 faults confirmed, 1 accountability procedures" in shown.out and "procedure_not_followed" in shown.out
    assert "confirmed by 陈建华" in shown.out and "孙丽 as direct" in shown.out
    as_json = json.loads(invoke("unit", housing, "--db", served.url, "--json").out)
    assert [f["finding_id"] for f in as_json["findings"]] == [str(finding)]
    assert as_json["unit"] == record["unit"], "one shape of a unit, its text included, over HTTP and the CLI"
    assert invoke("unit", str(uuid4()), "--db", served.url).code == 2
    chain = invoke("person", sun_li, "--db", served.url)
    assert chain.code == 0 and f"as direct of unit {housing}" in chain.out
    verified = json.loads(invoke("verify", "--db", served.url, "--json").out)  # the new read model audited too
    assert verified["ok"], verified["breaks"]


def test_a_store_projected_before_the_unit_read_model_is_named_by_verify_and_rebuilt(demo_ledger: DemoLedger) -> None:
    url, keys = demo_ledger.store.url, str(demo_ledger.keys)
    with serve_ledger(demo_ledger) as served:
        case, _ = _fault_case(served)
        housing = served.demo.organisations[XX_UNIT]
        finding, confirmed = _confirm(served, case, housing, "dereliction_in_procedure")
        assert confirmed.status_code == 201, confirmed.text
        assert len(served.get(f"/v1/units/{housing}", "jiang_weiguo").json()["findings"]) == 1
    # as a version before it left the store: the other read models hold the finding, this one is absent
    demo_ledger.store.execute("DROP TABLE dl_finding_units")
    stale = json.loads(invoke("verify", "--db", url, "--keys", keys, "--json").out)
    assert not stale["ok"]
    assert any(b["kind"] == "view" and "dl_finding_units is missing from the store" in b["detail"]
               for b in stale["breaks"]), stale["breaks"]
    assert invoke("rebuild", "--db", url, "--keys", keys).code == 0
    assert demo_ledger.store.execute("SELECT finding_id, unit_id FROM dl_finding_units") == [(str(finding), housing)]
    rebuilt = json.loads(invoke("verify", "--db", url, "--keys", keys, "--json").out)
    assert rebuilt["ok"], rebuilt["breaks"]
    shown = invoke("unit", housing, "--db", url)
    assert shown.code == 0 and "dereliction_in_procedure" in shown.out, shown.out + shown.err
