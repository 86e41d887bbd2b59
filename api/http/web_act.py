"""Evaluators act from the page (issue 19 point 2): for a case or a decision, the actions the
signed-in person may take now (:mod:`domain.service.offers`), each as a form generated from its
command (:mod:`api.http.forms`), signed in the browser with the person's own key
(``static/forms.js``) and posted to the action's write endpoint. The server renders forms and
never sees a private key; what it records is judged exactly as any other signed intent.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.http import article_texts, form_labels, labels
from api.http import form_choices as supply_choices  # issue 19 — forms2
from api.http.forms import FormContext, form_of, walk
from api.http.problems import ApiError
from api.http.reads import UUID_PATTERN, service
from api.http.web import lang_of, render, require
from api.http.writes import ROUTES
from domain import clock
from domain.model.actions import ACTIONS
from domain.model.articles import ACTION_ARTICLES, CATALOGUE
from domain.model.case import EvaluationCase
from domain.model.decision import Decision
from domain.model.organisation import Organisation, lineage
from domain.model.principal import Principal
from domain.model.rules import rulebook_for
from domain.service import access, offers
from projections.timeline import readable_case

Id = Annotated[str, Path(pattern=UUID_PATTERN)]
ActionName = Annotated[str, Path(pattern=r"^[a-z_]+\.[a-z_]+$")]


def _words(lang: str) -> dict[str, str]:
    return {key: form_labels.ui(key, lang) for key in form_labels.UI}


def _rules(jurisdiction: str, lang: str) -> dict[str, dict[str, Any]]:
    """Each rule's name and articles, for the findings a recorded act raised."""
    out: dict[str, dict[str, Any]] = {}
    for juris in ("NX", "XX"):
        for rule in rulebook_for(juris).rules:
            out[rule.id] = {"title": rule.title if lang == "zh" else rule.title_en, "articles": list(rule.articles)}
    return out


def _articles() -> dict[str, str]:
    """What a quoted article says: its words from the text, else the catalogue's title (国令第713号)."""
    return {**{key: article.title for key, article in CATALOGUE.items()}, **article_texts.texts()}


def _title(key: str) -> str:
    base = key.split("(")[0]
    return CATALOGUE[key].title if key in CATALOGUE else CATALOGUE[base].title if base in CATALOGUE else ""


def _case_context(request: Request, case: EvaluationCase, me: Principal, lang: str, action: str) -> FormContext:
    """What a case's forms choose from: the case's own materials, activities, drafts, report,
    findings, requests and events. People, organisations and agencies are looked up as the person
    types (``GET /v1/lookup/…``, :mod:`api.http.lookup`), never listed."""
    svc = service(request)
    # ARTICLE: NX-15, XX-22 — the materials as this reader may see them, as the JSON API shows them
    shown = readable_case(case, me, svc.ledger)
    materials = [(mid, _material(m, lang)) for mid, m in shown.materials.items()]
    activities = [(aid, f"{labels.word(labels.ACTION_LABELS, _ACTIVITY_ACTIONS.get(a['kind'], ''), lang)} "
                        f"{a.get('held_on') or a.get('period_from') or a.get('visited_on') or ''} {a.get('place', '')}".strip())
                  for aid, a in case.activities.items()]
    drafts = [(did, f"{form_labels.label('case.give_expert_opinion', 'draft_id', lang)} {n}（{d['digest'][:8]}）")
              for n, (did, d) in enumerate(case.drafts.items(), start=1)]
    reports = ([(str(case.report["report_id"]), f"{form_labels.label('x', 'report_id', lang)}（{case.report['digest'][:8]}）")]
               if case.report else [])
    rules = _rules(case.jurisdiction, lang)
    findings = [(str(f["finding_id"]), rules.get(f["rule"], {}).get("title", f["rule"])
                 + (f"（{f['summary_zh']}）" if lang == "zh" and f.get("summary_zh") else ""))
                for f in case.open_findings()]
    fixed: dict[str, Any] = {}
    if case.report:
        fixed["report_digest"] = case.report["digest"]
    mine = action in ("case.answer_request", "case.refuse_request")
    requests, items = supply_choices.requests(svc, case, me, lang, mine=mine)
    return FormContext(
        lang=lang, jurisdiction=case.jurisdiction, materials=materials, activities=activities, drafts=drafts,
        reports=reports, findings=findings, fixed=fixed, requests=requests, request_items=items,
        events=supply_choices.events(svc, case, lang) if action in CITING else [])


#: the forms that cite recorded events (NX-16, XX-23, XX-18)
CITING = ("case.find_misconduct", "case.confirm_decision_fault")


def _material(material: dict[str, Any], lang: str) -> str:
    """A material by its title and stance; one withheld from the reader by its classification alone
    (its title and stance are withheld: :func:`domain.service.access.redact_material`)."""
    classification = form_labels.enum_word("Classification", material["classification"], lang)
    if material.get("withheld"):
        return classification
    title = material.get("title") or classification
    return f"{title}（{form_labels.enum_word('Stance', material['stance'], lang)}）"


_ACTIVITY_ACTIONS = {"survey": "case.conduct_survey", "forum": "case.hold_forum", "hearing": "case.hold_hearing",
                     "visit": "case.visit_site", "consultation": "case.solicit_opinions"}


def _decision_context(request: Request, decision: Decision | None, me: Principal, lang: str) -> FormContext:
    svc = service(request)
    organisations: list[tuple[str, str]] = []
    if me.organisation_id is not None:
        for oid in lineage(me.organisation_id, lambda o: svc.ledger.find(o, Organisation)):
            found = svc.ledger.find(oid, Organisation)
            organisations.append((str(oid), found.name if found else str(oid)))
    fixed: dict[str, Any] = {}
    if decision is not None:
        fixed = {"decision_id": str(decision.id), "jurisdiction": decision.jurisdiction}
    return FormContext(lang=lang, jurisdiction=decision.jurisdiction if decision else "NX",
                       organisations=organisations, fixed=fixed)


def _case(request: Request, case_id: str, me: Principal) -> EvaluationCase:
    svc = service(request)
    case = svc.ledger.find_case(UUID(case_id))
    if case is None or not access.can_read_case(me, case, svc.ledger):
        raise ApiError("not-found", f"没有您可以查阅的案件 {case_id} — no case {case_id} that you may read")
    return case


def _decision(request: Request, decision_id: str) -> Decision:
    found = service(request).ledger.find(UUID(decision_id), Decision)
    if found is None:
        raise ApiError("not-found", f"没有决策 {decision_id} — no decision {decision_id}")
    return found


def _offer_rows(found: list[offers.Offer], lang: str, base: str) -> list[dict[str, Any]]:
    return [{"action": o.action, "label": labels.word(labels.ACTION_LABELS, o.action, lang), "article": o.article,
             "href": f"{base}/{o.action}"} for o in found]


def _form_page(request: Request, me: Principal, action: str, target: str | None, target_name: str,
               ctx: FormContext, back: str, jurisdiction: str) -> Response:
    if action not in ACTIONS or action not in ROUTES:
        raise ApiError("not-found", f"没有操作 {action} — no action {action}")
    spec = ACTIONS[action]
    path, parameter = ROUTES[action]
    post = path.replace("{" + parameter + "}", target) if parameter and target else path
    lang = ctx.lang
    articles = ACTION_ARTICLES.get(action, {}).get(jurisdiction) or ([spec.article] if spec.article else [])
    roles = [labels.word(labels.ROLE_LABELS, r.value, lang) for r in sorted(spec.roles or [])]
    config = {"me": str(me.id), "action": action, "target": target, "creates": spec.creates, "post": post,
              "case": target if spec.aggregate is EvaluationCase and not spec.creates else None,
              "lang": lang, "words": _words(lang), "rules": _rules(jurisdiction, lang), "articles": _articles(),
              "action_label": labels.word(labels.ACTION_LABELS, action, lang), "target_name": target_name,
              "signer": me.name}
    fields = form_of(action, ctx)
    suggestions = {f.name: f.options for f in walk(fields) if f.kind == "suggest"}
    return render(request, "act_form.html", fields=fields, suggestions=suggestions, words=_words(lang), back=back,
                  action_name=action, action_label=config["action_label"], target_name=target_name,
                  action_articles=[(a, _title(a), article_texts.quote(a) or "") for a in articles],
                  roles=roles, config=_embedded(config))


def _embedded(value: Any) -> str:
    """JSON to embed in a ``<script>`` element: no ``<``, ``>`` or ``&`` left in it (each written as
    its ``\\u`` escape, which JSON reads back the same), so no text typed into a title — ``</script>``
    or ``<!--<script>`` — can end the element or swallow the rest of the page."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/cases/{case_id}/act")
    def case_offers(request: Request, case_id: Id) -> Response:
        me = require(request)
        lang = lang_of(request)
        case = _case(request, case_id, me)
        found = offers.case_offers(case, me, service(request).ledger, clock.now())
        others = [a for a in offers.CASE_STEPS if a not in {o.action for o in found}]
        return render(request, "act_case.html", case=case, words=_words(lang),
                      offers=_offer_rows(found, lang, f"/cases/{case_id}/act"),
                      others=_offer_rows([offers.Offer(a, ACTIONS[a].article) for a in others], lang,
                                         f"/cases/{case_id}/act"))

    @pages.get("/cases/{case_id}/act/{action}")
    def case_form(request: Request, case_id: Id, action: ActionName) -> Response:
        me = require(request)
        case = _case(request, case_id, me)
        if action not in offers.CASE_STEPS:
            raise ApiError("not-found", f"没有案件步骤 {action} — no case step {action}")
        return _form_page(request, me, action, case_id, case.title, _case_context(request, case, me, lang_of(request), action),
                          f"/cases/{case_id}", case.jurisdiction)

    @pages.get("/decisions/new")
    def new_decision(request: Request) -> Response:
        me = require(request)
        ctx = _decision_context(request, None, me, lang_of(request))
        return _form_page(request, me, "decision.register", None, form_labels.ui("new_decision", ctx.lang), ctx,
                          "/cases", "NX")

    @pages.get("/decisions/{decision_id}/act")
    def decision_offers(request: Request, decision_id: Id) -> Response:
        me = require(request)
        lang = lang_of(request)
        decision = _decision(request, decision_id)
        found = offers.decision_offers(decision, me, service(request).ledger)
        return render(request, "act_decision.html", decision=decision, words=_words(lang),
                      offers=_offer_rows(found, lang, f"/decisions/{decision_id}/act"))

    @pages.get("/decisions/{decision_id}/act/{action}")
    def decision_form(request: Request, decision_id: Id, action: ActionName) -> Response:
        me = require(request)
        decision = _decision(request, decision_id)
        if action not in offers.DECISION_STEPS:
            raise ApiError("not-found", f"没有决策步骤 {action} — no decision step {action}")
        ctx = _decision_context(request, decision, me, lang_of(request))
        if action == "case.open":
            ctx.defaults["lead_unit"] = me.unit
        target = None if ACTIONS[action].creates else decision_id
        return _form_page(request, me, action, target, decision.title, ctx, f"/decisions/{decision_id}/act",
                          decision.jurisdiction)

    return pages
