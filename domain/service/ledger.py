"""The ledger application service: takes signed intents, judges them, records events.

One call per action, all alike (:meth:`Ledger.submit`)::

    open the envelope → find the actor and the signing key → key active now, signer's clock
    within the allowed skew → signature over the signed bytes → parse the command from the
    signed args → standing role → load the target at the signed expected version → the
    aggregate's method (step order, membership) → store the event (the envelope verbatim,
    its time, its chain links) in one transaction

Every failure raises a :class:`domain.errors.LedgerError` and stores nothing. Persistence is
the eventsourcing library's, chosen by settings (``PERSISTENCE_MODULE`` …), so this module
imports no database driver.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from threading import RLock, get_ident
from typing import Any, TypeVar, cast
from uuid import UUID, uuid4

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Recording,
)
from eventsourcing.persistence import IntegrityError

from domain import clock
from domain.errors import (
    Conflict,
    IntentTimeInvalid,
    KeyNotActive,
    LedgerError,
    LedgerKeyMissing,
    MalformedInput,
    NotFound,
    NotPermitted,
    Replayed,
)
from domain.evidence.intent import MAX_CLOCK_SKEW, SignedIntent, sign_intent
from domain.evidence.signing import SigningKey
from domain.evidence.times import format_time
from domain.model.actions import ActionSpec, action
from domain.model.acts import Act, new_intent
from domain.model.agency import Agency
from domain.model.aggregate import Context, LedgerAggregate, LedgerEvent
from domain.model.case import EvaluationCase
from domain.model.commands.case import RaiseFinding
from domain.model.commands.principal import RegisterPrincipal
from domain.model.decision import Decision
from domain.model.principal import Principal
from domain.model.rules import rulebook_for
from domain.model.rules.base import SWEEP, EventRef, Finding, Judgement, Rule, Rulebook, Verdicts
from domain.model.sealing import KeyRing
from domain.model.vocabulary import PrincipalKind, Role
from domain.service.snapshots import CaseRepository, CaseSnapshots, seal_key
from domain.service.working_set import WorkingSet

T = TypeVar("T", bound=LedgerAggregate)

LEDGER_PRINCIPAL_NAME = "决策账本 Decision Ledger"
#: a refusal by the store itself: the intent's position was taken after it was judged
POSITION_TAKEN = (
    "another action was recorded on this aggregate at the same version; read it again and sign a new intent"
)


@dataclass(frozen=True)
class Recorded:
    """What was stored for one accepted intent."""

    aggregate_id: UUID
    version: int
    event: str  # the event's name, e.g. "MaterialExcluded"
    topic: str
    event_hash: str
    recorded_at: datetime
    notification_id: int | None
    findings: tuple[str, ...] = ()  # rule ids of the findings raised with it

    @classmethod
    def of(cls, event: LedgerEvent, recording: Recording[UUID] | None, findings: tuple[str, ...] = ()) -> Recorded:
        """What was stored for ``event`` (its notification id from ``recording``, if any)."""
        return cls(
            aggregate_id=event.originator_id,
            version=event.originator_version,
            event=type(event).__name__,
            topic=type(event).TOPIC,  # type: ignore[attr-defined]
            event_hash=event.hash,
            recorded_at=event.timestamp,
            notification_id=recording.notification.id if recording and recording.notification else None,
            findings=findings,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "aggregate_id": str(self.aggregate_id),
            "version": self.version,
            "event": self.event,
            "topic": self.topic,
            "hash": self.event_hash,
            "recorded_at": format_time(self.recorded_at),
            "notification_id": self.notification_id,
            "findings": list(self.findings),
        }


@dataclass(frozen=True)
class NewPrincipal:
    """A person to register, described by their public key only."""

    name: str
    unit: str
    roles: list[Role]
    public_jwk: dict[str, str]
    title: str = ""


@dataclass(frozen=True)
class Genesis:
    ledger_id: UUID
    ledger_keyid: str
    administrator_id: UUID


@dataclass(frozen=True)
class _Accepted:
    """An intent of a batch, judged and performed: its event, pending until the batch commits."""

    event: LedgerEvent
    findings: tuple[str, ...]


class _AttemptRecorded(Exception):
    """A refused attempt whose finding was recorded on its case (stored with the batch)."""

    def __init__(self, refusal: LedgerError) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


class _Poisoned(Exception):
    """An intent was refused after it had changed its aggregate."""

    def __init__(self, error: LedgerError) -> None:
        super().__init__(str(error))
        self.error = error


_POISONED = object()  # an intent failed after changing an aggregate: the batch cannot be kept


@dataclass
class _Batch:
    """The intents of one group commit: each one's outcome, and the aggregates they changed."""

    outcomes: list[_Accepted | LedgerError] = field(default_factory=list)
    touched: dict[UUID, LedgerAggregate] = field(default_factory=dict)
    #: every event to store, in the order the intents were judged: the log's order is the order
    #: of judgement (an act may rely on one before it in the batch, e.g. a key just added)
    events: list[LedgerEvent] = field(default_factory=list)
    failed: Exception | None = None  # why the batch cannot be kept

    def touch(self, aggregate: LedgerAggregate) -> None:
        """Take the aggregate's new events into the batch, in order."""
        self.touched[aggregate.id] = aggregate
        self.events.extend(cast(list[LedgerEvent], aggregate.collect_events()))

    def pending(self, aggregate_id: UUID, version: int) -> list[LedgerEvent]:
        return [e for e in self.events if e.originator_id == aggregate_id and e.originator_version == version]

    def results(self, recordings: Sequence[Recording[UUID]] = ()) -> list[Recorded | Exception]:
        ids = {(r.domain_event.originator_id, r.domain_event.originator_version): r for r in recordings}
        return [
            outcome if isinstance(outcome, LedgerError) else _recorded(outcome, ids)
            for outcome in self.outcomes
        ]


def _recorded(accepted: _Accepted, recordings: dict[tuple[UUID, int], Recording[UUID]]) -> Recorded:
    event = accepted.event
    return Recorded.of(event, recordings.get((event.originator_id, event.originator_version)), accepted.findings)


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
        #: one batch of writes at a time per process; the working set is the writer's own
        self._write_lock = RLock()
        self._writer: int | None = None  # the thread judging a batch, while it does
        self.working_set = WorkingSet(self.recorder)
        self._genesis: Genesis | None = None

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
        with self._write_lock:
            self._writer = get_ident()
            try:
                return self._submit_batch(envelopes)
            finally:
                self._writer = None

    def _submit_batch(self, envelopes: Sequence[Any]) -> list[Recorded | Exception]:
        self.working_set.catch_up()
        now = clock.now()
        batch = _Batch()
        with clock.using(clock.ManualClock(now)):
            for envelope_json in envelopes:
                outcome = self._take(envelope_json, now, batch)
                if outcome is _POISONED:
                    self.working_set.clear()  # an aggregate may be half changed: load afresh
                    if len(envelopes) > 1:
                        return self._one_at_a_time(envelopes)
                    if isinstance(batch.failed, LedgerError):
                        return [batch.failed]
                    raise cast(Exception, batch.failed)
                batch.outcomes.append(outcome)
            if not batch.events:
                return batch.results()
            try:
                recordings = self.save(*batch.events)
            except IntegrityError:
                self.working_set.clear()
                if len(envelopes) > 1:
                    return self._one_at_a_time(envelopes)
                return [self._conflict_of(envelopes[0])]
            except BaseException:
                self.working_set.clear()
                raise
        for aggregate in batch.touched.values():
            self.working_set.keep(aggregate)
        self.working_set.committed([r.notification.id for r in recordings if r.notification])
        self._snapshot_cases(batch.events, batch.touched)
        return batch.results(recordings)

    def _one_at_a_time(self, envelopes: Sequence[Any]) -> list[Recorded | Exception]:
        """Each intent judged and stored alone, in order; an intent that fails other than by a
        refusal gets that failure as its outcome, and the others still theirs."""
        self.working_set.clear()
        outcomes: list[Recorded | Exception] = []
        for envelope_json in envelopes:
            try:
                outcomes.extend(self._submit_batch([envelope_json]))
            except Exception as error:  # noqa: BLE001 — that intent's outcome, as it would be alone
                outcomes.append(error)
        return outcomes

    def _conflict_of(self, envelope_json: Any) -> LedgerError:
        """The outcome of an intent whose events the store refused (its position was taken since
        it was judged): a replay if the stored event is this very intent, else a conflict."""
        signed = envelope_json if isinstance(envelope_json, SignedIntent) else SignedIntent.open(envelope_json)
        try:
            self._replay_of(signed)
        except Replayed as replayed:
            return replayed
        return Conflict(POSITION_TAKEN)

    def _take(self, envelope_json: Any, now: datetime, batch: _Batch) -> Any:
        """One intent of a batch: its pending events on the batch's aggregates, or the error
        that refuses it (``_POISONED`` if it failed after changing an aggregate, or not with a
        refusal: then nothing of the batch can be kept)."""
        try:
            signed = envelope_json if isinstance(envelope_json, SignedIntent) else SignedIntent.open(envelope_json)
            spec = action(signed.intent.action)
            actor = self._authenticate(signed, now)
            self._check_replay(signed, batch)
            return self._judge_and_record(signed, spec, actor, now, batch)
        except _AttemptRecorded as recorded:
            return recorded.refusal
        except _Poisoned as poisoned:
            batch.failed = poisoned.error
            return _POISONED
        except LedgerError as error:
            return error
        except Exception as error:  # noqa: BLE001 — not a refusal: judged again alone, where it is raised
            batch.failed = error
            return _POISONED

    def _judge_and_record(
        self, signed: SignedIntent, spec: ActionSpec, actor: Principal, now: datetime, batch: _Batch
    ) -> _Accepted:
        intent = signed.intent
        command = spec.command.parse(intent.args)
        ctx = Context(actor=actor, directory=self, now=now, keyring=self.keyring)
        self._authorise(spec, actor)
        target = self._target(spec, intent)
        rulebook = self._rulebook(spec, command, target)
        act = Act(signed.envelope, intent, command, rulebook.ref if rulebook else "")
        verdicts = self._judge(rulebook, spec, act, ctx, target)
        refusal = verdicts.refused()
        if refusal is not None:
            if self._record_attempt(verdicts, rulebook, target, signed, ctx):
                batch.touch(cast(LedgerAggregate, target))
                raise _AttemptRecorded(refusal)
            raise refusal
        try:
            aggregate = self._perform(spec, act, ctx, target)
            findings = self._raise_findings(rulebook, verdicts.findings, aggregate, ctx)
        except LedgerError as error:
            if target is not None and target.pending_events:
                raise _Poisoned(error) from error
            raise
        accepted = _Accepted(cast(LedgerEvent, aggregate.pending_events[0]), tuple(f.rule.id for f in findings))
        batch.touch(aggregate)
        return accepted

    def _check_replay(self, signed: SignedIntent, batch: _Batch) -> None:
        """Raise :class:`Replayed` if this signed intent's position is taken by this very intent
        (only a taken position can hold it)."""
        held = self.find(signed.intent.target, LedgerAggregate)
        if held is not None and held.version > signed.intent.expected_version:
            self._replay_of(signed, batch)

    def _replay_of(self, signed: SignedIntent, batch: _Batch | None = None) -> None:
        """Raise :class:`Replayed` if exactly this signed intent is already stored (or is
        pending in this batch)."""
        intent = signed.intent
        position = intent.expected_version + 1
        stored_events: list[Any] = batch.pending(intent.target, position) if batch is not None else []
        stored_events = stored_events or list(self.events.get(intent.target, gt=position - 1, lte=position))
        for event in stored_events:
            stored = cast(LedgerEvent, event).envelope
            if stored == signed.envelope.to_json():
                raise Replayed(
                    f"this signed intent is already recorded as {intent.target} version {position}",
                    aggregate_id=str(intent.target),
                    version=position,
                )

    def _target(self, spec: ActionSpec, intent: Any) -> LedgerAggregate | None:
        """The aggregate the intent addresses, at the version it was signed against."""
        if spec.creates:
            if intent.expected_version != 0:
                raise Conflict(f"{spec.name} creates; its expected_version must be 0")
            if self.find(intent.target, LedgerAggregate) is not None:
                raise Conflict(f"{intent.target} already exists; choose a new id")
            return None
        aggregate = self.find(intent.target, spec.aggregate)
        if aggregate is None:
            raise NotFound(f"no {spec.aggregate.__name__} {intent.target}")
        if aggregate.version != intent.expected_version:
            raise Conflict(
                f"{spec.aggregate.__name__} {intent.target} is at version {aggregate.version}, "
                f"the intent was signed against version {intent.expected_version}: "
                "read it again and sign a new intent"
            )
        return aggregate

    @staticmethod
    def _rulebook(spec: ActionSpec, command: Any, target: LedgerAggregate | None) -> Rulebook | None:
        """Case actions are judged by the case's text; opening, by the text the case names."""
        if spec.aggregate is not EvaluationCase:
            return None
        if isinstance(target, EvaluationCase):
            return rulebook_for(target.jurisdiction)
        return rulebook_for(command.jurisdiction)

    @staticmethod
    def _judge(
        rulebook: Rulebook | None,
        spec: ActionSpec,
        act: Act[Any],
        ctx: Context,
        target: LedgerAggregate | None,
    ) -> Verdicts:
        if rulebook is None:
            return Verdicts(None, ())
        case = target if isinstance(target, EvaluationCase) else None
        return rulebook.judge(Judgement(spec.name, act, ctx, case, rulebook.jurisdiction))

    def _perform(
        self, spec: ActionSpec, act: Act[Any], ctx: Context, target: LedgerAggregate | None
    ) -> LedgerAggregate:
        if target is None:
            created: LedgerAggregate = getattr(spec.aggregate, spec.method)(act, ctx)
            return created
        getattr(target, spec.method)(act, ctx)
        return target

    def _authenticate(self, signed: SignedIntent, now: datetime) -> Principal:
        intent = signed.intent
        skew = abs(intent.signed_at - now)
        if skew > MAX_CLOCK_SKEW:
            raise IntentTimeInvalid(
                f"the intent was signed at {format_time(intent.signed_at)}, "
                f"{int(skew.total_seconds())} s from the ledger's clock "
                f"({format_time(now)}); at most {int(MAX_CLOCK_SKEW.total_seconds())} s "
                "are allowed: sign again with a correct clock"
            )
        actor = self.find(intent.actor, Principal)
        if actor is None:
            raise KeyNotActive(f"the signer {intent.actor} is not a registered principal")
        record = actor.key(signed.keyid)
        if record is None:
            raise KeyNotActive(f"key {signed.keyid} is not a key of {actor.name} ({actor.id})")
        refusal = record.refusal(intent.signed_at, now)  # the rule every verifier holds it to
        if refusal:
            raise KeyNotActive(f"{refusal}: sign again with an active key")
        signed.envelope.verify(record.public_key)
        return actor

    @staticmethod
    def _authorise(spec: ActionSpec, actor: Principal) -> None:
        if spec.roles is not None and not any(actor.has_role(role) for role in spec.roles):
            allowed = ", ".join(sorted(role.value for role in spec.roles))
            raise NotPermitted(
                f"{spec.name} needs one of the roles {allowed}; "
                f"{actor.name} has {', '.join(actor.roles) or 'none'}",
                article=spec.article,
            )

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

    # --- findings the rules raise ------------------------------------------------------------

    def _raise_findings(
        self,
        rulebook: Rulebook | None,
        findings: tuple[Finding, ...],
        aggregate: LedgerAggregate,
        ctx: Context,
    ) -> tuple[Finding, ...]:
        """Record each flag as a finding on the case, right after the event it judged."""
        if not findings or rulebook is None:
            return ()
        case = cast(EvaluationCase, aggregate)
        judged = case.pending_events[0] if case.pending_events else None
        this_event = (
            EventRef(case.id, judged.originator_version, cast(LedgerEvent, judged).hash)
            if judged is not None
            else None
        )
        for finding in findings:
            cited = list(finding.flag.cited)
            if finding.flag.cite_this_event and this_event is not None:
                cited.append(this_event)
            self._raise(case, rulebook, finding.rule, finding.flag.zh, finding.flag.en,
                        finding.flag.persons, cited, dict(finding.flag.figures), ctx.now)
        return findings

    def _raise(
        self,
        case: EvaluationCase,
        rulebook: Rulebook,
        rule: Rule,
        zh: str,
        en: str,
        persons: tuple[UUID, ...],
        cited: list[EventRef],
        figures: dict[str, Any],
        now: datetime,
        attempt: dict[str, Any] | None = None,
    ) -> None:
        key, ledger = self._ledger_signer()
        args: dict[str, Any] = {
            "articles": list(rule.articles),
            "cited_events": [ref.to_json() for ref in cited],
            "figures": figures,
            "finding_id": str(uuid4()),
            "persons": [str(p) for p in dict.fromkeys(persons)],
            "rule": rule.id,
            "rulebook": rulebook.ref,
            "summary_en": en,
            "summary_zh": zh,
        }
        if attempt is not None:
            args["attempt"] = attempt
        intent = new_intent(ledger.id, RaiseFinding.ACTION, case.id, case.version, args)
        act = Act(sign_intent(key, intent), intent, RaiseFinding.parse(args), rulebook.ref)
        case.raise_finding(act, Context(actor=ledger, directory=self, now=now))

    def _record_attempt(
        self,
        verdicts: Verdicts,
        rulebook: Rulebook | None,
        target: LedgerAggregate | None,
        signed: SignedIntent,
        ctx: Context,
    ) -> bool:
        """A refused attempt that is itself misconduct (转包) is recorded as a finding only, with
        the person's signed attempt embedded as the evidence (stored with the batch): True if
        it was."""
        if verdicts.refusal is None or rulebook is None or not isinstance(target, EvaluationCase):
            return False
        rule, refuse = verdicts.refusal
        if not refuse.record_attempt:
            return False
        entrusted = [
            EventRef.of(target.id, entry)
            for agency_id, entry in target.agencies.items()
            if ctx.actor.agency_id is not None and agency_id == str(ctx.actor.agency_id)
        ]
        self._raise(target, rulebook, rule, refuse.zh, refuse.en, refuse.persons or (ctx.actor.id,),
                    entrusted, {"attempted_action": signed.intent.action}, ctx.now,
                    attempt=signed.envelope.to_json())
        return True

    def _ledger_signer(self) -> tuple[SigningKey, Principal]:
        if self.ledger_key is None:
            raise LedgerKeyMissing(
                "this action raises a finding, which the ledger signs with its own key; "
                "open the ledger with its key (ledger.pem in the keys directory)"
            )
        ledger = self.get_principal(self.genesis().ledger_id)
        if not ledger.key_active_at(self.ledger_key.keyid, clock.now()):
            raise LedgerKeyMissing(f"key {self.ledger_key.keyid} is not the ledger's active key")
        return self.ledger_key, ledger

    def check_deadlines(self) -> list[Recorded]:
        """The deadline sweep (NX-11, NX-12b): raise a finding on every case whose deadline has
        passed with nothing done, as of the clock's now. Each deadline is raised once per case."""
        raised: list[Recorded] = []
        now = clock.now()
        with self._write_lock, clock.using(clock.ManualClock(now)):
            _, ledger = self._ledger_signer()
            ctx = Context(actor=ledger, directory=self, now=now)
            for case_id in self.case_ids():
                case = self.get_case(case_id)
                rulebook = rulebook_for(case.jurisdiction)
                verdicts = rulebook.judge(Judgement(SWEEP, None, ctx, case, rulebook.jurisdiction))
                if verdicts.findings:
                    self._raise_findings(rulebook, verdicts.findings, case, ctx)
                    raised.extend(self._store(case))
        return raised

    # --- genesis ----------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return bool(self.recorder.max_notification_id())

    def initialise(self, ledger_key: SigningKey, administrator: NewPrincipal) -> Genesis:
        """创世: the ledger's own principal (self-signed by the ledger key) and the first
        administrator (signed by the ledger key), in one transaction on an empty store."""
        if self.is_initialised():
            raise Conflict("this store already holds a ledger; init runs once per store")
        now = clock.now()
        ledger_id, administrator_id = uuid4(), uuid4()
        with clock.using(clock.ManualClock(now)):
            founding = self._ledger_act(
                ledger_key,
                ledger_id,
                {
                    "kind": PrincipalKind.SYSTEM.value,
                    "name": LEDGER_PRINCIPAL_NAME,
                    "public_keys": [ledger_key.public_key.jwk],
                    "roles": [Role.LEDGER.value],
                    "unit": LEDGER_PRINCIPAL_NAME,
                },
                target=ledger_id,
            )
            ledger = Principal.found_ledger(founding)
            enrolment = self._ledger_act(
                ledger_key,
                ledger_id,
                {
                    "kind": PrincipalKind.PERSON.value,
                    "name": administrator.name,
                    "public_keys": [administrator.public_jwk],
                    "roles": sorted({Role.ADMINISTRATOR.value, *(r.value for r in administrator.roles)}),
                    "title": administrator.title,
                    "unit": administrator.unit,
                },
                target=administrator_id,
            )
            first_administrator = Principal.register(
                enrolment, Context(actor=ledger, directory=self, now=now)
            )
            self._store(ledger, first_administrator)
        self.ledger_key = self.ledger_key or ledger_key
        return Genesis(ledger_id, ledger_key.keyid, administrator_id)

    @staticmethod
    def _ledger_act(
        key: SigningKey, ledger_id: UUID, args: dict[str, Any], target: UUID
    ) -> Act[RegisterPrincipal]:
        intent = new_intent(ledger_id, RegisterPrincipal.ACTION, target, 0, args)
        envelope = sign_intent(key, intent)
        return Act(envelope, intent, RegisterPrincipal.parse(args))

    def genesis(self) -> Genesis:
        """The ledger principal and first administrator, read from the first two events."""
        if self._genesis is not None:
            return self._genesis
        first = self.recorder.select_notifications(start=None, limit=2)
        if len(first) < 2:
            raise NotFound("this store holds no ledger; run `decision-ledger init` first")
        ledger_id, administrator_id = UUID(str(first[0].originator_id)), UUID(str(first[1].originator_id))
        ledger = self.find(ledger_id, Principal)
        if ledger is None:
            raise NotFound("the store's first event is not the ledger's genesis")
        keyid = next(iter(ledger.key_history.keys))
        self._genesis = Genesis(ledger_id, keyid, administrator_id)
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

    def case_ids(self) -> list[UUID]:
        """Every case, in the order opened."""
        ids: list[UUID] = []
        last = 0
        while True:
            rows = self.recorder.select_notifications(
                start=last, limit=500, topics=[EvaluationCase.Opened.TOPIC], inclusive_of_start=False
            )
            if not rows:
                return ids
            ids.extend(UUID(str(row.originator_id)) for row in rows)
            last = rows[-1].id

    def get_case(self, case_id: UUID, version: int | None = None) -> EvaluationCase:
        case = self.find_case(case_id, version)
        if case is None:
            raise NotFound(f"no evaluation case {case_id}")
        return case

    def get_principal(self, principal_id: UUID) -> Principal:
        return self._get(principal_id, Principal)

    def get_decision(self, decision_id: UUID) -> Decision:
        return self._get(decision_id, Decision)

    def get_agency(self, agency_id: UUID) -> Agency:
        return self._get(agency_id, Agency)

    def _get(self, aggregate_id: UUID, kind: type[T]) -> T:
        found = self.find(aggregate_id, kind)
        if found is None:
            raise NotFound(f"no {kind.__name__} {aggregate_id}")
        return found

    def version_of(self, aggregate_id: UUID) -> int:
        """The current version of any aggregate (0 if it does not exist): what a signer puts
        in ``expected_version``."""
        found = self.find(aggregate_id, LedgerAggregate)
        return found.version if found else 0

    def parse_id(self, text: str) -> UUID:
        try:
            return UUID(text)
        except ValueError:
            raise MalformedInput(f"{text!r} is not a UUID") from None
