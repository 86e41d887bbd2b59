"""Each role walks through its work in Chromium (issue 19, "Done means"): the discipline inspector
replays a case, reads what a version changed, traces the decision and its graph, searches by 文号 and
by event hash, checks a proof, downloads the evidence bundle and prints the dossier; the public
reader reads the published results and the checkpoints, and nothing more. (The evaluators' walk,
each step signed in the browser, is ``test_web_act.py``; enrolment and sign-in by browser key,
``test_browser_keys.py``.) Screenshots of every page visited: ``artifacts/screenshots``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.integration.browser import shoot, sign_in
from tests.integration.http_support import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.parametrize("served", ["sqlite"], indirect=True)]


def test_the_inspector_replays_diffs_traces_searches_downloads_and_prints(
        page: Any, served: Served, address: str) -> None:
    nx = served.demo.cases[0]
    sign_in(page, served, address, "kong_deming")

    # the case, with its timeline by business date; a version, with what it changed
    page.click(f"text={nx['title']}")
    page.wait_for_url(re.compile(rf"/cases/{nx['id']}$"))
    assert page.locator("#story-timeline svg a.mark").count() == nx["version"]
    shoot(page, served, "role-inspector-01-case")
    page.goto(f"{address}/cases/{nx['id']}/versions/10")
    assert "收集信息资料" in page.inner_text("#event-action")
    assert page.locator("#changes section.change").count() >= 1, "what version 10 changed is marked"
    shoot(page, served, "role-inspector-02-version-diff")

    # back to the decision: its makers and evaluators, then the graph of who did what
    page.goto(f"{address}/cases/{nx['id']}")
    page.click("#decision-trace")
    page.wait_for_url(re.compile(r"/decisions/.+/trace$"))
    page.click("#trace-graph")
    page.wait_for_url(re.compile(r"/decisions/.+/graph$"))
    assert page.locator("#graph a.node").count() >= 3
    shoot(page, served, "role-inspector-03-graph")

    # search by the decision's 文号, then by an event hash typed in upper case
    page.fill("#nav-search", "宁商规发〔2021〕3号")
    page.press("#nav-search", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("#search-decisions li").count() == 1
    event_hash = served.client.get(f"/v1/cases/{nx['id']}/timeline", headers=served.headers("kong_deming"),
                                   params={"limit": 5}).json()["items"][4]["hash"]
    page.fill("#nav-search", event_hash[:12].upper())
    page.press("#nav-search", "Enter")
    page.locator("#search-events a").first.click()
    page.wait_for_url(re.compile(rf"/cases/{nx['id']}/versions/5$"))
    shoot(page, served, "role-inspector-04-found-event")

    # the event's proof, checked in the browser
    page.goto(f"{address}/proofs/events/{nx['id']}/5")
    page.wait_for_selector("body[data-proofs-done]")
    assert page.get_attribute("#step-inclusion", "data-verdict") == "pass"

    # the evidence bundle and the dossier download from the case page
    page.goto(f"{address}/cases/{nx['id']}")
    with page.expect_download() as bundle:
        page.click("#case-bundle")
    exported = json.loads(Path(bundle.value.path()).read_text(encoding="utf-8"))
    assert len(exported["events"]) >= nx["version"]
    with page.expect_download() as dossier:
        page.click("#dossier")
    assert Path(dossier.value.path()).read_bytes()[:5] == b"%PDF-"


def test_the_public_reads_results_and_checkpoints_and_nothing_more(page: Any, served: Served, address: str) -> None:
    page.goto(f"{address}/")
    assert "息县农村生活垃圾治理" in page.inner_text("main")
    assert page.locator("#nav-search").count() == 0, "search is for those signed in"
    shoot(page, served, "role-public-01-results")
    page.goto(f"{address}/checkpoints")
    assert "decision-ledger/" in page.inner_text("main")
    for path in ("/cases", f"/cases/{served.demo.cases[0]['id']}", "/search?q=孔", "/findings"):
        page.goto(f"{address}{path}")
        assert "/signin" in page.url, path
