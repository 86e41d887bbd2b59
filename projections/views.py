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
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.agency import Agency
from domain.aggregate import LedgerAggregate, LedgerEvent
from domain.case import EvaluationCase
from domain.clock import format_time
from domain.decision import Decision
from domain.hashing import jsonable
from domain.intent import Intent
from domain.ledger import Ledger
from domain.principal import Principal
from domain.rules.templates import china_date
from domain.signing import Envelope
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
    return json.dumps(jsonable(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
    }
    INDEXES: ClassVar[list[tuple[str, str, str]]] = [
        ("dl_actions_actor", "dl_actions", "actor_id"),
        ("dl_actions_case", "dl_actions", "case_id"),
        ("dl_actions_decision", "dl_actions", "decision_id"),
        ("dl_finding_persons_principal", "dl_finding_persons", "principal_id"),
        ("dl_findings_case", "dl_findings", "case_id"),
        ("dl_cases_decision", "dl_cases", "decision_id"),
    ]
    UPSERTED: ClassVar[frozenset[str]] = frozenset(
        {"dl_cases", "dl_findings", "dl_deadlines", "dl_principals", "dl_agencies", "dl_decisions"}
    )


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
        """Apply events in notification order; commit them with the last tracking position."""
        if not items:
            return
        try:
            with self.view.writing() as cursor:
                self.view.track(cursor, items[-1][1])  # first: takes the write lock
                for event, tracking in items:
                    aggregate = self._advance(event)
                    self._write(cursor, event, tracking, aggregate)
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
            aggregate = self._ledger.repository.get(aggregate_id, version=version)
        self._cache[aggregate_id] = aggregate
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return aggregate  # type: ignore[no-any-return]

    # --- rows ----------------------------------------------------------------------------

    def _write(
        self, c: ViewCursor, event: DomainEventProtocol[UUID], tracking: Tracking, aggregate: LedgerAggregate
    ) -> None:
        ledger_event = event if isinstance(event, LedgerEvent) else None
        if ledger_event is None:
            return
        envelope = Envelope.from_json(ledger_event.envelope)
        intent = Intent.decode(envelope.payload)
        case_id = aggregate.id if isinstance(aggregate, EvaluationCase) else None
        decision_id = (
            aggregate.decision_id if isinstance(aggregate, EvaluationCase)
            else aggregate.id if isinstance(aggregate, Decision) else None
        )
        c.execute(
            "INSERT INTO {dl_actions} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                tracking.notification_id, str(aggregate.id), type(aggregate).__name__, event.originator_version,
                type(event).__name__, intent.action, str(intent.actor), envelope.keyid,
                format_time(ledger_event.timestamp), _text(case_id), _text(decision_id), ledger_event.hash,
                ledger_event.rulebook, dumps(intent.args),
            ),
        )
        if isinstance(aggregate, EvaluationCase):
            self._write_case(c, aggregate, tracking.notification_id)
        elif isinstance(aggregate, Principal):
            self._write_principal(c, aggregate)
        elif isinstance(aggregate, Agency):
            self._write_agency(c, aggregate)
        elif isinstance(aggregate, Decision):
            self._write_decision(c, aggregate)

    def _write_case(self, c: ViewCursor, case: EvaluationCase, notification_id: int) -> None:
        opened_at = case.opened["at"]
        c.execute(
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
        for finding in case.findings:
            closed = finding["closed"] or {}
            c.execute(
                "INSERT INTO {dl_findings} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (finding_id) "
                "DO UPDATE SET closed_at = excluded.closed_at, outcome = excluded.outcome",
                (
                    str(finding["finding_id"]), str(case.id), _text(case.decision_id), finding["source"],
                    finding["rule"], dumps(finding["articles"]), finding.get("conduct"),
                    finding.get("summary_zh") or finding.get("conduct"), format_time(finding["at"]),
                    finding["version"], finding["hash"], dumps(finding["cited_events"]),
                    dumps(finding.get("figures", {})),
                    format_time(closed["at"]) if closed else None, closed.get("outcome"),
                ),
            )
            for person in finding["persons"]:
                c.execute(
                    "INSERT INTO {dl_finding_persons} VALUES (?,?,?) ON CONFLICT DO NOTHING",
                    (str(finding["finding_id"]), str(person["principal_id"]), person["responsibility"]),
                )
        if case.is_nx:
            for article, starts_on, done_on, days in _deadlines(case):
                c.execute(
                    "INSERT INTO {dl_deadlines} VALUES (?,?,?,?,?) ON CONFLICT (case_id, article) DO UPDATE "
                    "SET starts_on = excluded.starts_on, due_on = excluded.due_on, done_on = excluded.done_on",
                    (
                        str(case.id), article, _text(starts_on),
                        _text(starts_on + timedelta(days=days)) if starts_on else None, _text(done_on),
                    ),
                )

    def _write_principal(self, c: ViewCursor, principal: Principal) -> None:
        keys = [
            {
                "keyid": k.keyid, "jwk": k.jwk, "active_from": k.active_from, "active_until": k.active_until,
                "ended_by": k.ended_by, "reason": k.reason,
            }
            for k in principal.key_history.keys.values()
        ]
        c.execute(
            "INSERT INTO {dl_principals} VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (principal_id) DO UPDATE SET "
            "roles = excluded.roles, role_history = excluded.role_history, keys = excluded.keys, "
            "updated_at = excluded.updated_at",
            (
                str(principal.id), principal.name, principal.unit, principal.title, principal.kind,
                _text(principal.agency_id), dumps(principal.roles), dumps(principal.role_history), dumps(keys),
                format_time(principal.modified_on),
            ),
        )

    def _write_agency(self, c: ViewCursor, agency: Agency) -> None:
        c.execute(
            "INSERT INTO {dl_agencies} VALUES (?,?,?,?,?,?,?) ON CONFLICT (agency_id) DO UPDATE SET "
            "qualified = excluded.qualified, bad_credit = excluded.bad_credit, records = excluded.records, "
            "updated_at = excluded.updated_at",
            (
                str(agency.id), agency.name, agency.kind, int(agency.qualified), len(agency.bad_credit),
                dumps({"qualification": agency.qualification, "bad_credit": agency.bad_credit}),
                format_time(agency.modified_on),
            ),
        )

    def _write_decision(self, c: ViewCursor, decision: Decision) -> None:
        c.execute(
            "INSERT INTO {dl_decisions} VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (decision_id) DO UPDATE SET "
            "demonstrators = excluded.demonstrators, superior_evaluation = excluded.superior_evaluation",
            (
                str(decision.id), decision.jurisdiction, decision.title, decision.document_number,
                decision.organ, decision.decided_on, dumps(decision.demonstrators),
                dumps(decision.superior_evaluation),
            ),
        )


def _deadlines(case: EvaluationCase) -> list[tuple[str, date | None, date | None, int]]:
    """NX-11 runs from the decided start to the report; NX-12b from the report to submission."""
    started = date.fromisoformat(case.approval["decided_on"]) if case.approval else None
    finalised = china_date(case.report["at"]) if case.report else None
    submitted = china_date(case.submission["at"]) if case.submission else None
    (a11, d11), (a12, d12) = DEADLINES
    return [(a11, started, finalised, d11), (a12, finalised, submitted, d12)]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
