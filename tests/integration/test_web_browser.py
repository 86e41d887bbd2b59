"""The inspectors' web pages in headless Chromium, on SQLite and PostgreSQL: sign in as the
demo's discipline inspector with a token signed by his own key, open a case, step back through its
history, open a person's chain (fixtures and screenshots: :mod:`tests.integration.browser`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from api.http.words import RULES
from tests.integration.browser import shoot, sign_in
from tests.integration.http_support import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow]




def test_inspector_signs_in_opens_a_case_and_steps_back(page: Any, served: Served, address: str) -> None:
    nx = served.demo.cases[0]
    sign_in(page, served, address)
    assert "孔德明" in page.inner_text("header, nav, body")
    rows = page.locator("table tr").all_inner_texts()
    # 孔德明 is stationed in the 商务厅: its cases are listed, 息县's are not (issue 16 point 1)
    assert any(nx["title"] in row for row in rows) and not any("息县" in row for row in rows)
    shoot(page, served, "01-cases")

    page.click(f"text={nx['title']}")
    page.wait_for_url(re.compile(rf"/cases/{nx['id']}$"))
    events = page.locator("#timeline tr.event")
    assert events.count() == nx["version"]
    first = events.nth(0).inner_text()
    assert "启动评估" in first and "马晓东" in first and "NX-4" in first
    assert page.locator("#timeline .verified").count() == nx["version"], "every event verifies"
    proof = page.locator("#timeline a.proof").first.get_attribute("href")
    assert proof == f"/proofs/events/{nx['id']}/1"
    shoot(page, served, "02-case-timeline")

    page.click("#latest-version")
    assert page.inner_text("#version") == f"版本 {nx['version']} / {nx['version']}"
    assert page.inner_text("#event-action").startswith("决策机关作出决定")
    for _ in range(nx["version"] - 10):
        page.click("#step-back")
    page.wait_for_url(re.compile(r"/versions/10$"))
    assert page.inner_text("#version") == f"版本 10 / {nx['version']}"
    assert "收集信息资料" in page.inner_text("#event-action")
    assert "2020年全区跨境电商发展情况" in page.inner_text("#state"), "version 10 collected it"
    shoot(page, served, "03-case-at-version-10")
    page.click("#step-back")
    assert page.inner_text("#version") == f"版本 9 / {nx['version']}"
    assert "2020年全区跨境电商发展情况" not in page.inner_text("#state"), "not yet at version 9"
    for _ in range(6):
        page.click("#step-back")
    assert page.inner_text("#version") == f"版本 3 / {nx['version']}"
    assert page.inner_text("#part-phase") == "待决定开展"  # awaiting_approval (NX-10(2))
    assert page.locator("#step-forward").count() == 1
    shoot(page, served, "04-case-at-version-3")

    page.goto(f"{address}/cases/{nx['id']}/at?moment=2")
    assert page.inner_text("#version") == f"版本 2 / {nx['version']}"


def test_a_persons_lifetime_chain(page: Any, served: Served, address: str) -> None:
    flagged = served.demo.cases[2]
    sign_in(page, served, address)
    page.goto(f"{address}/cases/{flagged['id']}")
    page.locator("#timeline td.signer a", has_text="何静").first.click()
    page.wait_for_url(re.compile(r"/persons/"))
    assert page.inner_text("#person-name") == "何静"
    findings = page.inner_text("#person-findings")
    # issue 19 — words: a rule by its Chinese name, its id only on hover
    assert RULES["NX/preset-conclusion"][0] in findings and RULES["NX/skewed-exclusions"][0] in findings
    assert "NX/preset-conclusion" not in findings
    assert page.locator("#person-acts tr").count() > 3
    shoot(page, served, "05-person-chain")
    page.goto(f"{address}/findings")
    assert page.locator("table tr").count() >= 7
    shoot(page, served, "06-findings")
    page.goto(f"{address}/deadlines")
    assert "NX-11" in page.inner_text("body")
    shoot(page, served, "07-deadlines")


def test_public_pages_and_the_english_switch(page: Any, served: Served, address: str) -> None:
    page.goto(f"{address}/")
    body = page.inner_text("body")
    assert "息县农村生活垃圾治理" in body and "县长热线垃圾清运诉求登记表" not in body, "XX-17, XX-22"
    assert page.get_attribute("html", "lang") == "zh-CN"
    shoot(page, served, "08-public-results")
    page.click("#lang-switch")
    assert page.get_attribute("html", "lang") == "en"
    page.goto(f"{address}/checkpoints")
    assert page.get_attribute("html", "lang") == "en", "the language is remembered"
    assert "decision-ledger/" in page.inner_text("body")
    shoot(page, served, "09-checkpoints-en")
    page.goto(f"{address}/cases/{served.demo.cases[0]['id']}")
    assert "/signin" in page.url, "a case needs signing in"
    page.fill("#token", "not-a-token")
    page.click("#signin")
    assert page.locator("#problem").count() == 1
