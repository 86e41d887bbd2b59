"""Verifying an offline evidence bundle (docs/spec.md §13.2): every event as ``verify`` checks the
store, each tied to the checkpoint by its inclusion proof, and every other member of the bundle —
the ledger block, the head that says what the bundle must hold, ``why``, the key list, a
consistency proof — checked against what the events and the signed notes say. Format v1 bundles
still verify as they did.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from domain.evidence import (
    hashing,  # issue 20 — sm3
    merkle,
    sm2_note,  # issue 20 — sm2
    topics,
)
from domain.evidence.bundle import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_V1,
    BUNDLE_FORMAT_V2,
    BUNDLE_FORMAT_V4,
    key_list,
)
from domain.evidence.bundle_ledger_key import check_signing_key, proposed_ledger_keys
from domain.evidence.bundle_stamps import check_timestamps, tlog_proof_problem
from domain.evidence.bundle_witnesses import WitnessTrust, check_witnessed
from domain.evidence.canonical import parse_interchange
from domain.evidence.checkpoint import Checkpoint, NoteError, open_under, verifier_key
from domain.evidence.errors import LedgerError, MalformedInput
from domain.evidence.heads import BundleHead, CaseHead
from domain.evidence.intent import Intent
from domain.evidence.merkle import ProofError, leaf_hash, verify_consistency, verify_inclusion
from domain.evidence.report import BUNDLE, Break, VerificationReport
from domain.evidence.signing import Envelope, PublicKey
from domain.evidence.verifier import (
    Chains,
    KeyChecks,
    Links,
    Problem,
    StoredRecord,
    Verifier,
    as_read,
    declared_suite,
)

if TYPE_CHECKING:  # the RFC 3161 reader is imported when a bundle carries a timestamp
    from domain.evidence.timestamps import Trust

_TOP = {"format", "subject", "ledger", "checkpoint", "tree_size", "events", "keys", "head", "consistency"}
_TOP_REQUIRED = _TOP - {"consistency"}
_LEDGER = {"ledger_id", "origin", "ledger_keyid", "verifier_key"}
_EVENT = {"leaf_index", "aggregate_id", "version", "topic", "why", "state", "inclusion_path"}
_KEY = {"keyid", "jwk", "active_from", "active_until", "ended_by", "reason"}
# issue 20 — stamps: what format v3 adds to v2 (§21.3)
_TOP_V3 = _TOP | {"timestamps"}
_EVENT_V3 = _EVENT | {"tlog_proof"}


def _intent(state: dict[str, Any]) -> Intent | None:
    try:
        return Intent.decode(Envelope.from_json(state["envelope"]).payload)
    except (LedgerError, KeyError, TypeError):
        return None


# --- reading a bundle -------------------------------------------------------------------------


class _Reading:
    """One bundle being checked: its report, and the breaks it finds."""

    def __init__(self, data: Any, v1: bool, v3: bool = False) -> None:
        self.data = data
        self.v1 = v1
        self.v3 = v3
        self.report = VerificationReport()

    def brk(self, kind: str, detail: str, event: dict[str, Any] | None = None) -> None:
        aggregate = str(event.get("aggregate_id")) if event else BUNDLE
        version = event.get("version") if event else 0
        notification = event.get("notification_id") if event and self.v1 else None
        leaf = event.get("leaf_index") if event else None
        intent = _intent(event["state"]) if event and isinstance(event.get("state"), dict) else None
        self.report.add(aggregate, version if isinstance(version, int) else 0,
                        notification if isinstance(notification, int) else None, kind, detail,
                        position=leaf if isinstance(leaf, int) else None,
                        signer=str(intent.actor) if intent is not None else "")

    def members(self, what: str, given: Any, known: set[str], required: set[str] | None = None) -> None:
        """v2: a member the format names is missing, or one it does not name is there — each a
        break of the bundle (the part cannot be trusted to name itself)."""
        if not isinstance(given, dict) or self.v1:
            return
        for name in sorted((known if required is None else required) - set(given)):
            self.brk("hash", f"{what} lacks {name!r}")
        for name in sorted(set(given) - known):
            self.brk("hash", f"{what} carries {name!r}, which the format does not name")


def _event_shape(event: Any) -> str:
    if not isinstance(event, dict):
        return "an event is not an object"
    wanted = (("leaf_index", int), ("aggregate_id", str), ("version", int), ("topic", str), ("state", dict),
              ("inclusion_path", list))
    missing = [name for name, kind in wanted if type(event.get(name)) is not kind]
    return f"the event lacks or garbles {', '.join(missing)}" if missing else ""


def verify_bundle(data: Any, trusted_ledger_keyid: str | None = None, trusted_checkpoint: str | None = None,
                  tsa_trust: Trust | None = None, witness_trust: WitnessTrust | None = None) -> VerificationReport:
    """Check a parsed bundle; every problem is a break naming the event (or ``bundle``). With a
    checkpoint published earlier, the bundle's checkpoint must be consistent with it; with a TSA's
    certificate (``tsa_trust``), the bundle's timestamps must verify under it (format v3); with the
    witnesses the recipient trusts (``witness_trust``), a quorum of them must have cosigned (v4)."""
    events = data.get("events") if isinstance(data, dict) else None  # issue 20 — sm3: the genesis's hash
    genesis = next((e for e in events if isinstance(e, dict) and e.get("leaf_index") == 0), None) \
        if isinstance(events, list) else None
    with hashing.using(declared_suite(genesis.get("state")) if genesis is not None else hashing.SHA256):
        return _verify_bundle(data, trusted_ledger_keyid, trusted_checkpoint, tsa_trust, witness_trust)


def _verify_bundle(data: Any, trusted_ledger_keyid: str | None, trusted_checkpoint: str | None,
                   tsa_trust: Trust | None, witness_trust: WitnessTrust | None) -> VerificationReport:
    fmt = data.get("format") if isinstance(data, dict) else None
    reading = _Reading(data, fmt == BUNDLE_FORMAT_V1, fmt in (BUNDLE_FORMAT, BUNDLE_FORMAT_V4))
    report = reading.report
    if fmt not in (BUNDLE_FORMAT_V4, BUNDLE_FORMAT, BUNDLE_FORMAT_V2, BUNDLE_FORMAT_V1):
        reading.brk("hash", f"not a bundle of a format this verifier knows ({BUNDLE_FORMAT_V4}, {BUNDLE_FORMAT}, "
                    f"{BUNDLE_FORMAT_V2}, {BUNDLE_FORMAT_V1})" + (f": {fmt!r}" if isinstance(fmt, str) else ""))
        return report
    events, ledger = data.get("events"), data.get("ledger")
    if not isinstance(events, list) or not events or not isinstance(ledger, dict):
        reading.brk("hash", "the bundle lacks its events or its ledger")
        return report
    top = _TOP_V3 | {"witnessed"} if fmt == BUNDLE_FORMAT_V4 else _TOP_V3 if reading.v3 else _TOP
    reading.members("the bundle", data, top, top - {"consistency"} if reading.v3 else _TOP_REQUIRED)
    reading.members("the ledger block", ledger, _LEDGER)
    shapes = [(e, _event_shape(e)) for e in events]
    for event, problem in shapes:
        if problem:
            reading.brk("hash", problem)
        else:
            reading.members(f"event {event['aggregate_id']}:{event['version']}", event,
                            _EVENT_V3 if reading.v3 else _EVENT)
    good = sorted((e for e, problem in shapes if not problem), key=lambda e: e["leaf_index"])

    def place(event: dict[str, Any]) -> int | None:
        value = event.get("notification_id")
        return value if reading.v1 and isinstance(value, int) else None

    records = [StoredRecord(place(e), e["aggregate_id"], e["version"], e["topic"], e["state"]) for e in good]
    verifier = Verifier(as_read, trusted_ledger_keyid, chains=Chains(complete=False), report=report)
    leaves = {id(record): event["leaf_index"] for record, event in zip(records, good, strict=True)}
    verifier.place = lambda record: leaves.get(id(record))  # its leaf: its place in log order (§13.4)

    # The genesis first: it carries the ledger key the checkpoint is signed with.
    if not good or good[0]["leaf_index"] != 0:
        reading.brk("key", "the bundle lacks the ledger's genesis (leaf 0)")
        return report
    verifier.check(records[0])
    checks = verifier.keys
    if checks.ledger_key is None:
        reading.brk("key", "the genesis does not yield a ledger key")
        return report
    report.ledger_keyid = checks.ledger_keyid
    ledger_id = good[0]["aggregate_id"]
    # The genesis key, or a key the ledger principal's rotations in the bundle propose (§13.2.4);
    # which of them may sign is known only once their events are checked (check_signing_key).
    candidates = [checks.ledger_key, *proposed_ledger_keys(good, ledger_id)]
    try:
        origin = ledger.get("origin")  # not text: the checkpoint's own, and _check_ledger names it
        checkpoint, ledger_key = open_under(str(data.get("checkpoint", "")), candidates,
                                            origin if isinstance(origin, str) else None)
        # issue 20 — sm2: a ledger whose genesis registers an SM2 key signs with it too (§22.2)
        genesis_keys = checks.keys.get(good[0]["aggregate_id"])
        sm2_note.check_lines(str(data.get("checkpoint", "")), checkpoint.origin,
                             [r.public_key for r in genesis_keys.keys.values()] if genesis_keys else [])
    except NoteError as error:
        reading.brk("checkpoint", f"the checkpoint does not verify under the ledger key: {error}")
        return report
    _check_ledger(reading, ledger, good[0], checks.ledger_key, ledger_key, checkpoint)

    def included(record: StoredRecord, links: Links | None) -> list[Problem]:
        if links is None:
            return []
        event = by_place[(record.aggregate_id, record.version)]
        try:
            path = merkle.path_of(event["inclusion_path"])
            verify_inclusion(leaf_hash(bytes.fromhex(links.hash)), event["leaf_index"], checkpoint.size, path,
                             checkpoint.root)
        except (ValueError, TypeError, ProofError) as error:
            return [("log", f"the inclusion proof does not verify: {error}")]
        if reading.v3 and "tlog_proof" in event:  # issue 20 — stamps (§21.2); a missing one is named above
            problem = tlog_proof_problem(event, links.hash, str(data.get("checkpoint")), ledger_key,
                                         checkpoint.origin)
            if problem:
                return [("log", problem)]
        return []

    by_place = {(e["aggregate_id"], e["version"]): e for e in good}
    genesis_state = good[0]["state"]
    if isinstance(genesis_state.get("hash"), str):
        for kind, detail in included(records[0], Links(genesis_state["hash"], "")):
            reading.brk(kind, detail, good[0])
    if "consistency" in data or trusted_checkpoint is not None:
        _check_consistency(reading, data.get("consistency"), trusted_checkpoint, checkpoint, candidates)
    # issue 20 — stamps: RFC 3161 timestamps of checkpoints (§21.3)
    if reading.v3 and "timestamps" in data:
        check_timestamps(data["timestamps"], checkpoint, candidates, good, tsa_trust, reading.brk, report.notes)
    elif tsa_trust is not None and not reading.v3:
        reading.brk("timestamp", f"a bundle of format {fmt} carries no timestamps (format {BUNDLE_FORMAT} does)")
    report.witnesses = check_witnessed(data.get("witnessed") if fmt == BUNDLE_FORMAT_V4 else None, checkpoint,
                                       candidates, good, witness_trust, reading.brk, report.notes)  # §20.6

    verifier.log = included
    for record in records[1:]:
        verifier.check(record)

    subject = data.get("subject")
    if not isinstance(subject, dict) or subject.get("kind") not in ("case", "person") \
            or not isinstance(subject.get("id"), str):
        reading.brk("hash", "the bundle names no subject (kind case or person, and an id)")
        return report
    reading.members("the subject", subject, {"kind", "id"})
    if reading.v1:
        _check_subject_v1(reading, subject, good, checkpoint, ledger_key)
    else:
        _check_head(reading, subject["kind"], subject["id"], data.get("head"), good, checkpoint, ledger_key)
    _check_keys(reading, data.get("keys"), checks, good)
    check_signing_key(reading.brk, checks, ledger_id, ledger_key)
    return report


def _check_ledger(reading: _Reading, ledger: dict[str, Any], genesis: dict[str, Any], genesis_key: PublicKey,
                  key: PublicKey, checkpoint: Checkpoint) -> None:
    """Every field of the ledger block says what the genesis and the checkpoint say: the ledger's
    identity is its genesis key; ``verifier_key`` is that of the key signing the checkpoint."""
    ledger_id = genesis["aggregate_id"]
    expected = {
        "ledger_id": ledger_id,
        "origin": f"decision-ledger/{ledger_id}",
        "ledger_keyid": genesis_key.keyid,
        "verifier_key": verifier_key(checkpoint.origin, key),
    }
    for name, value in expected.items():
        if ledger.get(name) != value:
            reading.brk("key" if name in ("ledger_keyid", "verifier_key") else "checkpoint",
                        f"ledger.{name} is {ledger.get(name)!r}, but the genesis and the checkpoint make it {value!r}")
    tree_size = reading.data.get("tree_size")
    if (tree_size is not None or not reading.v1) and tree_size != checkpoint.size:
        reading.brk("checkpoint", f"tree_size is {tree_size!r}, but the checkpoint is of size {checkpoint.size}")


def _check_consistency(reading: _Reading, proof: Any, trusted_note: str | None, checkpoint: Checkpoint,
                       ledger_keys: list[PublicKey]) -> None:
    """The bundle's checkpoint extends an earlier one: the one the bundle carries (always checked)
    and the one the recipient trusts (RFC 9162 consistency proof). An earlier checkpoint may be
    signed by any of the ledger's keys: one signed before a rotation, by the key it rotated out."""
    trusted = None
    if trusted_note is not None:
        try:
            trusted, _ = open_under(trusted_note, ledger_keys, checkpoint.origin)
        except NoteError as error:
            reading.brk("checkpoint", f"the trusted checkpoint does not verify under the bundle's ledger key: {error}")
            return
    old: Checkpoint | None = None
    path: list[bytes] = []
    if isinstance(proof, dict):
        reading.members("the consistency proof", proof, {"old_checkpoint", "consistency_path"})
        try:
            path = merkle.path_of(proof.get("consistency_path", []))
        except (TypeError, ValueError):
            reading.brk("checkpoint", "the bundle's consistency proof is not a list of hex hashes")
            return
        if reading.v1:
            if trusted is not None and proof.get("old_size") == trusted.size:
                old = trusted
        else:
            try:
                old, _ = open_under(str(proof.get("old_checkpoint", "")), ledger_keys, checkpoint.origin)
            except NoteError as error:
                reading.brk("checkpoint", f"the consistency proof's old checkpoint does not verify: {error}")
                return
    elif proof is not None:
        reading.brk("checkpoint", "the bundle's consistency proof is not an object")
        return
    if old is not None:
        trusted_is_old = trusted is not None and (old.size, old.root) == (trusted.size, trusted.root)
        try:
            verify_consistency(old.size, checkpoint.size, old.root, checkpoint.root, path)
        except ProofError as error:
            which = "the trusted checkpoint" if trusted_is_old else "the checkpoint its proof starts from"
            reading.brk("checkpoint", f"the bundle's checkpoint ({checkpoint.size}) is not consistent with {which} "
                        f"({old.size}): {error}")
            return
        reading.report.notes.append(f"consistency proof {old.size} → {checkpoint.size} verified")
    if trusted is None:
        return
    if trusted.size == checkpoint.size:
        if trusted.root != checkpoint.root:
            reading.brk("checkpoint", f"the bundle's checkpoint ({checkpoint.size}) is not consistent with the trusted "
                        f"checkpoint ({trusted.size}): another root at the same size")
        return
    if trusted.size > checkpoint.size:
        reading.brk("checkpoint", f"the bundle's checkpoint ({checkpoint.size}) is older than the trusted one "
                    f"({trusted.size})")
        return
    if old is None or (old.size, old.root) != (trusted.size, trusted.root):
        reading.brk("checkpoint", f"the bundle carries no consistency proof from size {trusted.size}, the trusted "
                    "checkpoint's (export it with --since-checkpoint)")


def _check_head(reading: _Reading, kind: str, subject_id: str, note: Any, events: list[dict[str, Any]],
                checkpoint: Checkpoint, ledger_key: PublicKey) -> None:
    """The bundle head says what the bundle must hold; it holds exactly that, each event for the
    reason its ``why`` gives."""
    try:
        head = BundleHead.open(str(note or ""), ledger_key, checkpoint.origin)
    except NoteError as error:
        reading.brk("checkpoint", f"the bundle's signed head does not verify under the ledger key: {error}")
        return
    if (head.subject_kind, head.subject_id, head.tree_size) != (kind, subject_id, checkpoint.size):
        reading.brk("checkpoint", f"the signed head is of the {head.subject_kind} {head.subject_id} at tree size "
                    f"{head.tree_size}, not of the {kind} {subject_id} at the checkpoint's {checkpoint.size}")
        return
    held: dict[str, dict[int, dict[str, Any]]] = {}
    for event in events:
        held.setdefault(event["aggregate_id"], {})[event["version"]] = event
    decision = _decision_of(held.get(subject_id, {}).get(1)) if kind == "case" else None
    for whole in (subject_id, decision):
        if whole is not None and whole not in head.complete:
            reading.brk("gap", f"the signed head does not hold {whole} whole, as a {kind} bundle must")
    for aggregate, (last, digest) in head.complete.items():
        versions = held.get(aggregate, {})
        for version in range(1, last + 1):
            if version not in versions:
                reading.report.add(aggregate, version, None, "gap",
                                   f"the signed head holds this aggregate whole to version {last}: version {version} "
                                   "is missing")
        for version in sorted(v for v in versions if v > last):
            reading.brk("gap", f"the signed head holds this aggregate whole to version {last}: this version is beyond "
                        "it", versions[version])
        if last in versions and versions[last]["state"].get("hash") != digest:
            reading.brk("hash", "this is not the last version the signed head names", versions[last])
    listed = {(aggregate, version): digest for aggregate, version, digest in head.events}
    for (aggregate, version), digest in listed.items():
        found = held.get(aggregate, {}).get(version)
        if found is None:
            reading.report.add(aggregate, version, None, "gap",
                               f"the signed head lists this event of the {kind}: the bundle lacks it")
        elif found["state"].get("hash") != digest:
            reading.brk("hash", "this is not the event the signed head lists", found)
        elif kind == "person" and not _concerns(found, subject_id):
            reading.brk("hash", f"the signed head lists this event, but it does not concern the person {subject_id}",
                        found)
    for event in events:
        aggregate, version = event["aggregate_id"], event["version"]
        if aggregate not in head.complete and (aggregate, version) not in listed:
            reading.brk("gap", "the signed head neither holds this aggregate whole nor lists this event", event)
        expected = _why(event, kind, subject_id, decision, listed)
        if event.get("why") != expected:
            reading.brk("hash", f"why is {event.get('why')!r}; the head and the subject make it {expected!r}", event)
        intent = _intent(event["state"])
        if intent is not None and str(intent.actor) not in head.complete:
            reading.brk("key", f"the key history of the signer {intent.actor} is not held whole by the signed head",
                        event)


def _why(event: dict[str, Any], kind: str, subject_id: str, decision: str | None,
         listed: dict[tuple[str, int], str]) -> str:
    """Why an event is in a bundle: the ledger's genesis; the subject (the case's versions; the
    person's own principal events and the events the head lists); the context (the case's
    decision); or the key history of a signer."""
    aggregate = event["aggregate_id"]
    if event["leaf_index"] == 0:
        return "genesis"
    if aggregate == subject_id or (aggregate, event["version"]) in listed:
        return "subject"
    if kind == "case" and aggregate == decision:
        return "context"
    return "keys"


def _decision_of(opened: dict[str, Any] | None) -> str | None:
    """The decision a case evaluates, as its opening intent names it."""
    intent = _intent(opened["state"]) if opened is not None else None
    value = intent.args.get("decision_id") if intent is not None else None
    return value if isinstance(value, str) else None


def _concerns(event: dict[str, Any], person: str) -> bool:
    """An event concerns a person if they signed it, it is an event of their own principal, or
    its signed arguments name them (their id is a string anywhere in ``args``)."""
    if event["aggregate_id"] == person:
        return True
    intent = _intent(event["state"])
    if intent is None:
        return False
    return str(intent.actor) == person or _names(intent.args, person)


def _names(value: Any, person: str) -> bool:
    if isinstance(value, dict):
        return any(_names(item, person) for item in value.values())
    if isinstance(value, list):
        return any(_names(item, person) for item in value)
    return value == person


def _check_subject_v1(reading: _Reading, subject: dict[str, Any], events: list[dict[str, Any]],
                      checkpoint: Checkpoint, ledger_key: PublicKey) -> None:
    """Format v1: a case bundle holds every version of its case up to its case head's; a person
    bundle proves no completeness."""
    if subject["kind"] != "case":
        reading.report.notes.append("a v1 person bundle does not prove that it holds the person's every act "
                                    "(export it again: format v2 does)")
        return
    case_id = subject["id"]
    versions = sorted((e for e in events if e["aggregate_id"] == case_id), key=lambda e: e["version"])
    if not versions:
        reading.brk("gap", f"the case bundle holds no version of case {case_id}")
    held = 0
    for event in versions:  # name the version that follows each missing one
        if event["version"] > held + 1:
            reading.brk("gap", f"the case bundle lacks version {held + 1} (version {event['version']} "
                        f"follows version {held})", event)
        held = event["version"]
    try:
        head = CaseHead.open(str(reading.data.get("head") or ""), ledger_key, checkpoint.origin)
    except NoteError as error:
        reading.brk("checkpoint", f"the case's signed head does not verify under the ledger key: {error}")
        return
    if head.case_id != case_id or head.tree_size != checkpoint.size:
        reading.brk("checkpoint", f"the signed head is of case {head.case_id} at tree size {head.tree_size}, "
                    f"not of case {case_id} at the checkpoint's {checkpoint.size}")
        return
    by_version = {e["version"]: e for e in versions}
    for version in range(max(by_version, default=0) + 1, head.version + 1):
        reading.report.add(case_id, version, None, "gap",
                           f"the signed head is version {head.version}: version {version} is missing")
    for version in (v for v in by_version if v > head.version):
        reading.brk("gap", f"the signed head is version {head.version}: this version is beyond it", by_version[version])
    last = by_version.get(head.version)
    if last is not None and last["state"].get("hash") != head.event_hash:
        reading.brk("hash", "the case's last version is not the one its signed head names", last)


def _check_keys(reading: _Reading, listed: Any, checks: KeyChecks, events: list[dict[str, Any]]) -> None:
    """The human-readable key list must say exactly what the key events say."""
    names: dict[str, str] = {}
    for event in events:
        if event["topic"] == topics.REGISTERED:
            intent = _intent(event["state"])
            if intent is not None and isinstance(intent.args.get("name"), str):
                names[event["aggregate_id"]] = intent.args["name"]
    derived = [entry.to_json() for entry in key_list(checks, names, with_reason=not reading.v1)]
    given = listed if isinstance(listed, list) else []
    for entry in given:
        reading.members("a keys entry", entry, {"principal_id", "name", "keys"})
        for key in entry.get("keys", []) if isinstance(entry, dict) and isinstance(entry.get("keys"), list) else []:
            reading.members("a key of a keys entry", key, _KEY)
    if reading.v1:  # v1 lists carried no reason
        derived = [{**p, "keys": [{k: v for k, v in key.items() if k != "reason"} for key in p["keys"]]}
                   for p in derived]
    if _canonical_keys(given) != _canonical_keys(derived):
        reading.brk("key", "the bundle's key list does not match its principals' key events")


def _canonical_keys(entries: list[Any]) -> list[Any]:
    """A key list in one order (principals by id, keys by key id), for comparison."""
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            return [entries]
        keys = entry.get("keys")
        ordered = sorted(keys, key=lambda k: json.dumps(k, sort_keys=True)) if isinstance(keys, list) else keys
        out.append({**entry, "keys": ordered})
    return sorted(out, key=lambda e: json.dumps(e, sort_keys=True))


def verify_bundle_json(text: str, trusted_ledger_keyid: str | None = None, trusted_checkpoint: str | None = None,
                       tsa_trust: Trust | None = None, witness_trust: WitnessTrust | None = None) -> VerificationReport:
    """:func:`verify_bundle` of a bundle's JSON text."""
    try:  # one reading of the text (spec §13.2): no member twice, no NaN, no RecursionError
        data = parse_interchange(text)
    except MalformedInput as error:
        return VerificationReport(breaks=[Break(BUNDLE, 0, None, "hash", f"the bundle is not JSON: {error.detail}")])
    return verify_bundle(data, trusted_ledger_keyid, trusted_checkpoint, tsa_trust, witness_trust)
