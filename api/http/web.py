"""The inspectors' reading pages: server-rendered HTML (Jinja2; these pages need no JavaScript),
Chinese by default, English with ``?lang=en`` (remembered in a cookie). The pages that sign or
check in the browser are their own modules: :mod:`api.http.web_keys` (browser keys, sign-in by
challenge), :mod:`api.http.web_act` (evaluators' forms), :mod:`api.http.web_proofs`; the
pictures are :mod:`api.http.web_story`, the dossier :mod:`api.http.web_dossier`.

Public: published results (XX-17) and the checkpoints. Signed in (a browser key answering a
challenge, or a token pasted on the sign-in page, becomes a server-side session): the case list, a case's timeline — who signed each event, the articles
it carries out, a verification mark, a link to its inclusion proof — the case as it stood at
any version, stepping through its history, a person's lifetime chain, a unit's record (713-39),
findings, deadlines.
The pages ask :mod:`domain.service.access` what the reader may see, as the JSON API does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.http import case_access, case_page, case_scope, labels, labels_vocab, page_names, words
from api.http.auth import authenticate
from api.http.problems import ApiError
from api.http.reads import (
    MAX_POSITION,
    UUID_PATTERN,
    Offset,
    chain_for,
    figures,
    may_trace,
    oversee,
    readable,
    service,
    unit_record_for,
)
from api.http.service import Service
from api.http.sessions import SESSION_COOKIE, SESSION_LIFETIME, same_site, secure_site
from domain import clock
from domain.errors import LedgerError
from domain.model.articles import CATALOGUE
from domain.model.calendar import china_date
from domain.model.principal import Principal
from domain.model.rules.deadlines import official_calendar
from domain.model.text import shown
from domain.service import access, replay
from projections import chain_page, queries
from projections.gc_pause import collection_paused
from projections.making import OPINION_ZH
from projections.scoping import Scope
from projections.timeline import timeline

LANG_COOKIE = "dl_lang"
TEMPLATES = Jinja2Templates(directory=FilePath(__file__).parent / "templates")
PAGE = 50
_HEX = re.compile(r"^[0-9a-f]+$")


def _merge(params: Any, **overrides: Any) -> str:
    """The query string with some parameters replaced (for pagers)."""
    merged = {k: v for k, v in dict(params).items() if k not in overrides}
    merged.update({k: str(v) for k, v in overrides.items()})
    return urlencode(merged)


def _shown(value: Any) -> Any:
    """Every ``{{ value }}`` of every page: text with controls and bidirectional controls written
    as visible escapes (:func:`domain.model.text.shown`; issue 16, L9), then HTML-escaped."""
    return shown(value) if type(value) is str else value


TEMPLATES.env.filters["merge"] = _merge
TEMPLATES.env.finalize = _shown
TEMPLATES.env.filters["fingerprint"] = words.fingerprint
TEMPLATES.env.tests["match_hex"] = lambda value: isinstance(value, str) and bool(_HEX.match(value))
Id = Annotated[str, Path(pattern=UUID_PATTERN)]


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in labels.LANGUAGES:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    return remembered if remembered in labels.LANGUAGES else "zh"


def signed_in(request: Request) -> Principal | None:
    state = request.scope.setdefault("state", {})
    if "signed_in" not in state:  # checked once per request: the page's "me" asks again
        svc = service(request)
        state["signed_in"] = svc.sessions.principal(svc.ledger, request.cookies.get(SESSION_COOKIE))
    found: Principal | None = state["signed_in"]
    return found


def require(request: Request) -> Principal:
    who = signed_in(request)
    if who is None:
        raise ApiError("unauthenticated", "请先登录 — sign in first")
    return who


def _switch_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = "en" if lang == "zh" else "zh"
    return f"{request.url.path}?{urlencode(params)}"


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    svc = service(request)

    def t(key: str, *args: Any) -> str:
        return labels.word(labels.UI, key, lang).format(*args)

    names: dict[str, str] = context.pop("names", {})
    links: dict[str, str] = context.pop("links", {})
    page = {
        "request": request,
        "lang": lang,
        "t": t,
        "action": lambda key: labels.word(labels.ACTION_LABELS, key, lang),
        "phase": lambda key: labels.word(labels.PHASE_LABELS, key, lang),
        "role": lambda key: labels.word(labels.ROLE_LABELS, key, lang),
        "term": lambda key: labels.word(labels.ACCOUNTABILITY_LABELS, key, lang) if key else "",
        "ruling": lambda key: labels.word(labels.RULING_LABELS, key, lang) if key else "",
        "part": lambda key: labels.word(labels.STATE_LABELS, key, lang),
        "article_title": lambda key: CATALOGUE[key].title if key in CATALOGUE else "",
        "name_of": lambda value: names.get(str(value)),
        # issue 19 — words: enum values, rule names, times and deadlines in the page's language
        "link_of": lambda value: (links[str(value)] or None) if str(value) in links else (
            f"/persons/{value}" if str(value) in names else None),
        "vocab": lambda kind, value: labels_vocab.of(kind, value, lang),
        "rule_name": lambda rule_id: words.rule_name(rule_id, lang),
        "rule_mark": lambda rule_id: words.rule_mark(rule_id, lang),
        "when": lambda value: words.when(value, lang),
        "deadline_rule": lambda article: words.deadline_rule(article, lang),
        "deadline_state": lambda status, days: words.deadline_state(status, days, lang),
        "is_uuid": lambda value: isinstance(value, str) and bool(_UUID.match(value)),
        "me": signed_in(request),
        "switch_url": _switch_url(request, lang),
        "origin": svc.projector.reader.origin,
        **context,
    }
    response = TEMPLATES.TemplateResponse(request, template, page, status_code=status)
    if request.query_params.get("lang") in labels.LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", secure=secure_site(request))
    return response


_UUID = re.compile(UUID_PATTERN)


def error_page(request: Request, status: int, title: str, detail: str, article: str | None = None,
               kind: str | None = None, said: str | None = None) -> Response:
    """What a page shows when it cannot: a sign-in redirect for 401, otherwise a title and what to
    do next in the page's language; ``said`` is what the error itself says in that language (a
    rule's refusal, a bad date), else the machine ``detail`` is kept only on hover."""
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?{urlencode({'next': target})}", status_code=303)
    heading, next_step = words.error_words(kind, status, lang_of(request))
    return render(request, "error.html", status=status, title=heading, detail=detail, article=article,
                  said=said, next_step=next_step, technical=title)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cases"


def _directory(svc: Service) -> tuple[page_names.Names, page_names.Links]:
    """The names of the ids a page shows, and where each name links: persons, organisations,
    agencies (their row on the agencies page), cases and decisions (issue 19 — words: names
    instead of ids), each looked up when the page asks (:mod:`api.http.page_names`)."""
    return page_names.lookup(svc)


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/")
    def results(request: Request, offset: Offset = 0) -> Response:
        svc = service(request)
        rows = queries.published_results(svc.current().views, svc.ledger, limit=PAGE, offset=offset)
        return render(request, "results.html", results=rows, offset=offset, page=PAGE)

    @pages.get("/checkpoints")
    def checkpoints(request: Request, offset: Offset = 0) -> Response:
        svc = service(request)
        reader = svc.checkpointed().reader
        return render(request, "checkpoints.html", checkpoints=reader.checkpoints(PAGE, offset), offset=offset,
                      page=PAGE, vkey=svc.verifier_key(), size=reader.size())

    @pages.get("/signin")
    def signin_form(request: Request, next: str | None = None, token: str | None = None) -> Response:
        if token:  # a sign-in link: shown, not spent — the person confirms by POST (no login CSRF)
            svc = service(request)
            try:
                found = authenticate(svc.ledger, token)
            except ApiError as error:
                problem = words.SIGNIN_PROBLEM[0 if lang_of(request) == "zh" else 1]
                return render(request, "signin.html", status=401, next=_safe_next(next), problem=problem,
                              technical=error.detail)
            return render(request, "signin_confirm.html", who=found.principal, token=token, next=_safe_next(next))
        return render(request, "signin.html", next=_safe_next(next), problem=None)

    @pages.post("/signin")
    async def signin(request: Request) -> Response:
        same_site(request)  # another site's form posting its own token: login CSRF
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0].strip()
        target = form.get("next")
        return _sign_in(request, token, target[0] if target else None)

    def _sign_in(request: Request, token: str, target: str | None) -> Response:
        svc = service(request)
        try:
            session = svc.sessions.begin(svc.ledger, token)
        except ApiError as error:
            problem = words.SIGNIN_PROBLEM[0 if lang_of(request) == "zh" else 1]
            return render(request, "signin.html", status=401, next=_safe_next(target), problem=problem,
                          technical=error.detail)
        response = RedirectResponse(_safe_next(target), status_code=303)
        response.set_cookie(SESSION_COOKIE, session.cookie, max_age=SESSION_LIFETIME, httponly=True,
                            samesite="lax", secure=secure_site(request))
        return response

    @pages.post("/signout")
    def signout(request: Request) -> Response:
        same_site(request)
        svc = service(request)
        svc.sessions.end(request.cookies.get(SESSION_COOKIE))  # ended on the server, not only forgotten
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @pages.get("/cases")
    def cases(
        request: Request,
        jurisdiction: Annotated[str | None, Query(pattern="^(NX|XX)?$")] = None,
        phase: Annotated[str | None, Query(max_length=40)] = None,
        unit: Annotated[str | None, Query(max_length=200)] = None,
        offset: Offset = 0,
    ) -> Response:
        who = require(request)
        svc = service(request)
        rows = queries.cases(svc.current().views, jurisdiction=jurisdiction or None, phase=phase or None,
                             lead_unit=unit or None, limit=100_000)
        rows = case_scope.readable_rows(svc, who, rows)  # no case loaded (issue 19 point 7)
        units = sorted({r["lead_unit"] for r in rows})
        return render(request, "cases.html", cases=rows[offset: offset + PAGE], total=len(rows), offset=offset,
                      page=PAGE, units=units, phases=list(labels.PHASE_LABELS),
                      filters={"jurisdiction": jurisdiction or "", "phase": phase or "", "unit": unit or ""})

    @pages.get("/cases/{case_id}")
    def case(request: Request, case_id: Id,
             offset: Annotated[int | None, Query(ge=0, le=MAX_POSITION)] = None) -> Response:
        who = require(request)
        svc = service(request)
        with collection_paused():  # a long case is tens of thousands of objects
            current = readable(svc, who, case_id, shared=True)
            # issue 19 — perf: a page of the events (the latest by default), verified; the picture
            # from the read model, bounded (case_page.py)
            start = case_page.page_start(current.version, offset)
            events = timeline(svc.ledger, UUID(case_id), who, offset=start, limit=case_page.EVENTS, case=current)
            # issue 18 — the 全过程记录 the finalised report binds (NX-10(4)), and the acts after it
            bound = case_page.binding(current, svc.ledger)
            names, links = _directory(svc)
            page = render(request, "case.html", case=current, events=events, names=names, links=links,
                          process=bound, story_events=case_page.picture_rows(svc, case_id), offset=start,
                          page=case_page.EVENTS)
            case_page.release(page)
            del current, events
        return page

    @pages.get("/cases/{case_id}/at")
    def case_at_moment(request: Request, case_id: Id,
                       moment: Annotated[str | None, Query(max_length=40)] = None,
                       day: Annotated[str | None, Query(max_length=20)] = None,
                       at: Annotated[str | None, Query(max_length=20)] = None) -> Response:
        who = require(request)
        svc = service(request)
        # issue 19 — words: a date means the end of that day in China time (words.parse_moment)
        asked = moment or words.moment_of(day, at)
        with collection_paused():
            # issue 19 — perf2: access and the version from the read models, the version confirmed
            # by the stored events (replay.version_at); nothing is replayed to redirect
            case_access.readable_facts(svc, who, case_id)
            wanted = words.parse_moment(asked)
            if isinstance(wanted, int):  # a version number: one the case has
                latest = case_access.latest_version(svc.ledger, UUID(case_id))
                version = wanted if wanted <= latest else 0
            else:
                version = replay.version_at(svc.ledger, UUID(case_id), wanted,
                                            hint=case_access.version_hint(svc, case_id, wanted))
            if version == 0:
                zh, en = words.NOT_YET
                return error_page(request, 404, "", f"no version at {asked}", kind="not-found",
                                  said=zh if lang_of(request) == "zh" else en)
        return RedirectResponse(f"/cases/{case_id}/versions/{version}", status_code=303)

    @pages.get("/cases/{case_id}/versions/{version}")
    def case_version(request: Request, case_id: Id, version: Annotated[int, Path(ge=1, le=MAX_POSITION)]) -> Response:
        who = require(request)
        svc = service(request)
        with collection_paused():  # a long case is tens of thousands of objects: freed before it ends
            # issue 19 — perf2: access from the read models where they admit the reader (the ledger
            # decides otherwise), the latest version from one stored event: the case now is not
            # replayed for them (case_access.py)
            facts, current = case_access.readable_facts(svc, who, case_id)
            case_uuid = UUID(case_id)
            latest = current.version if current is not None else case_access.latest_version(svc.ledger, case_uuid)
            if version > latest:
                raise ApiError("not-found", f"该案件共 {latest} 版，没有第 {version} 版 — the case has {latest} versions; there is no version {version}")
            # each version decoded once, shared by the pages that read it (cases_now.py)
            case = current if current is not None and version == latest else svc.cases_now.at(case_uuid, version)
            if case is None:
                raise ApiError("not-found", f"该案件没有第 {version} 版 — the case has no version {version}")
            event = timeline(svc.ledger, case_uuid, who, offset=version - 1, limit=1, case=case, facts=facts)[0]
            names, links = _directory(svc)
            # issue 19 — perf: the page shows what changed (web_story.version_changes), not the whole state
            page = render(request, "case_version.html", case=case, version=version, latest=latest,
                          event=event, names=names, links=links)
            case_page.release(page)
            del current, case, facts
        return page

    @pages.get("/persons/{principal_id}")
    def person(request: Request, principal_id: Id, offset: Offset = 0) -> Response:
        who = require(request)
        svc = service(request)
        # issue 19 — perf: the page's acts only, counted and paged by the store (projections/chain_page.py)
        chain = chain_page_for(svc, who, principal_id, offset=offset, limit=PAGE)
        names, links = _directory(svc)
        return render(request, "person.html", chain=chain, titles=names, names=names, links=links,
                      acts=chain["actions"], total=chain["total"], offset=offset, page=PAGE,
                      keys=person_keys(svc, chain["principal"]),
                      summaries_en=page_names.summaries_en(svc, chain["findings"], lang_of(request)))

    @pages.get("/units/{unit_id}")  # 713-39: a unit's record, scoped like the API
    def unit(request: Request, unit_id: Id) -> Response:
        who = require(request)
        svc = service(request)
        record = unit_record_for(svc, who, unit_id)
        names, links = _directory(svc)
        return render(request, "unit.html", record=record, names=names, links=links)

    @pages.get("/decisions/{decision_id}/trace")  # H1 making: 责任倒查 (XX-18), scoped like the API
    def decision_trace(request: Request, decision_id: Id) -> Response:
        who = require(request)
        svc = service(request)
        may_trace(who, svc, decision_id)
        trace = queries.trace_decision(svc.current().views, decision_id, acts=False)  # counts, not the acts
        names, links = _directory(svc)
        return render(request, "trace.html", trace=trace, opinions=OPINION_ZH, names=names, links=links,
                      summaries_en=page_names.summaries_en(svc, trace.get("findings", []), lang_of(request)))

    @pages.get("/findings")
    def findings(request: Request, open_only: Annotated[bool, Query(alias="open")] = False,
                 offset: Offset = 0) -> Response:
        who = require(request)
        oversee(who)
        svc = service(request)
        scope = Scope(who, svc.ledger)
        rows = [r for r in queries.findings(svc.current().views, open_only=open_only, limit=100_000)
                if scope.oversees(r)][offset: offset + PAGE]
        names, links = _directory(svc)
        return render(request, "findings.html", findings=rows, open_only=open_only, offset=offset, page=PAGE,
                      names=names, links=links,
                      summaries_en=page_names.summaries_en(svc, rows, lang_of(request)))

    @pages.get("/deadlines")
    def deadlines(request: Request) -> Response:
        who = require(request)
        figures(who)
        svc = service(request)
        scope = Scope(who, svc.ledger)
        rows = [r for r in queries.deadlines(svc.current().views, china_date(clock.now()),
                                              official_calendar(svc.ledger))
                if scope.within(r["decision_id"])]
        return render(request, "deadlines.html", deadlines=rows)

    return pages


def is_page(request: Request) -> bool:
    """Whether a request is for a web page (errors are HTML) rather than the JSON API."""
    path = request.url.path
    api = path.startswith(("/v1/", "/openapi", "/docs", "/redoc")) or path in ("/healthz", "/readyz", "/metrics")
    return not api


def page_error(request: Request, error: Exception, status: int, title: str) -> Response:
    article = getattr(error, "article", None)
    detail = getattr(error, "detail", None) or str(error)
    said = None
    if isinstance(error, LedgerError) and getattr(error, "zh", None):
        detail = f"{error.zh} — {error.en}"  # type: ignore[attr-defined]
        said = error.zh if lang_of(request) == "zh" else error.en  # type: ignore[attr-defined]
    elif isinstance(error, ApiError) and error.kind == "not-permitted":
        said = _in_language(error.detail, lang_of(request))  # why exactly, in the page's language
    return error_page(request, status, title, detail, article, kind=getattr(error, "kind", None), said=said)


_CJK = re.compile(r"[\u3400-\u9fff]")
_CHINESE_ASIDE = re.compile(r"[（(]([^()（）]*[\u3400-\u9fff][^()（）]*)[）)]")


def _in_language(detail: str, lang: str) -> str | None:
    """The part of a bilingual refusal in the page's language: "中文 · English", "中文 — English"
    or "English (中文)"."""
    separator = next((s for s in (" · ", " — ") if s in detail), None)
    if separator is not None:
        first, _, rest = detail.partition(separator)
        chinese, english = (first, rest) if _CJK.search(first) else (rest, first)
    elif aside := _CHINESE_ASIDE.search(detail):
        chinese, english = aside.group(1), _CHINESE_ASIDE.sub("", detail).strip()
    else:
        return None
    return chinese if lang == "zh" else (english if not _CJK.search(english) else None)


def chain_page_for(svc: Service, who: Principal, principal_id: str, *, offset: int, limit: int) -> dict[str, Any]:
    """:func:`api.http.reads.chain_for` a page of acts at a time: the same access check and scope,
    the acts counted and paged by the store (issue 19 — perf)."""
    if not access.can_read_person(who, principal_id):
        chain_for(svc, who, principal_id)  # refuses, with its words
    subject = svc.ledger.find(UUID(principal_id), Principal)
    return chain_page.person_page(svc.current().views, Scope(who, svc.ledger), subject, principal_id,
                                  offset=offset, limit=limit)


def person_keys(svc: Service, person: dict[str, Any]) -> list[dict[str, Any]]:
    """A person's keys as the page shows them (issue 19 — words): fingerprint, since, until, and
    who enrolled and who confirmed each — from the signed acts on the person's record."""
    enrolled: dict[str, str] = {}
    confirmed: dict[str, str] = {}
    with svc.current().views.reading() as c:
        rows = c.execute("SELECT action, actor_id, args FROM {dl_actions} WHERE aggregate_id = ? "
                         "ORDER BY notification_id", (person["principal_id"],)).fetchall()
    for row in rows:
        args = json.loads(row["args"]) if isinstance(row["args"], str) else row["args"]
        jwks = args.get("public_keys") or ([args["public_key"]] if args.get("public_key") else [])
        for jwk in jwks:
            if isinstance(jwk, dict) and jwk.get("x"):
                enrolled.setdefault(str(jwk["x"]), row["actor_id"])
        if row["action"] == "principal.confirm_key" and args.get("keyid"):
            confirmed[str(args["keyid"])] = row["actor_id"]
    return [{"keyid": k.get("keyid"), "since": k.get("active_from"), "until": k.get("active_until"),
             "reason": k.get("reason"), "enrolled_by": enrolled.get(str((k.get("jwk") or {}).get("x"))),
             "confirmed_by": confirmed.get(str(k.get("keyid")))} for k in person.get("keys", [])]
