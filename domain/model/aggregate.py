"""The base of every ledger aggregate: signed, hash-chained events.

Every event stores exactly three things besides the library's id, version and time:

* ``envelope`` — the DSSE envelope of the person's signed intent, verbatim;
* ``prev_hash`` — the hash of the aggregate's previous event (or its genesis hash);
* ``hash`` — this event's hash (:mod:`domain.evidence.hashing`).

An event's ``apply`` decodes the command from the signed bytes and applies that, so what is
signed is exactly what is stored and applied. Aggregates are therefore written with explicit
event classes (the library's other documented style) rather than ``@event``-decorated methods:
the decorator would store the method's arguments as the event, and here the arguments are
inside the signature. Each command is one method; each event class is named in the past tense
and carries an explicit, versioned ``TOPIC`` so stored events survive module renames.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, TypeVar
from uuid import UUID

from eventsourcing.domain import AggregateCreated, AggregateEvent, BaseAggregate

from domain import clock
from domain.errors import ClockBehind, NotPermitted
from domain.evidence.hashing import event_hash, genesis_hash
from domain.model.acts import Act, shared_id, stored_act
from domain.model.commands.base import Command
from domain.model.sealing import KeyRing
from domain.model.vocabulary import Role

A = TypeVar("A", bound="LedgerAggregate")


class Actor(Protocol):
    """The signer of an act, already authenticated (a principal), as command methods see them."""

    @property
    def id(self) -> UUID: ...

    @property
    def unit(self) -> str: ...

    @property
    def agency_id(self) -> UUID | None: ...

    def has_role(self, role: Role) -> bool: ...


class Directory(Protocol):
    """Read access to other aggregates, for command methods and rules that look across them."""

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate as it stands now, if there is one of this kind."""
        ...

    def stored_event_hash(self, aggregate_id: UUID, version: int) -> str | None:
        """The hash of a stored event, for citations that pin what they cite."""
        ...

    def stored_event(self, aggregate_id: UUID, version: int) -> Any | None:
        """A stored event itself, for a citation that must say who signed it (H2: a dissent's record)."""
        ...

    def namesakes(self, name: str, unit: str) -> list[Any]:
        """The principals registered under this name in this unit (issue 16 point 2)."""
        ...


@dataclass(frozen=True)
class Context:
    """What a command method may consult besides the aggregate: the signer (already
    authenticated), the other aggregates, and the moment of recording."""

    actor: Actor
    directory: Directory
    now: datetime
    keyring: KeyRing | None = None  # data keys of sealed content, where the ledger holds them
    #: whether the signer's organisation may act on the target's (domain.model.organisation); a
    #: role such as the lead unit's counts only within it
    in_scope: bool = True
    ledger_id: UUID | None = None  # the ledger principal's id, which enrolment proofs name

    def require(self, condition: bool, zh: str, en: str, article: str | None = None) -> None:
        """Unless ``condition``, refuse: why in Chinese and English, and the article (NotPermitted)."""
        if not condition:
            raise NotPermitted(zh, en, article=article)

    def has_role(self, role: Role) -> bool:
        return self.actor.has_role(role)


class LedgerEvent(AggregateEvent):
    """Base event: the signed envelope, the rulebook it was judged under, the chain links."""

    envelope: dict[str, Any]
    rulebook: str
    prev_hash: str
    hash: str

    COMMAND: ClassVar[type[Command]]

    def apply(self, aggregate: Any) -> None:
        act = stored_act(self)
        self.on(aggregate, act)
        aggregate.head_hash = self.hash
        aggregate.applied(self, act)  # issue 18 — the whole process (NX-10(4))

    def on(self, aggregate: Any, act: Act[Any]) -> None:
        """How this event changes its aggregate; overridden by each event class."""

    def provenance(self, act: Act[Any]) -> dict[str, Any]:
        """Who did it, when, and which stored event shows it (for findings to cite)."""
        return {
            "by": shared_id(act.actor_id),
            "at": self.timestamp,
            "version": self.originator_version,
            "hash": self.hash,
        }


class LedgerCreated(LedgerEvent, AggregateCreated):
    """Base of each aggregate's own creation event (``Opened``, ``Registered``…). It lives
    outside the aggregate class because the library redefines every inherited event class per
    aggregate, and one explicit topic cannot name several classes."""


def not_before(aggregate: BaseAggregate[UUID], now: datetime) -> datetime:
    """``now``, if it is not earlier than the aggregate's last recorded time; else
    :class:`ClockBehind` and nothing is recorded (issue 16 point 8: recorded times of an aggregate
    only move forward, so a deadline judged from them cannot be undone by a clock set back).

    Refused rather than stamped at the last time: the recording time must stay within five
    minutes of the signer's ``signed_at`` (docs/spec.md §13.1), and a stamp that is not the
    clock's would be a time nobody observed."""
    last = aggregate.modified_on
    if now < last:
        raise ClockBehind(
            f"时间只能向前：{aggregate.id} 的最后一个事件记录于 {last.isoformat()}，而账本时钟现在是 "
            f"{now.isoformat()}；请校准服务器时钟，待时钟过了该时间后再提交 / Time only moves forward: the last "
            f"event of {aggregate.id} was recorded at {last.isoformat()}, and the ledger's clock now reads "
            f"{now.isoformat()}; set the server's clock right and submit again once it is past that time"
        )
    return now


class LedgerAggregate(BaseAggregate[UUID]):
    """Base aggregate. Subclasses define ``TOPIC``, one creation event deriving from
    :class:`LedgerCreated`, and their other events deriving from :class:`LedgerEvent`.
    ``head_hash`` is the hash of the latest event, which the next one links to."""

    if TYPE_CHECKING:  # set by every event's apply; not a dataclass field of the aggregate
        head_hash: str

    class Event(LedgerEvent):
        pass

    def applied(self, event: LedgerEvent, act: Act[Any]) -> None:
        """Called after each event is applied (issue 18 — the case keeps its acts for its
        全过程记录, NX-10(4)); nothing by default."""

    @classmethod
    def _record_creation(
        cls, event_class: type[LedgerEvent], act: Act[Any]
    ) -> Self:
        """Create the aggregate from its first signed act (version 1)."""
        aggregate_id = act.intent.target
        timestamp = clock.now()
        prev_hash = genesis_hash(aggregate_id)
        envelope = act.envelope.to_json()
        state = {
            "timestamp": timestamp,
            "originator_topic": cls.TOPIC,  # type: ignore[attr-defined]
            "envelope": envelope,
            "rulebook": act.rulebook,
            "prev_hash": prev_hash,
        }
        digest = event_hash(aggregate_id, cls.INITIAL_VERSION, event_class.TOPIC, state)  # type: ignore[attr-defined]
        return cls._create(
            event_class,  # type: ignore[arg-type]
            id=aggregate_id,
            timestamp=timestamp,
            envelope=envelope,
            rulebook=act.rulebook,
            prev_hash=prev_hash,
            hash=digest,
        )

    def _record(self, event_class: type[LedgerEvent], act: Act[Any]) -> None:
        """Record the next event of this aggregate from a signed act, at the ledger's time —
        never earlier than the aggregate's last recorded time (:func:`not_before`)."""
        timestamp = not_before(self, clock.now())
        envelope = act.envelope.to_json()
        state = {
            "timestamp": timestamp,
            "envelope": envelope,
            "rulebook": act.rulebook,
            "prev_hash": self.head_hash,
        }
        digest = event_hash(self.id, self.version + 1, event_class.TOPIC, state)  # type: ignore[attr-defined]
        self.trigger_event(
            event_class,
            timestamp=timestamp,
            envelope=envelope,
            rulebook=act.rulebook,
            prev_hash=self.head_hash,
            hash=digest,
        )
