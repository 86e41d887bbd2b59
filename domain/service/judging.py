"""Judging one signed intent: authenticate, authorise, judge, perform.

::

    open the envelope → find the actor and the signing key → signer's clock within the allowed
    skew, key active when signed and now → signature over the signed bytes → not already
    recorded → parse the command from the signed args → standing role → load the target at the
    signed expected version → the rulebook of the case's text (refuse, or flag) → the
    aggregate's method (step order, membership) → the findings the rules raise

Each intent ends in one :data:`Outcome`, returned, never raised: the event it adds to the batch
(:class:`Accepted`), the refusal that stores nothing of it (:class:`Refusal`, which may carry the
finding of an attempt that is itself misconduct, kept with the batch), or a failure after it
changed an aggregate (:class:`Spoilt`), after which nothing of the batch can be kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from domain.errors import (
    Conflict,
    IntentTimeInvalid,
    KeyNotActive,
    LedgerError,
    NotFound,
    NotPermitted,
    Refused,
    Replayed,
)
from domain.evidence.intent import MAX_CLOCK_SKEW, SignedIntent
from domain.evidence.times import format_time
from domain.model.accountability import Accountability
from domain.model.actions import ActionSpec, action
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerAggregate, LedgerEvent
from domain.model.case import EvaluationCase
from domain.model.decision import Decision
from domain.model.organisation import Organisation, acts_within
from domain.model.principal import Principal
from domain.model.rules import rulebook_for
from domain.model.rules.base import Judgement, Refuse, Rule, Rulebook, Verdicts
from domain.model.vocabulary import SCOPED_ROLES
from domain.model.words import action_words, role_words

if TYPE_CHECKING:
    from domain.service.ledger import Ledger


@dataclass(frozen=True)
class Accepted:
    """An intent judged and performed: its event, pending until the batch commits."""

    event: LedgerEvent
    findings: tuple[str, ...]  # rule ids of the findings raised with it


@dataclass(frozen=True)
class Refusal:
    """An intent refused; nothing of it is stored (but the finding of a misconduct attempt)."""

    error: LedgerError


@dataclass(frozen=True)
class Spoilt:
    """An intent that failed after changing an aggregate, or not with a refusal: the batch it is in
    cannot be kept, and is judged again one intent at a time."""

    error: Exception


Outcome = Accepted | Refusal | Spoilt


@dataclass
class Batch:
    """The intents of one group commit: each one's outcome, and the aggregates they changed."""

    outcomes: list[Accepted | Refusal] = field(default_factory=list)
    touched: dict[UUID, LedgerAggregate] = field(default_factory=dict)
    #: every event to store, in the order the intents were judged: the log's order is the order
    #: of judgement (an act may rely on one before it in the batch, e.g. a key just added)
    events: list[LedgerEvent] = field(default_factory=list)

    def touch(self, aggregate: LedgerAggregate) -> None:
        """Take the aggregate's new events into the batch, in order."""
        self.touched[aggregate.id] = aggregate
        self.events.extend(cast(list[LedgerEvent], aggregate.collect_events()))

    def pending(self, aggregate_id: UUID, version: int) -> list[LedgerEvent]:
        return [e for e in self.events if e.originator_id == aggregate_id and e.originator_version == version]


class Judge:
    """Judges intents for a ledger, one at a time, into a batch."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def take(self, envelope: SignedIntent | Any, now: datetime, batch: Batch) -> Outcome:
        """One intent of a batch, judged as if it came alone after the ones before it."""
        target: LedgerAggregate | None = None
        try:
            signed = envelope if isinstance(envelope, SignedIntent) else SignedIntent.open(envelope)
            spec = action(signed.intent.action)
            actor = self.authenticate(signed, now)
            self.replay_of(signed, batch, only_if_taken=True)
            command = spec.command.parse(signed.intent.args)
            self.authorise(spec, actor)
            target = self._target(spec, signed)
            in_scope = self.within_scope(spec, actor, command, target)
            rulebook = self._rulebook(spec, command, target)
            act = Act(signed.envelope, signed.intent, command, rulebook.ref if rulebook else "")
            ctx = Context(actor=actor, directory=self.ledger, now=now, keyring=self.ledger.keyring,
                          in_scope=in_scope, ledger_id=self.ledger.genesis().ledger_id)
            verdicts = self._judge(rulebook, spec, act, ctx, target)
            if verdicts.refusal is not None:
                return self._refused(verdicts.refusal, rulebook, target, signed, ctx, batch)
            aggregate = self._perform(spec, act, ctx, target)
            if verdicts.findings and rulebook is not None:
                self.ledger.findings.raise_all(rulebook, verdicts.findings, cast(EvaluationCase, aggregate), now)
        except LedgerError as error:
            if target is not None and target.pending_events:
                return Spoilt(error)
            return Refusal(error)
        except Exception as error:  # noqa: BLE001 — not a refusal: judged again alone, where it is raised
            return Spoilt(error)
        accepted = Accepted(cast(LedgerEvent, aggregate.pending_events[0]),
                            tuple(f.rule.id for f in verdicts.findings) if rulebook is not None else ())
        batch.touch(aggregate)
        return accepted

    def _refused(self, refusal: tuple[Rule, Refuse], rulebook: Rulebook | None, target: LedgerAggregate | None,
                 signed: SignedIntent, ctx: Context, batch: Batch) -> Refusal:
        """The refusal of a rule; an attempt that is itself misconduct is kept as a finding on
        its case, stored with the batch."""
        rule, refuse = refusal
        if refuse.record_attempt and rulebook is not None and isinstance(target, EvaluationCase):
            self.ledger.findings.record_attempt(target, rulebook, rule, refuse, signed, ctx)
            batch.touch(target)
        return Refusal(Refused(rule.articles[0], refuse.zh, refuse.en, rule=rule.id))

    def authenticate(self, signed: SignedIntent, now: datetime) -> Principal:
        """The signer, whose key was active when they signed and is now, and whose signature
        holds over the signed bytes."""
        intent = signed.intent
        skew = abs(intent.signed_at - now)
        if skew > MAX_CLOCK_SKEW:
            raise IntentTimeInvalid(
                f"签署时间 {format_time(intent.signed_at)} 与账本时钟（{format_time(now)}）相差 "
                f"{int(skew.total_seconds())} 秒，最多允许 {int(MAX_CLOCK_SKEW.total_seconds())} 秒：请校准时钟后重新签署 / "
                f"the intent was signed at {format_time(intent.signed_at)}, "
                f"{int(skew.total_seconds())} s from the ledger's clock "
                f"({format_time(now)}); at most {int(MAX_CLOCK_SKEW.total_seconds())} s "
                "are allowed: sign again with a correct clock"
            )
        actor = self.ledger.find(intent.actor, Principal)
        if actor is None:
            raise KeyNotActive(f"签署人 {intent.actor} 不是已登记的人员 / the signer {intent.actor} is not a registered principal")
        departed = actor.retired_refusal(intent.signed_at) or actor.retired_refusal(now)  # H3 lifetime
        if departed:
            raise KeyNotActive(departed)
        record = actor.key(signed.keyid)
        if record is None:
            raise KeyNotActive(f"密钥 {signed.keyid} 不是{actor.name}的密钥 / key {signed.keyid} is not a key of {actor.name} "
                               f"({actor.id})")
        refusal = record.refusal(intent.signed_at, now)  # the rule every verifier holds it to
        if refusal:
            raise KeyNotActive(f"签署所用密钥无效，请以有效密钥重新签署 / {refusal}: sign again with an active key")
        signed.envelope.verify(record.public_key)
        return actor

    @staticmethod
    def authorise(spec: ActionSpec, actor: Principal) -> None:
        """The signer holds one of the standing roles the action needs (finer conditions — this
        case's lead unit, its team — are the aggregate's)."""
        if spec.roles is not None and not any(actor.has_role(role) for role in spec.roles):
            (step_zh, step_en), (need_zh, need_en) = action_words(spec.name), role_words(spec.roles)
            held_zh = role_words(actor.roles)[0] if actor.roles else "无"
            allowed = ", ".join(sorted(role.value for role in spec.roles))
            raise NotPermitted(
                f"「{step_zh}」须由{need_zh}办理；{actor.name}的角色：{held_zh}",
                f"{spec.name} ({step_en}) needs one of the roles {allowed} ({need_en}); "
                f"{actor.name} has {', '.join(actor.roles) or 'none'}",
                article=spec.article,
            )

    def within_scope(self, spec: ActionSpec, actor: Principal, command: Any,
                     target: LedgerAggregate | None) -> bool:
        """Whether the signer's organisation may act on the target's (issue 16 point 1). An action
        the signer may take only through roles exercised within an organisation's scope is refused
        outside it; for the others (team members, engaged experts, an agency's staff act by
        membership of the case) the answer goes to the aggregate, which counts the lead unit's
        role only within scope."""
        target_organisation = organisation_of_target(self.ledger, command, target)
        find = lambda organisation_id: self.ledger.find(organisation_id, Organisation)
        if acts_within(actor.organisation_id, target_organisation, find):
            return True
        if spec.roles is not None:
            unscoped = [role for role in spec.roles - SCOPED_ROLES if actor.has_role(role)]
            if not unscoped:
                where = self.ledger.find(target_organisation, Organisation) if target_organisation else None
                outside = where.name if where else target_organisation
                raise NotPermitted(
                    f"职权限于本单位及其所辖范围：{actor.name}的角色在本单位（{actor.unit}）行使，"
                    f"「{action_words(spec.name)[0]}」所涉事项属于{outside}，不在其范围内",
                    f"{actor.name}'s roles are held in the scope of their own organisation "
                    f"({actor.unit}); {spec.name} addresses what belongs to {outside}, outside it",
                    article=spec.article,
                )
        return False

    def replay_of(self, signed: SignedIntent, batch: Batch | None = None, *, only_if_taken: bool = False) -> None:
        """Raise :class:`Replayed` if exactly this signed intent is already stored (or pending in
        this batch); with ``only_if_taken``, look only where its position is already taken."""
        intent = signed.intent
        if only_if_taken:
            held = self.ledger.find(intent.target, LedgerAggregate)
            if held is None or held.version <= intent.expected_version:
                return
        position = intent.expected_version + 1
        stored: list[Any] = batch.pending(intent.target, position) if batch is not None else []
        stored = stored or list(self.ledger.events.get(intent.target, gt=position - 1, lte=position))
        for event in stored:
            if cast(LedgerEvent, event).envelope == signed.envelope.to_json():
                raise Replayed(
                    f"此签署意图已记录为 {intent.target} 第 {position} 版，不重复记录 / "
                    f"this signed intent is already recorded as {intent.target} version {position}",
                    aggregate_id=str(intent.target),
                    version=position,
                )

    def _target(self, spec: ActionSpec, signed: SignedIntent) -> LedgerAggregate | None:
        """The aggregate the intent addresses, at the version it was signed against."""
        intent = signed.intent
        if spec.creates:
            if intent.expected_version != 0:
                raise Conflict(f"「{action_words(spec.name)[0]}」新建记录，expected_version 须为 0 / "
                               f"{spec.name} creates; its expected_version must be 0")
            if self.ledger.find(intent.target, LedgerAggregate) is not None:
                raise Conflict(f"{intent.target} 已存在，请换一个新编号 / {intent.target} already exists; choose a new id")
            return None
        aggregate = self.ledger.find(intent.target, spec.aggregate)
        if aggregate is None:
            raise NotFound(f"没有编号为 {intent.target} 的记录 / no {spec.aggregate.__name__} {intent.target}")
        if aggregate.version != intent.expected_version:
            raise Conflict(
                f"{intent.target} 现为第 {aggregate.version} 版，签署所依据的是第 {intent.expected_version} 版："
                f"请重新读取后重新签署 / {spec.aggregate.__name__} {intent.target} is at version {aggregate.version}, "
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
    def _judge(rulebook: Rulebook | None, spec: ActionSpec, act: Act[Any], ctx: Context,
               target: LedgerAggregate | None) -> Verdicts:
        if rulebook is None:
            return Verdicts(None, ())
        case = target if isinstance(target, EvaluationCase) else None
        return rulebook.judge(Judgement(spec.name, act, ctx, case, rulebook.jurisdiction))

    @staticmethod
    def _perform(spec: ActionSpec, act: Act[Any], ctx: Context, target: LedgerAggregate | None) -> LedgerAggregate:
        if target is None:
            created: LedgerAggregate = getattr(spec.aggregate, spec.method)(act, ctx)
            return created
        getattr(target, spec.method)(act, ctx)
        return target


def organisation_of_target(directory: Ledger, command: Any, target: LedgerAggregate | None) -> UUID | None:
    """The organisation an act addresses: a decision's deciding organ; a case's, through its
    decision. Principals, agencies and organisations belong to the directory, which
    administrators keep across organisations."""
    if isinstance(target, Decision):
        return target.organisation_id
    if target is None and command.ACTION == "decision.register":
        return cast(UUID | None, command.organisation_id)
    if isinstance(target, Accountability):  # H2: a procedure belongs to its decision's organ
        decision_id = target.decision_id
    elif target is None and command.ACTION == "accountability.open":
        decision_id = command.decision_id
    elif isinstance(target, EvaluationCase):
        decision_id = target.decision_id
    elif target is None and command.ACTION == "case.open":
        decision_id = command.decision_id
    else:
        return None
    decision = directory.find(decision_id, Decision) if decision_id is not None else None
    return decision.organisation_id if decision is not None else None
