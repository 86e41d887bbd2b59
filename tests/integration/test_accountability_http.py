"""The accountability procedure over HTTP (H2; NX-16, XX-23, XX-18), on SQLite and PostgreSQL:
each step posted as its actor's signed envelope, refusals storing nothing, and the reads — the
person's chain, the decision's trace, the procedures — scoped like findings."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

from tests.accountability_support import decided, notice, open_args, subject
from tests.integration.commands import invoke
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import new_case, nothing_stored, post


def _step(served: Served, handle: str, action: str, procedure: UUID, path: str, args: dict[str, Any]) -> None:
    recorded = post(served, f"/v1/accountabilities/{procedure}/{path}", served.sign(handle, action, procedure, args))
    assert recorded.status_code == 201, recorded.text


def test_a_procedure_over_http_and_in_the_subject_s_chain(served: Served) -> None:
    case = UUID(new_case(served))
    decision = served.ledger.get_case(case).decision_id
    assert decision is not None
    first = served.ledger.stored_event(case, 1)
    assert first is not None
    li_na, ma_xiaodong = (served.people[h].principal_id for h in ("li_na", "ma_xiaodong"))
    args = open_args("NX", decision, [subject(li_na, "direct"), subject(ma_xiaodong, "leader")],
                     events=[{"aggregate_id": str(case), "version": 1, "hash": first.hash}],
                     case_id=case, conduct="falsification")
    procedure = uuid4()

    # 息县's inspector does not reach the 商务厅's decision
    with nothing_stored(served):
        problem_of(post(served, "/v1/accountabilities", served.sign("jiang_weiguo", "accountability.open",
                                                                    procedure, args)), 403)
    opened = post(served, "/v1/accountabilities", served.sign("kong_deming", "accountability.open", procedure, args))
    assert opened.status_code == 201, opened.text
    assert opened.json()["topic"] == "decision-ledger/Accountability/Opened/v1"

    # 决定 before 告知 is refused, citing NX-16, and stores nothing
    early = served.sign("kong_deming", "accountability.decide", procedure,
                        {"decisions": [decided(li_na, "sanctioned", sanctions=("warning",))]})
    with nothing_stored(served):
        body = problem_of(post(served, f"/v1/accountabilities/{procedure}/decisions", early), 422)
    assert body["article"] == "NX-16" and "告知" in body["message_zh"]

    _step(served, "kong_deming", "accountability.notify", procedure, "notices", notice(li_na))
    _step(served, "li_na", "accountability.state_defence", procedure, "defences", {"statement": "数据系第三方提供"})
    _step(served, "kong_deming", "accountability.decide", procedure, "decisions",
          {"decisions": [decided(li_na, "sanctioned", sanctions=("demerit",))]})
    _step(served, "li_na", "accountability.appeal", procedure, "appeals", {"statement": "处分过重"})
    _step(served, "kong_deming", "accountability.review", procedure, "reviews", {
        "subject_id": str(li_na), "result": "changed", "reasons": "情节较轻",
        "decision": decided(li_na, "sanctioned", sanctions=("warning",))})

    steps = ["open", "notify", "state_defence", "decide", "appeal", "review"]
    for reader in ("kong_deming", "li_na"):
        chain = served.get(f"/v1/persons/{li_na}", reader).json()
        (mine,) = [p for p in chain["procedures"] if p["accountability_id"] == str(procedure)]
        assert [s["step"] for s in mine["steps"]] == steps, reader
        assert mine["role"] == "direct" and mine["decision"]["decision"]["sanctions"] == ["warning"]
        assert mine["steps"][2]["by"] == str(li_na)  # her own signed defence
    leader = served.get(f"/v1/persons/{ma_xiaodong}", "kong_deming").json()
    (named,) = [p for p in leader["procedures"] if p["accountability_id"] == str(procedure)]
    assert [s["step"] for s in named["steps"]] == ["open"] and named["decision"] is None  # never closed
    outside = served.get(f"/v1/persons/{li_na}", "jiang_weiguo").json()
    assert all(p["accountability_id"] != str(procedure) for p in outside["procedures"]) and outside["withheld"]

    trace = served.get(f"/v1/decisions/{decision}/trace", "kong_deming").json()
    assert [p["accountability_id"] for p in trace["procedures"]] == [str(procedure)]
    assert {"decision", "cases", "persons", "findings", "actions"} <= set(trace)

    listed = served.get("/v1/accountabilities", "kong_deming", decision=str(decision)).json()["items"]
    assert [p["accountability_id"] for p in listed] == [str(procedure)]
    assert served.get("/v1/accountabilities", "jiang_weiguo", decision=str(decision)).json()["items"] == []
    one = served.get(f"/v1/accountabilities/{procedure}", "li_na").json()
    assert [s["step"] for s in one["steps"]] == steps and one["article"] == "NX-16"
    assert [s["subject_id"] for s in one["subjects"]] == [str(li_na)]  # her part, not her leader's
    whole = served.get(f"/v1/accountabilities/{procedure}", "kong_deming").json()
    assert len(whole["subjects"]) == 2 and len(whole["steps"]) == len(steps)
    problem_of(served.get(f"/v1/accountabilities/{procedure}", "wang_qiang"), 403)
    problem_of(served.get(f"/v1/accountabilities/{uuid4()}", "kong_deming"), 404)

    person = invoke("person", str(li_na), "--db", served.url)  # the CLI reads the same chain
    assert person.code == 0 and "open → notify → state_defence → decide → appeal → review" in person.out
    traced = invoke("trace-decision", str(decision), "--db", served.url)
    assert traced.code == 0 and "1 accountability procedures" in traced.out
    verified = json.loads(invoke("verify", "--db", served.url, "--json").out)  # signatures, chains, read models
    assert verified["ok"], verified["breaks"]

    page = served.client.get(f"/persons/{li_na}", headers=served.session("li_na"))
    assert page.status_code == 200 and 'id="person-procedures"' in page.text
    assert "陈述申辩" in page.text and "复核" in page.text and "给予处分：警告" in page.text and "warning" not in page.text
    served.client.cookies.clear()
