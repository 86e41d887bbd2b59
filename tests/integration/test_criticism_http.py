"""通报批评、责令限期整改 and 整改完成 over HTTP (国令第713号第四十一条), on SQLite and PostgreSQL:
the entrusting unit criticises an agency and an expert, a deadline not after today is refused
citing 713-41, the rectification's timeliness is computed, and the reads show it — the agencies
read and page, and the expert's lifetime chain. (That criticism bars no later entrustment is a
scenario of features/713_41_取消评估资格.feature.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from domain import clock
from domain.model.calendar import china_date
from tests.integration.commands import invoke
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import nothing_stored, post


def _criticism(served: Served, case: UUID, days: int) -> dict[str, Any]:
    version = served.ledger.version_of(case)
    return {"case_id": str(case), "criticism_id": str(uuid4()), "breach": "问卷样本未按方案抽取",
            "rectification": "重新抽样并补充调查",
            "deadline": (china_date(clock.now()) + timedelta(days=days)).isoformat(),
            "cited_events": [{"aggregate_id": str(case), "version": version,
                              "hash": served.ledger.stored_event_hash(case, version)}]}


def test_criticism_rectification_and_the_reads(served: Served) -> None:
    nx = UUID(str(served.demo.cases[0]["id"]))
    [agency] = served.ledger.get_case(nx).agencies  # the agency the NX case entrusted
    path = f"/v1/agencies/{agency}/criticisms"

    late = _criticism(served, nx, 0)  # due today: not after the day of the criticism
    with nothing_stored(served):
        body = problem_of(post(served, path, served.sign("ma_xiaodong", "agency.criticise", UUID(agency), late)), 422)
    assert body["article"] == "713-41" and "rectification deadline" in body["detail"]
    with nothing_stored(served):  # the agency's own staff do not criticise it
        problem_of(post(served, path, served.sign("yang_fan", "agency.criticise", UUID(agency),
                                                  _criticism(served, nx, 30))), 403)

    criticism = _criticism(served, nx, 30)
    assert post(served, path, served.sign("ma_xiaodong", "agency.criticise", UUID(agency), criticism)).status_code == 201

    def shown() -> dict[str, Any]:
        rows = served.get("/v1/agencies", "kong_deming").json()["items"]
        return next(r for r in rows if r["agency_id"] == agency)

    [entry] = shown()["records"]["criticisms"]
    assert entry["deadline"] == criticism["deadline"] and entry["rectification"] is None
    assert shown()["records"]["eligibility_revoked"] is None  # criticism is not revocation
    served.sign_in("kong_deming")
    page = served.client.get("/agencies").text
    assert "通报批评，责令" + criticism["deadline"] + "前整改" in page and "尚未整改" in page
    name = shown()["name"]  # the entrusting form's lookup names the criticism, and bars nothing
    [match] = served.get("/v1/lookup/agencies", "ma_xiaodong", q=name).json()["items"]
    assert match["id"] == agency and match["label"] == f"{name}（曾被通报批评1次）"

    done = {"criticism_id": criticism["criticism_id"], "account": "已重新抽样"}
    assert post(served, f"/v1/agencies/{agency}/rectifications",
                served.sign("ma_xiaodong", "agency.record_rectification", UUID(agency), done)).status_code == 201
    [entry] = shown()["records"]["criticisms"]
    assert entry["rectification"]["on_time"] is True and entry["rectification"]["account"] == "已重新抽样"
    assert "按期整改完成" in served.client.get("/agencies").text
    with nothing_stored(served):  # closed once
        problem_of(post(served, f"/v1/agencies/{agency}/rectifications",
                        served.sign("ma_xiaodong", "agency.record_rectification", UUID(agency), done)), 409)

    expert = next(iter(served.ledger.get_case(nx).experts))  # the expert the NX case engaged
    recorded = post(served, f"/v1/principals/{expert}/criticisms",
                    served.sign("ma_xiaodong", "principal.criticise", UUID(expert), _criticism(served, nx, 10)))
    assert recorded.status_code == 201, recorded.text
    chain = served.get(f"/v1/persons/{expert}", "kong_deming").json()  # the expert's lifetime chain shows it
    [shown_in_chain] = [e for e in chain["lifetime"] if e["action"] == "principal.criticise"]
    assert shown_in_chain["breach"] == "问卷样本未按方案抽取" and shown_in_chain["deadline"]


    done = {"criticism_id": chain_criticism_id(chain), "account": "已补充说明"}
    assert post(served, f"/v1/principals/{expert}/rectifications",
                served.sign("ma_xiaodong", "principal.record_rectification", UUID(expert), done)).status_code == 201
    chain = served.get(f"/v1/persons/{expert}", "kong_deming").json()
    [rectified] = [e for e in chain["lifetime"] if e["action"] == "principal.record_rectification"]
    assert rectified["on_time"] is True and rectified["account"] == "已补充说明"
    page = served.client.get(f"/persons/{expert}").text
    assert 'id="person-eligibility"' in page and "问卷样本未按方案抽取" in page and "按期整改完成" in page

    listed = invoke("agencies", "--db", served.url)  # the operator's CLI, unscoped
    assert listed.code == 0 and f"rectify by {criticism['deadline']}: rectified on time" in listed.out
    shown_person = invoke("person", str(expert), "--db", served.url)
    assert shown_person.code == 0 and "principal.criticise" in shown_person.out and "(on time)" in shown_person.out


def chain_criticism_id(chain: dict[str, Any]) -> str:
    [entry] = [e for e in chain["lifetime"] if e["action"] == "principal.criticise"]
    return str(entry["criticism_id"])
