"""Two directory pages (issue 19 — words): ``/agencies`` — the evaluation agencies with their
qualifications (XX-21) and bad-credit records (NX-17, XX-24), for every signed-in reader as the
JSON API's ``/v1/agencies`` — and ``/annual`` — the annual figures per unit (NX-18, XX-25), for
those who may read figures and scoped as ``/v1/annual`` scopes them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.http.reads import figures, service
from api.http.web import _directory, render, require
from domain import clock
from domain.model.agency import in_force
from domain.model.calendar import china_date
from domain.model.rules.deadlines import official_calendar
from domain.model.vocabulary import Role
from projections import queries
from projections.scoping import Scope


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/agencies")
    def agencies(request: Request) -> Response:
        require(request)
        svc = service(request)
        today = china_date(clock.now())
        rows = queries.agencies(svc.current().views, today)
        for row in rows:  # each credit proposal marked whether it is a record in force today
            for proposal in row["records"]["credit"]:
                proposal["in_force"] = in_force(proposal, today)
        names, links = _directory(svc)
        return render(request, "agencies.html", agencies=rows, names=names, links=links)

    @pages.get("/annual")
    def annual(request: Request, year: Annotated[int | None, Query(ge=2000, le=2200)] = None) -> Response:
        who = require(request)
        figures(who)
        svc = service(request)
        scope = Scope(who, svc.ledger)
        counts_all = who.has_role(Role.ADMINISTRATOR)  # counts per unit only: no case content
        today = china_date(clock.now())
        everything = queries.annual_figures(svc.current().views, today, None,
                                            keep=lambda row: counts_all or scope.within(row["decision_id"]),
                                            calendar=official_calendar(svc.ledger))
        years = sorted({row["year"] for row in everything} | {today.year}, reverse=True)
        rows = [row for row in everything if year is None or row["year"] == year]
        return render(request, "annual.html", rows=rows, years=years, year=year, today=date.isoformat(today))

    return pages
