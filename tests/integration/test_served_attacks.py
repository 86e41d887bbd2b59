"""The served demo attacked from outside (part D of the review): each test is one request an
attacker sent that the service answered with a 500, an unclear error or a wrong success, and
checks the answer it gives now — a precise problem, and nothing done.

| attack | answer now |
|---|---|
| ``?at=`` a moment whose UTC falls outside the years 1–9999 (API and the page's moment box) | 400 malformed-input |
| the pages' JSON (``/v1/key-requests``, ``/v1/sign-in``) nested thousands deep | 400 malformed-input |
| the pages' JSON holding a lone surrogate (``"\\ud800"``) | 400 malformed-input |
| the token sign-in form or the sign-out posted by another site (login CSRF) | 403 not-permitted, no session |
"""

from __future__ import annotations

from typing import Any

import pytest

from api.http.auth import make_token
from api.http.sessions import SESSION_COOKIE
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)

PROBLEM = "urn:decision-ledger:problem:"
CROSS_SITE = {"origin": "https://evil.example", "sec-fetch-site": "cross-site"}
#: moments ISO 8601 spells whose instant in UTC has no datetime: year 0 or year 10000
BEYOND_THE_CALENDAR = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]


@pytest.mark.parametrize("at", BEYOND_THE_CALENDAR)
def test_a_case_at_a_moment_beyond_the_calendar_is_unreadable(served: Served, at: str) -> None:
    """``?at=0001-01-01T00:00:00+01:00`` was a 500 (OverflowError converting it to UTC)."""
    nx = served.demo.cases[0]["id"]
    body = problem_of(served.get(f"/v1/cases/{nx}", "kong_deming", at=at), 400)
    assert body["type"] == PROBLEM + "malformed-input", body
    assert "0001" in body["detail"] and "9999" in body["detail"], body


@pytest.mark.parametrize("moment", [*BEYOND_THE_CALENDAR, "0001-01-01T07:00"])
def test_the_moment_box_beyond_the_calendar_says_what_it_takes(served: Served, moment: str) -> None:
    """The page's box was a 500 too; ``0001-01-01T07:00`` is China time, so year 0 in UTC."""
    nx = served.demo.cases[0]["id"]
    served.sign_in("kong_deming")
    try:
        page = served.client.get(f"/cases/{nx}/at", params={"moment": moment}, follow_redirects=False)
    finally:
        served.client.cookies.clear()
    assert page.status_code == 400, page.text[:300]
    assert "请选择一个日期" in page.text


@pytest.mark.parametrize("path", ["/v1/key-requests", "/v1/sign-in"])
@pytest.mark.parametrize("body", [b"[" * 5000 + b"]" * 5000, b'{"code": "\\ud800", "jwk": {}, "proof": ""}',
                                  b'{"payload": "\\udfff", "payloadType": "x", "signatures": []}'])
def test_the_json_the_pages_post_is_read_within_the_canonical_domain(served: Served, path: str, body: bytes) -> None:
    """Deep nesting was a 500 (RecursionError) and a lone surrogate one (UnicodeEncodeError when
    the invitation's code was hashed): both are JSON no signed statement can hold (spec §2)."""
    answer = served.client.post(path, content=body, headers={"content-type": "application/json"})
    problem = problem_of(answer, 400)
    assert problem["type"] == PROBLEM + "malformed-input", problem


def _session_cookie(answer: Any) -> str | None:
    return answer.cookies.get(SESSION_COOKIE)


def test_another_site_cannot_sign_a_browser_in_with_its_own_token(served: Served) -> None:
    """Login CSRF: a page of another site auto-posting the token form with the attacker's own
    token signed the victim's browser in as the attacker; the challenge sign-in already refused
    it (spec §19), the token form did not."""
    signer = served.people["kong_deming"]
    token = make_token(signer.key, signer.principal_id)
    served.client.cookies.clear()
    answer = served.client.post("/signin", data={"token": token}, headers=CROSS_SITE, follow_redirects=False)
    assert answer.status_code == 403, answer.text[:300]
    assert _session_cookie(answer) is None
    own = served.client.post("/signin", data={"token": token}, headers={"origin": str(served.client.base_url)},
                             follow_redirects=False)
    assert own.status_code == 303 and _session_cookie(own), "the site's own form still signs in"
    served.client.cookies.clear()


def test_another_site_cannot_sign_a_browser_out(served: Served) -> None:
    session = served.session("kong_deming")
    answer = served.client.post("/signout", headers={**session, **CROSS_SITE}, follow_redirects=False)
    assert answer.status_code == 403, answer.text[:300]
    assert served.client.get("/cases", headers=session, follow_redirects=False).status_code == 200, \
        "the session was not ended"


def test_a_session_cookie_does_not_carry_another_sites_post(served: Served) -> None:
    """``POST /v1/secrets/keys`` (the act page's script asks it for a data key) took the session
    cookie from any page: another site's form spent the person's quota of unused keys."""
    session = served.session("he_jing")
    before = served.client.post("/v1/secrets/keys", headers={**session, **CROSS_SITE})
    assert before.status_code == 403, before.text[:300]
    assert before.json()["type"] == PROBLEM + "not-permitted"
    own = served.client.post("/v1/secrets/keys", headers={**session, "origin": str(served.client.base_url)})
    assert own.status_code == 201, own.text[:300]


@pytest.mark.parametrize("path", ["/signin", "/keys/requests", "/cases", "/v1/public/checkpoint"])
def test_no_page_can_be_framed_by_another_site(served: Served, path: str) -> None:
    """Clickjacking: another site framed ``/signin?token=<its own>`` under a decoy and had the
    visitor press 登录 (a same-origin post, so the origin check passed), or framed
    ``/keys/requests`` and had an administrator press the button that signs a key's confirmation.
    Every answer now forbids framing (X-Frame-Options, CSP frame-ancestors)."""
    served.sign_in("li_na")
    try:
        answer = served.client.get(path, follow_redirects=False)
    finally:
        served.client.cookies.clear()
    assert answer.headers.get("x-frame-options") == "DENY", dict(answer.headers)
    assert "frame-ancestors 'none'" in answer.headers.get("content-security-policy", ""), dict(answer.headers)
