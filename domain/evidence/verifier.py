"""Verification of stored events, from the raw store or from an exported bundle.

For each event the checks are, and every failure is reported as a :class:`Break`:

``hash``      the state decodes, has its fields, and its hash is the hash of what is stored
``gap``       versions of an aggregate run 1, 2, 3… with nothing missing or repeated
``chain``     ``prev_hash`` is the previous event's hash (the genesis hash for version 1)
``signature`` the envelope opens, the Ed25519 signature verifies over the signed bytes, the
              signed intent names this aggregate, this version (expected_version + 1) and an
              action that records this event type, and it was recorded within the allowed
              clock skew of its signing time
``key``       the signing key belongs to the signer and was active when the intent was signed
              and when the event was recorded
``log``       the transparency log holds exactly these events' hashes, in this order
``checkpoint``a checkpoint is signed by the ledger key and its root is the root of the events

Keys are learnt from the principals' own events as they pass (registration, added, rotated,
revoked), taking a key change only from an event whose signature holds. The first event must be
the ledger's genesis: its own principal, self-signed by the key it registers. This module knows
no database: callers feed it records (:class:`LedgerVerifier`) or events (:class:`EventChecker`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from domain.clock import parse_time
from domain.errors import LedgerError
from domain.evidence.hashing import event_hash, genesis_hash
from domain.evidence.intent import MAX_CLOCK_SKEW, Intent
from domain.evidence.keys import KeyHistory, KeyRecord
from domain.evidence.signing import Envelope, PublicKey, pae
from domain.model.actions import ACTIONS, event_topics_of
from domain.model.commands.principal import AddKey, RegisterPrincipal, RevokeKey, RotateKey
from domain.model.principal import Principal
from domain.model.vocabulary import Role

BREAK_KINDS = ("signature", "hash", "chain", "gap", "key", "log", "checkpoint")
LOG = "transparency-log"  # the aggregate id a log or checkpoint break is reported under

_ALLOWED_TOPICS = {name: set(event_topics_of(spec)) for name, spec in ACTIONS.items()}
_REGISTERED = Principal.Registered.TOPIC
_PRINCIPAL = "decision-ledger/Principal/"

Problem = tuple[str, str]  # (kind, detail)
_T = TypeVar("_T")


@dataclass(frozen=True)
class StoredRecord:
    """One row of the events table, as stored."""

    notification_id: int | None
    aggregate_id: str
    version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class Break:
    aggregate_id: str
    version: int
    notification_id: int | None
    kind: str  # one of BREAK_KINDS
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "aggregate_id": self.aggregate_id,
            "version": self.version,
            "notification_id": self.notification_id,
            "kind": self.kind,
            "detail": self.detail,
        }

    def __str__(self) -> str:
        return (
            f"BROKEN aggregate {self.aggregate_id} version {self.version} "
            f"(notification {self.notification_id}): {self.kind}: {self.detail}"
        )


@dataclass
class VerificationReport:
    events: int = 0
    aggregates: int = 0
    breaks: list[Break] = field(default_factory=list)
    ledger_keyid: str | None = None
    notes: list[str] = field(default_factory=list)  # what was checked beyond the events
    incremental: bool = False  # checked from a trusted checkpoint: no new events is fine

    @property
    def ok(self) -> bool:
        return not self.breaks and (self.events > 0 or self.incremental)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "aggregates": self.aggregates,
            "ledger_keyid": self.ledger_keyid,
            "breaks": [b.to_json() for b in self.breaks],
            "notes": list(self.notes),
        }


def recorded_time(state: dict[str, Any]) -> datetime:
    """The recording time of a stored state (a datetime from the store, a string in a bundle)."""
    value = state["timestamp"]
    return value if isinstance(value, datetime) else parse_time(value)


class OpenedEvent(NamedTuple):
    """What can be checked of one event on its own, before its place in the ledger is known:
    its hash, its envelope and intent read, what binds the intent to its place (aggregate,
    version, action, signing time), and (given the key its envelope names) its signature. This
    is the costly, stateless part of verification, so it can run on any core in any order;
    :meth:`EventChecker.judge` then does the ordered part (key histories, genesis, key changes).

    ``envelope`` and ``intent`` may be left out (:meth:`slim`) where the ordered part cannot
    need them: an event that is no principal's, whose signature held under the key it names.
    A named tuple: it crosses between processes as a flat tuple."""

    hash_problem: str  # "" when the stored hash is the hash of the stored event
    read_problem: str  # "" when the envelope and the intent read
    envelope: Envelope | None
    intent: Intent | None
    recorded_at: datetime
    #: whether the signature verifies under the key its envelope names, checked ahead where
    #: that key was known (None: not checked ahead)
    signature: bool | None = None
    read: bool = False  # the envelope and the intent read (then the fields below are set)
    binding: str = ""  # why the intent is not bound to this event's place, or ""
    genesis: bool = False  # a principal's registration signed by itself
    actor: str = ""
    keyid: str = ""  # the key id the envelope names
    signed_at: datetime | None = None

    def slim(self, topic: str) -> OpenedEvent:
        """Without the envelope and intent where :meth:`EventChecker.judge` cannot need them."""
        if not self.read or self.signature is not True or topic.startswith(_PRINCIPAL):
            return self
        return self._replace(envelope=None, intent=None)


def open_event(
    aggregate_id: str, version: int, topic: str, state: dict[str, Any], keys: dict[str, bytes] | None = None
) -> OpenedEvent:
    """The stateless checks of one event. ``keys`` maps key ids to raw public keys (any key seen
    anywhere: a key id is the hash of its key, so the map can only name the right key)."""
    hash_problem = ""
    try:
        expected = event_hash(aggregate_id, version, topic, state)
    except (LedgerError, TypeError, ValueError) as error:
        hash_problem = f"stored state cannot be hashed: {error}"
    else:
        if expected != state["hash"]:
            hash_problem = "the stored hash is not the hash of the stored event"
    recorded_at = recorded_time(state)
    try:
        envelope = Envelope.from_json(state["envelope"])
        intent = Intent.decode(envelope.payload)
    except LedgerError as error:
        return OpenedEvent(hash_problem, f"the signed envelope cannot be read: {error.detail}", None, None,
                           recorded_at)
    signature = None
    raw = keys.get(envelope.keyid) if keys else None
    if raw is not None:
        signature = PublicKey(raw).verify(envelope.sig, pae(envelope.payload_type, envelope.payload))
    return OpenedEvent(
        hash_problem, "", envelope, intent, recorded_at, signature, True,
        EventChecker.binding_problem(aggregate_id, version, topic, intent, recorded_at),
        topic == _REGISTERED and intent.actor == intent.target, str(intent.actor), envelope.keyid, intent.signed_at,
    )


def _kept(value: _T | None) -> _T:
    """A part of an opened event :meth:`OpenedEvent.slim` keeps wherever the ordered checks use it."""
    if value is None:
        raise RuntimeError("an opened event was slimmed of a part its checks need")
    return value


def keys_named(topic: str, intent: Intent) -> dict[str, bytes]:
    """The public keys a principal's event names (registered, added, rotated in), by key id,
    whether or not the event holds: only for checking signatures ahead of their turn."""
    if not topic.startswith(_PRINCIPAL):
        return {}
    try:
        if intent.action == RegisterPrincipal.ACTION:
            jwks = [k.model_dump() for k in RegisterPrincipal.parse(intent.args).public_keys]
        elif intent.action == AddKey.ACTION:
            jwks = [AddKey.parse(intent.args).public_key.model_dump()]
        elif intent.action == RotateKey.ACTION:
            jwks = [RotateKey.parse(intent.args).public_key.model_dump()]
        else:
            return {}
        keys = [PublicKey.from_jwk(jwk) for jwk in jwks]
    except LedgerError:
        return {}
    return {key.keyid: key.raw for key in keys}


class Links(NamedTuple):
    """An event's own hash and the hash it links to, as stored."""

    hash: str
    prev_hash: str


#: one stored record read and opened: (the problem reading its state, or ""; its links; the rest)
Prepared = tuple[str, Links | None, OpenedEvent | None]


def prepare(
    record: StoredRecord, decode: Callable[[bytes], dict[str, Any]], keys: dict[str, bytes] | None = None
) -> Prepared:
    """Decode a stored record and open its event: everything :class:`LedgerVerifier` checks of
    one record that does not depend on the records before it."""
    try:
        state = decode(record.state)
    except Exception as error:  # noqa: BLE001 — any undecodable bytes are a finding, never a crash
        return f"stored state cannot be decoded ({type(error).__name__})", None, None
    problems = EventChecker.state_problems(state)
    if problems:
        return f"stored state lacks or garbles {', '.join(problems)}", None, None
    links = Links(state["hash"], state["prev_hash"])
    return "", links, open_event(record.aggregate_id, record.version, record.topic, state, keys)


class EventChecker:
    """Hash, signature, binding and key checks of single events, learning keys as it goes.
    Feed events in notification order: a key counts only once its registration has passed."""

    def __init__(self, trusted_ledger_keyid: str | None = None) -> None:
        self.trusted = trusted_ledger_keyid
        self.keys: dict[str, KeyHistory] = {}
        self.ledger_keyid: str | None = None
        self.ledger_key: PublicKey | None = None

    @staticmethod
    def state_problems(state: Any) -> list[str]:
        if not isinstance(state, dict):
            return ["state"]
        wanted = (("hash", str), ("prev_hash", str), ("envelope", dict), ("timestamp", (datetime, str)))
        problems = [name for name, kind in wanted if not isinstance(state.get(name), kind)]
        if not problems:
            try:
                recorded_time(state)
            except ValueError:
                problems.append("timestamp")
        return problems

    def check(
        self, aggregate_id: str, version: int, topic: str, state: dict[str, Any], is_first: bool
    ) -> list[Problem]:
        return self.judge(aggregate_id, version, topic, open_event(aggregate_id, version, topic, state), is_first)

    def judge(
        self, aggregate_id: str, version: int, topic: str, opened: OpenedEvent, is_first: bool
    ) -> list[Problem]:
        """The checks of an opened event that depend on what came before it, in order."""
        problems: list[Problem] = []
        if opened.hash_problem:
            problems.append(("hash", opened.hash_problem))
        problems.extend(self._check_signature(aggregate_id, version, topic, opened, is_first))
        return problems

    def _check_signature(
        self, aggregate_id: str, version: int, topic: str, opened: OpenedEvent, is_first: bool
    ) -> list[Problem]:
        if not opened.read:
            return [("signature", opened.read_problem)]
        recorded_at = opened.recorded_at
        problems: list[Problem] = []
        if opened.binding:
            problems.append(("signature", opened.binding))
        key: PublicKey | KeyRecord | None
        if opened.genesis:
            key = self._genesis_key(opened, is_first, problems)
        else:
            if is_first:
                problems.append(("key", "the first event is not the ledger's self-signed genesis"))
            key = self._signer_key(opened, recorded_at, problems)
        if key is None:
            return problems
        if not opened.signature or key.keyid != opened.keyid:
            # not checked ahead (or it failed): check here, for the exact reason (an opened event
            # keeps its envelope unless its signature held under the key it names)
            try:
                _kept(opened.envelope).verify(key if isinstance(key, PublicKey) else key.public_key)
            except LedgerError as error:
                problems.append(("signature", error.detail))
                return problems
        if topic.startswith(_PRINCIPAL):
            self._learn_keys(aggregate_id, topic, _kept(opened.intent), recorded_at)
        return problems

    @staticmethod
    def binding_problem(
        aggregate_id: str, version: int, topic: str, intent: Intent, recorded_at: datetime
    ) -> str:
        """Why a signed intent is not bound to the place of the event it is stored as, or ""."""
        if str(intent.target) != aggregate_id:
            return f"the intent was signed for aggregate {intent.target}, not this one"
        if intent.expected_version + 1 != version:
            return (
                f"the intent was signed for version {intent.expected_version + 1}, "
                f"stored as version {version}"
            )
        if topic not in _ALLOWED_TOPICS.get(intent.action, set()):
            return f"the signed action {intent.action!r} does not record {topic}"
        skew = abs(recorded_at - intent.signed_at)
        if skew > MAX_CLOCK_SKEW:
            return f"recorded {int(skew.total_seconds())} s away from its signing time"
        return ""

    def _genesis_key(self, opened: OpenedEvent, is_first: bool, problems: list[Problem]) -> PublicKey | None:
        intent, envelope = _kept(opened.intent), _kept(opened.envelope)
        if not is_first:
            problems.append(("key", "a self-signed registration is valid only as the ledger's genesis"))
            return None
        try:
            command = RegisterPrincipal.parse(intent.args)
        except LedgerError as error:
            problems.append(("signature", f"genesis arguments unreadable: {error.detail}"))
            return None
        keys = {PublicKey.from_jwk(k.model_dump()).keyid: k for k in command.public_keys}
        if command.roles != [Role.LEDGER] or envelope.keyid not in keys:
            problems.append(("key", "the genesis is not the ledger principal signed by its own key"))
            return None
        self.ledger_keyid = envelope.keyid
        if self.trusted is not None and envelope.keyid != self.trusted:
            problems.append(("key", f"the ledger key is {envelope.keyid}, not the trusted {self.trusted}"))
            return None
        self.ledger_key = PublicKey.from_jwk(keys[envelope.keyid].model_dump())
        return self.ledger_key

    def _signer_key(self, opened: OpenedEvent, recorded_at: datetime, problems: list[Problem]) -> KeyRecord | None:
        keyid, signed_at = opened.keyid, _kept(opened.signed_at)
        history = self.keys.get(opened.actor)
        record = history.keys.get(keyid) if history else None
        if record is None:
            problems.append(("key", f"key {keyid} is not a key of the signer {opened.actor}"))
            return None
        if not record.active_at(recorded_at):
            problems.append(("key", record.describe_at(recorded_at)))
            return None
        if not record.active_at(signed_at):  # the ledger refuses it too: a key counts only while active
            problems.append(("key", f"signed at {signed_at.isoformat()}, but {record.describe_at(signed_at)}"))
            return None
        return record

    def learn(self, aggregate_id: str, topic: str, state: dict[str, Any]) -> None:
        """Take the key changes of an event already authenticated some other way (an inclusion
        proof under a trusted checkpoint)."""
        envelope = Envelope.from_json(state["envelope"])
        self._learn_keys(aggregate_id, topic, Intent.decode(envelope.payload), recorded_time(state))

    def _learn_keys(self, aggregate_id: str, topic: str, intent: Intent, at: datetime) -> None:
        """Apply a principal's key change, as its own signed bytes state it."""
        if not topic.startswith(_PRINCIPAL):
            return
        history = self.keys.setdefault(aggregate_id, KeyHistory())
        try:
            if intent.action == RegisterPrincipal.ACTION:
                for jwk in RegisterPrincipal.parse(intent.args).public_keys:
                    history.add(jwk.model_dump(), at)
            elif intent.action == AddKey.ACTION:
                history.add(AddKey.parse(intent.args).public_key.model_dump(), at)
            elif intent.action == RotateKey.ACTION:
                rotate = RotateKey.parse(intent.args)
                if rotate.old_keyid in history.keys:
                    history.end(rotate.old_keyid, at, "rotated")
                history.add(rotate.public_key.model_dump(), at)
            elif intent.action == RevokeKey.ACTION:
                revoke = RevokeKey.parse(intent.args)
                if revoke.keyid in history.keys:
                    history.end(revoke.keyid, at, "revoked", revoke.reason)
        except LedgerError:
            return  # the intent verified but its args do not parse: nothing to learn


@dataclass
class _Head:
    version: int
    hash: str | None  # None when the previous record could not be read


class LedgerVerifier:
    """Feed it every stored record in notification order; read :attr:`report` at the end."""

    def __init__(
        self,
        decode_state: Callable[[bytes], dict[str, Any]],
        trusted_ledger_keyid: str | None = None,
    ) -> None:
        self._decode = decode_state
        self._heads: dict[str, _Head] = {}
        self.checker = EventChecker(trusted_ledger_keyid)
        self.report = VerificationReport()
        #: the stored hash of every event, in order (None where it could not be read)
        self.on_event: Callable[[StoredRecord, str | None], None] | None = None

    def verify_all(
        self,
        records: Iterable[StoredRecord],
        progress: Callable[[int], None] | None = None,
        opener: Callable[[Iterable[StoredRecord]], Iterable[tuple[StoredRecord, Prepared]]] | None = None,
    ) -> VerificationReport:
        """Check every record in order. ``opener`` may prepare the records elsewhere (on other
        cores), yielding them in the same order; by default each is prepared here."""
        prepared = opener(records) if opener is not None else ((r, prepare(r, self._decode)) for r in records)
        for record, ready in prepared:
            self.check(record, ready)
            if progress is not None:
                progress(1)
        self.report.ledger_keyid = self.checker.ledger_keyid
        return self.report

    def check(self, record: StoredRecord, prepared: Prepared | None = None) -> list[Break]:
        found: list[Break] = []

        def broken(kind: str, detail: str) -> None:
            found.append(Break(record.aggregate_id, record.version, record.notification_id, kind, detail))

        is_first = self.report.events == 0
        self.report.events += 1
        read_problem, links, opened = prepared if prepared is not None else prepare(record, self._decode)
        if read_problem:
            broken("hash", read_problem)
        self._check_sequence(record, links, broken)
        if opened is not None:
            for kind, detail in self.checker.judge(
                record.aggregate_id, record.version, record.topic, opened, is_first
            ):
                broken(kind, detail)
        if self.on_event is not None:
            self.on_event(record, links.hash if links is not None else None)
        self.report.breaks.extend(found)
        return found

    def _check_sequence(
        self, record: StoredRecord, links: Links | None, broken: Callable[[str, str], None]
    ) -> None:
        head = self._heads.get(record.aggregate_id)
        if head is None:
            self.report.aggregates += 1
            if record.version != 1:
                broken("gap", f"the aggregate's first stored version is {record.version}, not 1")
            elif links is not None and links.prev_hash != genesis_hash(record.aggregate_id):
                broken("chain", "version 1 does not link to the aggregate's genesis hash")
        elif record.version != head.version + 1:
            broken("gap", f"version {record.version} follows version {head.version}")
        elif links is not None and head.hash is not None and links.prev_hash != head.hash:
            broken("chain", f"prev_hash does not match the hash of version {head.version}")
        self._heads[record.aggregate_id] = _Head(
            max(record.version, head.version if head else 0),
            links.hash if links is not None else None,
        )
