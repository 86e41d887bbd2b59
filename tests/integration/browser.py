"""Headless Chromium for the web tests (Debian's /usr/bin/chromium driven by Playwright): one
browser for the whole run, the served app on a real port, screenshots as test artefacts.

The fixtures are registered in ``tests/integration/conftest.py``, so every browser test module
uses the same ones (Chromium starts once per module). Screenshots go to
``artifacts/screenshots/`` (or ``$DECISION_LEDGER_ARTIFACTS``). Without Chromium or Playwright the
tests skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn

from api.http.auth import make_token
from tests.integration.http_support import Served

CHROMIUM = os.environ.get("DECISION_LEDGER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("DECISION_LEDGER_ARTIFACTS", Path(__file__).parents[2] / "artifacts")) / "screenshots"


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true requires the browser tests)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def address(served: Served) -> Iterator[str]:
    """The served app on a real port (uvicorn in a thread); the test client already runs its
    lifespan, so uvicorn does not start the service again."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(served.client.app, lifespan="off", log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module: Playwright's sync API keeps an event loop running in the main
    thread while it is open, which would break later tests that start one of their own."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed")
    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (its own cookies and IndexedDB) and page, in Chinese."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def sign_in(page: Any, served: Served, address: str, handle: str = "kong_deming", target: str = "/cases") -> None:
    """Sign in in the browser with a token signed by the person's own key (the CLI holder's way;
    sign-in by browser key is ``test_browser_keys.py``'s), landing on ``target``."""
    signer = served.people[handle]
    page.goto(f"{address}/signin?{urlencode({'next': target})}")
    page.fill("#token", make_token(signer.key, signer.principal_id, lifetime=600))
    page.click("#signin")
    page.wait_for_url(re.compile(re.escape(target) + "$"))


def shoot(page: Any, served: Served, name: str) -> Path:
    """A full-page screenshot saved as a test artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    kind = "postgres" if served.url.startswith("postgres") else "sqlite"
    path = ARTIFACTS / f"{kind}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path
