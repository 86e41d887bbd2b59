"""A person for a lifetime over HTTP (issue 17 point 4; XX-18), on SQLite and PostgreSQL: the
retirement and change-of-name routes, the directory lookup (``GET /v1/principals?q=``), and the
chain (``GET /v1/persons/{id}``) across a transfer, a new name and retirement (H3 lifetime)."""

from __future__ import annotations

import json
from uuid import uuid4

from tests.integration.commands import invoke
from tests.integration.enrolment import enrol
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import DECISION, nothing_stored, post


def test_transfer_rename_and_retirement_keep_one_readable_chain(served: Served) -> None:
    person = enrol(served, "hanxue", "韩雪", "宁夏回族自治区商务厅对外贸易处", "宁夏回族自治区商务厅对外贸易处",
                   ["lead_unit"])
    pid = person.principal_id
    transfer = served.sign("admin", "principal.transfer", pid, {
        "organisation_id": served.demo.organisations["息县住房和城乡建设局"], "unit": "息县住房和城乡建设局",
        "reason": "干部交流"})
    assert post(served, f"/v1/principals/{pid}/transfers", transfer).status_code == 201
    rename = served.sign("admin", "principal.rename", pid, {"name": "韩雪梅", "reason": "依法变更姓名"})
    assert post(served, f"/v1/principals/{pid}/names", rename).status_code == 201
    by_self = served.sign("hanxue", "principal.retire", pid, {"departure": "retired", "reason": "自行登记"})
    with nothing_stored(served):  # only an administrator records it
        problem_of(post(served, f"/v1/principals/{pid}/retirement", by_self), 403)
    retire = served.sign("admin", "principal.retire", pid, {"departure": "retired", "reason": "到龄退休"})
    assert post(served, f"/v1/principals/{pid}/retirement", retire).status_code == 201

    late = served.sign("hanxue", "decision.register", uuid4(), {
        **DECISION, "organisation_id": served.demo.organisations["息县人民政府"]})
    with nothing_stored(served):
        body = problem_of(post(served, "/v1/decisions", late), 403)
    assert body["type"].endswith("key-not-active") and "已退休" in body["detail"]

    directory = served.get(f"/v1/principals/{pid}", "jiang_weiguo").json()
    assert (directory["name"], directory["unit"], directory["status"]) == ("韩雪梅", "息县住房和城乡建设局", "retired")
    assert [m["unit"] for m in directory["memberships"]] == ["宁夏回族自治区商务厅对外贸易处", "息县住房和城乡建设局"]
    assert [f["name"] for f in directory["former_names"]] == ["韩雪"]
    chain = served.get(f"/v1/persons/{pid}", "jiang_weiguo").json()  # readable after retirement
    assert [e["action"] for e in chain["lifetime"]] == [
        "principal.register", "principal.transfer", "principal.rename", "principal.retire"]
    assert chain["principal"]["retired"]["reason"] == "到龄退休"
    page = served.client.get(f"/persons/{pid}", headers=served.session("jiang_weiguo"))
    assert page.status_code == 200 and "曾用名" in page.text and "已退休" in page.text and "息县住房和城乡建设局" in page.text
    shown = invoke("person", str(pid), "--db", served.url)  # the CLI reads the same chain
    assert shown.code == 0 and "韩雪梅 (曾用名 韩雪)" in shown.out and "status retired" in shown.out
    assert "宁夏回族自治区商务厅对外贸易处" in shown.out and "到龄退休" in shown.out
    # every verifier reads the retirement as the end of the person's keys: the ledger still verifies
    verified = json.loads(invoke("verify", "--db", served.url, "--json").out)
    assert verified["ok"], verified["breaks"]


def test_lookup_by_name_former_name_or_staff_number(served: Served) -> None:
    person = enrol(served, "zhangli", "张丽", "宁夏回族自治区商务厅对外贸易处", "宁夏回族自治区商务厅对外贸易处", ["lead_unit"])
    rename = served.sign("admin", "principal.rename", person.principal_id, {"name": "张丽华", "reason": "更名"})
    assert post(served, f"/v1/principals/{person.principal_id}/names", rename).status_code == 201
    for q in ("张丽", "张丽华"):
        items = served.get("/v1/principals", "admin", q=q).json()["items"]
        assert [(p["principal_id"], p["name"], p["status"]) for p in items] == [
            (str(person.principal_id), "张丽华", "active")]
    assert served.get("/v1/principals", "admin", q="没有此人").json()["items"] == []
    problem_of(served.get("/v1/principals", "admin", q=""), 422)
    found = invoke("person", "--find", "张丽", "--db", served.url)
    assert found.code == 0 and f"{person.principal_id}  张丽华 (曾用名 张丽)" in found.out and "active" in found.out
    assert invoke("person", "--db", served.url).code != 0  # an id or --find is needed
