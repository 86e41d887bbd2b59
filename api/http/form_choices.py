"""What the newer case forms choose from (issue 19 — forms2): a case's requests to related units
(XX-6), the items they list, and the recorded events a finding or a decision fault cites — each
named in words, never by id (the value the form sends is the id, or the citation itself).
"""

from __future__ import annotations

from uuid import UUID

from api.http import labels
from api.http.service import Service
from api.http.words import CHINA, day_words
from domain import clock
from domain.evidence.times import parse_time
from domain.model import supply
from domain.model.aggregate import Context
from domain.model.calendar import china_date
from domain.model.case import EvaluationCase
from domain.model.organisation import Organisation
from domain.model.principal import Principal

Options = list[tuple[str, str]]
#: events a citation may pick from, at most (the newest are kept: a finding cites what just happened)
MAX_EVENTS = 2000


def requests(svc: Service, case: EvaluationCase, me: Principal, lang: str, *, mine: bool) -> tuple[Options, Options]:
    """The case's requests — only those the person may still answer or refuse when ``mine`` — each
    named by its unit, items and period; and the items they list (an answer names them)."""
    ids = list(case.supply_requests)
    if mine:
        ctx = Context(actor=me, directory=svc.ledger, now=clock.now())
        ids = supply.answerable_by(case, ctx)
    options: Options = []
    items: Options = []
    for rid in ids:
        request = case.supply_requests[rid]
        unit = svc.ledger.find(UUID(str(request["unit_id"])), Organisation)
        listed = "、".join(request["items"]) if lang == "zh" else "; ".join(request["items"])
        when = day_words(china_date(request["at"]), lang)
        options.append((rid, f"{unit.name if unit else ''}：{listed}（{when}起{request['within_days']}日内）" if lang == "zh"
                        else f"{unit.name if unit else ''}: {listed} ({request['within_days']} days from {when})"))
        items.extend((item, item) for item in request["items"] if (item, item) not in items)
    return options, items


def events(svc: Service, case: EvaluationCase, lang: str) -> Options:
    """The recorded events of the case and of its decision, to cite (NX-16, XX-23, XX-18): each by
    its version, step, signer and China time; the value is ``aggregate|version|hash``."""
    targets = [str(case.id)] + ([str(case.decision_id)] if case.decision_id else [])
    with svc.current().views.reading() as c:
        rows = c.execute(
            "SELECT aggregate_id, version, action, actor_id, recorded_at, event_hash FROM {dl_actions} "
            "WHERE aggregate_id IN (?, ?) AND action <> ? ORDER BY notification_id DESC LIMIT ?",
            (targets[0], targets[-1], "case.raise_finding", MAX_EVENTS)).fetchall()
        actors = sorted({r["actor_id"] for r in rows if r["actor_id"]})
        names = {}
        for start in range(0, len(actors), 500):
            chunk = actors[start:start + 500]
            marks = ",".join("?" * len(chunk))
            names.update({r["principal_id"]: r["name"] for r in c.execute(
                f"SELECT principal_id, name FROM {{dl_principals}} WHERE principal_id IN ({marks})", chunk).fetchall()})
    options: Options = []
    for row in reversed(rows):
        decision = str(row["aggregate_id"]) != str(case.id)
        local = parse_time(row["recorded_at"]).astimezone(CHINA)
        step = labels.word(labels.ACTION_LABELS, row["action"], lang)
        if lang == "zh":
            label = (f"{'决策' if decision else '案件'}第{row['version']}版 · {step} · {names.get(row['actor_id'], '')}"
                     f" · {day_words(local.date(), lang)} {local:%H:%M}")
        else:
            label = (f"{'decision' if decision else 'case'} v{row['version']} · {step} · "
                     f"{names.get(row['actor_id'], '')} · {day_words(local.date(), lang)} {local:%H:%M} CST")
        options.append((f"{row['aggregate_id']}|{row['version']}|{row['event_hash']}", label))
    return options
