"""Questions the read models answer, as plain JSON-ready values (the CLI and the API share them).

* ``cases`` — every case with its decision, jurisdiction and phase;
* ``case_state`` — a case as it stood at any version or moment (replayed from its events);
* ``person_chain`` — a person's lifetime accountability chain (NX-16, XX-23, XX-18);
* ``trace_decision`` — reverse tracing from a decision (XX-18);
* ``findings``, ``deadlines``, ``agencies``, ``annual_figures``;
* accountability procedures (H2): :mod:`projections.accountability`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.errors import MalformedInput, NotFound
from domain.evidence.canonical import MAX_SAFE_INTEGER
from domain.evidence.hashing import jsonable
from domain.evidence.times import format_time, in_utc, parse_time
from domain.model import criticism
from domain.model.agency import in_force
from domain.model.calendar import china_date
from domain.model.case import EvaluationCase, Phase
from domain.model.decision import Decision
from domain.model.holidays import OfficialCalendar, UnknownYear
from domain.model.vocabulary import Classification
from domain.service.ledger import Ledger
from domain.service.replay import case_at
from projections import accountability, making, persons, units
from projections.store import Views
from projections.views import DEADLINES

CASE_COLUMNS = (
    "case_id, decision_id, jurisdiction, title, lead_unit, phase, procedure, version, opened_at, "
    "updated_at, finalised_at, findings, open_findings"
)


def _loads(row: dict[str, Any], *columns: str) -> dict[str, Any]:
    for column in columns:
        if row.get(column) is not None:
            row[column] = json.loads(row[column])
    return row


def cases(
    views: Views,
    *,
    jurisdiction: str | None = None,
    phase: str | None = None,
    decision_id: str | None = None,
    lead_unit: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    where, params = [], []
    for column, value in (("jurisdiction", jurisdiction), ("phase", phase), ("decision_id", decision_id),
                          ("lead_unit", lead_unit)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = f"SELECT {CASE_COLUMNS} FROM {{dl_cases}}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY opened_notification LIMIT ? OFFSET ?"
    with views.reading() as c:
        return c.execute(sql, [*params, limit, offset]).fetchall()


def render_case(case: EvaluationCase) -> dict[str, Any]:
    """A case's whole state as JSON: what it was at the version it was replayed to."""
    state = {k: v for k, v in vars(case).items() if not k.startswith("_")}
    state.update(
        id=case.id, version=case.version, phase=case.phase.value, created_on=case.created_on,
        modified_on=case.modified_on,
    )
    rendered: dict[str, Any] = jsonable(state)
    return rendered


def parse_moment(text: str) -> int | datetime:
    """``--at``: a version number, or an ISO 8601 time with its zone."""
    if text.isascii() and text.isdigit():
        version = int(text)
        if version > MAX_SAFE_INTEGER:
            raise MalformedInput(f"--at {text}: no aggregate reaches a version beyond 2^53−1")
        if version == 0:  # was a 404 "no evaluation case" of a case that exists
            raise MalformedInput(f"--at {text}: versions count from 1")
        return version
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedInput(
            f"--at {text!r} is neither a version number nor an ISO 8601 time (2026-03-02T09:00:00+08:00)"
        ) from None
    if moment.tzinfo is None:
        raise MalformedInput(f"--at {text!r} needs a time zone (Z or +08:00)")
    try:
        in_utc(moment)  # replayed and named in UTC: a moment of year 0 or 10000 there was a 500
    except ValueError:
        raise MalformedInput(f"--at {text!r} lies outside the years 0001–9999 in UTC") from None
    return moment



def as_of(case: EvaluationCase) -> dict[str, Any]:
    """Which version a replayed case is, and when it was recorded."""
    return {"version": case.version, "recorded_at": format_time(case.modified_on)}


def case_state(ledger: Ledger, case_id: UUID, at: int | datetime | None = None) -> dict[str, Any]:
    """A case now, at a version, or as it stood at a moment (the last event recorded then)."""
    case = case_at(ledger, case_id, at)
    return {"case": render_case(case), "as_of": as_of(case)}


def published_results(views: Views, ledger: Ledger, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """评估结果公开 (XX-17): what the public reads of every published case — the report's
    recommendation, the ruling, the published summary and address, and the materials that are
    neither classified (NX-15, XX-22) nor withheld by the publisher; of the others, only how
    many there are. Only cases whose state, replayed from their events, is published: the read
    model only finds the candidates."""
    with views.reading() as c:
        rows = c.execute(
            "SELECT case_id FROM {dl_cases} WHERE phase = ? ORDER BY opened_notification LIMIT ? OFFSET ?",
            ("published", limit, offset),
        ).fetchall()
    out = []
    for row in rows:
        case = ledger.get_case(UUID(row["case_id"]))
        if case.phase != Phase.PUBLISHED or not case.publication:
            continue  # the read model's phase column is not evidence: only the replayed state is (M2)
        publication, report, ruling = case.publication or {}, case.report or {}, case.ruling or {}
        decision = ledger.find(case.decision_id, Decision) if case.decision_id else None
        withheld = {str(m) for m in publication.get("withheld_material_ids", [])}
        public = [
            {"title": m["title"], "source": m["source"], "period": m.get("period")}
            for mid, m in case.materials.items()
            if m["classification"] == Classification.NONE.value and mid not in withheld and not m.get("excluded")
        ]
        out.append(jsonable({
            "case_id": case.id,
            "title": case.title,
            "jurisdiction": case.jurisdiction,
            "lead_unit": case.lead_unit,
            "decision": {"decision_id": decision.id, "title": decision.title,
                         "document_number": decision.document_number, "organ": decision.organ}
            if decision else None,
            "published_at": publication.get("at"),
            "channels": publication.get("channels", []),
            "summary": publication.get("summary"),
            "recommendation": report.get("recommendation"),
            "ruling": {k: ruling[k] for k in ("ruling", "body", "meeting", "measures") if k in ruling} or None,
            "materials": public,
            "materials_withheld": len(case.materials) - len(public),
        }))
    return out


def _actions(views: Views, column: str, value: str) -> list[dict[str, Any]]:
    with views.reading() as c:
        rows = c.execute(
            f"SELECT * FROM {{dl_actions}} WHERE {column} = ? ORDER BY notification_id", (value,)
        ).fetchall()
    return [_loads(r, "args") for r in rows]


def _findings(views: Views, where: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    with views.reading() as c:
        rows = c.execute(
            f"SELECT * FROM {{dl_findings}} WHERE {where} ORDER BY raised_at, finding_id", params
        ).fetchall()
        people = c.execute("SELECT * FROM {dl_finding_persons}").fetchall() if rows else []
        against = units.of_findings(c) if rows else {}  # 713-39: the unit a finding is against
    by_finding: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in people:
        by_finding[person["finding_id"]].append(
            {"principal_id": person["principal_id"], "responsibility": person["responsibility"]}
        )
    out = []
    for row in rows:
        finding = _loads(row, "articles", "cited_events", "figures")
        finding["persons"] = sorted(by_finding[row["finding_id"]], key=lambda p: p["principal_id"])
        finding["open"] = row["closed_at"] is None
        finding["unit"] = against.get(row["finding_id"])
        out.append(finding)
    return out


def principal(views: Views, principal_id: str) -> dict[str, Any]:
    """One person: roles and keys over time, and their lifetime (H3: status, memberships, former names)."""
    with views.reading() as c:
        row = c.execute("SELECT * FROM {dl_principals} WHERE principal_id = ?", (principal_id,)).fetchone()
        lifetime = c.execute(
            "SELECT * FROM {dl_principal_lifetime} WHERE principal_id = ?", (principal_id,)
        ).fetchone()
    if row is None:
        raise NotFound(f"没有人员 {principal_id} / no principal {principal_id}")
    return {**_loads(row, "roles", "role_history", "keys"), **persons.decode(lifetime)}


def principals(
    views: Views, *, role: str | None = None, q: str | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """The directory of registered people (and the ledger), by name: who signs as whom. ``q``
    looks a person up by name, former name (更名) or staff number (工号) — H3 lifetime."""
    with views.reading() as c:
        rows = c.execute("SELECT * FROM {dl_principals} ORDER BY name, principal_id").fetchall()
        lifetimes = persons.lifetimes(c)
    out = [{**_loads(row, "roles", "role_history", "keys"), **persons.decode(lifetimes.get(row["principal_id"]))}
           for row in rows]
    if role is not None:
        out = [p for p in out if role in p["roles"]]
    if q is not None:
        out = [p for p in out if persons.matches(p, q)]
    return out[offset: offset + limit]


def decisions(views: Views, *, jurisdiction: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Registered major decisions (NX-2, XX-3), newest decided first."""
    where, params = ("WHERE jurisdiction = ?", (jurisdiction,)) if jurisdiction else ("", ())
    with views.reading() as c:
        rows = c.execute(
            f"SELECT * FROM {{dl_decisions}} {where} ORDER BY decided_on DESC, decision_id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
    return [_loads(row, "demonstrators", "superior_evaluation") for row in rows]


def decision(views: Views, decision_id: str) -> dict[str, Any]:
    with views.reading() as c:
        row = c.execute("SELECT * FROM {dl_decisions} WHERE decision_id = ?", (decision_id,)).fetchone()
    if row is None:
        raise NotFound(f"没有决策 {decision_id} / no decision {decision_id}")
    return {**_loads(row, "demonstrators", "superior_evaluation"),
            "making": making.making_of(views, decision_id)}  # H1 making


def person_chain(views: Views, principal_id: str, *, acts: bool = True) -> dict[str, Any]:
    """终身责任链 (NX-16, XX-23, XX-18): everything a person signed, every finding naming them,
    their roles and keys over time. Never closed: a closed finding stays, with its outcome.

    Without ``acts`` (the web pages, which read the acts a page at a time or counted:
    :mod:`projections.chain_page`; issue 19 point 7) ``actions`` is empty."""
    person = principal(views, principal_id)
    actions = _actions(views, "actor_id", principal_id) if acts else []
    with views.reading() as c:
        named = c.execute(
            "SELECT finding_id, responsibility FROM {dl_finding_persons} WHERE principal_id = ?", (principal_id,)
        ).fetchall()
    responsibility = {row["finding_id"]: row["responsibility"] for row in named}
    findings = []
    if responsibility:
        marks = ",".join("?" * len(responsibility))
        for finding in _findings(views, f"finding_id IN ({marks})", tuple(responsibility)):
            finding["responsibility"] = responsibility[finding["finding_id"]]
            findings.append(finding)
    case_ids = sorted({a["case_id"] for a in actions if a["case_id"]} | {f["case_id"] for f in findings})
    return {
        "principal": person,
        "actions": actions,
        "findings": findings,
        # 国令第713号第三十八条: dissent recorded in a collective discussion of a decision stands
        # beside the acts, with the 减免责任 ground it gives (an expert's opinion on a report draft
        # is an act of the evaluation, not such dissent)
        "dissent": making.dissent_of(views, principal_id),
        "cases": case_ids,
        "procedures": accountability.of_person(views, principal_id),  # H2: every step naming them
        "lifetime": _lifetime(views, principal_id),  # H3: registration, transfers, renames, retirement
    }


#: the acts on a person's own record that make their working life: who recorded them, when
_LIFETIME_ACTIONS = ("principal.register", "principal.transfer", "principal.rename", "principal.retire",
                     "principal.revoke_eligibility",  # 取消评估资格 of an expert (国令第713号第四十一条)
                     "principal.criticise", "principal.record_rectification")  # 713-41: 通报批评、责令限期整改, 整改完成
_LIFETIME_ARGS = ("unit", "organisation_id", "title", "name", "identifier", "departure", "reason", "case_id",
                  "conduct", "consequences", "criticism_id", "breach", "rectification", "deadline", "account")


def _lifetime(views: Views, principal_id: str) -> list[dict[str, Any]]:
    """一人一链 (XX-18): the person's registration, transfers (调动), changes of name (更名) and
    retirement or leaving (退休、离职), as signed on their record, in order; an expert's 取消评估资格,
    通报批评 and 整改完成 (713-41), each rectification with ``on_time`` against its criticism's deadline."""
    entries = [
        {"action": a["action"], "recorded_at": a["recorded_at"], "recorded_by": a["actor_id"], "event_hash": a["event_hash"],
         **{k: a["args"][k] for k in _LIFETIME_ARGS if k in a["args"]}}
        for a in _actions(views, "aggregate_id", principal_id) if a["action"] in _LIFETIME_ACTIONS
    ]
    deadlines = {e["criticism_id"]: e["deadline"] for e in entries if e["action"] == "principal.criticise"}
    for entry in entries:
        if entry["action"] == "principal.record_rectification" and entry["criticism_id"] in deadlines:
            entry["on_time"] = criticism.on_time(parse_time(entry["recorded_at"]), deadlines[entry["criticism_id"]])
    return entries


def trace_decision(views: Views, decision_id: str, *, acts: bool = True) -> dict[str, Any]:
    """责任倒查 (XX-18): from a decision to every case, every person who acted, every finding.

    Without ``acts`` (the web page, which shows each person's count of acts, not the acts: issue
    19 point 7) the persons are counted in the store and ``actions`` is empty and each person's
    ``events`` too: a decision's evaluation may hold tens of thousands of acts."""
    with views.reading() as c:
        decision = c.execute("SELECT * FROM {dl_decisions} WHERE decision_id = ?", (decision_id,)).fetchone()
        if decision is None:
            raise NotFound(f"没有决策 {decision_id} / no decision {decision_id}")
        principals = {row["principal_id"]: row for row in c.execute("SELECT * FROM {dl_principals}").fetchall()}
        counted = [] if acts else c.execute(
            "SELECT actor_id, COUNT(*) AS n, MIN(notification_id) AS first FROM {dl_actions} WHERE decision_id = ? "
            "GROUP BY actor_id ORDER BY first", (decision_id,)).fetchall()
    actions = _actions(views, "decision_id", decision_id) if acts else []
    people: dict[str, dict[str, Any]] = {
        row["actor_id"]: {"principal_id": row["actor_id"], "name": principals.get(row["actor_id"], {}).get("name"),
                          "unit": principals.get(row["actor_id"], {}).get("unit"), "actions": int(row["n"]),
                          "events": []}
        for row in counted
    }
    for action in actions:
        who = action["actor_id"]
        entry = people.setdefault(who, {
            "principal_id": who,
            "name": principals.get(who, {}).get("name"),
            "unit": principals.get(who, {}).get("unit"),
            "actions": 0,
            "events": [],
        })
        entry["actions"] += 1
        entry["events"].append({k: action[k] for k in ("aggregate_id", "version", "event", "recorded_at")})
    return {
        "decision": _loads(decision, "demonstrators", "superior_evaluation"),
        "cases": cases(views, decision_id=decision_id, limit=10_000),
        "persons": sorted(people.values(), key=lambda p: p["events"][0]["recorded_at"]) if acts
        else list(people.values()),
        "findings": _findings(views, "decision_id = ?", (decision_id,)),
        "actions": actions,
        "procedures": accountability.procedures(views, decision_id=decision_id),  # H2 accountability
        # H1 making: who made the decision, with their recorded opinions (XX-18; 713-30, 713-38)
        "makers": making.makers(making.making_of(views, decision_id), decision_id, principals),
    }


def findings(
    views: Views, *, open_only: bool = False, case_id: str | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    where, params = ["1 = 1"], []
    if open_only:
        where.append("closed_at IS NULL")
    if case_id is not None:
        where.append("case_id = ?")
        params.append(case_id)
    rows = _findings(views, " AND ".join(where), tuple(params))
    return rows[offset: offset + limit]


def deadlines(views: Views, today: date, calendar: OfficialCalendar | None = None) -> list[dict[str, Any]]:
    """NX-11 and NX-12b for every NX case: due date, and days left or overdue as of ``today``,
    counted as the rules count them (:mod:`domain.model.holidays`): the last day moves past a
    法定休假日 on ``calendar`` (the ledger's, with its confirmed notices; the library alone if
    none is given). Where the calendar does not know a year the due date needs, the status is
    ``undetermined`` once the bare count of days has passed (``due_on`` is then that count)."""
    calendar = calendar or OfficialCalendar()
    with views.reading() as c:
        rows = c.execute(
            "SELECT d.*, k.title, k.lead_unit, k.decision_id FROM {dl_deadlines} d JOIN {dl_cases} k ON k.case_id = d.case_id "
            "WHERE d.starts_on IS NOT NULL ORDER BY d.due_on, d.case_id, d.article"
        ).fetchall()
    out = []
    for row in rows:
        start, days = date.fromisoformat(row["starts_on"]), dict(DEADLINES)[row["article"]]
        due, known = date.fromisoformat(row["due_on"]), True  # the bare count of days
        try:
            due = calendar.last_day(start, days)
        except UnknownYear:
            known = False
        done = date.fromisoformat(row["done_on"]) if row["done_on"] else None
        on = done or today
        if on > due and not known:
            status, count = "undetermined", (on - due).days
        elif done is not None:
            status, count = ("met" if done <= due else "late"), (done - due).days
        elif today <= due:
            status, count = "open", (due - today).days
        else:
            status, count = "overdue", (today - due).days
        out.append({**row, "due_on": str(due), "status": status, "days": count})
    return sorted(out, key=lambda r: (r["due_on"], r["case_id"], r["article"]))


def agencies(views: Views, today: date | None = None) -> list[dict[str, Any]]:
    """Agencies with their XX-21 qualifications and NX-17 / XX-24 credit records: the direct
    records of before, and (H3 credit) every proposal with its decision, period and repair;
    ``credit_in_force``: the records XX-21's check at entrustment sees ``today``."""
    with views.reading() as c:
        rows = c.execute("SELECT * FROM {dl_agencies} ORDER BY name, agency_id").fetchall()
    out = []
    for row in rows:
        agency = {**_loads(row, "records"), "qualified": bool(row["qualified"])}
        records = agency["records"]
        records.setdefault("credit", [])
        records.setdefault("criticisms", [])  # 713-41: rows projected before criticism was recorded
        if today is not None:
            agency["credit_in_force"] = len(records["bad_credit"]) + sum(in_force(p, today) for p in records["credit"])
        out.append(agency)
    return out


def annual_figures(views: Views, today: date, year: int | None = None,
                   keep: Callable[[dict[str, Any]], bool] = lambda row: True,
                   calendar: OfficialCalendar | None = None) -> list[dict[str, Any]]:
    """NX-18 / XX-25: per unit and year, each event counted in the year it happened (China
    Standard Time) — of the cases ``keep`` keeps (a reader's scope):

    * ``opened``: cases opened that year;
    * ``finished`` / ``finished_on_time``: reports finalised that year, and those of them whose
      case had missed no deadline by the day of finalising;
    * ``overdue``: cases that missed a deadline that year (the day after its last day passed
      with the step undone, whether it was done later or not yet);
    * ``findings``: findings raised that year.

    A case opened in one year and finished or found wanting in the next counts in each year for
    what happened in it (issue 18). Deadlines are counted on ``calendar`` (the ledger's, with its
    confirmed holiday notices), as :func:`deadlines` and the rules count them."""
    missed: dict[str, list[date]] = defaultdict(list)
    for row in deadlines(views, today, calendar):
        if row["status"] in ("late", "overdue"):
            missed[row["case_id"]].append(date.fromisoformat(row["due_on"]) + timedelta(days=1))
    with views.reading() as c:
        rows = c.execute(
            "SELECT case_id, decision_id, lead_unit, opened_year, finalised_at FROM {dl_cases} ORDER BY case_id"
        ).fetchall()
        raised = c.execute("SELECT case_id, raised_at FROM {dl_findings} ORDER BY raised_at, finding_id").fetchall()
    kept = {row["case_id"]: row for row in rows if keep(row)}
    figures: dict[tuple[str, int], dict[str, Any]] = {}

    def count(case_id: str, in_year: int, what: str) -> None:
        if year is not None and in_year != year:
            return
        key = (kept[case_id]["lead_unit"], in_year)
        entry = figures.setdefault(key, {
            "unit": key[0], "year": key[1], "opened": 0, "finished": 0, "finished_on_time": 0,
            "overdue": 0, "findings": 0,
        })
        entry[what] += 1

    for case_id, row in kept.items():
        count(case_id, row["opened_year"], "opened")
        if row["finalised_at"]:
            finished = china_date(parse_time(row["finalised_at"]))
            count(case_id, finished.year, "finished")
            if not any(day <= finished for day in missed[case_id]):
                count(case_id, finished.year, "finished_on_time")
        for missed_year in sorted({day.year for day in missed[case_id]}):
            count(case_id, missed_year, "overdue")
    for finding in raised:
        if finding["case_id"] in kept:
            count(finding["case_id"], china_date(parse_time(finding["raised_at"])).year, "findings")
    return sorted(figures.values(), key=lambda e: (e["year"], e["unit"]))

