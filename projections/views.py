"""The ledger's read models: cases, every signed action, findings, deadlines, agencies,
principals and decisions.

The projection applies each event to the aggregate it belongs to (with the domain's own
``mutate``, so phases, findings and key histories are computed exactly as the domain computes
them) and writes the rows that state implies. Aggregates are cached while a batch runs; on a
miss the aggregate is replayed from the ledger. A batch and its tracking position commit
together.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.evidence.hashing import jsonable
from domain.evidence.times import format_time as _format_time
from domain.model.accountability import Accountability
from domain.model.acts import stored_act
from domain.model.agency import Agency
from domain.model.aggregate import LedgerAggregate, LedgerEvent
from domain.model.calendar import china_date
from domain.model.case import EvaluationCase
from domain.model.decision import Decision
from domain.model.organisation import Organisation
from domain.model.principal import Principal
from domain.service.ledger import Ledger
from projections import accountability, making, membership, persons, search, units  # issue 19
from projections.store import (
    PostgresViews,
    SQLiteViews,
    ViewCursor,
    ViewRecorder,
    ViewTables,
    process_unless_tracked,
)

#: NX's deadlines: (article, days) from its start to its end (NX-11, NX-12b).
DEADLINES = (("NX-11", 90), ("NX-12b", 15))


def dumps(value: Any) -> str:
    """Deterministic JSON for read-model columns (a rebuild writes the same text)."""
    return _JSON.encode(jsonable(value))


#: :func:`dumps`'s encoder, for values that are JSON already (signed args), which
#: :func:`jsonable` would only copy
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))

#: the read models' time spelling; the same moments (a case's opening, each event's recording)
#: come again and again, and a moment has one spelling in UTC whatever its time zone
format_time = lru_cache(maxsize=4096)(_format_time)


class LedgerViewTables(ViewTables):
    TABLES: ClassVar[dict[str, str]] = {
        "dl_cases": (
            "case_id TEXT PRIMARY KEY, decision_id TEXT, jurisdiction TEXT, title TEXT, lead_unit TEXT, "
            "phase TEXT, procedure TEXT, version INTEGER, opened_at TEXT, opened_year INTEGER, "
            "updated_at TEXT, finalised_at TEXT, findings INTEGER, open_findings INTEGER, "
            "opened_notification BIGINT"
        ),
        "dl_actions": (
            "notification_id BIGINT PRIMARY KEY, aggregate_id TEXT, aggregate_type TEXT, version INTEGER, "
            "event TEXT, action TEXT, actor_id TEXT, keyid TEXT, recorded_at TEXT, case_id TEXT, "
            "decision_id TEXT, event_hash TEXT, rulebook TEXT, args TEXT"
        ),
        "dl_findings": (
            "finding_id TEXT PRIMARY KEY, case_id TEXT, decision_id TEXT, source TEXT, rule TEXT, "
            "articles TEXT, conduct TEXT, summary TEXT, raised_at TEXT, version INTEGER, event_hash TEXT, "
            "cited_events TEXT, figures TEXT, closed_at TEXT, outcome TEXT"
        ),
        "dl_finding_persons": (
            "finding_id TEXT, principal_id TEXT, responsibility TEXT, PRIMARY KEY (finding_id, principal_id)"
        ),
        "dl_deadlines": (
            "case_id TEXT, article TEXT, starts_on TEXT, due_on TEXT, done_on TEXT, "
            "PRIMARY KEY (case_id, article)"
        ),
        "dl_agencies": (
            "agency_id TEXT PRIMARY KEY, name TEXT, kind TEXT, qualified INTEGER, bad_credit INTEGER, "
            "records TEXT, updated_at TEXT"
        ),
        "dl_principals": (
            "principal_id TEXT PRIMARY KEY, name TEXT, unit TEXT, title TEXT, kind TEXT, agency_id TEXT, "
            "roles TEXT, role_history TEXT, keys TEXT, updated_at TEXT"
        ),
        "dl_decisions": (
            "decision_id TEXT PRIMARY KEY, jurisdiction TEXT, title TEXT, document_number TEXT, organ TEXT, "
            "decided_on TEXT, demonstrators TEXT, superior_evaluation TEXT"
        ),
        **accountability.TABLES,  # H2 accountability
        **making.TABLES,  # H1 making
        **persons.TABLES,  # H3 lifetime
        # issue 19 — perf2: who belongs to a case (search and lists filter by access without loading cases)
        **membership.TABLES,
        **units.TABLES,  # 713-39: the unit a finding is against
    }
    INDEXES: ClassVar[list[tuple[str, str, str]]] = [
        ("dl_actions_actor", "dl_actions", "actor_id"),
        ("dl_actions_case", "dl_actions", "case_id"),
        ("dl_actions_decision", "dl_actions", "decision_id"),
        ("dl_finding_persons_principal", "dl_finding_persons", "principal_id"),
        ("dl_findings_case", "dl_findings", "case_id"),
        ("dl_cases_decision", "dl_cases", "decision_id"),
        *accountability.INDEXES,  # H2 accountability
        *persons.INDEXES,  # H3 lifetime
        # issue 19 — pictures: search by event hash prefix (a range on an index, never a scan)
        *search.INDEXES,
        # issue 19 — perf: the pages' names and English summaries read a few kinds of act
        # (organisation.register, case.raise_finding), found on an index, not by a scan
        ("dl_actions_action", "dl_actions", "action"),
        *membership.INDEXES,  # issue 19 — perf2
        *units.INDEXES,  # 713-39
    ]
    UPSERTED: ClassVar[frozenset[str]] = frozenset(
        {"dl_cases", "dl_findings", "dl_deadlines", "dl_principals", "dl_agencies", "dl_decisions"}
    ) | accountability.UPSERTED | making.UPSERTED | persons.UPSERTED  # H2 accountability, H1 making, H3 lifetime
    UPSERTED |= membership.UPSERTED  # issue 19 — perf2


class SQLiteLedgerViews(LedgerViewTables, SQLiteViews):
    PREFIX = "dl_views"


class PostgresLedgerViews(LedgerViewTables, PostgresViews):
    pass


class LedgerViews(Projection[ViewRecorder]):
    """Read models of the whole ledger (name: ``dl_views``)."""

    name = "dl_views"
    CACHE = 4096
    #: set by :func:`projections.runner.bind` when the library's runner constructs the projection
    ledger: ClassVar[Ledger | None] = None

    def __init__(self, view: ViewRecorder, ledger: Ledger | None = None) -> None:
        super().__init__(view)
        self._ledger = ledger or type(self).ledger
        self._cache: OrderedDict[UUID, LedgerAggregate] = OrderedDict()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """One event (the library's runner calls this); one another processor applied is
        skipped."""
        process_unless_tracked(self.view, self.process_batch, domain_event, tracking)

    def process_batch(self, items: Sequence[tuple[DomainEventProtocol[UUID], Tracking]]) -> None:
        """Apply events in notification order; commit them with the last tracking position.
        Rows are gathered for the whole batch and written table by table (:class:`Rows`)."""
        if not items:
            return
        try:
            with self.view.writing() as cursor:
                self.view.track(cursor, items[-1][1])  # first: takes the write lock
                rows = Rows()
                for event, tracking in items:
                    aggregate = self._advance(event)
                    self._write(rows, event, tracking, aggregate)
                for aggregate, notification_id in rows.later.values():  # as they stand after the batch
                    self._write_state(rows, aggregate, notification_id)
                rows.flush(cursor)
        except BaseException:
            self._cache.clear()  # events applied to cached aggregates were not committed
            raise

    # --- state ---------------------------------------------------------------------------

    def _advance(self, event: DomainEventProtocol[UUID]) -> LedgerAggregate:
        aggregate_id, version = event.originator_id, event.originator_version
        cached = self._cache.pop(aggregate_id, None)
        if version == 1:
            aggregate = event.mutate(None)  # type: ignore[attr-defined]
        elif cached is not None and cached.version == version - 1:
            aggregate = event.mutate(cached)  # type: ignore[attr-defined]
        else:
            if self._ledger is None:
                raise RuntimeError("the views need the ledger to replay an aggregate they have not cached")
            # the ledger's own replay: a case from its sealed snapshot, and no per-event protocol
            # check (the library's repository replays every event of a case with one)
            aggregate = self._ledger.cases.get(aggregate_id, version=version)
        self._cache[aggregate_id] = aggregate
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return aggregate  # type: ignore[no-any-return]

    # --- rows ----------------------------------------------------------------------------

    def _write(
        self, c: Rows, event: DomainEventProtocol[UUID], tracking: Tracking, aggregate: LedgerAggregate
    ) -> None:
        """The event's action row, and the rows of its aggregate's state: all of them at the
        aggregate's first event in the batch; at a later one only those of keys not written yet
        (a finding raised since, a person named since), and all of them again once the batch's
        events are applied (``c.later``), which :class:`Rows` makes the same as writing them at
        every event."""
        ledger_event = event if isinstance(event, LedgerEvent) else None
        if ledger_event is None:
            return
        act = stored_act(ledger_event)  # decoded when the event was applied just before
        envelope, intent = act.envelope, act.intent
        case_id = aggregate.id if isinstance(aggregate, EvaluationCase) else None
        decision_id = (
            aggregate.decision_id if isinstance(aggregate, EvaluationCase | Accountability)  # H2: a procedure's decision
            else aggregate.id if isinstance(aggregate, Decision) else None
        )
        c.insert(
            "dl_actions",
            (
                tracking.notification_id, str(aggregate.id), type(aggregate).__name__, event.originator_version,
                type(event).__name__, intent.action, str(intent.actor), envelope.keyid,
                format_time(ledger_event.timestamp), _text(case_id), _text(decision_id), ledger_event.hash,
                ledger_event.rulebook, _JSON.encode(intent.args),
            ),
        )
        if aggregate.id in c.written:
            if isinstance(aggregate, EvaluationCase):
                self._write_findings(c, aggregate, new_only=True)
                membership.write(c, aggregate, c.members)  # issue 19 — perf2: a member added since, in its turn
            c.later[aggregate.id] = (aggregate, tracking.notification_id)
        else:
            c.written.add(aggregate.id)
            self._write_state(c, aggregate, tracking.notification_id)

    def _write_state(self, c: Rows, aggregate: LedgerAggregate, notification_id: int) -> None:
        if isinstance(aggregate, EvaluationCase):
            self._write_case(c, aggregate, notification_id)
        elif isinstance(aggregate, Principal):
            self._write_principal(c, aggregate)
        elif isinstance(aggregate, Agency):
            self._write_agency(c, aggregate)
        elif isinstance(aggregate, Decision):
            self._write_decision(c, aggregate)
        elif isinstance(aggregate, Accountability):  # H2 accountability
            accountability.write(c, aggregate, dumps)

    def _write_case(self, c: Rows, case: EvaluationCase, notification_id: int) -> None:
        opened_at = case.opened["at"]
        c.upsert(
            "INSERT INTO {dl_cases} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (case_id) DO UPDATE SET "
            "phase = excluded.phase, version = excluded.version, updated_at = excluded.updated_at, "
            "finalised_at = excluded.finalised_at, findings = excluded.findings, "
            "open_findings = excluded.open_findings",
            (
                str(case.id), _text(case.decision_id), case.jurisdiction, case.title, case.lead_unit,
                case.phase.value, case.procedure, case.version, format_time(opened_at),
                china_date(opened_at).year, format_time(case.modified_on),
                format_time(case.report["at"]) if case.report else None,
                len(case.findings), len(case.open_findings()), notification_id,
            ),
        )
        self._write_findings(c, case)
        membership.write(c, case, c.members)  # issue 19 — perf2
        if case.is_nx:
            for article, starts_on, done_on, days in _deadlines(case):
                c.upsert(
                    "INSERT INTO {dl_deadlines} VALUES (?,?,?,?,?) ON CONFLICT (case_id, article) DO UPDATE "
                    "SET starts_on = excluded.starts_on, due_on = excluded.due_on, done_on = excluded.done_on",
                    (
                        str(case.id), article, _text(starts_on),
                        _text(starts_on + timedelta(days=days)) if starts_on else None, _text(done_on),
                    ),
                    key=2,
                )

    def _write_findings(self, c: Rows, case: EvaluationCase, new_only: bool = False) -> None:
        """The case's findings and the persons each names (``new_only``: only those whose rows
        this batch has not written yet)."""
        for finding in case.findings:
            finding_id = str(finding["finding_id"])
            if new_only and c.has(_FINDINGS, (finding_id,)):
                for person in finding["persons"]:
                    if not c.has(_FINDING_PERSONS, (finding_id, str(person["principal_id"]))):
                        c.upsert(_FINDING_PERSONS, (finding_id, str(person["principal_id"]),
                                                    person["responsibility"]), key=2, updates=False)
                continue
            closed = finding["closed"] or {}
            c.upsert(
                _FINDINGS,
                (
                    finding_id, str(case.id), _text(case.decision_id), finding["source"],
                    finding["rule"], dumps(finding["articles"]), finding.get("conduct"),
                    finding.get("summary_zh") or finding.get("conduct"), format_time(finding["at"]),
                    finding["version"], finding["hash"], dumps(finding["cited_events"]),
                    dumps(finding.get("figures", {})),
                    format_time(closed["at"]) if closed else None, closed.get("outcome"),
                ),
            )
            for person in finding["persons"]:
                c.upsert(_FINDING_PERSONS, (finding_id, str(person["principal_id"]), person["responsibility"]),
                         key=2, updates=False)
            units.write(c, finding, self._organisation_name)  # 713-39: the unit it is against

    def _organisation_name(self, organisation_id: UUID) -> str | None:
        found = self._ledger.find(organisation_id, Organisation) if self._ledger is not None else None
        return found.name if found is not None else None

    def _write_principal(self, c: Rows, principal: Principal) -> None:
        keys = [
            {
                "keyid": k.keyid, "jwk": k.jwk, "active_from": k.active_from, "active_until": k.active_until,
                "ended_by": k.ended_by, "reason": k.reason,
            }
            for k in principal.key_history.keys.values()
        ]
        c.upsert(
            "INSERT INTO {dl_principals} VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (principal_id) DO UPDATE SET "
            "name = excluded.name, unit = excluded.unit, title = excluded.title, "  # transfer, rename (H3)
            "roles = excluded.roles, role_history = excluded.role_history, keys = excluded.keys, "
            "updated_at = excluded.updated_at",
            (
                str(principal.id), principal.name, principal.unit, principal.title, principal.kind,
                _text(principal.agency_id), dumps(principal.roles), dumps(principal.role_history), dumps(keys),
                format_time(principal.modified_on),
            ),
        )
        persons.write(c, principal, dumps)  # H3 lifetime

    def _write_agency(self, c: Rows, agency: Agency) -> None:
        c.upsert(
            "INSERT INTO {dl_agencies} VALUES (?,?,?,?,?,?,?) ON CONFLICT (agency_id) DO UPDATE SET "
            "qualified = excluded.qualified, bad_credit = excluded.bad_credit, records = excluded.records, "
            "updated_at = excluded.updated_at",
            (
                str(agency.id), agency.name, agency.kind, int(agency.qualified), len(agency.bad_credit),
                dumps({"qualification": agency.qualification, "bad_credit": agency.bad_credit,
                       "credit": list(agency.credit.values()),  # H3 credit: proposals, decisions, repairs
                       "eligibility_revoked": agency.eligibility_revoked,  # 国令第713号第四十一条
                       # 713-41 通报批评、责令限期整改: only where there is one, so rows projected before stay as they were
                       **({"criticisms": list(agency.criticisms.values())} if agency.criticisms else {})}),
                format_time(agency.modified_on),
            ),
        )

    def _write_decision(self, c: Rows, decision: Decision) -> None:
        c.upsert(
            "INSERT INTO {dl_decisions} VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (decision_id) DO UPDATE SET "
            "demonstrators = excluded.demonstrators, superior_evaluation = excluded.superior_evaluation",
            (
                str(decision.id), decision.jurisdiction, decision.title, decision.document_number,
                decision.organ, decision.decided_on, dumps(decision.demonstrators),
                dumps(decision.superior_evaluation),
            ),
        )
        making.write(c, decision, dumps)  # H1 making


_FINDINGS = (
    "INSERT INTO {dl_findings} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (finding_id) "
    "DO UPDATE SET closed_at = excluded.closed_at, outcome = excluded.outcome"
)
_FINDING_PERSONS = "INSERT INTO {dl_finding_persons} VALUES (?,?,?) ON CONFLICT DO NOTHING"


class Rows:
    """A batch's read-model rows, written table by table with ``executemany`` (:meth:`flush`).

    Writing them so leaves every table exactly as writing each event's rows in turn would:
    plain inserts keep their order (``COPY`` on PostgreSQL); an upsert's row keeps only the first and the last row of
    each key (the key is the row's first ``key`` values). An upsert (``ON CONFLICT … DO UPDATE
    SET c = excluded.c, …``) of rows r1 … rn of one key leaves the columns it sets as rn has them
    and the others as r1 (or an existing row) has them, which r1 then rn gives; one that never
    updates (``DO NOTHING``, ``updates=False``) keeps r1. Keys are first written in the order
    they first came."""

    def __init__(self) -> None:
        self._inserts: dict[str, list[tuple[Any, ...]]] = {}
        self._upserts: dict[str, dict[tuple[Any, ...], list[tuple[Any, ...]]]] = {}
        #: aggregates whose rows this batch wrote (at their first event in it)
        self.written: set[UUID] = set()
        #: aggregates with later events in the batch, and the last one's notification id
        self.later: dict[UUID, tuple[LedgerAggregate, int]] = {}
        #: how many members of each case the batch wrote (issue 19 — perf2, projections/membership.py)
        self.members: dict[str, int] = {}

    def has(self, sql: str, key: tuple[Any, ...]) -> bool:
        """Whether a row of this key was upserted in this batch."""
        return key in self._upserts.get(sql, {})

    def insert(self, table: str, row: tuple[Any, ...]) -> None:
        """A row of every column of ``table``, inserted (never updated)."""
        self._inserts.setdefault(table, []).append(row)

    def upsert(self, sql: str, row: tuple[Any, ...], key: int = 1, updates: bool = True) -> None:
        rows = self._upserts.setdefault(sql, {})
        kept = rows.get(row[:key])
        if kept is None:
            rows[row[:key]] = [row]
        elif updates:
            kept[1:] = [row]

    def flush(self, c: ViewCursor) -> None:
        for table, inserted in self._inserts.items():
            c.insert_rows(table, inserted)
        for sql, by_key in self._upserts.items():
            c.executemany(sql, [kept[0] for kept in by_key.values()])
            later = [kept[-1] for kept in by_key.values() if len(kept) > 1 and kept[-1] != kept[0]]
            if later:
                c.executemany(sql, later)


def _deadlines(case: EvaluationCase) -> list[tuple[str, date | None, date | None, int]]:
    """NX-11 runs from the decided start to the report; NX-12b from the report to submission."""
    started = date.fromisoformat(case.approval["decided_on"]) if case.approval else None
    finalised = china_date(case.report["at"]) if case.report else None
    submitted = china_date(case.submission["at"]) if case.submission else None
    (a11, d11), (a12, d12) = DEADLINES
    return [(a11, started, finalised, d11), (a12, finalised, submitted, d12)]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
