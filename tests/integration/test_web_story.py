"""A case read as a story (issue 19 point 3) over HTTP, on SQLite and PostgreSQL: the timeline by
business date on the case page and its own page, what a version changed, who did what for a
decision and a person, and search — each only for a reader who may read it; then once in
Chromium (SQLite), every page opened and photographed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from api.http.auth import make_token
from tests.integration.browser import shoot
from tests.integration.http_support import Served


class _Visible(HTMLParser):
    """The text a reader sees: no tags or attributes, nothing in <title>, <style>, <script> or a hash."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "input", "meta", "link", "img", "hr"):
            return
        hide = tag in ("title", "style", "script") or "hash" in (dict(attrs).get("class") or "").split()
        self.hidden.append(hide or bool(self.hidden and self.hidden[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "input", "meta", "link", "img", "hr") and self.hidden:
            self.hidden.pop()

    def handle_data(self, data: str) -> None:
        if not (self.hidden and self.hidden[-1]):
            self.parts.append(data)


MACHINE_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # a bare UUID
                          r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"  # a UTC timestamp as the text
                          r"|\b(?:NX|XX)/[a-z][a-z0-9-]*")  # a rule id


def machine_text(html_text: str) -> list[str]:
    """What a Chinese page shows that is machine text rather than words."""
    seen = _Visible()
    seen.feed(html_text)
    return MACHINE_TEXT.findall(" ".join(seen.parts))


def _nx(served: Served) -> dict[str, Any]:
    return served.demo.cases[0]  # 跨境电商若干措施实施情况后评估 (宁夏商务厅)


def _xx(served: Served) -> dict[str, Any]:
    return next(c for c in served.demo.cases if "息县" in c["title"])


def test_the_case_page_draws_its_timeline_by_business_date(served: Served) -> None:
    nx = _nx(served)
    inspector = served.session("kong_deming")
    page = served.client.get(f"/cases/{nx['id']}", headers=inspector)
    assert page.status_code == 200
    svg = page.text[page.text.index('id="story-timeline"'):]
    assert "<svg" in svg and "按业务日期排列的时间线" in svg
    # every event is a link to its version page with a tooltip
    marks = re.findall(r'<a href="/cases/[0-9a-f-]+/versions/(\d+)" class="mark event[^"]*"[^>]*><title>([^<]+)</title>', svg)
    assert sorted(int(v) for v, _ in marks) == list(range(1, nx["version"] + 1))
    titles = dict(marks)
    assert "决定开展评估" in titles["4"] and "2026年9月18日" in titles["4"] and "决定日期" in titles["4"]
    assert "内容未载日期" in titles["7"], "a material carries no date: its recording day stands in, marked"
    # deadlines: NX-11 ninety days from the decision to start, NX-12b fifteen from the report
    assert re.search(r'class="deadline met"[^>]*><title>NX-11 [^<]*2026年9月18日', svg)
    assert "NX-12b" in svg and "月</text>" in svg, "month ticks in Chinese"
    english = served.client.get(f"/cases/{nx['id']}", headers=inspector, params={"lang": "en"}).text
    assert "Timeline by business date" in english and "date decided" in english


def test_the_story_page_orders_events_by_business_date(served: Served) -> None:
    nx = _nx(served)
    member = served.session("ma_xiaodong")
    page = served.client.get(f"/cases/{nx['id']}/story", headers=member)
    assert page.status_code == 200
    table = page.text[page.text.index('id="story-events"'):]
    order = [int(v) for v in re.findall(r'<tr class="story-event[^"]*" id="s(\d+)"', table)]
    assert sorted(order) == list(range(1, nx["version"] + 1))
    # approval (2026-09-18), the survey (from 2026-09-28), the forum (2026-10-18) come before the
    # acts dated by their recording (later), though recorded after the materials
    assert order.index(4) < order.index(16) < order.index(17) < order.index(1)
    assert served.client.get(f"/cases/{_xx(served)['id']}/story", headers=member).status_code == 403


def test_a_version_shows_what_it_changed(served: Served) -> None:
    nx = _nx(served)
    member = served.session("ma_xiaodong")
    page = served.client.get(f"/cases/{nx['id']}/versions/10", headers=member).text
    changes = page[page.index('id="changes"'):page.index("未变化的部分")]
    assert "信息资料" in changes and "新增" in changes or "变更" in changes
    assert "2020年全区跨境电商发展情况" in changes, "the material collected at version 10 is marked"
    assert "评估小组" not in changes, "the team did not change at version 10"
    unchanged = page[page.index("未变化的部分"):]
    assert '<details class="part" id="part-team">' in unchanged
    # version 4: the phase went from awaiting approval to implementation, old → new
    four = served.client.get(f"/cases/{nx['id']}/versions/4", headers=member).text
    phase = four[four.index('id="change-phase"'):]
    phase = phase[:phase.index("</section>")]
    assert "原为" in phase and "待决定开展" in phase
    # hashes short, the full value on hover; no English class names for the action
    assert re.search(r'<span class="hash" title="[0-9a-f]{64}">[0-9a-f]{12}…</span>', four)
    assert "ApprovedEvaluation" not in four and "EvaluationApproved" not in four
    # ids inside the parts read as names: the material collected from its survey, the agency by name
    seventeen = served.client.get(f"/cases/{nx['id']}/versions/18", headers=member).text
    opinion = seventeen[seventeen.index('id="change-opinions"'):]
    assert "座谈会 2026-10-18" in opinion[:opinion.index("</section>")], "via: the forum it came from"
    unchanged = seventeen[seventeen.index('id="part-agencies"'):]
    assert "宁夏大学经济管理学院" in unchanged[:unchanged.index("</details>")]
    english = served.client.get(f"/cases/{nx['id']}/versions/4", headers=member, params={"lang": "en"}).text
    assert "What this version changed" in english and "was" in english


def test_who_did_what_for_a_decision_and_a_person(served: Served) -> None:
    nx = _nx(served)
    inspector = served.session("kong_deming")
    case = served.client.get(f"/v1/cases/{nx['id']}", headers=served.headers("kong_deming")).json()
    decision_id = case["case"]["decision_id"]
    page = served.client.get(f"/decisions/{decision_id}/graph", headers=inspector)
    assert page.status_code == 200
    svg = page.text[page.text.index('<svg id="graph"'):page.text.index("</svg>")]
    assert f'href="/cases/{nx["id"]}"' in svg and "决策前论证" in svg and "评估" in svg
    assert "马晓东" in svg, "the team leader who acted in the case"
    assert "宁夏大学经济管理学院" in svg and "受委托评估" in svg, "the agency entrusted, by name"
    # outside the inspector's organisation: the refusal page, not the picture
    xx_decision = served.client.get(f"/v1/cases/{_xx(served)['id']}",
                                    headers=served.headers("jiang_weiguo")).json()["case"]["decision_id"]
    refused = served.client.get(f"/decisions/{xx_decision}/graph", headers=inspector)
    assert refused.status_code == 403 and "<svg" not in refused.text
    assert served.client.get(f"/decisions/{decision_id}/graph", headers=served.session("ma_xiaodong")).status_code == 403
    person = served.people["ma_xiaodong"].principal_id
    mine = served.client.get(f"/persons/{person}/graph", headers=served.session("ma_xiaodong"))
    assert mine.status_code == 200 and f'href="/cases/{nx["id"]}"' in mine.text and "项行为" in mine.text
    assert served.client.get(f"/persons/{person}/graph", headers=served.session("li_na")).status_code == 403
    english = served.client.get(f"/decisions/{decision_id}/graph", headers=inspector, params={"lang": "en"}).text
    assert "Who made, evaluated and was found wanting" in english and "evaluates" in english
    assert "评估案件" not in english[english.index('<svg id="graph"'):]


def test_search_finds_what_the_reader_may_read(served: Served) -> None:
    nx, xx = _nx(served), _xx(served)
    inspector = served.session("kong_deming")

    def search(q: str, who: dict[str, str] = inspector) -> str:
        answer = served.client.get("/search", params={"q": q}, headers=who)
        assert answer.status_code == 200
        return answer.text

    assert f'href="/persons/{served.people["ma_xiaodong"].principal_id}"' in search("马晓")
    assert "宁商规发〔2021〕3号" in search("宁商规发") and f'href="/cases/{nx["id"]}"' in search("宁商规发")
    assert f'href="/cases/{nx["id"]}"' in search("跨境电商") and f'href="/cases/{nx["id"]}"' in search(str(nx["id"])[:13])
    assert f'href="/cases/{xx["id"]}"' not in search("息县"), "息县's cases lie outside 商务厅's scope"
    events = served.client.get(f"/v1/cases/{nx['id']}/timeline", headers=served.headers("kong_deming")).json()
    items = events["items"] if isinstance(events, dict) else events
    event_hash = items[4]["hash"]
    found = search(event_hash[:10].upper())
    assert f'href="/cases/{nx["id"]}/versions/5"' in found and event_hash[:16] in found
    assert "search-none" in search(event_hash[:10], served.session("chen_jianhua")), "not his case"
    assert "search-short" in search("x") and "search-none" in search("%_%")
    english = served.client.get("/search", params={"q": "马晓", "lang": "en"}, headers=inspector).text
    assert "Results for" in english and "Person" in english
    served.client.cookies.clear()
    assert served.client.get("/search", params={"q": "马"}, follow_redirects=False).status_code == 303


def test_the_story_pages_show_words_not_machine_text(served: Served) -> None:
    nx, flagged = _nx(served), served.demo.cases[2]
    inspector = served.session("kong_deming")
    decision_id = served.client.get(f"/v1/cases/{flagged['id']}",
                                    headers=served.headers("kong_deming")).json()["case"]["decision_id"]
    person = served.people["he_jing"].principal_id
    pages = [f"/cases/{nx['id']}/story", f"/cases/{flagged['id']}/story", f"/decisions/{decision_id}/graph",
             f"/persons/{person}/graph", f"/cases/{nx['id']}/versions/10", f"/cases/{flagged['id']}/versions/6",
             f"/cases/{flagged['id']}/versions/{flagged['version']}"]
    found = {}
    for path in pages:
        answer = served.client.get(path, headers=inspector)
        assert answer.status_code == 200, path
        if machine := machine_text(answer.text):
            found[path] = machine
    assert not found
    assert machine_text("<p>NX/preset-conclusion 2026-12-06T05:54 0b5e1f2a-1111-4222-8333-944445555666</p>") == [
        "NX/preset-conclusion", "2026-12-06T05:54", "0b5e1f2a-1111-4222-8333-944445555666"]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_an_inspector_reads_the_story_in_chromium(page: Any, served: Served, address: str) -> None:
    nx = _nx(served)
    signer = served.people["kong_deming"]
    page.goto(f"{address}/signin?next=/cases/{nx['id']}")
    page.fill("#token", make_token(signer.key, signer.principal_id, lifetime=600))
    page.click("#signin")
    page.wait_for_url(re.compile(rf"/cases/{nx['id']}$"))
    assert page.locator("#story-timeline svg a.mark.event").count() == nx["version"]
    assert page.locator("#story-timeline svg a.deadline").count() >= 2
    shoot(page, served, "story-01-case-timeline")

    flagged = served.demo.cases[2]  # 县域商业体系建设: the rules raised findings on it
    page.goto(f"{address}/cases/{flagged['id']}")
    findings = page.locator("#story-timeline svg a.mark.finding")
    assert findings.count() == served.client.get(f"/v1/cases/{flagged['id']}",
                                                 headers=served.headers("kong_deming")).json()["case"]["findings"].__len__()
    assert findings.count() > 0 and "问题 " in findings.first.locator("title").text_content()
    shoot(page, served, "story-01b-case-with-findings")
    page.goto(f"{address}/cases/{nx['id']}")

    page.click("#story-link")
    page.wait_for_url(re.compile(r"/story$"))
    first = page.locator("#story-events tr.story-event").first.inner_text()
    assert "2026年9月18日" in first and "决定开展评估" in first
    shoot(page, served, "story-02-story")

    page.goto(f"{address}/cases/{nx['id']}/versions/10")
    assert "2020年全区跨境电商发展情况" in page.inner_text("#changes")
    assert page.locator("#part-team").get_attribute("open") is None, "unchanged parts folded"
    shoot(page, served, "story-03-what-changed")

    page.goto(f"{address}/cases/{nx['id']}")
    page.click("#decision-trace")
    page.click("#trace-graph")
    page.wait_for_url(re.compile(r"/graph$"))
    assert page.locator("#graph a.node.case").count() >= 1 and "马晓东" in page.inner_text("#graph-edges")
    shoot(page, served, "story-04-decision-graph")

    page.goto(f"{address}/persons/{served.people['ma_xiaodong'].principal_id}")
    page.click("#person-graph")
    page.wait_for_url(re.compile(r"/graph$"))
    assert page.inner_text("#graph-subject") == "马晓东"
    assert page.locator("#graph a.node.case").count() >= 1 and page.locator("#graph a.node.decision").count() >= 1
    shoot(page, served, "story-05-person-graph")

    page.fill("#nav-search", "宁商规发")
    page.press("#nav-search", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert nx["title"] in page.inner_text("#search-cases")
    shoot(page, served, "story-06-search")


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_an_event_hash_is_found_on_an_index_not_by_a_scan(served: Served) -> None:
    """At a province's scale the actions read model holds a row per event: the hash prefix is a
    range on ``dl_actions_event_hash`` (SQLite's plan names it), never a scan of the table."""
    with served.service.current().views.reading() as c:
        plan = c.execute(
            "EXPLAIN QUERY PLAN SELECT a.event_hash FROM {dl_actions} a "
            "WHERE a.event_hash >= ? AND a.event_hash < ?", ("abcdef01", "abcdef01g")
        ).fetchall()
    details = " ".join(str(row.get("detail")) for row in plan)
    assert "dl_actions_event_hash" in details and "SCAN" not in details.replace("SCAN USING", "")
