"""Offline evidence bundles: one JSON file that proves a case's (or a person's) events without
the ledger, the database or the network.

Format ``decision-ledger/bundle/v1``::

    {
      "format": "decision-ledger/bundle/v1",
      "subject": {"kind": "case" | "person", "id": "<uuid>"},
      "ledger": {"ledger_id": "<uuid>", "origin": "decision-ledger/<ledger id>",
                 "ledger_keyid": "<RFC 7638 thumbprint>", "verifier_key": "<name+id+key>"},
      "checkpoint": "<C2SP signed note, tree size n>",
      "events": [
        {"leaf_index": i, "notification_id": …, "aggregate_id": "<uuid>", "version": v,
         "topic": "decision-ledger/…/v1", "why": "subject" | "keys" | "genesis" | "context",
         "state": {"timestamp": "…Z", "envelope": {DSSE}, "rulebook": "…", "prev_hash": "…",
                   "hash": "…", ["originator_topic": "…"]},
         "inclusion_path": ["<hex>", …]}
      ],
      "keys": [{"principal_id": "…", "name": "…", "keys": [{"keyid", "active_from",
                "active_until", "ended_by"}]}],
      "head": "<the case's signed head: domain.evidence.heads, case bundles only>",
      "consistency": {"old_size": m, "consistency_path": ["<hex>", …]}
    }

``consistency`` (exported with ``--since-checkpoint``) proves the bundle's checkpoint extends a
checkpoint of size m the recipient already holds (RFC 9162 §2.1.4), so a history rewritten and
re-signed by whoever holds the ledger key shows (``verify --bundle … --since-checkpoint``).

Checking it: the genesis event (leaf 0, the ledger's self-signed principal) gives the ledger key
(or ``trusted_ledger_keyid`` pins it); the checkpoint's signature verifies under it; every event's
hash is recomputed from its state, its RFC 9162 inclusion proof leads to the checkpoint's root,
its signature, binding and key are checked exactly as ``verify`` checks the store, with key
histories derived from the principals' own key events in the bundle (the ``keys`` list must
agree with them); consecutive versions link by ``prev_hash``; a case bundle holds every version
of its case, up to the last version its signed head names (so a cut-off tail shows).
"""

from __future__ import annotations

from typing import Any

from domain.evidence.checkpoint import Checkpoint, NoteError, open_checkpoint
from domain.evidence.heads import CaseHead
from domain.evidence.merkle import ProofError, leaf_hash, verify_consistency, verify_inclusion
from domain.evidence.signing import PublicKey
from domain.evidence.times import format_time
from domain.evidence.verifier import (
    Break,
    Chains,
    KeyChecks,
    Links,
    Problem,
    StoredRecord,
    VerificationReport,
    Verifier,
    as_read,
)

BUNDLE_FORMAT = "decision-ledger/bundle/v1"
BUNDLE = "bundle"  # the aggregate id a whole-bundle problem is reported under


def _break(report: VerificationReport, kind: str, detail: str, event: dict[str, Any] | None = None) -> None:
    aggregate = str(event.get("aggregate_id")) if event else BUNDLE
    version = event.get("version") if event else 0
    notification = event.get("notification_id") if event else None
    report.breaks.append(Break(aggregate, version if isinstance(version, int) else 0,
                               notification if isinstance(notification, int) else None, kind, detail))


def _event_shape(event: Any) -> str:
    if not isinstance(event, dict):
        return "an event is not an object"
    wanted = (("leaf_index", int), ("aggregate_id", str), ("version", int), ("topic", str), ("state", dict),
              ("inclusion_path", list))
    missing = [name for name, kind in wanted if not isinstance(event.get(name), kind)]
    return f"the event lacks or garbles {', '.join(missing)}" if missing else ""


def _notification(event: dict[str, Any]) -> int | None:
    value = event.get("notification_id")
    return value if isinstance(value, int) else None


def verify_bundle(data: Any, trusted_ledger_keyid: str | None = None,
                  trusted_checkpoint: str | None = None) -> VerificationReport:
    """Check a parsed bundle; every problem is a break naming the event (or ``bundle``). With a
    checkpoint published earlier, the bundle's checkpoint must be consistent with it."""
    report = VerificationReport()
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        _break(report, "hash", f"not a {BUNDLE_FORMAT} bundle")
        return report
    events = data.get("events")
    ledger = data.get("ledger")
    if not isinstance(events, list) or not events or not isinstance(ledger, dict):
        _break(report, "hash", "the bundle lacks its events or its ledger")
        return report
    shapes = [(e, _event_shape(e)) for e in events]
    for event, problem in shapes:
        if problem:
            _break(report, "hash", problem, event if isinstance(event, dict) else None)
    good = sorted((e for e, problem in shapes if not problem), key=lambda e: e["leaf_index"])

    def included(record: StoredRecord, links: Links | None) -> list[Problem]:
        if links is None:
            return []
        event = by_place[(record.aggregate_id, record.version, record.notification_id)]
        try:
            path = [bytes.fromhex(p) for p in event["inclusion_path"]]
            verify_inclusion(leaf_hash(bytes.fromhex(links.hash)), event["leaf_index"], checkpoint.size, path,
                             checkpoint.root)
        except (ValueError, TypeError, ProofError) as error:
            return [("log", f"the inclusion proof does not verify: {error}")]
        return []

    by_place = {(e["aggregate_id"], e["version"], _notification(e)): e for e in good}
    verifier = Verifier(as_read, trusted_ledger_keyid, chains=Chains(complete=False), report=report)
    records = [StoredRecord(_notification(e), e["aggregate_id"], e["version"], e["topic"], e["state"]) for e in good]

    # The genesis first: it carries the ledger key the checkpoint is signed with.
    if not good or good[0]["leaf_index"] != 0:
        _break(report, "key", "the bundle lacks the ledger's genesis (leaf 0)")
        return report
    verifier.check(records[0])
    checker = verifier.keys
    if checker.ledger_key is None:
        _break(report, "key", "the genesis does not yield a ledger key")
        return report
    report.ledger_keyid = checker.ledger_keyid
    try:
        checkpoint = open_checkpoint(str(data.get("checkpoint", "")), checker.ledger_key, ledger.get("origin"))
    except NoteError as error:
        _break(report, "checkpoint", f"the checkpoint does not verify under the ledger key: {error}")
        return report
    genesis = good[0]["state"]
    if isinstance(genesis, dict) and isinstance(genesis.get("hash"), str):
        for kind, detail in included(records[0], Links(genesis["hash"], "")):
            _break(report, kind, detail, good[0])

    if trusted_checkpoint is not None:
        _check_since(report, data.get("consistency"), trusted_checkpoint, checkpoint, checker.ledger_key)

    verifier.log = included
    for record in records[1:]:
        verifier.check(record)

    _check_subject(report, data.get("subject"), good)
    if isinstance(data.get("subject"), dict) and data["subject"].get("kind") == "case":
        _check_head(report, data.get("head"), str(data["subject"].get("id")), good, checkpoint, checker)
    _check_keys(report, data.get("keys"), checker)
    return report


def _check_subject(report: VerificationReport, subject: Any, events: list[dict[str, Any]]) -> None:
    if not isinstance(subject, dict) or subject.get("kind") not in ("case", "person"):
        _break(report, "hash", "the bundle names no subject")
        return
    if subject["kind"] != "case":
        return
    versions = sorted((e for e in events if e["aggregate_id"] == subject.get("id")), key=lambda e: e["version"])
    if not versions:
        _break(report, "gap", f"the case bundle holds no version of case {subject.get('id')}")
    held = 0
    for event in versions:  # name the version that follows each missing one
        if event["version"] > held + 1:
            _break(report, "gap", f"the case bundle lacks version {held + 1} (version {event['version']} "
                   f"follows version {held})", event)
        held = event["version"]


def _check_since(report: VerificationReport, proof: Any, note: str, checkpoint: Checkpoint,
                 ledger_key: PublicKey) -> None:
    """Whoever holds the ledger key can rewrite a history and re-sign it; a checkpoint published
    earlier shows it: the bundle's checkpoint must extend it (RFC 9162 consistency proof, carried
    as ``consistency`` by a bundle exported with ``--since-checkpoint``)."""
    try:
        trusted = open_checkpoint(note, ledger_key, checkpoint.origin)
    except NoteError as error:
        _break(report, "checkpoint", f"the trusted checkpoint does not verify under the bundle's ledger key: {error}")
        return
    path: list[bytes] = []
    if trusted.size < checkpoint.size:
        if not isinstance(proof, dict) or proof.get("old_size") != trusted.size:
            _break(report, "checkpoint", f"the bundle carries no consistency proof from size {trusted.size}, the "
                   "trusted checkpoint's (export it with --since-checkpoint)")
            return
        try:
            path = [bytes.fromhex(p) for p in proof.get("consistency_path", [])]
        except (TypeError, ValueError):
            _break(report, "checkpoint", "the bundle's consistency proof is not a list of hex hashes")
            return
    try:
        verify_consistency(trusted.size, checkpoint.size, trusted.root, checkpoint.root, path)
    except ProofError as error:
        _break(report, "checkpoint", f"the bundle's checkpoint ({checkpoint.size}) is not consistent with the trusted "
               f"checkpoint ({trusted.size}): {error}")
        return
    report.notes.append(f"consistency proof {trusted.size} → {checkpoint.size} verified")


def _check_head(report: VerificationReport, note: Any, case_id: str, events: list[dict[str, Any]],
                checkpoint: Checkpoint, checker: KeyChecks) -> None:
    """The case's signed head names its last version at the checkpoint: versions cut off the
    bundle's end are missing before it."""
    if checker.ledger_key is None:
        return
    try:
        head = CaseHead.open(str(note or ""), checker.ledger_key, checkpoint.origin)
    except NoteError as error:
        _break(report, "checkpoint", f"the case's signed head does not verify under the ledger key: {error}")
        return
    if head.case_id != case_id or head.tree_size != checkpoint.size:
        _break(report, "checkpoint", f"the signed head is of case {head.case_id} at tree size {head.tree_size}, "
               f"not of case {case_id} at the checkpoint's {checkpoint.size}")
        return
    held = {e["version"]: e for e in events if e["aggregate_id"] == case_id}
    for version in range(max(held, default=0) + 1, head.version + 1):
        report.breaks.append(Break(case_id, version, None, "gap",
                                   f"the signed head is version {head.version}: version {version} is missing"))
    for version in (v for v in held if v > head.version):
        _break(report, "gap", f"the signed head is version {head.version}: this version is beyond it", held[version])
    last = held.get(head.version)
    if last is not None and last["state"].get("hash") != head.event_hash:
        _break(report, "hash", "the case's last version is not the one its signed head names", last)


def _check_keys(report: VerificationReport, listed: Any, checker: KeyChecks) -> None:
    """The human-readable key list must say what the key events say."""
    derived = {
        principal: sorted(
            (r.keyid, format_time(r.active_from), format_time(r.active_until) if r.active_until else None, r.ended_by)
            for r in history.keys.values()
        )
        for principal, history in checker.keys.items()
    }
    given: dict[str, list[tuple[Any, ...]]] = {}
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict):
            given[str(entry.get("principal_id"))] = sorted(
                (k.get("keyid"), k.get("active_from"), k.get("active_until"), k.get("ended_by"))
                for k in entry.get("keys", []) if isinstance(k, dict)
            )
    if given != derived:
        _break(report, "key", "the bundle's key list does not match its principals' key events")

