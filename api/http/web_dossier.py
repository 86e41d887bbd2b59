"""The case dossier (卷宗) from the case page: ``/cases/{id}/dossier.pdf``, for a signed-in reader
of the case (the case page's own check: :func:`api.http.web.require` and
:func:`api.http.reads.readable`), printed as that reader may read it — classified materials
opened only where they are cleared, as the JSON read of the case — under a checkpoint covering
every event where the ledger key is at hand; and the decision's dossier (决策档案, 713-33) from
its reverse-tracing page, ``/decisions/{id}/dossier.pdf``, for those who may read that page
(docs/dossier.md)."""

from __future__ import annotations

import io
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.http.reads import may_trace, readable, service
from api.http.web import Id, lang_of, require


def _pdf(data: bytes, kind: str, subject_id: str, name: str) -> Response:
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"{kind}-{UUID(subject_id)}.pdf\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store",  # a reader's own dossier: never kept by a shared cache
    })


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    @pages.get("/cases/{case_id}/dossier.pdf")
    def dossier(request: Request, case_id: Id) -> Response:
        from api.dossier import pdf
        from api.dossier.content import gather

        who = require(request)
        svc = service(request)
        case = readable(svc, who, case_id)
        content = gather(svc.ledger, case, who, svc.checkpointed().reader)
        stream = io.BytesIO()
        pdf.write(content, stream, lang_of(request))
        name = f"卷宗-{case.title}.pdf" if lang_of(request) == "zh" else f"dossier-{case.title}.pdf"
        return _pdf(stream.getvalue(), "dossier", case_id, name)

    @pages.get("/decisions/{decision_id}/dossier.pdf")  # 决策档案 (713-33), scoped like the trace page
    def decision_dossier(request: Request, decision_id: Id) -> Response:
        from api.dossier import decision as dossier_of
        from domain.model.decision import Decision
        from projections import queries

        who = require(request)
        svc = service(request)
        may_trace(who, svc, decision_id)
        trace = queries.trace_decision(svc.current().views, decision_id, acts=False)
        decision = svc.ledger.find(UUID(decision_id), Decision)
        assert decision is not None  # the trace found it
        content = dossier_of.gather(svc.ledger, decision, trace, who, svc.checkpointed().reader)
        stream = io.BytesIO()
        dossier_of.write(content, stream, lang_of(request))
        title = decision.title
        return _pdf(stream.getvalue(), "decision-dossier", decision_id,
                    f"决策档案-{title}.pdf" if lang_of(request) == "zh" else f"decision-dossier-{title}.pdf")

    return pages
