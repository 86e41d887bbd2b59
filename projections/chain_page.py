"""A person's acts a page at a time, and counted rather than read (issue 19 point 7: a person with
10,000 acts, a decision whose evaluation holds 10,000 acts).

:func:`queries.person_chain` reads every act with its arguments (the API's chain, the evidence
bundle); the web pages need a page of acts, how many there are, how many the reader may not see,
and, for the who-did-what pictures, how many acts of each kind each person did in each case.
These are answered by the store: counts grouped in SQL, and a page by ``LIMIT``/``OFFSET``.

What a reader may see of a chain (:meth:`projections.scoping.Scope.chain`,
:func:`domain.service.access.sees_in_chain`) depends on two things of an act only: the
organisation the person belonged to when they did it — fixed between two of their memberships'
start times — and the deciding organ of the act's decision. So the acts are grouped by *period*
(which of the person's membership start times the act's recording time has passed: recorded
times have one spelling, :func:`domain.evidence.times.format_time`, so they compare as text) and
by decision, and each group is judged once: the counts are exact, ``withheld`` included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.evidence.times import format_time, parse_time
from domain.model.principal import Principal
from domain.service import access
from projections import queries
from projections.scoping import Scope
from projections.store import Views

#: before any membership: the person belonged to no recorded organisation
_BEFORE = datetime(1, 1, 2, tzinfo=UTC)


@dataclass(frozen=True)
class Periods:
    """The person's membership start times, in order: an act recorded at ``t`` is in period ``k``
    when ``k`` of them are ≤ ``t``; within a period, :meth:`Principal.belonged_at` is one answer."""

    starts: tuple[str, ...]

    @classmethod
    def of(cls, subject: Principal | None) -> Periods:
        if subject is None:
            return cls(())
        return cls(tuple(sorted({format_time(m["from"]) for m in subject.memberships})))

    def sql(self) -> tuple[str, list[str]]:
        """The period of ``recorded_at`` as a SQL expression, and its parameters."""
        if not self.starts:
            return "0", []
        whens = " ".join(f"WHEN recorded_at >= ? THEN {k}" for k in range(len(self.starts), 0, -1))
        return f"(CASE {whens} ELSE 0 END)", list(reversed(self.starts))

    def moment(self, period: int) -> datetime:
        """A moment inside the period (its first)."""
        return _BEFORE if period == 0 else parse_time(self.starts[period - 1])


def _judge(scope: Scope, subject: Principal | None, periods: Periods) -> Callable[[int, str | None], bool]:
    """Whether the reader sees the acts of a (period, decision) group, judged once per group."""
    seen: dict[tuple[int, str | None], bool] = {}

    def sees(period: int, decision_id: str | None) -> bool:
        key = (int(period), decision_id)
        if key not in seen:
            seen[key] = access.sees_in_chain(scope.reader, subject, periods.moment(key[0]),
                                             scope.organisation_of_decision(decision_id), scope.directory)
        return seen[key]

    return sees


def act_groups(views: Views, principal_id: str, periods: Periods,
               columns: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The person's acts counted by period, decision and ``columns`` (names of ``dl_actions``
    columns), each group with ``n`` acts and ``first`` (its first act's notification id), in the
    order of ``first``."""
    allowed = {"case_id", "aggregate_type", "action"}
    if not set(columns) <= allowed:
        raise ValueError(f"cannot group acts by {sorted(set(columns) - allowed)}")
    period, params = periods.sql()
    extra = "".join(f", {c}" for c in columns)
    keys = ", ".join(str(n) for n in range(1, len(columns) + 3))
    sql = (f"SELECT {period} AS period, decision_id{extra}, COUNT(*) AS n, MIN(notification_id) AS first "
           f"FROM {{dl_actions}} WHERE actor_id = ? GROUP BY {keys} ORDER BY first")
    with views.reading() as c:
        return c.execute(sql, [*params, principal_id]).fetchall()


def person_page(views: Views, scope: Scope, subject: Principal | None, principal_id: str, *,
                offset: int, limit: int) -> dict[str, Any]:
    """A person's chain as :meth:`Scope.chain` gives it, with only the acts ``offset`` to
    ``offset + limit`` of those the reader may see (oldest first, as the whole chain lists them):
    ``total`` acts the reader sees, ``withheld`` counting every act, finding, procedure and
    dissent left out, exactly as for the whole chain."""
    chain = queries.person_chain(views, principal_id, acts=False)
    shown = scope.chain(chain, subject)  # the findings, procedures and dissent: a person's few
    periods = Periods.of(subject)
    sees = _judge(scope, subject, periods)
    groups = act_groups(views, principal_id, periods)
    visible = [(g["period"], g["decision_id"]) for g in groups if sees(g["period"], g["decision_id"])]
    total = sum(int(g["n"]) for g in groups if sees(g["period"], g["decision_id"]))
    hidden = sum(int(g["n"]) for g in groups) - total
    acts: list[dict[str, Any]] = []
    if visible and limit > 0 and offset < total:
        where, params = "actor_id = ?", [principal_id]
        if hidden:  # only the groups the reader sees
            period, period_params = periods.sql()
            ors = []
            for p, decision in visible:
                ors.append(f"({period} = ? AND decision_id {'IS NULL' if decision is None else '= ?'})")
                params += [*period_params, p, *([] if decision is None else [decision])]
            where += " AND (" + " OR ".join(ors) + ")"
        with views.reading() as c:
            rows = c.execute(f"SELECT * FROM {{dl_actions}} WHERE {where} ORDER BY notification_id "
                             "LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
        acts = [{**row, "args": json.loads(row["args"]) if row.get("args") else {}} for row in rows]
    return {**shown, "actions": acts, "total": total, "withheld": shown["withheld"] + hidden}


def person_acted(views: Views, scope: Scope, subject: Principal | None,
                 principal_id: str) -> tuple[list[dict[str, Any]], int]:
    """What the person did, as the who-did-what picture needs it: the acts the reader sees counted
    by case, decision, kind of aggregate and action (each group's ``n`` and ``first``, in the order
    of ``first``), and how many acts the reader may not see."""
    periods = Periods.of(subject)
    sees = _judge(scope, subject, periods)
    groups = act_groups(views, principal_id, periods, ("case_id", "aggregate_type", "action"))
    shown = [g for g in groups if sees(g["period"], g["decision_id"])]
    return shown, sum(int(g["n"]) for g in groups) - sum(int(g["n"]) for g in shown)


def decision_acted(views: Views, decision_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What was done in a decision's evaluation, as its who-did-what picture needs it: the acts
    counted by person, case and action (``n``, ``first``; in the order of ``first``), and the
    entrustments of agencies (their arguments name the agency), in the order recorded."""
    with views.reading() as c:
        groups = c.execute(
            "SELECT actor_id, case_id, action, COUNT(*) AS n, MIN(notification_id) AS first FROM {dl_actions} "
            "WHERE decision_id = ? GROUP BY actor_id, case_id, action ORDER BY first", (decision_id,)).fetchall()
        entrusted = c.execute(
            "SELECT notification_id, actor_id, case_id, action, args FROM {dl_actions} WHERE decision_id = ? AND action = ? "
            "ORDER BY notification_id", (decision_id, "case.entrust_agency")).fetchall()
    return groups, [{**row, "args": json.loads(row["args"]) if row.get("args") else {}} for row in entrusted]
