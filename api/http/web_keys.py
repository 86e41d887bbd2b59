"""Keys in the browser (issue 19 point 1): the pages that enrol a browser key, the requests
administrators sign, and sign-in by challenge (logic in :mod:`api.http.browser_keys`; the keys
and signatures themselves are made in the page by ``static/ledger.js``, the pages' behaviour is
``static/keys.js``).

Pages: ``/keys`` (my keys; make this browser's key; the CLI command that adds it by consent; a
one-time link for another computer), ``/keys/invitations`` (administrators invite a person),
``/keys/enrol?code=`` (the invited person's browser makes its key and sends ``{jwk, proof}``),
``/keys/requests`` (the keys sent back, signed in the browser as ``principal.add_key`` and
``principal.confirm_key`` through the ordinary write endpoints).

JSON the pages use (under ``/v1/``, so errors are problem documents; left out of the OpenAPI
document like the pages): ``POST /v1/key-requests``, ``POST /v1/sign-in/challenges``,
``POST /v1/sign-in`` (docs/spec.md §19).

**Cross-site requests.** Every POST here checks that the ``Origin`` header, when the browser sends
one (browsers do on every POST), is this site, and refuses ``Sec-Fetch-Site: cross-site``; the
JSON endpoints take only ``application/json`` bodies, which a page of another site cannot send
without a CORS preflight this service never grants. The session cookie is SameSite=Lax, so a form
another site posts here carries no session. What an attacker's page could still try:
(1) ask for a challenge — it cannot read the answer, and cannot sign it: the key is in this
origin's IndexedDB and cannot be exported; (2) *login CSRF*, signing the victim's browser in as
the attacker with a statement the attacker signed — refused, because a challenge is bound to the
browser that asked for it (the ``dl_challenge`` cookie, HttpOnly, SameSite=Strict, whose hash the
challenge row keeps) and to this origin; (3) replay a captured statement — refused, a challenge
is spent once and lives two minutes; (4) post a key to an invitation — it needs the code, which
only the link carries, and the key still does nothing until administrators (or the person, by
consent) sign it after comparing fingerprints.
"""

from __future__ import annotations

import json
import secrets as random
from datetime import timedelta, timezone
from typing import Annotated, Any
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.http import labels
from api.http.browser_keys import (
    CHALLENGE_COOKIE,
    CHALLENGE_LIFETIME,
    SIGN_IN_PURPOSE,
    SIGN_IN_TYPE,
    Challenges,
    Invitations,
    fingerprint,
    is_administrator,
    key_state,
    refuse,
)
from api.http.labels_keys import KEYS
from api.http.reads import UUID_PATTERN, reader, service
from api.http.sessions import SESSION_COOKIE, SESSION_LIFETIME, same_site, secure_site, site_origin
from api.http.web import TEMPLATES, lang_of, render, require
from domain.evidence.canonical import canonical_bytes
from domain.evidence.errors import MalformedInput
from domain.evidence.times import format_time
from domain.model.principal import Principal
from domain.service.ledger import Ledger
from projections import queries

MAX_BODY = 16_384
CHINA = timezone(timedelta(hours=8))


async def json_body(request: Request) -> Any:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise refuse("malformed-input", "请求须为 JSON（application/json）", "the body must be application/json")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise refuse("too-large", "请求过大", "the body is too large")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # nested thousands deep: RecursionError, a 500 before
        raise refuse("malformed-input", "请求不是有效的 JSON", "the body is not JSON") from None
    try:  # docs/spec.md §2: what these bodies carry (codes, keys, signed statements) is signed data:
        canonical_bytes(value)  # nested at most 64 deep, no lone surrogate (a 500 when hashed), no float
    except MalformedInput as error:
        raise refuse("malformed-input", "请求中的 JSON 超出可签名数据的范围（docs/spec.md 第2节）",
                     f"the body's JSON lies outside the signed data's domain (docs/spec.md §2): {error.detail}") from None
    return value


def _words(request: Request, lang: str) -> Any:
    def k(key: str, *args: Any) -> str:
        return labels.word(KEYS, key, lang).format(*args)
    return k


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    svc = service(request)
    lang = lang_of(request)
    return render(request, template, status=status, k=_words(request, lang),
                  utc=lambda moment: format_time(moment) if moment else "",
                  ledger_id=str(svc.ledger.genesis().ledger_id), site=site_origin(request), **context)


def _name(ledger: Ledger, principal_id: str) -> str:
    if not principal_id:
        return ""
    try:
        found = ledger.find(UUID(principal_id), Principal)
    except ValueError:
        return ""
    return found.name if found else ""


def _key_rows(ledger: Ledger, person: Principal) -> list[dict[str, Any]]:
    rows = []
    for record in person.key_history.keys.values():
        rows.append({"keyid": record.keyid, "fingerprint": fingerprint(record.keyid),
                     "state": key_state(person, record.keyid), "since": record.active_from,
                     "until": record.active_until, "proposed_by": _name(ledger, record.proposed_by),
                     "confirmed_by": _name(ledger, record.confirmed_by)})
    return rows


def _require_administrator(who: Principal) -> None:
    if not is_administrator(who):
        raise refuse("not-permitted", "只有系统管理员可以打开此页", "only administrators open this page")


def _ledger_of(request: Request) -> str:
    return str(service(request).ledger.genesis().ledger_id)


# the sign-in page (signin.html, another module's) includes signin_key.html, which asks for these
TEMPLATES.env.globals["keys_word"] = lambda key, lang: labels.word(KEYS, key, lang)
TEMPLATES.env.globals["keys_ledger"] = _ledger_of


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    @pages.get("/keys", response_class=HTMLResponse)
    def my_keys(request: Request, person: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None) -> Response:
        """My keys; with ``person``, an administrator's view of someone's keys, to revoke one
        (``principal.revoke_key``: the person or an administrator, docs/authority.md)."""
        who = require(request)
        svc = service(request)
        shown = who
        if person is not None and person != str(who.id):
            _require_administrator(who)
            found = svc.ledger.find(UUID(person), Principal)
            if found is None or found.kind != "person":
                raise refuse("not-found", "没有这个人员", "no such person")
            shown = found
        return _page(request, "keys_index.html", person=shown, viewer=who, own=shown.id == who.id,
                     keys=_key_rows(svc.ledger, shown), link=None)

    @pages.post("/keys/invitations", response_class=HTMLResponse)
    async def invite(request: Request) -> Response:
        same_site(request)
        who = require(request)
        svc = service(request)
        form = parse_qs((await request.body())[:MAX_BODY].decode("utf-8", "replace"))
        person_id = (form.get("principal_id") or [""])[0]
        code = Invitations(svc.state).issue(svc.ledger, who, person_id)
        link = f"{site_origin(request)}/keys/enrol?code={code}"
        if person_id == str(who.id) and not is_administrator(who):
            return _page(request, "keys_index.html", person=who, viewer=who, own=True,
                         keys=_key_rows(svc.ledger, who), link=link)
        return _invitations(request, who, q=None, link=link, invited=_name(svc.ledger, person_id))

    @pages.get("/keys/invitations", response_class=HTMLResponse)
    def invitations(request: Request, q: Annotated[str | None, Query(max_length=64)] = None) -> Response:
        who = require(request)
        _require_administrator(who)
        return _invitations(request, who, q=q or None, link=None, invited="")

    def _invitations(request: Request, who: Principal, q: str | None, link: str | None, invited: str) -> Response:
        svc = service(request)
        found = [p for p in queries.principals(svc.current().views, q=q, limit=50)
                 if p.get("kind", "person") == "person"] if q else []
        waiting = Invitations(svc.state).listed(who, requested=False)
        return _page(request, "keys_invitations.html", q=q or "", found=found, link=link, invited=invited,
                     waiting=[(i, _name(svc.ledger, i.principal_id), _name(svc.ledger, i.issued_by)) for i in waiting])

    @pages.get("/keys/enrol", response_class=HTMLResponse)
    def enrol(request: Request, code: Annotated[str, Query(min_length=1, max_length=200)]) -> Response:
        svc = service(request)
        invitation = Invitations(svc.state).find(code)
        person = svc.ledger.find(UUID(invitation.principal_id), Principal)
        response = _page(request, "keys_enrol.html", person=person, invitation=invitation, code=code)
        response.headers["Referrer-Policy"] = "no-referrer"  # the code is in this page's address
        return response

    @pages.get("/keys/requests", response_class=HTMLResponse)
    def requests(request: Request) -> Response:
        who = require(request)
        svc = service(request)
        rows = []
        for invitation in Invitations(svc.state).listed(who, requested=True):
            person = svc.ledger.find(UUID(invitation.principal_id), Principal)
            if person is None:
                continue
            record = person.key(invitation.keyid or "")
            rows.append({"invitation": invitation, "person": person, "state": key_state(person, invitation.keyid),
                         "version": svc.ledger.version_of(person.id),
                         "proposed_by": record.proposed_by if record else "",
                         "proposer": _name(svc.ledger, record.proposed_by) if record else ""})
        return _page(request, "keys_requests.html", rows=rows, me_admin=is_administrator(who))

    # --- JSON the pages use --------------------------------------------------------------------

    @pages.post("/v1/key-requests", status_code=201)
    async def key_request(request: Request) -> Response:
        same_site(request)
        body = await json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("code"), str):
            raise refuse("malformed-input", "请求须包含邀请码 code、公钥 jwk 和持有证明 proof",
                         "the body holds the invitation's code, the key's jwk and its proof")
        svc = service(request)
        keyid = Invitations(svc.state).submit(svc.ledger, body["code"], body.get("jwk"), body.get("proof"))
        return JSONResponse({"keyid": keyid, "fingerprint": fingerprint(keyid)}, status_code=201)

    # issue 19 — forms2: invitations for the command line (`decision-ledger keys invite`, `keys invitations`)
    @pages.post("/v1/key-invitations", status_code=201)
    async def invite_json(request: Request) -> Response:
        same_site(request)
        who = reader(request)
        body = await json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("principal_id"), str):
            raise refuse("malformed-input", "请求须包含被邀请人员的 principal_id", "the body holds the person's principal_id")
        svc = service(request)
        invitations = Invitations(svc.state)
        code = invitations.issue(svc.ledger, who, body["principal_id"])
        made = invitations.find(code)
        return JSONResponse({"principal_id": made.principal_id, "name": _name(svc.ledger, made.principal_id),
                             "link": f"{site_origin(request)}/keys/enrol?code={code}", "code": code,
                             "expires_at": format_time(made.expires_at)}, status_code=201)

    @pages.get("/v1/key-invitations")
    def invitations_json(request: Request, requested: bool = False) -> Response:
        who = reader(request)
        svc = service(request)
        rows = []
        for invitation in Invitations(svc.state).listed(who, requested=requested):
            person = svc.ledger.find(UUID(invitation.principal_id), Principal)
            rows.append({"principal_id": invitation.principal_id, "name": person.name if person else "",
                         "issued_by": invitation.issued_by, "issuer": _name(svc.ledger, invitation.issued_by),
                         "created_at": format_time(invitation.created_at),
                         "expires_at": format_time(invitation.expires_at), "keyid": invitation.keyid,
                         "fingerprint": invitation.fingerprint,
                         "state": key_state(person, invitation.keyid) if person and invitation.keyid else "none"})
        return JSONResponse({"items": rows, "requested": requested})

    @pages.post("/v1/sign-in/challenges", status_code=201)
    def challenge(request: Request) -> Response:
        same_site(request)
        svc = service(request)
        browser = request.cookies.get(CHALLENGE_COOKIE)
        fresh = not browser or len(browser) > 100
        if fresh:
            browser = random.token_urlsafe(24)
        assert browser is not None
        origin = site_origin(request)
        text, expires = Challenges(svc.state).issue(origin, browser)
        response = JSONResponse({"challenge": text, "expires_at": expires.isoformat(), "origin": origin,
                                 "ledger": str(svc.ledger.genesis().ledger_id), "payloadType": SIGN_IN_TYPE,
                                 "purpose": SIGN_IN_PURPOSE}, status_code=201)
        if fresh:
            response.set_cookie(CHALLENGE_COOKIE, browser, max_age=CHALLENGE_LIFETIME * 30, httponly=True,
                                samesite="strict", secure=secure_site(request))
        return response

    @pages.post("/v1/sign-in")
    async def sign_in(request: Request) -> Response:
        same_site(request)
        envelope = await json_body(request)
        svc = service(request)
        answered = Challenges(svc.state).answer(svc.ledger, envelope, site_origin(request),
                                                request.cookies.get(CHALLENGE_COOKIE))
        session = svc.sessions.begin_verified(answered.principal, answered.keyid)
        response = JSONResponse({"principal": str(answered.principal.id), "name": answered.principal.name,
                                 "keyid": answered.keyid})
        response.set_cookie(SESSION_COOKIE, session.cookie, max_age=SESSION_LIFETIME, httponly=True, samesite="lax", secure=secure_site(request))
        return response

    return pages

