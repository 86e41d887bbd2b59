"""The making of a decision over HTTP (H1; XX-18, 国令第713号第三十条), on SQLite and PostgreSQL:
each step posted as its maker's signed envelope, refusals storing nothing, and reverse tracing
reaching the makers with their opinions, scoped like the decision."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

from tests.integration.commands import invoke
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import nothing_stored, post
from tests.support import digest


def _post(served: Served, handle: str, action: str, decision: UUID, path: str, args: dict[str, Any]) -> Any:
    return post(served, f"/v1/decisions/{decision}/{path}", served.sign(handle, action, decision, args))


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_making_over_http_and_reverse_tracing_to_the_makers(served: Served) -> None:
    people = {h: str(served.people[h].principal_id) for h in ("chen_jianhua", "sun_li", "huang_zhigang", "wu_tao")}
    organisations = served.demo.organisations
    decision = uuid4()
    _ok(post(served, "/v1/decisions", served.sign("wu_tao", "decision.register", decision, {
        "jurisdiction": "XX", "title": "息县农村住房建设管理办法", "document_number": "息政〔2019〕8号",
        "organ": "息县人民政府", "decided_on": "2019-04-01", "purpose": "规范农村住房建设",
        "organisation_id": organisations["息县人民政府"]})))
    _ok(_post(served, "chen_jianhua", "decision.record_undertaking", decision, "undertaking", {
        "undertaking_unit_id": organisations["息县住房和城乡建设局"], "drafter_id": people["sun_li"]}))
    _ok(_post(served, "wu_tao", "decision.record_participation", decision, "participation", {
        "kind": "risk_assessment", "work": "社会稳定风险评估", "held_on": "2019-02-01",
        "document_digest": digest("风险评估报告")}))
    _ok(_post(served, "huang_zhigang", "decision.record_legality_review", decision, "legality-reviews",
              {"opinion": "lawful_with_changes", "statement": "第五条应删除收费条款"}))
    discussion = str(uuid4())
    members = [people["chen_jianhua"], people["sun_li"], people["huang_zhigang"]]
    with nothing_stored(served):  # a 厅务会议 is not the county government's body
        body = problem_of(_post(served, "wu_tao", "decision.convene_discussion", decision, "discussions", {
            "discussion_id": discussion, "body": "office_meeting", "held_on": "2019-03-20",
            "members": members, "head_id": people["chen_jianhua"]}), 422)
    assert body["article"] == "713-30"
    _ok(_post(served, "wu_tao", "decision.convene_discussion", decision, "discussions", {
        "discussion_id": discussion, "body": "county_standing_meeting", "held_on": "2019-03-20",
        "members": members, "head_id": people["chen_jianhua"]}))
    with nothing_stored(served):  # the convener is not a member
        problem_of(_post(served, "wu_tao", "decision.state_opinion", decision, "discussion-opinions",
                         {"discussion_id": discussion, "opinion": "agree", "reasons": "同意"}), 422)
    _ok(_post(served, "sun_li", "decision.state_opinion", decision, "discussion-opinions",
              {"discussion_id": discussion, "opinion": "disagree", "reasons": "资金来源不明确"}))
    dissent = _ok(_post(served, "huang_zhigang", "decision.state_opinion", decision, "discussion-opinions",
                        {"discussion_id": discussion, "opinion": "disagree", "reasons": "收费条款无上位法依据"}))
    with nothing_stored(served):  # against the majority without the reason stated at the meeting
        body = problem_of(_post(served, "chen_jianhua", "decision.decide", decision, "head-decisions",
                                {"discussion_id": discussion, "outcome": "approve"}), 422)
    assert body["article"] == "713-30"
    _ok(_post(served, "chen_jianhua", "decision.decide", decision, "head-decisions", {
        "discussion_id": discussion, "outcome": "approve", "reason_stated_at_meeting": "上级限期完成，已在会上说明"}))
    _ok(_post(served, "wu_tao", "decision.record_publication", decision, "publication",
              {"published_on": "2019-04-01", "channel": "息县人民政府网站", "reference": "息政〔2019〕8号"}))

    read = served.get(f"/v1/decisions/{decision}", "jiang_weiguo").json()
    assert read["making"]["discussions"][0]["decision"]["against_majority"] is True
    trace = served.get(f"/v1/decisions/{decision}/trace", "jiang_weiguo").json()
    assert {"decision", "cases", "persons", "findings", "actions", "procedures", "makers"} <= set(trace)
    made = {(m["name"], m["role"], m["opinion"]) for m in trace["makers"]}
    assert made == {("孙丽", "drafter", None), ("黄志刚", "legality_reviewer", "lawful_with_changes"),
                    ("孙丽", "member", "disagree"), ("黄志刚", "member", "disagree"), ("陈建华", "head", "approve")}
    (reviewer,) = [m for m in trace["makers"] if m["role"] == "member" and m["name"] == "黄志刚"]
    assert reviewer["relief"]["article"] == "713-38" and reviewer["relief"]["record"]["hash"] == dissent["hash"]
    assert reviewer["transcribed"] is False and reviewer["signed_by"] == people["huang_zhigang"]
    problem_of(served.get(f"/v1/decisions/{decision}/trace", "kong_deming"), 403)  # 商务厅's inspector

    traced = invoke("trace-decision", str(decision), "--db", served.url)
    assert traced.code == 0 and "行政首长" in traced.out and "不同意" in traced.out and "713-38" in traced.out
    verified = json.loads(invoke("verify", "--db", served.url, "--json").out)  # signatures, chains, read models
    assert verified["ok"], verified["breaks"]

    page = served.client.get(f"/decisions/{decision}/trace", headers=served.session("jiang_weiguo"))
    assert page.status_code == 200 and 'id="trace-makers"' in page.text
    assert "行政首长" in page.text and "减免责任理由" in page.text and "本人签名" in page.text
    outside = served.client.get(f"/decisions/{decision}/trace", headers=served.session("kong_deming"))
    assert outside.status_code == 403 and "陈建华" not in outside.text
    served.client.cookies.clear()


def test_the_case_page_links_to_the_trace_of_its_decision(served: Served) -> None:
    case = next(iter(served.case_ids().values()))
    decision = served.ledger.get_case(UUID(case)).decision_id
    page = served.client.get(f"/cases/{case}", headers=served.session("kong_deming"))
    assert page.status_code == 200 and f'href="/decisions/{decision}/trace"' in page.text
    served.client.cookies.clear()


def test_the_demo_decision_at_fault_reads_as_a_story_of_its_makers_and_their_accountability(served: Served) -> None:
    """The demo's fourth case (XX-18; 国令第713号第三十八条): its trace page names each maker with
    the opinion they signed, and each subject of the procedure with the decision on them in
    Chinese; the dissenter's page shows his dissent and the relief it gave."""
    decision = str(served.demo.cases[3]["decision_id"])
    page = served.client.get(f"/decisions/{decision}/trace", headers=served.session("jiang_weiguo")).text
    for text in ("郑国栋", "不同意", "依据息县办法第十八条", "决策严重失误", "给予处分：记过",
                 "免除责任（在集体讨论中持不同意见并记录在案）"):
        assert text in page, text
    zheng = served.demo.handles["zheng_guodong"]
    person = served.client.get(f"/persons/{zheng}", headers=served.session("jiang_weiguo")).text
    assert "负有责任的领导人员" in person and "依照《重大行政决策程序暂行条例》第三十八条可减免责任" in person
    assert "exempted" not in person and "leader" not in person
    served.client.cookies.clear()
