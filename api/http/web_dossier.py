"""The case dossier (卷宗) from the case page: ``/cases/{id}/dossier.pdf``, for a signed-in reader
of the case (the case page's own check: :func:`api.http.web.require` and
:func:`api.http.reads.readable`), printed as that reader may read it — classified materials
opened only where they are cleared, as the JSON read of the case — under a checkpoint covering
every event where the ledger key is at hand (docs/dossier.md)."""

from __future__ import annotations

import io
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.http.reads import readable, service
from api.http.web import Id, lang_of, require


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
        return Response(stream.getvalue(), media_type="application/pdf", headers={
            "Content-Disposition": f"attachment; filename=\"dossier-{UUID(case_id)}.pdf\"; "
                                   f"filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",  # a reader's own dossier: never kept by a shared cache
        })

    return pages
