"""The browser work of issue 19 attacked (review): each test is a way a page could show or do more
than the JSON API and the rules allow, and checks that it does not."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest

from api.http.auth import make_token
from domain.service.access import WITHHELD
from tests.integration.http_support import Served

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


@pytest.fixture
def as_person(served: Served) -> Iterator[Any]:
    yield served.sign_in
    served.client.cookies.clear()


def _secret(served: Served) -> dict[str, Any]:
    """The NX demo case's commercial secret, as an inspector (cleared for it) reads it."""
    nx = served.demo.cases[0]
    items = served.get(f"/v1/cases/{nx['id']}/timeline", "kong_deming").json()["items"]
    return next(e["args"] for e in items if e["action"] == "case.collect_material"
                and e["args"].get("classification") == "commercial_secret")


def _options(page: str, name: str) -> dict[str, str]:
    """The options of the field ``name``'s select: value → the text shown."""
    select = re.search(rf'data-name="{name}".*?<select[^>]*>(.*?)</select>', page, re.DOTALL)
    assert select is not None, f"no select {name}"
    return {value: html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for value, text in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.DOTALL)}


def test_the_act_page_shows_a_classified_material_as_the_json_api_does(served: Served, as_person: Any) -> None:
    """NX-15, XX-22: a reader not cleared for a material sees that it exists and its classification,
    never its content — its stance included (``access.redact_material``); a cleared reader picks it
    by its title."""
    nx = served.demo.cases[0]
    secret = _secret(served)
    mid = secret["material_id"]
    api = served.get(f"/v1/cases/{nx['id']}", "zhao_min").json()["case"]["materials"][mid]
    assert api["stance"] == WITHHELD, "the JSON API withholds the stance from the decision organ"
    as_person("zhao_min")  # the decision organ reads the case, not its commercial secrets
    form = served.client.get(f"/cases/{nx['id']}/act/case.exclude_material")
    assert form.status_code == 200, form.text
    shown = _options(form.text, "material_id")[mid]
    assert "反对" not in shown and "opposing" not in shown, f"the stance leaks: {shown}"
    assert secret["title"] not in form.text
    as_person("ma_xiaodong")  # the lead unit is cleared for it: it reads its title
    cleared = _options(served.client.get(f"/cases/{nx['id']}/act/case.exclude_material").text, "material_id")[mid]
    assert secret["title"] in cleared and "反对" in cleared, cleared


def test_a_title_cannot_break_out_of_the_forms_configuration(served: Served, as_person: Any) -> None:
    """A decision's title typed with ``<!--<script>`` and ``</script>``: the act page's embedded
    configuration holds no ``<`` at all (in a script element ``<!--`` followed by ``<script``
    swallows the closing tag and the rest of the page), and still reads back as typed."""
    title = "会展业意见<!--<script>alert(1)</script>--></script><b>x</b>"
    decision = uuid4()
    args = {"jurisdiction": "NX", "title": title, "document_number": "宁商发〔2026〕99号",
            "organ": "宁夏回族自治区商务厅（厅务会议）",
            "organisation_id": served.demo.organisations["宁夏回族自治区商务厅"],
            "decided_on": "2026-01-05", "purpose": "测试标题中的标记不被页面当作标记"}
    recorded = served.client.post("/v1/decisions", json=served.sign("ma_xiaodong", "decision.register",
                                                                     decision, args).to_json())
    assert recorded.status_code == 201, recorded.text
    as_person("ma_xiaodong")
    page = served.client.get(f"/decisions/{decision}/act/case.open")
    assert page.status_code == 200, page.text
    found = re.search(r'<script type="application/json" id="act-config">(.*?)</script>', page.text, re.DOTALL)
    assert found is not None
    assert "<" not in found.group(1), "markup inside the embedded configuration"
    assert json.loads(found.group(1))["target_name"] == title
    assert "<b>x</b>" not in page.text and "<script>alert(1)" not in page.text


@pytest.mark.browser
@pytest.mark.slow
def test_an_edit_after_the_preview_withdraws_it(page: Any, served: Served, address: str) -> None:
    """What is signed is what the preview shows of the form as it stands: once a field changes after
    the preview, the preview is withdrawn and the sign button signs nothing until a new preview."""
    nx = served.demo.cases[0]
    signer = served.people["ma_xiaodong"]
    page.goto(f"{address}/signin")
    page.fill("#token", make_token(signer.key, signer.principal_id, lifetime=600))
    page.click("#signin")
    page.wait_for_url(re.compile(r"/cases$"))
    page.goto(f"{address}/cases/{nx['id']}/act/case.confirm_stance")
    material = '.field[data-name="material_id"] select'
    page.select_option(material, index=1)
    page.select_option('.field[data-name="stance"] select', "supporting")
    page.click("#preview-button")
    page.wait_for_selector("#preview-args")
    assert page.is_visible("#preview") and "支持" in page.inner_text("#preview-args")
    page.select_option('.field[data-name="stance"] select', "opposing")
    page.wait_for_selector("#preview", state="hidden")
    assert page.is_disabled("#sign"), "the old intent can no longer be signed"
    page.click("#preview-button")
    page.wait_for_selector("#preview", state="visible")
    assert "反对" in page.inner_text("#preview-args") and not page.is_disabled("#sign")
    page.click('.field[data-name="note"] textarea, .field[data-name="note"] input')
    page.keyboard.type("已核对")
    page.wait_for_selector("#preview", state="hidden")
    assert page.is_disabled("#sign")


def test_no_page_scans_every_recorded_act(served: Served, as_person: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a province's scale the actions read model holds a row per event (a million on the
    bench): a page may read it by an index (a case's, a person's, a decision's acts), never scan
    it whole per request, as looking every name up by scanning every act did (issue 19 point 7)."""
    from projections.store import ViewCursor

    statements: list[tuple[str, tuple[Any, ...]]] = []
    original = ViewCursor.execute

    def recording(self: ViewCursor, sql: str, params: Any = ()) -> ViewCursor:
        statements.append((self._sql(sql), tuple(params)))
        return original(self, sql, params)

    monkeypatch.setattr(ViewCursor, "execute", recording)
    nx = served.demo.cases[0]
    as_person("kong_deming")
    actions = served.service.current().views.names["dl_actions"]  # type: ignore[attr-defined]
    database = sqlite3.connect(served.url.removeprefix("sqlite:///"))
    scans: dict[str, list[str]] = {}
    for path in (f"/cases/{nx['id']}", f"/cases/{nx['id']}/versions/3", f"/persons/{served.people['ma_xiaodong'].principal_id}",
                 f"/decisions/{nx['decision_id']}/trace", "/findings", "/agencies", f"/cases/{nx['id']}/story",
                 f"/decisions/{nx['decision_id']}/graph", f"/persons/{served.people['ma_xiaodong'].principal_id}/graph",
                 "/search?q=跨境电商", f"/proofs/events/{nx['id']}/3", f"/cases/{nx['id']}/act/case.exclude_material"):
        for lang in ("zh", "en"):
            statements.clear()
            assert served.client.get(path, params={"lang": lang}).status_code == 200, path
            for sql, params in statements:
                if actions not in sql:
                    continue
                aliases = {actions, *re.findall(rf"{re.escape(actions)}\s+(?:AS\s+)?(\w+)", sql)} - {"WHERE", "ON"}
                plan = [row[3] for row in database.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
                if any(re.match(rf"SCAN ({'|'.join(map(re.escape, aliases))})\b(?! USING)", step) for step in plan):
                    scans.setdefault(f"{path}?lang={lang}", []).append(sql)
    database.close()
    assert not scans, scans


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\\evil.example",
                                    "//evil.example", "https://evil.example"])
def test_the_sign_in_page_sends_nobody_to_another_site(served: Served, target: str) -> None:
    """A browser drops tabs and line breaks from an address (the URL standard), so ``/<TAB>/evil``
    is ``//evil``, another site: the sign-in page's ``next`` (which static/keys.js follows after a
    browser key signs in) is only ever a path of this site."""
    page = served.client.get("/signin", params={"next": target})
    if page.status_code == 400:
        return  # refused as text the text rule refuses: nothing to follow either
    assert page.status_code == 200, page.text
    found = re.search(r'<input type="hidden" name="next" value="([^"]*)">', page.text)
    assert found is not None
    assert html.unescape(found.group(1)) == "/cases", found.group(1)


@pytest.mark.browser
@pytest.mark.slow
def test_the_proof_page_checks_the_event_it_was_asked_about(page: Any, served: Served, address: str) -> None:
    """The browser's checker trusts no server (spec §13.5): served another event of the case —
    its stored record and its own valid proof, all consistent — for version 3, it says the record
    is of another event instead of passing every step."""
    nx = served.demo.cases[0]
    signer = served.people["kong_deming"]
    page.goto(f"{address}/signin")
    page.fill("#token", make_token(signer.key, signer.principal_id, lifetime=600))
    page.click("#signin")
    page.wait_for_url(re.compile(r"/cases$"))
    other = page.goto(f"{address}/proofs/events/{nx['id']}/2")
    assert other is not None and other.ok
    stored_two = page.text_content("#proof-stored")
    assert stored_two and json.loads(stored_two)["version"] == 2

    def swap_stored(route: Any) -> None:
        answer = route.fetch()
        body = re.sub(r'(<script type="application/json" id="proof-stored">)(.*?)(</script>)',
                      lambda m: m.group(1) + str(stored_two) + m.group(3), answer.text(), flags=re.DOTALL)
        route.fulfill(response=answer, body=body)

    def swap_proof(route: Any) -> None:
        route.fulfill(response=route.fetch(url=route.request.url.replace(f"{nx['id']}:3", f"{nx['id']}:2")))

    page.route(re.compile(rf"/proofs/events/{nx['id']}/3$"), swap_stored)
    page.route(re.compile(r"/v1/public/proofs/inclusion\?event=.*:3$"), swap_proof)
    page.goto(f"{address}/proofs/events/{nx['id']}/3")
    page.wait_for_selector("body[data-proofs-done]")
    assert page.get_attribute("#step-hash", "data-verdict") == "fail", page.inner_text("#step-hash")
    assert "另一事件" in page.inner_text("#step-hash .words")
    assert page.inner_text("#proof-summary") != "全部核验通过"
