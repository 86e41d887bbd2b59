"""Every page speaks the reader's language (issue 19 — words): a scan of the rendered Chinese
pages fails on a bare UUID, an English enum value, an event class name, a rule id, or a UTC
timestamp standing as the visible text. :func:`scan_chinese` is reusable; it is tested on a
page with each defect, then run over every page the inspector, an evaluator and the public can
reach (the Starlette test client), and one Chromium walk screenshots them."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest

from api.http.auth import make_token
from api.http.labels_vocab import VOCABULARY
from domain.model.vocabulary import Jurisdiction
from tests.integration.http_support import Served

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
UTC_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
RULE_ID = re.compile(r"\b(?:NX|XX)/[a-z][a-z0-9-]*")
#: the domain's enum values (NX and XX, also the articles' prefix, excepted), and the event classes
ENUM_VALUES = sorted({str(value) for kind in VOCABULARY if kind is not Jurisdiction for value in kind}, key=len,
                     reverse=True)
SKIPPED = {"script", "style", "code", "pre", "title"}
VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area", "base"}


def _event_names() -> set[str]:
    """Every event class of every aggregate (the timeline's ``event``)."""
    import pkgutil
    from importlib import import_module

    import domain.model
    from domain.model.aggregate import LedgerEvent

    for module in pkgutil.iter_modules(domain.model.__path__):
        import_module(f"domain.model.{module.name}")
    names, todo = set(), [LedgerEvent]
    while todo:
        kind = todo.pop()
        for sub in kind.__subclasses__():
            names.add(sub.__name__)
            todo.append(sub)
    return {name for name in names if re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]{3,}", name)}


EVENT_NAMES = _event_names()
ENGLISH = re.compile(r"(?<![A-Za-z0-9_./])(" + "|".join(map(re.escape, ENUM_VALUES + sorted(EVENT_NAMES)))
                     + r")(?![A-Za-z0-9_])")


class _Visible(HTMLParser):
    """The text a reader sees: no tags, no attributes (``title``, ``datetime``…), nothing inside
    ``<script>``, ``<style>``, ``<code>``, ``<pre>`` (a signed note), ``class="hash"`` (hex) or
    ``class="muted id"`` (an id beside its name)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        hidden = tag in SKIPPED or "hash" in classes or {"muted", "id"} <= classes
        self.stack.append(hidden or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html_text: str) -> str:
    parser = _Visible()
    parser.feed(html_text)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def scan_chinese(html_text: str) -> list[str]:
    """What is wrong with a Chinese page's visible text: each bare UUID, UTC timestamp, rule id,
    English enum value or event class name, quoted with its surroundings."""
    text = visible_text(html_text)
    problems = []
    for what, pattern in (("UUID", UUID), ("UTC time", UTC_TIME), ("rule id", RULE_ID), ("English", ENGLISH)):
        for found in pattern.finditer(text):
            problems.append(f"{what}: {found.group(0)!r} in …{text[max(0, found.start() - 30): found.end() + 30]}…")
    return problems


# --- the scanner itself --------------------------------------------------------------------------


def test_scan_finds_each_defect_and_passes_a_clean_page() -> None:
    clean = ('<html><body><h1>评估案件</h1><p><a href="/cases/0b5e1f2a-1111-4222-8333-944445555666" '
             'title="0b5e1f2a-1111-4222-8333-944445555666">跨境电商政策评估</a> '
             '<span class="muted id">0b5e1f2a-1111-4222-8333-944445555666</span> '
             '<time datetime="2026-12-06T05:54:41Z" title="2026-12-06T05:54:41Z">2026年12月6日 13:54</time> '
             '<span class="rule" title="NX/preset-conclusion">不得预设评估结论</span> '
             '<span class="article">NX-9</span> 直接责任人员 <code>decision-ledger client token</code></p>'
             '<script>var direct = "opposing";</script></body></html>')
    assert scan_chinese(clean) == []
    defects = {
        "UUID": "<p>案件 0b5e1f2a-1111-4222-8333-944445555666</p>",
        "UTC time": "<td>2026-12-06T05:54:41.115063Z</td>",
        "rule id": "<td>NX/preset-conclusion</td>",
        "English": '<td>“opposing”立场</td>',
    }
    for what, page in defects.items():
        found = scan_chinese(f"<html><body>{page}</body></html>")
        assert found and found[0].startswith(what), (what, found)
    assert scan_chinese("<td>启动评估 Opened</td>"), "an event class name"
    assert scan_chinese("<td>责任：direct</td>") and scan_chinese("<td>组长 leader</td>")
    assert not scan_chinese("<td>directly 直接</td>"), "whole words only"
    assert "Opened" in EVENT_NAMES and "TeamFormed" in EVENT_NAMES


# --- every page, through the test client ---------------------------------------------------------


def _sign_in(served: Served, handle: str) -> None:
    signer = served.people[handle]
    served.client.cookies.clear()
    response = served.client.post("/signin", data={"token": make_token(signer.key, signer.principal_id, lifetime=600),
                                                   "next": "/cases"}, follow_redirects=False)
    assert response.status_code == 303, response.text


def _links(html_text: str) -> set[str]:
    found = set()
    for href in re.findall(r'href="([^"#]+)', html_text):
        path = urlsplit(href).path
        if (path.startswith(("/cases/", "/persons/", "/decisions/", "/proofs/events/", "/keys", "/units/"))
                and "/versions/" not in path and "lang=" not in href and not path.endswith(".pdf")):
            found.add(href.replace("&amp;", "&"))
    return found


def _walk(served: Served, start: list[str], limit: int = 400) -> dict[str, str]:
    """Every page reachable from ``start`` through case, person and decision links, with the
    refusals met on the way (a case's version pages belong to another part of the issue and are
    left out)."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo and len(seen) < limit:
        path = todo.pop()
        if path in seen:
            continue
        response = served.client.get(path)
        # an evaluator meets a decision's trace he may not read: that page too must speak Chinese
        assert response.status_code in (200, 403), (path, response.status_code, [p for p, t in seen.items() if path in t])
        seen[path] = response.text
        todo.extend(link for link in _links(response.text) if link not in seen)
    return seen


TOP = ["/", "/checkpoints", "/cases", "/findings", "/findings?open=true", "/deadlines", "/agencies", "/annual",
       "/keys", "/decisions/new"]


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
@pytest.mark.parametrize("handle", ["kong_deming", "he_jing", None])
def test_every_reachable_chinese_page_is_in_chinese(served: Served, handle: str | None) -> None:
    if handle is None:
        served.client.cookies.clear()
        pages = {path: served.client.get(path).text for path in ["/", "/checkpoints", "/signin"]}
    else:
        _sign_in(served, handle)
        allowed = TOP if handle == "kong_deming" else ["/", "/checkpoints", "/cases", "/agencies", "/annual", "/keys"]
        pages = _walk(served, allowed)
    assert len(pages) >= (3 if handle is None else 8)
    problems = {path: found for path, html_text in pages.items() if (found := scan_chinese(html_text))}
    assert problems == {}, problems
    served.client.cookies.clear()


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_pages_say_what_they_mean(served: Served) -> None:
    _sign_in(served, "kong_deming")
    nx = served.demo.cases[0]
    case = served.client.get(f"/cases/{nx['id']}").text
    assert "启动评估" in case and "北京时间" in case and "<time datetime=" in case and 'type="date"' in case
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}</time>", case)
    # a date means the end of that day (China time): the case as it stood then, else a page in Chinese
    gone = served.client.get(f"/cases/{nx['id']}/at", params={"day": "2000-01-01"}, follow_redirects=False)
    assert gone.status_code == 404 and "案件尚未启动" in gone.text and scan_chinese(gone.text) == []
    beyond = served.client.get(f"/cases/{nx['id']}/at", params={"moment": "9999"}, follow_redirects=False)
    assert beyond.status_code == 404 and "没有这个版本" in beyond.text
    moved = served.client.get(f"/cases/{nx['id']}/at", params={"day": "2099-12-31"}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"/versions/{nx['version']}")
    bad = served.client.get(f"/cases/{nx['id']}/at", params={"moment": "yesterday"})
    assert bad.status_code == 400 and "请选择一个日期" in bad.text and "--at" not in bad.text
    assert scan_chinese(bad.text) == []
    english = served.client.get(f"/cases/{nx['id']}/at", params={"moment": "yesterday", "lang": "en"})
    assert "Pick a date" in english.text and "请选择" not in english.text
    missing = served.client.get("/cases/00000000-0000-4000-8000-000000000000", params={"lang": "zh"})
    assert missing.status_code == 404 and "找不到" in missing.text
    for path, status, title in (("/cases?offset=-5", 422, "请求的地址或参数不正确"), ("/cases/not-a-case", 422, "请求的地址或参数不正确"),
                                ("/nowhere", 404, "找不到")):
        answer = served.client.get(path)
        assert answer.status_code == status and title in answer.text and scan_chinese(answer.text) == [], path
        assert re.search(r'<p class="problem" id="problem"[^>]*>[^<]*[\u4e00-\u9fff]', answer.text), "what to do next"
    _sign_in(served, "he_jing")
    refused = served.client.get("/findings")
    assert refused.status_code == 403 and "您无权查看此页面" in refused.text and scan_chinese(refused.text) == []
    assert "discipline inspectors" not in visible_text(refused.text)
    _sign_in(served, "kong_deming")

    findings = served.client.get("/findings").text
    assert "不得预设" in findings or "预设" in findings
    assert "直接责任人员" in findings
    english_findings = served.client.get("/findings", params={"lang": "en"}).text
    assert "directly responsible person" in english_findings
    summary = re.compile(r'<span class="muted summary">([^<]*)</span>')
    english_summaries, chinese_summaries = set(summary.findall(english_findings)), set(summary.findall(findings))
    assert english_summaries and not english_summaries & chinese_summaries, "English mode: summary_en"

    deadlines = served.client.get("/deadlines", params={"lang": "zh"}).text
    assert "90日" in deadlines and ("提前" in deadlines or "逾期" in deadlines or "尚余" in deadlines)
    person = served.client.get(f"/persons/{served.people['he_jing'].principal_id}").text
    assert 'id="person-keys"' in person and '"kty"' not in person and "&#34;kty" not in person
    assert re.search(r'<td class="hash" title="[^"]+">\S{4} \S{4} \S{4} \S{4} …</td>', person)
    served.client.cookies.clear()


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_the_sign_in_error_is_in_chinese(served: Served) -> None:
    served.client.cookies.clear()
    response = served.client.post("/signin", data={"token": "not-a-token", "next": "/cases"})
    assert response.status_code == 401 and "令牌无法识别" in response.text
    assert "Not enough segments" not in visible_text(response.text)


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_person_page_is_paginated(served: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The person with the most acts: a page at a time (fifty; ten here, for the demo's busiest
    person has fewer than a hundred), the pager on each page, the chain's summary (name,
    findings) on every page."""
    from api.http import web

    assert web.PAGE == 50
    monkeypatch.setattr(web, "PAGE", 10)
    _sign_in(served, "kong_deming")
    with served.service.current().views.reading() as c:
        busiest = c.execute("SELECT actor_id, COUNT(*) AS n FROM {dl_actions} GROUP BY actor_id "
                            "ORDER BY n DESC LIMIT 1").fetchone()
    who, acts = busiest["actor_id"], busiest["n"]
    assert acts > 20

    def rows(html_text: str) -> int:
        return html_text.split('id="person-acts"')[1].split("</table>")[0].count("<tr>") - 1

    first = served.client.get(f"/persons/{who}").text
    assert f"({acts})</span></h2>" in first and rows(first) == 10 and 'rel="next"' in first
    assert 'rel="prev"' not in first and "第 1 页" in first
    last = served.client.get(f"/persons/{who}", params={"offset": 10 * ((acts - 1) // 10)}).text
    assert rows(last) == acts - 10 * ((acts - 1) // 10) and 'rel="prev"' in last and 'rel="next"' not in last
    assert 'id="person-name"' in last and 'id="person-findings"' in last
    served.client.cookies.clear()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_a_chromium_walk_in_chinese_with_a_screenshot_of_every_page(page: Any, served: Served, address: str) -> None:
    """The inspector's pages as Chromium renders them, each scanned and photographed; the
    "at a moment" box takes a date; a bad entry answers in Chinese."""
    from tests.integration.browser import shoot

    signer = served.people["kong_deming"]
    page.goto(f"{address}/signin")
    page.fill("#token", "not-a-token")
    page.click("#signin")
    assert "令牌无法识别" in page.inner_text("#problem")
    shoot(page, served, "words-00-signin-error")
    page.fill("#token", make_token(signer.key, signer.principal_id, lifetime=600))
    page.click("#signin")
    page.wait_for_url(re.compile(r"/cases$"))
    nx = served.demo.cases[0]
    flagged = served.demo.cases[2]
    visits = [(path.strip("/").replace("?", "-").replace("=", "-") or "results", path) for path in TOP] + [
        ("case-nx", f"/cases/{nx['id']}"), ("case-flagged", f"/cases/{flagged['id']}"),
        ("person-he-jing", f"/persons/{served.people['he_jing'].principal_id}"),
        ("person-inspector", f"/persons/{signer.principal_id}"),
        ("trace", f"/decisions/{nx['decision_id']}/trace" if nx.get("decision_id") else "/findings")]
    for number, (name, path) in enumerate(visits, start=1):
        page.goto(f"{address}{path}")
        assert page.get_attribute("html", "lang") == "zh-CN"
        assert scan_chinese(page.content()) == [], (path, scan_chinese(page.content()))
        shoot(page, served, f"words-{number:02d}-{name}")
    page.goto(f"{address}/cases/{nx['id']}")
    trace = page.locator("#decision-trace")
    assert trace.inner_text() == "责任倒查"
    page.fill("#moment-day", "2099-12-31")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(rf"/versions/{nx['version']}$"))
    page.goto(f"{address}/cases/{nx['id']}/at?moment=yesterday")
    assert page.inner_text("#error-title") == "无法识别您填写的内容" and "请选择一个日期" in page.inner_text("#problem")
    shoot(page, served, "words-90-moment-error")
    page.goto(f"{address}/deadlines?lang=en")
    english = page.inner_text("body")
    assert "Deadlines" in english and "days" in english and "期限" not in english
    shoot(page, served, "words-91-deadlines-en")
