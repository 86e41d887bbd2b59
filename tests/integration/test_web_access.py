"""Usable by everyone (issue 19 point 8): every page, public and signed in, in Chinese and English,
passes an automated accessibility check — axe-core (vendored: ``vendor/axe-core``) reports no
serious or critical violation — and can be walked with the keyboard alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.browser import shoot, sign_in
from tests.integration.http_support import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.parametrize("served", ["sqlite"], indirect=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def pages(served: Served) -> list[str]:
    """Every page a reader reaches: public, then signed in as the demo's inspector."""
    nx = served.demo.cases[0]
    inspector = served.people["kong_deming"].principal_id
    return ["/", "/checkpoints", "/signin", "/cases", f"/cases/{nx['id']}", f"/cases/{nx['id']}/versions/3",
            f"/persons/{inspector}", f"/decisions/{nx['decision_id']}/trace", "/findings", "/deadlines",
            "/agencies", "/annual", f"/proofs/events/{nx['id']}/1", "/keys", f"/cases/{nx['id']}/story",
            f"/cases/{nx['id']}/act", f"/decisions/{nx['decision_id']}/graph", f"/persons/{inspector}/graph",
            "/search?q=%E5%AD%94", "/decisions/new", "/no-such-page"]


def violations(page: Any) -> list[str]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in found if v["impact"] in SERIOUS]




@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_has_a_serious_accessibility_violation(page: Any, served: Served, address: str, lang: str) -> None:
    sign_in(page, served, address)
    found: dict[str, list[str]] = {}
    for path in pages(served):
        page.goto(f"{address}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.get_attribute("html", "lang") == ("zh-CN" if lang == "zh" else "en")
        if problems := violations(page):
            found[path] = problems
    assert not found, "\n".join(f"{path}: {p}" for path, ps in found.items() for p in ps)


def test_the_keyboard_reaches_every_control(page: Any, served: Served, address: str) -> None:
    """Tab walks through every link, button and field of a page in order, and each focused control
    has a name a screen reader says."""
    sign_in(page, served, address)
    nx = served.demo.cases[0]
    page.goto(f"{address}/cases/{nx['id']}")
    controls = page.evaluate("() => document.querySelectorAll('a[href], button, input, select, textarea').length")
    reached = []
    for _ in range(min(controls, 60)):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("""() => { const e = document.activeElement;
            return [e.tagName, (e.getAttribute('aria-label') || e.labels?.[0]?.innerText || e.innerText
                                || e.value || e.title || '').trim()]; }"""))
    assert all(tag != "BODY" for tag, _ in reached), "focus never falls off the page"
    assert all(name for _, name in reached), f"a control without a name: {[r for r in reached if not r[1]]}"
    assert len({tuple(r) for r in reached}) > min(controls, 60) // 2, "Tab moves on"
    shoot(page, served, "access-keyboard")


def test_the_check_finds_what_it_looks_for(page: Any, served: Served, address: str) -> None:
    """The check is live: an unlabelled field and an image without text are reported."""
    page.set_content('<html lang="zh-CN"><head><title>t</title></head><body><main><input id="x">'
                     '<img src="data:,"></main></body></html>')
    found = " ".join(violations(page))
    assert "label" in found and "image-alt" in found
