"""The ledger application: takes signed intents, judges them, records events (docs/architecture.md).

Load, call, save: each batch of signed intents is judged one by one (:mod:`domain.service.judging`),
the findings the rules raise are signed by the ledger's key (:mod:`domain.service.findings`), and
the accepted events are stored in one transaction. Persistence is the eventsourcing library's,
chosen by settings (``PERSISTENCE_MODULE`` …), so this module imports no database driver. The
ledger is also the :class:`~domain.model.aggregate.Directory` the aggregates and rules consult.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from threading import RLock, get_ident
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Recording,
)
from eventsourcing.persistence import IntegrityError

from domain import clock
from domain.errors import Conflict, LedgerError, NotFound, Replayed
from domain.evidence import hashing  # issue 20 — sm3
from domain.evidence.intent import Intent, SignedIntent
from domain.evidence.signing import Envelope, SigningKey
from domain.model.acts import stored_act
from domain.model.agency import Agency
from domain.model.aggregate import LedgerAggregate, LedgerEvent
from domain.model.case import EvaluationCase
from domain.model.decision import Decision
from domain.model.holidays import DEFAULT_PERIODS, Periods
from domain.model.organisation import Organisation
from domain.model.principal import Principal
from domain.model.sealing import KeyRing
from domain.service import genesis as genesis_
from domain.service.findings import Findings
from domain.service.genesis import Genesis, NewPrincipal
from domain.service.judging import Batch, Judge, Refusal, Spoilt
from domain.service.recorded import Recorded
from domain.service.snapshots import CaseRepository, CaseSnapshots, seal_key
from domain.service.working_set import WorkingSet

__all__ = ["Genesis", "Ledger", "NewPrincipal", "Recorded", "Sweep"]

T = TypeVar("T", bound=LedgerAggregate)

#: a refusal by the store itself: the intent's position was taken after it was judged
POSITION_TAKEN = (
    "同一版本上已记录了另一项操作：请重新读取后重新签署 / "
    "another action was recorded on this aggregate at the same version; read it again and sign a new intent"
)


@dataclass(frozen=True)
class Sweep:
    """What one deadline sweep stored, and what it could not judge (issue 18 point 5)."""

    raised: list[Recorded]
    undetermined: list[dict[str, Any]]


class Ledger(Application[UUID]):
    """决策评估账本. ``ledger_key`` (the key registered at genesis) signs the findings rules raise;
    a ledger opened without it records everything except those, and refuses an action whose rules
    raise one."""

    name = "DecisionLedger"

    def __init__(self, env: Any = None, ledger_key: SigningKey | None = None) -> None:
        super().__init__(env)
        #: cases replay from their latest snapshot at or below the version asked (derived data:
        #: verify never reads it); other aggregates are short and replay from their events
        self.case_snapshots = CaseSnapshots(self.factory.aggregate_recorder(purpose="snapshots"))
        self.cases = CaseRepository(self.repository, self.case_snapshots)
        self._ledger_key: SigningKey | None = None
        self.ledger_key = ledger_key
        self.keyring: KeyRing | None = None  # set by the service that keeps the data keys
        self.judge = Judge(self)
        self.findings = Findings(self)
        #: one batch of writes at a time per process; the working set is the writer's own
        self._write_lock = RLock()
        self._writer: int | None = None  # the thread judging a batch, while it does
        self.working_set = WorkingSet(self.recorder)
        self._genesis: Genesis | None = None
        self._hash_suite: str | None = None  # issue 20 — sm3: read from the genesis when first needed

    @property
    def ledger_key(self) -> SigningKey | None:
        return self._ledger_key

    @ledger_key.setter
    def ledger_key(self, key: SigningKey | None) -> None:
        """The ledger key also seals the case snapshots: without it, cases replay from events."""
        self._ledger_key = key
        self.case_snapshots.key = seal_key(key.sign) if key is not None else None

    # --- writing --------------------------------------------------------------------------

    def submit(self, envelope_json: Any) -> Recorded:
        """Judge one signed intent and record it, or raise and record nothing (but the finding
        of an attempt that is itself misconduct, NX-4 / XX-20)."""
        outcome = self.submit_many([envelope_json])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def submit_many(self, envelopes: Sequence[SignedIntent | Any]) -> list[Recorded | Exception]:
        """Group commit: judge each signed intent in turn, exactly as if it came alone after the
        ones before it (its own checks, rules and refusal), and store every accepted one — with
        the findings of refused attempts that are misconduct — in one transaction. Each intent's
        outcome is returned in order: what was recorded, or why it was refused (a
        :class:`LedgerError`; any other exception is a failure of that intent alone). An intent
        is given as its envelope's JSON, or already opened (:meth:`SignedIntent.open`).

        If the transaction fails (another process recorded on one of the same aggregates), or
        an intent fails after changing its aggregate, nothing of the batch is kept and each
        intent is judged and stored again alone, so every outcome is what it would have been
        one write at a time."""
        with self._write_lock, hashing.using(self.hash_suite):  # issue 20 — sm3
            self._writer = get_ident()
            try:
                outcomes = self._write(envelopes)
                if outcomes is None:  # the batch could not be kept as one: each intent alone
                    outcomes = [self._write_alone(envelope) for envelope in envelopes]
                return outcomes
            finally:
                self._writer = None

    def _write(self, envelopes: Sequence[Any]) -> list[Recorded | Exception] | None:
        """Judge and store a batch; None if it cannot be kept as one."""
        self.working_set.catch_up()
        now = clock.now()
        batch = Batch()
        with clock.using(clock.ManualClock(now)):
            for envelope in envelopes:
                outcome = self.judge.take(envelope, now, batch)
                if isinstance(outcome, Spoilt):
                    self.working_set.clear()  # an aggregate may be half changed: load afresh
                    if len(envelopes) > 1:
                        return None
                    if isinstance(outcome.error, LedgerError):
                        return [outcome.error]
                    raise outcome.error
                batch.outcomes.append(outcome)
            if not batch.events:
                return _results(batch)
            try:
                recordings = self.save(*batch.events)
            except IntegrityError:
                self.working_set.clear()
                return None if len(envelopes) > 1 else [self._position_taken(envelopes[0])]
            except BaseException:
                self.working_set.clear()
                raise
        for aggregate in batch.touched.values():
            self.working_set.keep(aggregate)
        self.working_set.committed([r.notification.id for r in recordings if r.notification])
        self._snapshot_cases(batch.events, batch.touched)
        self._destroy_shredded_keys(batch.events)
        return _results(batch, recordings)

    def _write_alone(self, envelope: Any) -> Recorded | Exception:
        """One intent judged and stored alone; a failure other than a refusal is its outcome."""
        try:
            outcomes = self._write([envelope])
        except Exception as error:  # noqa: BLE001 — that intent's outcome, as it would be alone
            return error
        return cast(list[Recorded | Exception], outcomes)[0]

    def _position_taken(self, envelope: Any) -> LedgerError:
        """The outcome of an intent whose events the store refused (its position was taken since
        it was judged): a replay if the stored event is this very intent, else a conflict."""
        signed = envelope if isinstance(envelope, SignedIntent) else SignedIntent.open(envelope)
        try:
            self.judge.replay_of(signed)
        except Replayed as replayed:
            return replayed
        return Conflict(POSITION_TAKEN)

    def _store(self, *aggregates: LedgerAggregate) -> list[Recorded]:
        """Save in one transaction; what was recorded, in order."""
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise Conflict(POSITION_TAKEN) from None
        return [Recorded.of(cast(LedgerEvent, r.domain_event), r) for r in recordings]

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        self._snapshot_cases(processing_event.events, processing_event.aggregates)

    def _snapshot_cases(self, events: Sequence[Any], aggregates: Mapping[UUID, Any]) -> None:
        """After the events are committed: snapshot each case that reached a multiple of the
        snapshot interval (a failure here loses nothing; the next long replay takes one)."""
        interval = self.case_snapshots.interval
        reached = {event.originator_id for event in events if event.originator_version % interval == 0}
        for aggregate_id in reached:
            aggregate = aggregates.get(aggregate_id)
            if isinstance(aggregate, EvaluationCase):
                self.case_snapshots.put(aggregate)

    def _destroy_shredded_keys(self, events: Sequence[LedgerEvent]) -> None:
        """NX-15 / XX-22: a shredding is recorded first, then its data key is destroyed, so no key
        is ever destroyed without an accountable record (a destruction that fails is done again
        by :func:`domain.service.shredding.shred_material`)."""
        if self.keyring is None:
            return
        for event in events:
            if event.TOPIC == EvaluationCase.MaterialShredded.TOPIC:  # type: ignore[attr-defined]
                self.keyring.destroy(stored_act(event).command.kid)

    def check_deadlines(self, *, periods: Periods = DEFAULT_PERIODS) -> list[Recorded]:
        """The deadline sweep (NX-11, NX-12b, XX-17's period): raise a finding on every case whose
        deadline has passed with nothing done, as of the clock's now. Each deadline is raised once
        per case."""
        return self.sweep(periods=periods).raised

    def sweep(self, *, periods: Periods = DEFAULT_PERIODS) -> Sweep:
        """The deadline sweep, with the deadlines it could not judge for want of a year's calendar
        (reported, nothing stored for them)."""
        now = clock.now()
        with self._write_lock, clock.using(clock.ManualClock(now)), hashing.using(self.hash_suite):
            changed, undetermined = self.findings.sweep_deadlines(periods=periods)
            return Sweep([recorded for case in changed for recorded in self._store(case)], undetermined)

    # --- genesis ----------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return bool(self.recorder.max_notification_id())

    def initialise(self, ledger_key: SigningKey, *administrators: NewPrincipal, hash_suite: str = "sha256"
                   ) -> Genesis:
        """创世 (:mod:`domain.service.genesis`), on an empty store only, with two founding
        administrators at least (dual control, issue 16 point 2); ``hash_suite`` "sm3" makes a
        ledger whose events and chains are hashed with SM3 (issue 20, docs/spec.md §22.4)."""
        if self.is_initialised():
            raise Conflict("此存储已有账本：每个存储只初始化一次 / this store already holds a ledger; init runs once per store")
        with hashing.using(hash_suite):
            ledger, founded = genesis_.found(ledger_key, administrators, self, hash_suite)
            self._store(ledger, *founded)
        self._hash_suite = hash_suite
        self.ledger_key = self.ledger_key or ledger_key
        return Genesis(ledger.id, ledger_key.keyid, founded[0].id, tuple(p.id for p in founded))

    def namesakes(self, name: str, unit: str) -> list[Principal]:
        """The principals registered under this name in this unit (issue 16 point 2): a scan of
        the registrations, which are few and rare."""
        found: list[Principal] = []
        last = 0
        while True:
            rows = self.recorder.select_notifications(
                start=last, limit=500, topics=[Principal.Registered.TOPIC], inclusive_of_start=False)
            if not rows:
                return found
            for row in rows:
                principal = self.find(UUID(str(row.originator_id)), Principal)
                if principal is not None and principal.name == name and principal.unit == unit:
                    found.append(principal)
            last = rows[-1].id

    @property
    def hash_suite(self) -> str:
        """issue 20 — sm3: "sm3" if the genesis chose SM3 for event hashes and chains, else
        "sha256" (an empty store too), read once from the genesis's signed arguments."""
        if self._hash_suite is None:
            first = self.recorder.select_notifications(start=None, limit=1)
            if not first:
                return hashing.SHA256
            event = self.stored_event(UUID(str(first[0].originator_id)), 1)
            args = Intent.decode(Envelope.from_json(event.envelope).payload).args if event is not None else None
            self._hash_suite = hashing.suite_of(args)
        return self._hash_suite

    def genesis(self) -> Genesis:
        """The ledger principal and its founding administrators, read from the first events:
        the principals registered in the genesis transaction (one in a ledger made before
        issue 16, two or more since)."""
        if self._genesis is not None:
            return self._genesis
        first = self.recorder.select_notifications(start=None, limit=12)
        if len(first) < 2:
            raise NotFound("此存储中没有账本：请先运行 `decision-ledger init` / this store holds no ledger; run `decision-ledger init` first")
        ledger = self.find(UUID(str(first[0].originator_id)), Principal)
        if ledger is None:
            raise NotFound("the store's first event is not the ledger's genesis")
        founded: list[UUID] = []
        for row in first[1:]:
            administrator = self.find(UUID(str(row.originator_id)), Principal) \
                if row.topic == Principal.Registered.TOPIC else None
            if administrator is None or (founded and administrator.created_on != ledger.created_on):
                break
            founded.append(administrator.id)
        keyid = next(iter(ledger.key_history.keys))
        self._genesis = Genesis(ledger.id, keyid, founded[0], tuple(founded))
        return self._genesis

    # --- reading (the Directory the aggregates consult) --------------------------------------

    def find(self, aggregate_id: UUID, kind: type[T]) -> T | None:
        """The aggregate as it stands now, if there is one of this kind (the Directory the
        aggregates and rules consult)."""
        if self._writer == get_ident():  # judging a batch: the writer's own working set
            aggregate: object = self.working_set.get(aggregate_id)
            if aggregate is None:
                try:
                    aggregate = self.cases.get(aggregate_id)
                except AggregateNotFoundError:
                    return None
                self.working_set.keep(cast(LedgerAggregate, aggregate))
            return aggregate if isinstance(aggregate, kind) else None
        repository = self.cases if issubclass(kind, EvaluationCase) else self.repository
        try:
            aggregate = repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None

    def find_case(self, case_id: UUID, version: int | None = None) -> EvaluationCase | None:
        try:
            aggregate: object = self.cases.get(case_id, version=version)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, EvaluationCase) else None

    def stored_event_hash(self, aggregate_id: UUID, version: int) -> str | None:
        for event in self.events.get(aggregate_id, gt=version - 1, lte=version):
            return cast(LedgerEvent, event).hash
        return None

    def stored_event(self, aggregate_id: UUID, version: int) -> LedgerEvent | None:
        for event in self.events.get(aggregate_id, gt=version - 1, lte=version):
            return cast(LedgerEvent, event)
        return None

    def case_ids(self) -> list[UUID]:
        """Every case, in the order opened."""
        return self._created(EvaluationCase.Opened.TOPIC)

    def organisation_ids(self) -> list[UUID]:
        """Every organisation, in the order registered."""
        return self._created(Organisation.Registered.TOPIC)

    def _created(self, topic: str) -> list[UUID]:
        ids: list[UUID] = []
        last = 0
        while True:
            rows = self.recorder.select_notifications(
                start=last, limit=500, topics=[topic], inclusive_of_start=False
            )
            if not rows:
                return ids
            ids.extend(UUID(str(row.originator_id)) for row in rows)
            last = rows[-1].id

    def get_case(self, case_id: UUID, version: int | None = None) -> EvaluationCase:
        case = self.find_case(case_id, version)
        if case is None:
            raise NotFound(f"没有评估案件 {case_id} / no evaluation case {case_id}")
        return case

    def get_organisation(self, organisation_id: UUID) -> Organisation:
        return self._get(organisation_id, Organisation)

    def get_principal(self, principal_id: UUID) -> Principal:
        return self._get(principal_id, Principal)

    def get_decision(self, decision_id: UUID) -> Decision:
        return self._get(decision_id, Decision)

    def get_agency(self, agency_id: UUID) -> Agency:
        return self._get(agency_id, Agency)

    def _get(self, aggregate_id: UUID, kind: type[T]) -> T:
        found = self.find(aggregate_id, kind)
        if found is None:
            raise NotFound(f"没有编号为 {aggregate_id} 的记录 / no {kind.__name__} {aggregate_id}")
        return found

    def version_of(self, aggregate_id: UUID) -> int:
        """The current version of any aggregate (0 if it does not exist): what a signer puts
        in ``expected_version``."""
        found = self.find(aggregate_id, LedgerAggregate)
        return found.version if found else 0



def _results(batch: Batch, recordings: Sequence[Recording[UUID]] = ()) -> list[Recorded | Exception]:
    """Each intent's outcome: what was recorded (with its notification id), or its refusal."""
    ids = {(r.domain_event.originator_id, r.domain_event.originator_version): r for r in recordings}
    return [
        outcome.error if isinstance(outcome, Refusal) else Recorded.of(
            outcome.event, ids.get((outcome.event.originator_id, outcome.event.originator_version)), outcome.findings)
        for outcome in batch.outcomes
    ]
