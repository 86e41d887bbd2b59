"""The FastAPI application: signed writes, authenticated reads, public results and proofs,
operations endpoints and the web pages, over one :class:`~api.http.service.Service`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http import (
    docs,
    lookup,  # issue 19 — forms2
    openapi_doc,
    problems,
    public,
    read_examples,
    reads,
    secrets,
    web,
    web_act,
    web_directory,
    web_dossier,
    web_keys,
    web_proofs,
    web_story,
    writes,
)
from api.http.problems import TITLES, ApiError
from api.http.service import RequestGuard, Service, log
from api.store.health import FAULT_HOLD, STORE_ERRORS, explain, storage_fault
from domain.errors import LedgerError

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """\
An event-sourced, signed audit ledger of the tracking-feedback and post-evaluation
(跟踪反馈与后评估) of major administrative decisions.

**Writes** take a signed intent: the DSSE envelope (payloadType
`application/vnd.decision-ledger.intent+json`) whose payload is the RFC 8785 canonical JSON of
the intent, signed with Ed25519 over PAE(payloadType, payload). Each action's request schema
gives the intent's schema (`contentSchema`). Stale `expected_version` or a replay: 409.

**Reads** need `Authorization: Bearer <JWT>`: a token of at most 15 minutes the reader signs
with their own key (`alg` EdDSA, `kid` the RFC 7638 key id, `sub` the principal id, `aud`
`decision-ledger`). `decision-ledger client token` makes one.

**Public**: published results (XX-17), checkpoints (C2SP signed notes), RFC 9162 proofs.

**Errors** are RFC 9457 `application/problem+json`; a rule's refusal carries `article`,
`rule`, `message_zh` and `message_en`.
"""


def _version() -> str:
    try:
        return version("decision-ledger")
    except PackageNotFoundError:  # pragma: no cover — running from a source tree
        return "0"


def create_app(service: Service) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            service.stop()

    app = FastAPI(title="Decision Ledger", version=_version(), description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # /docs is served offline (api/http/docs.py)
    app.state.service = service

    async def on_ledger_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, LedgerError)
        if web.is_page(request):
            return web.page_error(request, error, problems.STATUS.get(error.kind, 400), TITLES.get(error.kind, ""))
        return problems.from_error(error)

    async def on_api_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        if web.is_page(request):
            return web.page_error(request, error, problems.STATUS.get(error.kind, 400), TITLES.get(error.kind, ""))
        return await problems.api_error_handler(request, error)

    async def on_validation(request: Request, error: Exception) -> Response:
        if web.is_page(request):
            assert isinstance(error, RequestValidationError)
            detail = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in error.errors())
            return web.error_page(request, 422, TITLES["invalid-request"], detail)
        return await problems.validation_handler(request, error)

    async def on_http_error(request: Request, error: Exception) -> Response:
        if web.is_page(request):
            assert isinstance(error, StarletteHTTPException)
            return web.error_page(request, error.status_code, TITLES["not-found"] if error.status_code == 404
                                  else str(error.detail), str(error.detail))
        return await problems.http_error_handler(request, error)

    async def on_unexpected(request: Request, error: Exception) -> Response:
        if storage_fault(error) is not None:
            return await on_store_error(request, error)
        return await problems.unexpected_handler(request, error)

    async def on_store_error(request: Request, error: Exception) -> Response:
        kind = storage_fault(error)
        if kind is None:
            log.error("unexpected store error", exc_info=error, extra={"fields": {"event": "store-error"}})
            return await problems.unexpected_handler(request, error)
        # the store cannot write (full, read-only): nothing was stored; say so, and retry later
        log.warning("the store cannot write: %s", error, extra={"fields": {"event": "storage-fault", "storage": kind}})
        service.storage.note(kind)
        if web.is_page(request):
            return web.error_page(request, 503, TITLES["unavailable"], explain(kind))
        response = problems.problem("unavailable", explain(kind), storage=kind)
        response.headers["Retry-After"] = str(int(FAULT_HOLD))
        return response

    app.add_exception_handler(LedgerError, on_ledger_error)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    # errors of the store and the file system are answered here, by class (a 503 for a store
    # that cannot write); anything else reaches the catch-all below
    for store_error in STORE_ERRORS:
        app.add_exception_handler(store_error, on_store_error)
    app.add_exception_handler(Exception, on_unexpected)
    # the write routes sit on the app's own router: FastAPI 0.16x matches a request against an
    # included router's routes through a wrapper costing about 0.3 ms per write (half the HTTP
    # layer's time); the routes, and the OpenAPI document, are the same either way
    app.router.routes.extend(writes.router().routes)
    app.include_router(reads.router())
    app.include_router(secrets.router())
    app.include_router(public.router())
    app.include_router(public.operations())
    # the web pages: agencies and annual figures, the inspectors' reading pages, proofs checked in
    # the browser, browser keys and sign-in, evaluators' forms, the case as a story,
    # its dossier
    for pages in (web_directory, web, web_proofs, web_keys, web_act, web_story, web_dossier):
        app.include_router(pages.router())
    app.add_middleware(RequestGuard, service=service)
    read_examples.attach(app)
    docs.attach(app)
    # the pages' scripts (the browser's keys and signatures: static/ledger.js), from the package
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    # issue 19 — apidoc: security schemes, date formats, plan part names, who may sign
    openapi_doc.attach(app)
    # issue 19 — forms2: people, organisations and agencies looked up by name as a form is filled
    app.include_router(lookup.router())
    return app
