"""Reads: everything the read models answer, for a signed-in principal, within what their role,
their case membership and the materials' classification allow."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from api.http import case_scope
from api.http.auth import verify_token
from api.http.problems import ApiError, Problem
from api.http.service import Service
from api.http.sessions import SESSION_COOKIE, same_site
from domain import clock
from domain.evidence.canonical import MAX_SAFE_INTEGER
from domain.model import process_record
from domain.model.calendar import china_date
from domain.model.case import EvaluationCase
from domain.model.organisation import Organisation
from domain.model.principal import Principal
from domain.model.rules.deadlines import official_calendar
from domain.model.vocabulary import Role
from domain.service import access, replay
from projections import accountability, queries, units
from projections.gc_pause import collection_paused
from projections.scoping import Scope
from projections.timeline import readable_case, timeline

#: The largest offset, size or version a parameter may name: an integer every JSON client writes
#: exactly and every store's 64-bit integers hold (a larger one reached the database and failed).
MAX_POSITION = MAX_SAFE_INTEGER
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": text}
    for code, text in {400: "a parameter that cannot be read (at: neither a version nor an ISO 8601 time), or "
                            "holding text the text rule refuses (a control, bidirectional control or lone surrogate)",
                       401: "sign in: a token signed by your own key", 403: "not permitted",
                       404: "not found", 422: "bad parameters"}.items()
}


def service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


def reader(request: Request) -> Principal:
    """The principal reading: from ``Authorization: Bearer <token>``, or a web session."""
    svc = service(request)
    header = request.headers.get("authorization", "")
    found: Principal | None
    if header.lower().startswith("bearer "):
        found = verify_token(svc.ledger, header[7:].strip())
    else:
        if request.method not in ("GET", "HEAD"):  # a cookie rides along on another site's post
            same_site(request)
        found = svc.sessions.principal(svc.ledger, request.cookies.get(SESSION_COOKIE))
    if found is None:
        raise ApiError("unauthenticated", "请先登录：发送以本人密钥签发的令牌 Authorization: Bearer <令牌> — "
                                          "send Authorization: Bearer <token signed by your own key>")
    principal = found
    request.scope.setdefault("state", {}).setdefault("log_fields", {})["principal"] = str(principal.id)
    return principal


Reader = Annotated[Principal, Depends(reader)]
Svc = Annotated[Service, Depends(service)]
Offset = Annotated[int, Query(ge=0, le=MAX_POSITION, description="how many items to skip")]


def readable(svc: Service, who: Principal, case_id: str, *, shared: bool = False) -> EvaluationCase:
    """The case as it stands now, if ``who`` may read it (access is judged on the latest version).
    ``shared``: the one decoded state of this version that every page shares
    (:mod:`api.http.cases_now`), for a caller that only reads it."""
    case = svc.cases_now.find(UUID(case_id)) if shared else svc.ledger.find_case(UUID(case_id))
    if case is None:
        raise ApiError("not-found", f"没有案件 {case_id} — no case {case_id}")
    if not access.can_read_case(who, case, svc.ledger):
        raise ApiError("not-permitted", "only the case's members, and its reviewing bodies and inspectors whose "
                       "organisation reaches it, read it (仅限本案成员及其所属范围内的审查、监督机构)")
    return case


class Page(BaseModel):
    items: list[dict[str, Any]]
    limit: int
    offset: int


class Me(BaseModel):
    principal_id: str
    name: str
    unit: str
    roles: list[str]
    organisation_id: str | None = None


def router() -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["reads"], responses=ERRORS)

    @api.get("/me", response_model=Me, summary="Who the token or session signs in as")
    def me(who: Reader) -> Me:
        return Me(principal_id=str(who.id), name=who.name, unit=who.unit, roles=list(who.roles),
                  organisation_id=str(who.organisation_id) if who.organisation_id else None)

    @api.get("/organisations", response_model=Page, summary="The organisations: organs, their units and the "
             "bodies serving them, each with its parent")
    def organisations(who: Reader, svc: Svc, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                      offset: Offset = 0) -> Page:
        rows = [organisation_row(svc.ledger.get_organisation(oid)) for oid in svc.ledger.organisation_ids()]
        return Page(items=rows[offset: offset + limit], limit=limit, offset=offset)

    @api.get("/aggregates/{aggregate_id}/version", summary="An aggregate's version (0 if none): what to sign")
    def version(aggregate_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc) -> dict[str, int]:
        return {"version": svc.ledger.version_of(UUID(aggregate_id))}

    @api.get("/principals", response_model=Page, summary="The directory of people: names, units, roles, keys")
    def principals(
        who: Reader, svc: Svc,
        role: Annotated[str | None, Query(pattern="^[a-z_]{2,40}$", description="only holders of this role")] = None,
        q: Annotated[str | None, Query(min_length=1, max_length=64, description=(
            "look a person up (查找人员): name, former name (更名) or staff number (工号); lists the candidates"))] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Offset = 0,
    ) -> Page:
        rows = queries.principals(svc.current().views, role=role, q=q, limit=limit, offset=offset)
        return Page(items=rows, limit=limit, offset=offset)

    @api.get("/principals/{principal_id}", summary="One person: roles and keys over time")
    def principal(principal_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc) -> dict[str, Any]:
        return queries.principal(svc.current().views, principal_id)

    @api.get("/decisions", response_model=Page, summary="Registered major decisions (NX-2, XX-3)")
    def decisions(
        who: Reader, svc: Svc,
        jurisdiction: Annotated[str | None, Query(pattern="^(NX|XX)$")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Offset = 0,
    ) -> Page:
        rows = queries.decisions(svc.current().views, jurisdiction=jurisdiction, limit=limit, offset=offset)
        return Page(items=rows, limit=limit, offset=offset)

    @api.get("/decisions/{decision_id}", summary="One decision: its organ, demonstrators (NX-8), superior "
             "evaluation (XX-19)")
    def decision(decision_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc) -> dict[str, Any]:
        return queries.decision(svc.current().views, decision_id)

    @api.get("/cases", response_model=Page, summary="Cases this reader may read, in the order opened")
    def cases(
        who: Reader, svc: Svc,
        jurisdiction: Annotated[str | None, Query(pattern="^(NX|XX)$")] = None,
        phase: Annotated[str | None, Query(max_length=40)] = None,
        decision: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
        unit: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Offset = 0,
    ) -> Page:
        views = svc.current().views
        rows = queries.cases(views, jurisdiction=jurisdiction, phase=phase, decision_id=decision, lead_unit=unit,
                             limit=100_000)
        rows = case_scope.readable_rows(svc, who, rows)  # no case loaded (issue 19 point 7)
        return Page(items=rows[offset: offset + limit], limit=limit, offset=offset)

    @api.get("/cases/{case_id}", summary="A case now, at a version, or as it stood at a moment")
    def case(
        case_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc,
        at: Annotated[str | None, Query(max_length=40, description="version number or ISO 8601 time")] = None,
    ) -> dict[str, Any]:
        with collection_paused():  # a long case is tens of thousands of objects: freed before it ends
            current = readable(svc, who, case_id)
            moment = queries.parse_moment(at) if at else None
            case = current if moment is None else replay.case_at(svc.ledger, current.id, moment)
            shown = readable_case(case, who, svc.ledger)
            answer = {"case": queries.render_case(shown), "as_of": queries.as_of(case)}
            del current, case, shown
        return answer

    @api.get("/cases/{case_id}/timeline", summary="Every event of a case: signer, article, verification, proof")
    def case_timeline(case_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 500,
                      offset: Offset = 0) -> Page:
        with collection_paused():  # a long case is tens of thousands of objects, as for the case itself
            case = readable(svc, who, case_id, shared=True)
            # only the page's events are read and verified (issue 19 point 7; what is checked:
            # projections.timeline.timeline)
            events = timeline(svc.ledger, UUID(case_id), who, offset=offset, limit=limit, case=case)
            del case
        return Page(items=events, limit=limit, offset=offset)

    # issue 18 — the whole process (NX-10(4))
    @api.get("/cases/{case_id}/process-record",
             summary="The whole-process record (全过程记录, NX-10(4)): every act, the digest the report binds")
    def case_process_record(case_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader,
                            svc: Svc) -> dict[str, Any]:
        case = readable(svc, who, case_id)
        return process_record.document(case, process_record.names_from(svc.ledger))

    @api.get("/persons/{principal_id}", summary="A lifetime accountability chain (NX-16, XX-23, XX-18)")
    def person(principal_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc) -> dict[str, Any]:
        return chain_for(svc, who, principal_id)

    @api.get("/units/{unit_id}", summary="A unit's record (单位的过错记录, 713-39): the faults in the decision "
             "procedure confirmed against it, and the procedures holding its leaders and direct persons to account")
    def unit(unit_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc) -> dict[str, Any]:
        return unit_record_for(svc, who, unit_id)

    @api.get("/decisions/{decision_id}/trace", summary="Reverse tracing from a decision (XX-18)")
    def trace(decision_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc) -> dict[str, Any]:
        may_trace(who, svc, decision_id)
        return queries.trace_decision(svc.current().views, decision_id)

    @api.get("/findings", response_model=Page, summary="Findings (open: not yet closed by an inspector)")
    def findings(
        who: Reader, svc: Svc,
        open_only: Annotated[bool, Query(alias="open")] = False,
        case: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Offset = 0,
    ) -> Page:
        if case is not None:
            readable(svc, who, case)
        else:
            oversee(who)
        rows = queries.findings(svc.current().views, open_only=open_only, case_id=case, limit=100_000)
        if case is None:
            rows = [r for r in rows if Scope(who, svc.ledger).oversees(r)]
        return Page(items=rows[offset: offset + limit], limit=limit, offset=offset)

    @api.get("/deadlines", response_model=Page, summary="NX-11 and NX-12b deadlines on the official calendar: met, late, open, overdue, undetermined")
    def deadlines(who: Reader, svc: Svc, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Offset = 0) -> Page:
        figures(who)
        scope = Scope(who, svc.ledger)
        rows = [r for r in queries.deadlines(svc.current().views, china_date(clock.now()),
                                              official_calendar(svc.ledger))
                if scope.within(r["decision_id"])]
        return Page(items=rows[offset: offset + limit], limit=limit, offset=offset)

    @api.get("/agencies", response_model=Page, summary="Agencies' qualifications and credit records")
    def agencies(who: Reader, svc: Svc, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                 offset: Offset = 0) -> Page:
        rows = queries.agencies(svc.current().views, china_date(clock.now()))
        return Page(items=rows[offset: offset + limit], limit=limit, offset=offset)

    @api.get("/annual", response_model=Page, summary="Annual figures per unit (NX-18, XX-25)")
    def annual(who: Reader, svc: Svc, year: Annotated[int | None, Query(ge=2000, le=2200)] = None) -> Page:
        figures(who)
        scope = Scope(who, svc.ledger)
        counts_all = who.has_role(Role.ADMINISTRATOR)  # counts per unit only: no case content
        rows = queries.annual_figures(svc.current().views, china_date(clock.now()), year,
                                      keep=lambda row: counts_all or scope.within(row["decision_id"]),
                                      calendar=official_calendar(svc.ledger))
        return Page(items=rows, limit=len(rows), offset=0)

    @api.get("/exports/cases/{case_id}", summary="An offline evidence bundle of a case (inspectors)")
    def export_case(case_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc) -> dict[str, Any]:
        oversee(who)
        readable(svc, who, case_id)
        return svc.exporter().case(case_id)

    @api.get("/exports/persons/{principal_id}", summary="An offline evidence bundle of a person's chain (inspectors)")
    def export_person(principal_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader, svc: Svc) -> dict[str, Any]:
        oversee(who)
        if chain_for(svc, who, principal_id)["withheld"]:
            raise ApiError("not-permitted", "part of this chain lies outside your organisation's scope, and a "
                           "bundle is whole or not at all: ask an inspector whose scope covers it "
                           "(部分行为不在本机构监督范围内)")
        return svc.exporter().person(principal_id)

    # --- H2 accountability: procedures of 责任追究, scoped like findings ---------------------
    @api.get("/accountabilities", response_model=Page,
             summary="Accountability procedures (NX-16, XX-23, XX-18), within the inspector's scope")
    def accountabilities(
        who: Reader, svc: Svc,
        decision: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Offset = 0,
    ) -> Page:
        oversee(who)
        scope = Scope(who, svc.ledger)
        rows = [r for r in accountability.procedures(svc.current().views, decision_id=decision) if scope.oversees(r)]
        return Page(items=rows[offset: offset + limit], limit=limit, offset=offset)

    @api.get("/accountabilities/{accountability_id}",
             summary="One accountability procedure with every step: its inspectors, and the persons it names")
    def accountability_one(accountability_id: Annotated[str, Field(pattern=UUID_PATTERN)], who: Reader,
                           svc: Svc) -> dict[str, Any]:
        row = accountability.procedure(svc.current().views, accountability_id)
        if row is None:
            raise ApiError("not-found", f"没有责任追究程序 {accountability_id} — no accountability procedure {accountability_id}")
        if Scope(who, svc.ledger).oversees(row):
            return row
        if not accountability.names(row, str(who.id)):
            raise ApiError("not-permitted", "a procedure is read by the inspectors whose scope reaches its decision "
                           "and by the persons it names (本程序仅限监督范围内的纪检监察人员和被追究人员查阅)")
        return accountability.as_subject(row, str(who.id))  # their own part of it

    return api


OUT_OF_SCOPE = ("this lies outside the scope of your organisation (不在本单位职权范围内): an inspector reads "
                "the organisation they are stationed in and those under it")


def chain_for(svc: Service, who: Principal, principal_id: str) -> dict[str, Any]:
    """A lifetime chain as this reader may see it: the person's own in full; an inspector's,
    the acts done while the person belonged within the inspector's scope."""
    if not access.can_read_person(who, principal_id):
        raise ApiError("not-permitted", "责任链仅限本人和纪检监察人员查阅；管理员查阅人员名录（/v1/principals），不查阅其行为 — "
                       "a chain is read by the person and by inspectors; administrators "
                       "read the directory (/v1/principals), not the acts")
    chain = queries.person_chain(svc.current().views, principal_id)
    return Scope(who, svc.ledger).chain(chain, svc.ledger.find(UUID(principal_id), Principal))


def unit_record_for(svc: Service, who: Principal, unit_id: str) -> dict[str, Any]:
    """A unit's record (国令第713号第三十九条) as an inspector may see it: the findings against the
    unit and the procedures naming it whose decision the inspector's scope reaches; the number
    left out is ``withheld``, as in a person's chain."""
    oversee(who)
    organisation = svc.ledger.find(UUID(unit_id), Organisation)
    if organisation is None:
        raise ApiError("not-found", f"单位 {unit_id} 未登记 — no unit {unit_id} is registered")
    record = units.record(svc.current().views, unit_id)
    scope = Scope(who, svc.ledger)
    findings = [f for f in record["findings"] if scope.oversees(f)]
    procedures = [p for p in record["procedures"] if scope.oversees(p)]
    withheld = len(record["findings"]) - len(findings) + len(record["procedures"]) - len(procedures)
    return {"unit": organisation_row(organisation), "findings": findings, "procedures": procedures,
            "withheld": withheld}


def organisation_row(organisation: Organisation) -> dict[str, Any]:
    return {
        "organisation_id": str(organisation.id),
        "name": organisation.name,
        "kind": organisation.kind,
        "parent_id": str(organisation.parent_id) if organisation.parent_id else None,
        "jurisdiction": organisation.jurisdiction,  # the text its decisions fall under, if it named one
    }


def oversee(who: Principal) -> None:
    if not access.can_oversee(who):
        raise ApiError("not-permitted", "仅限纪检监察人员 — this is for discipline inspectors")


def may_trace(who: Principal, svc: Service, decision_id: str) -> None:
    """Reverse tracing of a decision (XX-18) — its trace, graph and dossier — is for an overseer
    whose scope reaches the decision."""
    oversee(who)
    if not Scope(who, svc.ledger).reaches_decision(decision_id):
        raise ApiError("not-permitted", OUT_OF_SCOPE)


def figures(who: Principal) -> None:
    if not access.can_see_figures(who):
        raise ApiError("not-permitted", "统计数字供纪检监察、审查机关、管理员和承办单位查阅 — "
                                        "figures are for inspectors, reviewing bodies, administrators and lead units")
