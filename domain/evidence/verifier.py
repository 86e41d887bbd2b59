"""The one verifier loop: stored events checked in log order, from a store, after a trusted
checkpoint, or from a bundle (docs/spec.md, "Verifying").

For each event the checks are, and every failure is reported as a :class:`Break`:

``hash``       the state reads, has its fields, and its hash is the hash of what is stored
``gap``        an aggregate's versions run 1, 2, 3… with nothing missing or repeated
``chain``      ``prev_hash`` is the previous version's hash (the genesis hash for version 1)
``time``       its recording time is not earlier than the previous version's (issue 16 point 8)
``signature``  the envelope opens, the Ed25519 signature verifies over PAE of the signed bytes,
               and the signed intent names this aggregate, this version (expected_version + 1),
               an action that records this event's topic, and a signing time within the allowed
               skew of the recording time
``key``        the signing key belongs to the intent's actor and was active when the intent was
               signed and when the event was recorded
``log``        the transparency log holds exactly these events' hashes, in this order
``checkpoint`` a checkpoint is signed by the ledger key and its root is the root of the events

Keys are learnt from the principals' own events as they pass (:mod:`domain.evidence.keys`),
taking a key change only from an event whose signature holds. The first event of a ledger is its
genesis: the ledger's own principal, registered with the single role ``ledger`` and signed by the
key it registers. What differs between a store, the events after a checkpoint and a bundle —
where records come from, whether an aggregate's earlier versions are at hand, how each event is
tied to the log — is given to :class:`Verifier` by its caller (:mod:`domain.evidence.store`,
:mod:`domain.evidence.bundle`); the checks are these, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from domain.evidence import hashing, topics
from domain.evidence.enrolment import Enrolment
from domain.evidence.errors import LedgerError
from domain.evidence.hashing import event_hash, genesis_hash
from domain.evidence.intent import MAX_CLOCK_SKEW, Intent
from domain.evidence.keys import KeyHistory, KeyRecord, key_change
from domain.evidence.report import Break, VerificationReport
from domain.evidence.signing import Envelope, PublicKey, pae
from domain.evidence.times import parse_time

BREAK_KINDS = ("signature", "hash", "chain", "gap", "time", "key", "log", "checkpoint", "view", "snapshot")
LEDGER_ROLE = "ledger"

Problem = tuple[str, str]  # (kind, detail)
_T = TypeVar("_T")


@dataclass(frozen=True)
class StoredRecord:
    """One stored event: its place and its state (the stored bytes, or the state already read,
    as a bundle carries it)."""

    notification_id: int | None
    aggregate_id: str
    version: int
    topic: str
    state: Any


def recorded_time(state: dict[str, Any]) -> datetime:
    """The recording time of a stored state (a datetime from the store, a string in a bundle)."""
    value = state["timestamp"]
    return value if isinstance(value, datetime) else parse_time(value)


def state_problems(state: Any) -> list[str]:
    """The fields a stored state lacks or garbles (``hash``, ``prev_hash``, ``envelope``,
    ``timestamp``)."""
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


def binding_problem(aggregate_id: str, version: int, topic: str, intent: Intent, recorded_at: datetime) -> str:
    """Why a signed intent is not bound to the place of the event it is stored as, or ""."""
    if str(intent.target) != aggregate_id:
        return f"the intent was signed for aggregate {intent.target}, not this one"
    if intent.expected_version + 1 != version:
        return f"the intent was signed for version {intent.expected_version + 1}, stored as version {version}"
    if topics.EVENT_OF_ACTION.get(intent.action) != topic:
        return f"the signed action {intent.action!r} does not record {topic}"
    skew = abs(recorded_at - intent.signed_at)
    if skew > MAX_CLOCK_SKEW:
        return f"recorded {int(skew.total_seconds())} s away from its signing time"
    return ""


class OpenedEvent(NamedTuple):
    """What can be checked of one event on its own, before its place in the ledger is known:
    its hash, its envelope and intent read, what binds the intent to its place, and (given the
    key its envelope names) its signature. This is the costly, stateless part of verification, so
    it can run on any core in any order; :meth:`KeyChecks.judge` then does the ordered part.

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
        """Without the envelope and intent where :meth:`KeyChecks.judge` cannot need them."""
        if not self.read or self.signature is not True or topic.startswith(topics.PRINCIPAL_EVENTS):
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
        binding_problem(aggregate_id, version, topic, intent, recorded_at),
        topic == topics.REGISTERED and intent.actor == intent.target, str(intent.actor), envelope.keyid,
        intent.signed_at,
    )


def declared_suite(state: Any) -> str:  # issue 20 — sm3
    """The event hash a genesis state's signed arguments declare (docs/spec.md §22.4): "sm3" or,
    for any other genesis or one that does not read, "sha256"."""
    try:
        return hashing.suite_of(Intent.decode(Envelope.from_json(state["envelope"]).payload).args)
    except (LedgerError, KeyError, TypeError, ValueError):
        return hashing.SHA256


def _kept(value: _T | None) -> _T:
    """A part of an opened event :meth:`OpenedEvent.slim` keeps wherever the ordered checks use it."""
    if value is None:
        raise RuntimeError("an opened event was slimmed of a part its checks need")
    return value


def keys_named(topic: str, intent: Intent) -> dict[str, bytes]:
    """The public keys a principal's event adds, by key id, whether or not the event holds: only
    for checking signatures ahead of their turn."""
    if not topic.startswith(topics.PRINCIPAL_EVENTS):
        return {}
    try:
        change = key_change(intent.action, intent.args)
    except LedgerError:
        return {}
    return {key.keyid: key.raw for key in change.added} if change else {}


class Links(NamedTuple):
    """An event's own hash and the hash it links to, and its recording time, as stored."""

    hash: str
    prev_hash: str
    at: datetime | None = None


#: one stored record read and opened: (the problem reading its state, or ""; its links; the rest)
Prepared = tuple[str, Links | None, OpenedEvent | None]


def prepare(record: StoredRecord, decode: Callable[[Any], dict[str, Any]],
            keys: dict[str, bytes] | None = None) -> Prepared:
    """Read a stored record and open its event: everything :class:`Verifier` checks of one
    record that does not depend on the records before it."""
    try:
        state = decode(record.state)
    except Exception as error:  # noqa: BLE001 — any undecodable bytes are a finding, never a crash
        return f"stored state cannot be decoded ({type(error).__name__})", None, None
    problems = state_problems(state)
    if problems:
        return f"stored state lacks or garbles {', '.join(problems)}", None, None
    links = Links(state["hash"], state["prev_hash"], recorded_time(state))
    return "", links, open_event(record.aggregate_id, record.version, record.topic, state, keys)


def as_read(state: Any) -> dict[str, Any]:
    """The decoder of states already read (a bundle's)."""
    if not isinstance(state, dict):
        raise TypeError("a state is an object")
    return state


class KeyChecks:
    """The signature and key checks of single events, learning key histories as they pass. Feed
    events in log order: a key counts only once its registration has passed."""

    def __init__(self, trusted_ledger_keyid: str | None = None) -> None:
        self.trusted = trusted_ledger_keyid
        self.keys: dict[str, KeyHistory] = {}
        self.ledger_keyid: str | None = None
        self.ledger_key: PublicKey | None = None
        #: enrolment rules (issue 16 point 2), for a ledger whose genesis declares them
        self.enrolment = Enrolment()

    def judge(self, aggregate_id: str, topic: str, opened: OpenedEvent, is_first: bool) -> list[Problem]:
        """The checks of an opened event that depend on what came before it, in order."""
        problems: list[Problem] = []
        if opened.hash_problem:
            problems.append(("hash", opened.hash_problem))
        if not opened.read:
            return [*problems, ("signature", opened.read_problem)]
        if opened.binding:
            problems.append(("signature", opened.binding))
        key: PublicKey | KeyRecord | None
        if opened.genesis:
            key = self._genesis_key(opened, is_first, problems)
        else:
            if is_first:
                problems.append(("key", "the first event is not the ledger's self-signed genesis"))
            key = self._signer_key(opened, problems)
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
        if topic.startswith(topics.PRINCIPAL_EVENTS):
            refusal = self.enrolment.refusal(aggregate_id, _kept(opened.intent), self.keys)
            if refusal:
                problems.append(("key", refusal))
                return problems
            self._learn(aggregate_id, _kept(opened.intent), opened.recorded_at)
        self.enrolment.passed(opened.actor)
        return problems

    def _genesis_key(self, opened: OpenedEvent, is_first: bool, problems: list[Problem]) -> PublicKey | None:
        intent, envelope = _kept(opened.intent), _kept(opened.envelope)
        if not is_first:
            problems.append(("key", "a self-signed registration is valid only as the ledger's genesis"))
            return None
        try:
            change = key_change(intent.action, intent.args)
        except LedgerError as error:
            problems.append(("key", f"the genesis's arguments do not read: {error.detail}"))
            return None
        keys = {key.keyid: key for key in change.added} if change else {}
        if intent.args.get("roles") != [LEDGER_ROLE] or envelope.keyid not in keys:
            problems.append(("key", "the genesis is not the ledger principal signed by its own key"))
            return None
        try:
            envelope.verify(keys[envelope.keyid])
        except LedgerError as error:
            problems.append(("key", f"the genesis is not signed by the key it registers: {error.detail}"))
            return None
        self.ledger_keyid = envelope.keyid
        if self.trusted is not None and envelope.keyid != self.trusted:
            problems.append(("key", f"the ledger key is {envelope.keyid}, not the trusted {self.trusted}"))
            return None
        self.ledger_key = keys[envelope.keyid]
        return self.ledger_key

    def _signer_key(self, opened: OpenedEvent, problems: list[Problem]) -> KeyRecord | None:
        history = self.keys.get(opened.actor)
        record = history.keys.get(opened.keyid) if history else None
        if record is None:
            problems.append(("key", f"key {opened.keyid} is not a key of the signer {opened.actor}"))
            return None
        refusal = record.refusal(_kept(opened.signed_at), opened.recorded_at)
        if refusal:
            problems.append(("key", refusal))
            return None
        return record

    def learn(self, aggregate_id: str, topic: str, state: dict[str, Any]) -> None:
        """Take the key changes of an event already authenticated some other way (an inclusion
        proof under a trusted checkpoint)."""
        if topic.startswith(topics.PRINCIPAL_EVENTS):
            self._learn(aggregate_id, Intent.decode(Envelope.from_json(state["envelope"]).payload),
                        recorded_time(state))

    def _learn(self, aggregate_id: str, intent: Intent, at: datetime) -> None:
        """Apply a principal's key change, as its own signed bytes state it."""
        history = self.keys.setdefault(aggregate_id, KeyHistory())
        self.enrolment.learn(aggregate_id, intent)
        try:
            change = key_change(intent.action, intent.args)
        except LedgerError:
            return  # the intent verified but its args do not read: nothing to learn
        if change is not None:
            history.apply(change, at, str(intent.actor), aggregate_id)


#: what an aggregate's version before the first one seen links to: (its hash, or None when it
#: is missing; the problems found fetching it)
Earlier = Callable[[str, int], tuple[str | None, list[Problem]]]


@dataclass
class _Head:
    version: int
    hash: str | None  # None when the previous record could not be read
    at: datetime | None = None  # its recording time (None: not read)


class Chains:
    """Each aggregate's versions in order, each linking to the hash of the one before.

    ``complete`` (a store, or the events after a checkpoint): every version is present, so an
    aggregate first seen above version 1 is a gap — unless ``earlier`` can fetch the version
    before it (the events after a checkpoint link to events under it). Not complete (a bundle):
    an aggregate may be represented by some of its versions only; links are checked where both
    versions are at hand, and which versions must be there is the bundle's rule."""

    def __init__(self, complete: bool = True, earlier: Earlier | None = None) -> None:
        self.complete = complete
        self.earlier = earlier
        self.heads: dict[str, _Head] = {}

    def check(self, record: StoredRecord, links: Links | None) -> list[Problem]:
        head = self.heads.get(record.aggregate_id)
        problems: list[Problem] = []
        if head is None:
            if record.version == 1:
                if links is not None and links.prev_hash != genesis_hash(record.aggregate_id):
                    problems.append(("chain", "version 1 does not link to the aggregate's genesis hash"))
            elif self.earlier is not None:
                before, found = self.earlier(record.aggregate_id, record.version - 1)
                problems.extend(found)
                if before is None:
                    problems.append(("gap", f"version {record.version - 1} is missing"))
                elif links is not None and links.prev_hash != before:
                    problems.append(("chain", f"prev_hash does not match the hash of version {record.version - 1}"))
            elif self.complete:
                problems.append(("gap", f"the aggregate's first stored version is {record.version}, not 1"))
        elif record.version <= head.version or (self.complete and record.version != head.version + 1):
            problems.append(("gap", f"version {record.version} follows version {head.version}"))
        elif record.version == head.version + 1 and links is not None and head.hash is not None \
                and links.prev_hash != head.hash:
            problems.append(("chain", f"prev_hash does not match the hash of version {head.version}"))
        if head is not None and record.version > head.version and links is not None \
                and links.at is not None and head.at is not None and links.at < head.at:
            problems.append(("time", (f"recorded at {links.at.isoformat()}, earlier than version {head.version} "
                                      f"({head.at.isoformat()}): an aggregate's recorded times only move forward")))
        advances = head is None or record.version > head.version
        self.heads[record.aggregate_id] = _Head(max(record.version, head.version if head else 0),
                                                links.hash if links is not None else None,
                                                links.at if links is not None and advances else
                                                head.at if head is not None else None)
        return problems


#: a check of each event against the log, given the event and its links: its breaks
LogCheck = Callable[[StoredRecord, Links | None], list[Problem]]
Opener = Callable[[Iterable[StoredRecord]], Iterable[tuple[StoredRecord, Prepared]]]


class Verifier:
    """The loop: feed it stored records in log order (:meth:`check`, or :meth:`run` for a
    stream); read :attr:`report` at the end.

    ``decode`` reads a record's state (the store's bytes; :func:`as_read` for a bundle's);
    ``chains`` says whether every version is at hand; ``log`` ties each event to the log;
    ``genesis_first`` says whether the first record must be the ledger's genesis (not when the
    records start after a trusted checkpoint: then the keys are learnt beforehand)."""

    def __init__(
        self,
        decode: Callable[[Any], dict[str, Any]],
        trusted_ledger_keyid: str | None = None,
        *,
        chains: Chains | None = None,
        log: LogCheck | None = None,
        genesis_first: bool = True,
        report: VerificationReport | None = None,
    ) -> None:
        self.decode = decode
        self.keys = KeyChecks(trusted_ledger_keyid)
        self.chains = chains or Chains()
        self.log = log
        self.genesis_first = genesis_first
        self.report = report or VerificationReport()
        #: each event's place in log order, for the report's root causes (§13.4): by default its
        #: rank among the events checked, counted from ``first_position``
        self.place: Callable[[StoredRecord], int | None] | None = None
        self.first_position = 0

    def check(self, record: StoredRecord, prepared: Prepared | None = None) -> list[Break]:
        found: list[Break] = []
        is_first = self.genesis_first and self.report.events == 0
        position = self.place(record) if self.place is not None else self.first_position + self.report.events
        self.report.events += 1
        read_problem, links, opened = prepared if prepared is not None else prepare(record, self.decode)
        signer = opened.actor if opened is not None else ""

        def broken(kind: str, detail: str) -> None:
            found.append(Break(record.aggregate_id, record.version, record.notification_id, kind, detail, position,
                               signer))

        if read_problem:
            broken("hash", read_problem)
        new_aggregate = record.aggregate_id not in self.chains.heads
        for kind, detail in self.chains.check(record, links):
            broken(kind, detail)
        if new_aggregate:
            self.report.aggregates += 1
        if opened is not None:
            for kind, detail in self.keys.judge(record.aggregate_id, record.topic, opened, is_first):
                broken(kind, detail)
        if self.log is not None:
            for kind, detail in self.log(record, links):
                broken(kind, detail)
        self.report.breaks.extend(found)
        return found

    def run(self, records: Iterable[StoredRecord], progress: Callable[[int], None] | None = None,
            opener: Opener | None = None) -> VerificationReport:
        """Check every record in order. ``opener`` may prepare the records elsewhere (on other
        cores), yielding them in the same order; by default each is prepared here."""
        prepared = opener(records) if opener is not None else ((r, prepare(r, self.decode)) for r in records)
        for record, ready in prepared:
            self.check(record, ready)
            if progress is not None:
                progress(1)
        self.report.ledger_keyid = self.keys.ledger_keyid or self.report.ledger_keyid
        return self.report
