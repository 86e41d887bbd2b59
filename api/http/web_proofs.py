"""Proofs a person can follow (issue 19 point 4): the page that checks one event's proofs in the
browser (``static/proofs.js``, WebCrypto only) and explains each step in words, and the evidence
bundles as file downloads from the case and person pages.

The page serves the stored event itself (its hash input, docs/spec.md §6.2) so the browser can
recompute its hash — to readers who may see the event whole: inspectors, who may export the case
anyway, and anyone else for an event that holds nothing withheld from them (NX-15, XX-22). The
proofs, the checkpoint and the verifier key the script fetches from the public endpoints
(``api/http/public.py``), as any outsider would.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import pass_context

from api.http import proof_labels
from api.http.problems import ApiError
from api.http.reads import MAX_POSITION, chain_for, oversee, readable, service
from api.http.web import TEMPLATES, Id, lang_of, render, require
from domain.evidence.hashing import jsonable
from domain.model.principal import Principal
from domain.service import access
from domain.service.records import LedgerRecords
from projections.timeline import timeline


@pass_context
def _proof_word(context: Any, key: str, *args: Any) -> str:
    """``{{ proof_word('server_checked') }}`` on any page: the word in the page's language."""
    return proof_labels.case_word(key, context.get("lang", "zh")).format(*args)


def _may_export(who: Principal | None) -> bool:
    return who is not None and access.can_oversee(who)


TEMPLATES.env.globals["proof_word"] = _proof_word
TEMPLATES.env.globals["may_export"] = _may_export


def stored_event(request: Request, case_id: str, version: int) -> dict[str, Any]:
    """The event as stored, in hash-input spelling (docs/spec.md §6.2)."""
    svc = service(request)
    rows = svc.ledger.events.recorder.select_events(UUID(case_id), gt=version - 1, lte=version)
    if not rows:
        raise ApiError("not-found", f"该案件没有第 {version} 版 — the case has no version {version}")
    row = rows[0]
    return {"aggregate_id": case_id, "version": row.originator_version, "topic": row.topic,
            "state": jsonable(LedgerRecords(svc.ledger).decode(row.state))}


def _download(payload: dict[str, Any], name: str) -> Response:
    body = json.dumps(payload, ensure_ascii=False, indent=1).encode()
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/proofs/events/{case_id}/{version}")
    def proof(request: Request, case_id: Id, version: Annotated[int, Path(ge=1, le=MAX_POSITION)]) -> Response:
        who = require(request)
        svc = service(request)
        case = readable(svc, who, case_id)
        if version > case.version:
            raise ApiError("not-found", f"该案件共 {case.version} 版，没有第 {version} 版 — the case has {case.version} versions; there is no version {version}")
        entry = timeline(svc.ledger, UUID(case_id), who, offset=version - 1, limit=1, case=case)[0]  # this event only
        whole = _may_export(who) or not entry["args"].get("withheld")
        lang = lang_of(request)
        return render(request, "proof.html", case=case, entry=entry, words=proof_labels.words(lang),
                      config={"case_id": case_id, "version": version},
                      stored=stored_event(request, case_id, version) if whole else None)

    @pages.get("/proofs/bundles/cases/{case_id}")
    def case_bundle(request: Request, case_id: Id) -> Response:
        """The case's evidence bundle (``/v1/exports/cases/{id}``) as a file, for inspectors."""
        who = require(request)
        oversee(who)
        svc = service(request)
        readable(svc, who, case_id)
        return _download(svc.exporter().case(case_id),
                         f"case-{case_id}.bundle.json")

    @pages.get("/proofs/bundles/persons/{principal_id}")
    def person_bundle(request: Request, principal_id: Id) -> Response:
        """A person's evidence bundle (``/v1/exports/persons/{id}``) as a file, for inspectors whose
        scope holds the whole chain."""
        who = require(request)
        oversee(who)
        svc = service(request)
        if chain_for(svc, who, principal_id)["withheld"]:
            raise ApiError("not-permitted", "部分行为不在本机构监督范围内，证据包须完整，请由监督范围涵盖全部行为的监督人员下载 · "
                           "part of this chain lies outside your organisation's scope, and a bundle is whole or not "
                           "at all")
        return _download(svc.exporter().person(principal_id),
                         f"person-{principal_id}.bundle.json")

    return pages
