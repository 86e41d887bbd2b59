"""A case read as a story (issue 19 point 3), server-side pictures and no script: the timeline by
business date (on the case page, and ``/cases/{id}/story`` with its events in that order), what a
version changed (the version page's template asks :func:`version_changes`), who did what for a
decision and for a person (SVG), and search.

Access is the pages' own (:mod:`api.http.web`): ``readable`` for a case, ``oversee`` and the
reader's scope for a decision, ``chain_for`` for a person; search keeps only what the reader may
open, as ``/cases`` does.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.http import case_page, case_scope, labels, version_page
from api.http.problems import ApiError
from api.http.reads import Offset, may_trace, readable, service
from api.http.service import Service
from api.http.story import diff, graph, timeline
from api.http.story.words import ENUM_FIELDS, STORY_WORDS
from api.http.web import TEMPLATES, Id, chain_page_for, lang_of, render, require, signed_in
from api.http.words import day_words, rule_name
from domain.evidence.times import parse_time
from domain.model.calendar import CHINA_STANDARD_TIME, china_date
from domain.model.case import EvaluationCase
from domain.model.organisation import Organisation
from domain.model.principal import Principal
from domain.model.rules.deadlines import official_calendar
from domain.service import access
from projections import chain_page, queries, search, story
from projections.gc_pause import collection_paused
from projections.scoping import Scope
from projections.timeline import Looked

SEARCH_LIMIT = 20
#: events in a page of a case's story (issue 19 — perf2: as the case page's)
STORY_PAGE = case_page.EVENTS


def words(lang: str) -> Callable[..., str]:
    """The story pages' words in ``lang``, with ``{}`` filled."""

    def w(key: str, *args: Any) -> str:
        return labels.word(STORY_WORDS, key, lang).format(*args)

    return w


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: every rule of both rulebooks: its id → (Chinese name, English name); pages show the name, the id on hover
def _day_text(text: str, lang: str) -> str:
    """An ISO date in words; anything that only looks like one, as it is."""
    try:
        return day_words(date.fromisoformat(text), lang)
    except ValueError:
        return text


def beijing(value: Any, lang: str = "zh") -> str:
    """A recorded time as people read it: China time (北京时间) to the minute, in words (the exact UTC
    time goes on hover, in the page's ``title``)."""
    moment = (value if isinstance(value, datetime) else parse_time(str(value))).astimezone(CHINA_STANDARD_TIME)
    return f"{day_words(moment.date(), lang)} {moment:%H:%M}" + ("" if lang == "zh" else " CST (UTC+8)")


def _day(value: Any) -> date:
    return china_date(value if isinstance(value, datetime) else parse_time(str(value)))


def _story_rows(svc: Service, case_id: str) -> list[dict[str, Any]]:
    """Every event of the case from the actions read model (indexed by case): its version, action,
    recording time and signer, and its signed arguments only where they may carry the day it tells
    of (issue 19 — perf2: what places it in the story; the rest is read for a page's events only)."""
    dated = sorted(story.BUSINESS_DATE_FIELDS)
    with svc.current().views.reading() as c:
        rows = c.execute(
            f"SELECT version, action, actor_id, recorded_at, CASE WHEN action IN ({','.join('?' * len(dated))}) "
            "THEN args END AS args FROM {dl_actions} WHERE case_id = ?", (*dated, case_id)
        ).fetchall()
    return [{**row, "args": json.loads(row["args"]) if row["args"] else {}} for row in rows]


def _story_events(svc: Service, case_id: str, ordered: list[story.Dated]) -> list[story.Dated]:
    """A page's events whole (as :func:`_story_rows` and with each signer's name and the event's
    hash), in the same order."""
    if not ordered:
        return []
    versions = [d.version for d in ordered]
    with svc.current().views.reading() as c:
        rows = c.execute(
            "SELECT a.version, a.action, a.event, a.actor_id, a.recorded_at, a.event_hash, a.args, p.name AS actor "
            "FROM {dl_actions} a LEFT JOIN {dl_principals} p ON p.principal_id = a.actor_id "
            f"WHERE a.case_id = ? AND a.version IN ({','.join('?' * len(versions))})", (case_id, *versions)
        ).fetchall()
    whole = {int(row["version"]): {**row, "args": json.loads(row["args"]) if row["args"] else {}} for row in rows}
    return [dataclasses.replace(d, event=whole.get(d.version, d.event)) for d in ordered]


def timeline_picture(request: Request, case: EvaluationCase, events: Iterable[Mapping[str, Any]],
                     unread: Mapping[date, int] | None = None) -> dict[str, Any]:
    """The marks of the case's timeline and where they go: its events by business date, its
    findings on the day raised, its deadlines (NX-11, NX-12b, XX-17) on their last day.
    ``unread``: events of a day not given, only counted (issue 19 — perf, case_page.py)."""
    lang = lang_of(request)
    w = words(lang)
    svc = service(request)

    def action(key: str) -> str:
        return labels.word(labels.ACTION_LABELS, key, lang)

    href = f"/cases/{case.id}/versions/{{}}"
    marks: list[timeline.Mark] = []
    # issue 19 — perf: only the events a column can show become marks; the rest of a day are counted
    shown, hidden = timeline.capped(
        list(events), day=lambda e: story.business_date(e["action"], e.get("args") or {}, e["recorded_at"])[0],
        href=lambda e: href.format(e["version"]), always=lambda e: e["action"] in story.PERIODS)
    for day, count in (unread or {}).items():
        hidden[day] = hidden.get(day, 0) + count
    for d in story.dated(shown):
        source = w(f"field_{d.field}") if d.from_content else w("recorded_day")
        period = f"–{day_words(d.until, lang)}" if d.until else ""
        signer = d.event.get("actor") or ""
        title = f"{w('version_n', d.version)} · {action(d.action)} · {day_words(d.day, lang)}{period}（{source}）· {signer}"
        marks.append(timeline.Mark("event", d.day, href.format(d.version), title, hollow=not d.from_content,
                                   until=d.until))
    for finding in case.findings:
        summary = finding.get("summary_en") if lang == "en" else None
        summary = summary or finding.get("summary_zh") or finding.get("conduct") or ""
        marks.append(timeline.Mark("finding", _day(finding["at"]), href.format(finding["version"]),
                                   w("finding_at", rule_name(finding["rule"], lang), summary)))
    for deadline in story.case_deadlines(case, official_calendar(svc.ledger)):
        status = w(f"deadline_{deadline.status}")
        day = deadline.due_on or deadline.starts_on
        due = day_words(deadline.due_on, lang) if deadline.due_on else "?"
        title = f"{deadline.article} {w(deadline.what)} · {w('deadline_from', day_words(deadline.starts_on, lang), due)} · {status}"
        marks.append(timeline.Mark("deadline", day, href.format(deadline.version), title, label=deadline.article,
                                   status=deadline.status))
    return {"layout": timeline.layout(marks, hidden=hidden), "w": w, "case_id": str(case.id)}


def _looked(request: Request) -> Looked:
    """The request's lookups in the ledger (signers, decisions, organisations), each found once
    (issue 19 — perf): a page is read at one moment."""
    state = request.scope.setdefault("state", {})
    if "story_looked" not in state:
        state["story_looked"] = Looked(service(request).ledger)
    looked: Looked = state["story_looked"]
    return looked


def version_changes(request: Request, case: EvaluationCase, version: int) -> list[diff.Part]:
    """What the event at ``version`` changed: the case's parts (as the reader may see them) at this
    version against the version before."""
    svc = service(request)
    who = signed_in(request)
    if who is None:
        raise ApiError("unauthenticated", "请先登录 — sign in first")
    # issue 19 — perf: only the entries that differ are rendered; large parts folded (version_page.py)
    previous = svc.cases_now.at(case.id, version - 1)  # None before the first; decoded once (cases_now.py)
    return version_page.changes(previous, case, who, svc.ledger, labels.STATE_LABELS, _looked(request))


class Things(Mapping[str, str]):
    """Names for the ids inside a case's parts, so a page shows a name where an id stands: agencies
    (from the read model), materials (their title, as the reader may see it), activities (their
    kind and day), opinions (their source), drafts and the report (their version).

    Each name is made when the page asks for it (issue 19 point 7): a version page names only
    the few ids it shows, so a case of 10,000 materials is not opened, or withheld, material by
    material for it."""

    def __init__(self, case: EvaluationCase, lang: str, agencies: Mapping[str, str],
                 cleared: Callable[[dict[str, Any]], bool] | None, keyring: Any) -> None:
        self.case, self.w, self.agencies = case, words(lang), agencies
        self.report = labels.word(labels.STATE_LABELS, "report", lang)
        self.cleared, self.keyring = cleared, keyring  # cleared None: no reader, the materials as they are

    def _material(self, mid: str, material: dict[str, Any]) -> str:
        if self.cleared is not None:
            material = (access.disclose_material(self.keyring, self.case.id, mid, material) if self.cleared(material)
                        else access.redact_material(material))
        return str(material.get("title") or self.w("f_material_id"))

    def _name(self, key: str) -> str | None:
        case, w = self.case, self.w
        if key in self.agencies:
            return self.agencies[key]
        if case.report and str(case.report.get("report_id")) == key:
            return self.report
        if key in case.drafts:
            return f"{w('f_draft_id')}（{w('version_n', case.drafts[key].get('version', '?'))}）"
        if key in case.opinions:
            return f"{w('f_opinion_id')}：{case.opinions[key].get('source', '')}"
        if key in case.activities:
            activity = case.activities[key]
            day = activity.get("held_on") or activity.get("visited_on") or activity.get("period_from") or ""
            return f"{w('activity_' + str(activity.get('kind')))} {day}".strip()
        if key in case.materials:
            return self._material(key, case.materials[key])
        return None

    def __getitem__(self, key: str) -> str:
        name = self._name(str(key))
        if name is None:
            raise KeyError(key)
        return name

    def _keys(self) -> dict[str, None]:
        case = self.case
        keys = dict.fromkeys(map(str, [*case.materials, *case.activities, *case.opinions, *case.drafts]))
        if case.report:
            keys[str(case.report.get("report_id"))] = None
        return {**keys, **dict.fromkeys(self.agencies)}

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())


def story_things(request: Request, case: EvaluationCase) -> Things:
    """The :class:`Things` of this case for the signed-in reader (materials as they may see them)."""
    svc = service(request)
    who = signed_in(request)
    cleared = access.clearance(who, case, _looked(request)) if who is not None else None
    return Things(case, lang_of(request), _agency_names(svc, [str(a) for a in case.agencies]), cleared,
                  svc.ledger.keyring)


def _agency_names(svc: Service, agencies: list[str]) -> dict[str, str]:
    """The names of these agencies, looked up by their keys."""
    if not agencies:
        return {}
    marks = ",".join("?" * len(agencies))
    with svc.current().views.reading() as c:
        rows = c.execute(f"SELECT agency_id, name FROM {{dl_agencies}} WHERE agency_id IN ({marks})", agencies)
        return {row["agency_id"]: row["name"] for row in rows.fetchall()}


TEMPLATES.env.globals.update(
    story_things=story_things,
    story_timeline=timeline_picture,
    version_changes=version_changes,
    story_words=words,
    beijing=beijing,
    day_words=day_words,
    story_day=lambda text, lang: _day_text(text, lang),
    field_word=lambda key, lang: labels.word(STORY_WORDS, f"f_{key}", lang) if f"f_{key}" in STORY_WORDS else key,
    value_word=lambda key, value, lang: labels.word(STORY_WORDS, f"v_{value}", lang)
    if key in ENUM_FIELDS and f"v_{value}" in STORY_WORDS else value,
)


def find(svc: Service, who: Principal, text: str | None) -> dict[str, Any]:
    """Search (issue 19 point 3): each kind of answer kept only where the reader may open it."""
    query = search.parse(text)
    views = svc.current().views
    scope = Scope(who, svc.ledger)
    persons = [p for p in search.persons(views, query, SEARCH_LIMIT) if access.can_read_person(who, p["principal_id"])]
    decisions = [d for d in search.decisions(views, query, SEARCH_LIMIT)
                 if access.can_oversee(who) and scope.reaches_decision(d["decision_id"])]
    cases = case_scope.readable_rows(svc, who, search.cases(views, query, SEARCH_LIMIT))
    found = search.events(views, query, SEARCH_LIMIT)
    in_cases = {e["case_id"]: {"case_id": e["case_id"], "decision_id": e["decision_id"]} for e in found if e["case_id"]}
    readable_cases = {row["case_id"] for row in case_scope.readable_rows(svc, who, in_cases.values())}
    events = []
    for event in found:
        if event["case_id"]:
            case_id = event["case_id"]
            if case_id in readable_cases:
                events.append({**event, "href": f"/cases/{case_id}/versions/{event['version']}"})
        elif event["aggregate_type"] == "Decision" and access.can_oversee(who) \
                and scope.reaches_decision(event["decision_id"]):
            events.append({**event, "href": f"/decisions/{event['decision_id']}/trace"})
        elif event["aggregate_type"] == "Principal" and access.can_read_person(who, event["aggregate_id"]):
            events.append({**event, "href": f"/persons/{event['aggregate_id']}"})
    return {"query": query, "persons": persons, "decisions": decisions, "cases": cases, "events": events,
            "limit": SEARCH_LIMIT}


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/cases/{case_id}/story")
    def case_story(request: Request, case_id: Id, offset: Offset = 0) -> Response:
        who = require(request)
        svc = service(request)
        with collection_paused():  # a long case is tens of thousands of objects
            case = readable(svc, who, case_id, shared=True)
            # issue 19 — perf2: a page of the story (STORY_PAGE events), read whole; the picture as
            # the case page draws it (case_page.picture_rows)
            rows = _story_rows(svc, case_id)
            ordered = _story_events(svc, case_id, story.story_page_recorded(rows, offset, STORY_PAGE))
            shown, unread = case_page.picture_rows(svc, case_id, rows)
            page = render(request, "story.html", case=case, picture=timeline_picture(request, case, shown, unread),
                          ordered=ordered, total=len(rows), offset=offset, page=STORY_PAGE,
                          w=words(lang_of(request)))
            case_page.release(page)
            del case
        return page

    @pages.get("/decisions/{decision_id}/graph")
    def decision_graph(request: Request, decision_id: Id) -> Response:
        who = require(request)
        svc = service(request)
        may_trace(who, svc, decision_id)
        # issue 19 — perf: the acts counted by the store (person, case, action), not read one by one
        trace = queries.trace_decision(svc.current().views, decision_id, acts=False)
        trace["acted"], trace["actions"] = chain_page.decision_acted(svc.current().views, decision_id)
        lang = lang_of(request)
        w = words(lang)
        drawn = graph.decision_graph(trace, w, _action(lang), _term(lang), _unit_and_agency_names(svc, trace),
                                     rule=lambda rule_id: rule_name(rule_id, lang))
        d = trace["decision"]
        basis = w("graph_basis_xx") if d["jurisdiction"] == "XX" else w("graph_basis_nx")
        return render(request, "graph.html", graph=drawn, routes=graph.routes(drawn), w=w, heading=w("graph_decision"), subject=d["title"],
                      note=f"{d['organ']} · {d['document_number']} · {basis}",
                      back=(f"/decisions/{decision_id}/trace", "责任倒查" if lang == "zh" else "reverse tracing"))

    @pages.get("/persons/{principal_id}/graph")
    def person_graph(request: Request, principal_id: Id) -> Response:
        who = require(request)
        svc = service(request)
        # issue 19 — perf: the acts counted by the store, as the reader may see them (chain_page.py)
        chain = chain_page_for(svc, who, principal_id, offset=0, limit=0)
        chain["acted"], _ = chain_page.person_acted(svc.current().views, Scope(who, svc.ledger),
                                                    svc.ledger.find(UUID(principal_id), Principal), principal_id)
        case_ids = sorted({a["case_id"] for a in chain["acted"] if a["case_id"]}
                          | {f["case_id"] for f in chain["findings"]})
        decision_ids = sorted({a["decision_id"] for a in chain["acted"] if a["decision_id"]}
                              | {f["decision_id"] for f in chain["findings"] if f.get("decision_id")}
                              | {d["decision_id"] for d in chain.get("dissent", [])})
        titles, decisions = _titles(svc, case_ids, decision_ids)
        lang = lang_of(request)
        w = words(lang)
        drawn = graph.person_graph(chain, titles, decisions, w, _action(lang), _term(lang),
                                   rule=lambda rule_id: rule_name(rule_id, lang))
        p = chain["principal"]
        return render(request, "graph.html", graph=drawn, routes=graph.routes(drawn), w=w, heading=w("graph_person"), subject=p["name"],
                      note=p.get("unit") or "", withheld=chain.get("withheld", 0),
                      back=(f"/persons/{principal_id}", p["name"]))

    @pages.get("/search")
    def search_page(request: Request, q: Annotated[str | None, Query(max_length=200)] = None) -> Response:
        who = require(request)
        svc = service(request)
        found = find(svc, who, q) if q else None
        return render(request, "search.html", found=found, q=q or "", w=words(lang_of(request)))

    return pages


def _unit_and_agency_names(svc: Service, trace: Mapping[str, Any]) -> dict[str, str]:
    """The names of the undertaking units (organisations) and the entrusted agencies of a trace."""
    names: dict[str, str] = {}
    for maker in trace.get("makers", []):
        if (unit := maker.get("undertaking_unit_id")) is not None:
            found = svc.ledger.find(UUID(unit), Organisation)
            names[unit] = found.name if found is not None else unit
    agencies = sorted({str(a["args"]["agency_id"]) for a in trace.get("actions", [])
                       if a["action"] == "case.entrust_agency" and (a.get("args") or {}).get("agency_id")})
    names.update(_agency_names(svc, agencies))
    return names


def _action(lang: str) -> Callable[[str], str]:
    return lambda key: labels.word(labels.ACTION_LABELS, key, lang)


def _term(lang: str) -> Callable[[str], str]:
    return lambda key: labels.word(labels.ACCOUNTABILITY_LABELS, key, lang) if key else ""


def _titles(svc: Service, case_ids: list[str],
            decision_ids: list[str]) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """The titles of these cases and decisions, by their keys (a few indexed queries)."""
    titles: dict[str, str] = {}
    decisions: dict[str, dict[str, Any]] = {}
    with svc.current().views.reading() as c:
        for table, key, ids in (("dl_cases", "case_id", case_ids), ("dl_decisions", "decision_id", decision_ids)):
            columns = "case_id, title" if table == "dl_cases" else "decision_id, title, document_number"
            for start in range(0, len(ids), 500):
                chunk = ids[start: start + 500]
                marks = ",".join("?" * len(chunk))
                for row in c.execute(f"SELECT {columns} FROM {{{table}}} WHERE {key} IN ({marks})", chunk).fetchall():
                    if table == "dl_cases":
                        titles[row["case_id"]] = row["title"]
                    else:
                        decisions[row["decision_id"]] = row
    return titles, decisions
