"""Verify Decision Ledger bundles from docs/spec.md alone (§12 bundles, §13 checks, §14 report).

Imports only the standard library, ``cryptography`` and ``rfc8785`` (and, for SM2, ``gmalg``: an
SM2 written apart from the product's GmSSL; for §21's RFC 3161 tokens, ``asn1crypto``: stamps.py);
nothing of the product.
"§" numbers are docs/spec.md's. Where the spec leaves a choice open, the choice is marked GUESS;
test_spec_verifier.py's module docstring lists those the test vectors settle.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes  # issue 20 — sm3
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.spec_verifier import sm2  # issue 20 — sm2: §22, checked with gmalg
from tests.spec_verifier.stamps import Bad, check_signature, parse_tlog_proof, read_reply
from tests.spec_verifier.witnessed import check_witnessed  # §20.6

BUNDLE_V1 = "decision-ledger/bundle/v1"
BUNDLE_V2 = "decision-ledger/bundle/v2"
BUNDLE_V3 = "decision-ledger/bundle/v3"  # §21.3 (issue 20 — stamps)
BUNDLE_V4 = "decision-ledger/bundle/v4"  # §20.5: v3 and the witnesses' cosigned checkpoint
INTENT_TYPE = "decision-ledger/intent/v1"
PAYLOAD_TYPE = "application/vnd.decision-ledger.intent+json"
BUNDLE_HEAD = "decision-ledger/bundle-head/v1"
CASE_HEAD = "decision-ledger/case-head/v1"
REGISTERED = "decision-ledger/Principal/Registered/v1"
PRINCIPAL_TOPICS = "decision-ledger/Principal/"
LEDGER_KEY_PROPOSED = "decision-ledger/Principal/LedgerKeyProposed/v1"
MAX_SKEW = timedelta(seconds=300)
TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HASH_RE = re.compile(r"[0-9a-f]{64}")
SIZE_RE = re.compile(r"0|[1-9][0-9]*")

# §5: the event topic each action records (copied from the spec's table).
TOPICS: dict[str, str] = {
    "principal.register": "decision-ledger/Principal/Registered/v1",
    "principal.grant_role": "decision-ledger/Principal/RoleGranted/v1",
    "principal.revoke_role": "decision-ledger/Principal/RoleRevoked/v1",
    "principal.add_key": "decision-ledger/Principal/KeyAdded/v1",
    "principal.rotate_key": "decision-ledger/Principal/KeyRotated/v1",
    "principal.revoke_key": "decision-ledger/Principal/KeyRevoked/v1",
    "principal.transfer": "decision-ledger/Principal/Transferred/v1",
    "principal.retire": "decision-ledger/Principal/Retired/v1",
    "principal.rename": "decision-ledger/Principal/Renamed/v1",
    "organisation.register": "decision-ledger/Organisation/Registered/v1",
    "organisation.name_text": "decision-ledger/Organisation/TextNamed/v1",
    "principal.confirm_key": "decision-ledger/Principal/KeyConfirmed/v1",
    "principal.rotate_ledger_key": "decision-ledger/Principal/LedgerKeyProposed/v1",
    "agency.register": "decision-ledger/Agency/Registered/v1",
    "agency.record_qualification": "decision-ledger/Agency/QualificationRecorded/v1",
    "agency.record_bad_credit": "decision-ledger/Agency/BadCreditRecorded/v1",
    "credit.propose": "decision-ledger/Agency/CreditProposed/v1",
    "case.confirm_decision_fault": "decision-ledger/EvaluationCase/DecisionFaultConfirmed/v1",
    "agency.revoke_eligibility": "decision-ledger/Agency/EligibilityRevoked/v1",
    "principal.revoke_eligibility": "decision-ledger/Principal/EligibilityRevoked/v1",
    "agency.criticise": "decision-ledger/Agency/Criticised/v1",
    "principal.criticise": "decision-ledger/Principal/Criticised/v1",
    "agency.record_rectification": "decision-ledger/Agency/RectificationRecorded/v1",
    "principal.record_rectification": "decision-ledger/Principal/RectificationRecorded/v1",
    "credit.decide": "decision-ledger/Agency/CreditDecided/v1",
    "credit.repair": "decision-ledger/Agency/CreditRepaired/v1",
    "decision.register": "decision-ledger/Decision/Registered/v1",
    "decision.record_demonstrators": "decision-ledger/Decision/DemonstratorsRecorded/v1",
    "decision.record_superior_evaluation":
        "decision-ledger/Decision/SuperiorEvaluationRecorded/v1",
    # H1 making
    "decision.record_undertaking": "decision-ledger/Decision/UndertakingRecorded/v1",
    "decision.record_participation": "decision-ledger/Decision/ParticipationRecorded/v1",
    "decision.record_legality_review": "decision-ledger/Decision/LegalityReviewRecorded/v1",
    "decision.convene_discussion": "decision-ledger/Decision/DiscussionConvened/v1",
    "decision.state_opinion": "decision-ledger/Decision/OpinionStated/v1",
    "decision.decide": "decision-ledger/Decision/Decided/v1",
    "decision.record_publication": "decision-ledger/Decision/PublicationRecorded/v1",
    "decision.transcribe_making": "decision-ledger/Decision/MakingTranscribed/v1",
    "case.open": "decision-ledger/EvaluationCase/Opened/v1",
    "case.form_team": "decision-ledger/EvaluationCase/TeamFormed/v1",
    "case.submit_plan": "decision-ledger/EvaluationCase/PlanSubmitted/v1",
    "case.prepare_survey": "decision-ledger/EvaluationCase/SurveyPrepared/v1",
    "case.approve_evaluation": "decision-ledger/EvaluationCase/EvaluationApproved/v1",
    "case.decline_evaluation": "decision-ledger/EvaluationCase/EvaluationDeclined/v1",
    "case.entrust_agency": "decision-ledger/EvaluationCase/AgencyEntrusted/v1",
    "case.engage_expert": "decision-ledger/EvaluationCase/ExpertEngaged/v1",
    "case.collect_material": "decision-ledger/EvaluationCase/MaterialCollected/v1",
    "case.exclude_material": "decision-ledger/EvaluationCase/MaterialExcluded/v1",
    "case.record_shredding": "decision-ledger/EvaluationCase/MaterialShredded/v1",
    "case.conduct_survey": "decision-ledger/EvaluationCase/SurveyConducted/v1",
    "case.hold_forum": "decision-ledger/EvaluationCase/ForumHeld/v1",
    "case.hold_hearing": "decision-ledger/EvaluationCase/HearingHeld/v1",
    "case.visit_site": "decision-ledger/EvaluationCase/SiteVisited/v1",
    "case.solicit_opinions": "decision-ledger/EvaluationCase/OpinionsSolicited/v1",
    "case.record_opinion": "decision-ledger/EvaluationCase/OpinionRecorded/v1",
    "case.close_evidence": "decision-ledger/EvaluationCase/EvidenceClosed/v1",
    "case.draw_conclusion": "decision-ledger/EvaluationCase/ConclusionDrawn/v1",
    "case.draft_report": "decision-ledger/EvaluationCase/ReportDrafted/v1",
    "case.give_expert_opinion": "decision-ledger/EvaluationCase/ExpertOpinionGiven/v1",
    "case.finalise_report": "decision-ledger/EvaluationCase/ReportFinalised/v1",
    "case.pass_justice_review": "decision-ledger/EvaluationCase/JusticeReviewPassed/v1",
    "case.return_justice_review": "decision-ledger/EvaluationCase/JusticeReviewReturned/v1",
    "case.approve_report": "decision-ledger/EvaluationCase/ReportApproved/v1",
    "case.submit_report": "decision-ledger/EvaluationCase/ReportSubmitted/v1",
    "case.record_ruling": "decision-ledger/EvaluationCase/RulingRecorded/v1",
    "case.publish_results": "decision-ledger/EvaluationCase/ResultsPublished/v1",
    "case.find_misconduct": "decision-ledger/EvaluationCase/MisconductFound/v1",
    "case.raise_finding": "decision-ledger/EvaluationCase/FindingRaised/v1",
    "case.close_finding": "decision-ledger/EvaluationCase/FindingClosed/v1",
    "accountability.open": "decision-ledger/Accountability/Opened/v1",
    "accountability.investigate": "decision-ledger/Accountability/Investigated/v1",
    "accountability.notify": "decision-ledger/Accountability/SubjectNotified/v1",
    "accountability.state_defence": "decision-ledger/Accountability/DefenceStated/v1",
    "accountability.decide": "decision-ledger/Accountability/Decided/v1",
    "accountability.appeal": "decision-ledger/Accountability/Appealed/v1",
    "accountability.review": "decision-ledger/Accountability/Reviewed/v1",
    # issue 18 — duty to supply (XX-6)
    "case.request_materials": "decision-ledger/EvaluationCase/MaterialsRequested/v1",
    "case.answer_request": "decision-ledger/EvaluationCase/RequestAnswered/v1",
    "case.refuse_request": "decision-ledger/EvaluationCase/RequestRefused/v1",
    "case.coordinate_supply": "decision-ledger/EvaluationCase/SupplyCoordinated/v1",
    # issue 18 — evidence (NX-9, XX-7)
    "case.record_interim_finding": "decision-ledger/EvaluationCase/InterimFindingRecorded/v1",
    "case.confirm_stance": "decision-ledger/EvaluationCase/StanceConfirmed/v1",
}

# §12: the members a v2 bundle names, level by level (required, optional).
V2_MEMBERS: dict[str, tuple[set[str], set[str]]] = {
    "bundle": ({"format", "subject", "ledger", "checkpoint", "tree_size", "events", "keys",
                "head"}, {"consistency"}),
    "subject": ({"kind", "id"}, set()),
    "ledger": ({"ledger_id", "origin", "ledger_keyid", "verifier_key"}, set()),
    "event": ({"leaf_index", "aggregate_id", "version", "topic", "why", "state",
               "inclusion_path"}, set()),
    "keys": ({"principal_id", "name", "keys"}, set()),
    "key": ({"keyid", "jwk", "active_from", "active_until", "ended_by", "reason"}, set()),
    "consistency": ({"old_checkpoint", "consistency_path"}, set()),
}
# §21.3: what v3 adds to v2's members
V3_MEMBERS: dict[str, tuple[set[str], set[str]]] = {
    **V2_MEMBERS,
    "bundle": (V2_MEMBERS["bundle"][0] | {"timestamps"}, {"consistency"}),
    "event": (V2_MEMBERS["event"][0] | {"tlog_proof"}, set()),
}
# §20.5: what v4 adds to v3's members
V4_MEMBERS: dict[str, tuple[set[str], set[str]]] = {
    **V3_MEMBERS,
    "bundle": (V3_MEMBERS["bundle"][0] | {"witnessed"}, {"consistency"}),
}
INTENT_MEMBERS = {"type", "action", "actor", "target", "expected_version", "args", "signed_at",
                  "nonce"}


class Refused(Exception):
    """A value that is not what its format says; the message says why."""


# §2 canonical JSON, §1 spellings ------------------------------------------------------------

def canonical(value: Any) -> bytes:
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as error:
        raise Refused(f"not in RFC 8785's domain: {error}") from None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({key for key, _ in pairs}) != len(pairs):
        raise Refused("a duplicate key")
    return dict(pairs)


def _no_float(text: str) -> Any:
    raise Refused(f"a number that is not an integer: {text}")


def _in_domain(value: Any, depth: int = 0) -> bool:
    if isinstance(value, dict | list):
        children = value.values() if isinstance(value, dict) else value
        return depth < 64 and all(_in_domain(child, depth + 1) for child in children)
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) <= 2**53 - 1
    return True


def parse_canonical(data: bytes) -> Any:
    """The value of a canonical byte string (§2), or Refused."""
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_pairs,
                           parse_float=_no_float, parse_constant=_no_float)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Refused(f"not JSON: {error}") from None
    if not _in_domain(value) or canonical(value) != data:
        raise Refused("not canonical JSON (RFC 8785)")
    return value


def b64decode(text: Any, *, url: bool = False) -> bytes:
    """Canonical base64 (padded) or base64url (unpadded), §1."""
    if not isinstance(text, str) or not text.isascii():
        raise Refused("not base64")
    try:
        if url:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            again = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        else:
            raw = base64.b64decode(text, validate=True)
            again = base64.b64encode(raw).decode()
    except (binascii.Error, ValueError):
        raise Refused("not base64") from None
    if again != text:
        raise Refused("not base64 in its canonical spelling")
    return raw


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parse_time(value: Any) -> datetime:
    if not isinstance(value, str) or not TIME_RE.fullmatch(value):
        raise Refused(f"{value!r} is not a time spelled as §1 says")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        raise Refused(f"{value!r} is not a time") from None


# §3 keys, §4 envelopes ------------------------------------------------------------------------

def jwk_public(jwk: Any) -> bytes:
    """The 32 bytes of an RFC 8037 Ed25519 public JWK (§22: or the 65 of an SM2 one)."""
    if isinstance(jwk, dict) and jwk.get("kty") == "EC":  # issue 20 — sm2
        try:
            return sm2.jwk_public(jwk)
        except sm2.NotSm2 as error:
            raise Refused(str(error)) from None
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise Refused("not an Ed25519 public JWK")
    if set(jwk) - {"kty", "crv", "x", "kid", "use", "alg"}:
        raise Refused("a JWK with members beside kty, crv, x, kid, use, alg")
    raw = b64decode(jwk.get("x"), url=True)
    if len(raw) != 32:
        raise Refused("an Ed25519 key is 32 bytes")
    return raw


def key_id(public: bytes) -> str:
    """RFC 7638 thumbprint of the key's JWK."""
    if len(public) == 65:  # issue 20 — sm2
        return sm2.key_id(public)
    return b64url(hashlib.sha256(canonical(
        {"crv": "Ed25519", "kty": "OKP", "x": b64url(public)})).digest())


# §23: A and R canonical (y < p) and not of small order, S < L, the cofactorless equation
# (OpenSSL's, which checks S < L and R's canonical encoding itself but accepts small-order points
# and a non-canonical A)
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_SMALL_ORDER_Y = {0, 1, _P - 1,
                  2707385501144840649318225287225658788936804267575313519463743609750303402022,
                  _P - 2707385501144840649318225287225658788936804267575313519463743609750303402022}


def _point_allowed(encoded: bytes) -> bool:
    y = int.from_bytes(encoded, "little") & ((1 << 255) - 1)
    return y < _P and y not in _SMALL_ORDER_Y


def ed25519_ok(public: bytes, signature: bytes, message: bytes) -> bool:
    if len(public) == 65:  # issue 20 — sm2: an SM2 key's signature (§22)
        return sm2.verify(public, signature, message)
    if len(public) != 32 or len(signature) != 64 or not _point_allowed(public) \
            or not _point_allowed(signature[:32]) or int.from_bytes(signature[32:], "little") >= _L:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def pae(payload_type: str, payload: bytes) -> bytes:
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


@dataclass
class Opened:
    intent: dict[str, Any]
    keyid: str
    signature: bytes
    message: bytes  # the PAE the signature is over
    signed_at: datetime


def open_envelope(envelope: Any) -> Opened:
    """§4: the envelope's shape and spellings, and its intent; the signature is not checked."""
    if not isinstance(envelope, dict) or set(envelope) != {"payload", "payloadType",
                                                           "signatures"}:
        raise Refused("the envelope is not payload, payloadType and signatures")
    if envelope["payloadType"] != PAYLOAD_TYPE:
        raise Refused(f"payloadType is not {PAYLOAD_TYPE}")
    signatures = envelope["signatures"]
    if not isinstance(signatures, list) or len(signatures) != 1:
        raise Refused("an envelope carries exactly one signature")
    signature = signatures[0]
    if not isinstance(signature, dict) or set(signature) != {"keyid", "sig"}:
        raise Refused("a signature is exactly keyid and sig")
    if not isinstance(signature["keyid"], str):
        raise Refused("keyid is not a string")
    sig = b64decode(signature["sig"])
    if len(sig) != 64 and not sm2.signature_shape(sig):  # issue 20 — sm2: or SM2's DER (§22)
        raise Refused("an Ed25519 signature is 64 bytes")
    payload = b64decode(envelope["payload"])
    intent = parse_canonical(payload)
    if not isinstance(intent, dict) or set(intent) != INTENT_MEMBERS:
        raise Refused("the intent does not have exactly the members §4 names")
    version = intent["expected_version"]
    if (intent["type"] != INTENT_TYPE or not isinstance(intent["action"], str)
            or not all(isinstance(intent[m], str) and UUID_RE.fullmatch(intent[m])
                       for m in ("actor", "target"))
            or not isinstance(version, int) or isinstance(version, bool) or version < 0
            or not isinstance(intent["args"], dict) or not isinstance(intent["nonce"], str)
            or not 16 <= len(intent["nonce"]) <= 64):
        raise Refused("the intent's members are not what §4 says")
    signed_at = parse_time(intent["signed_at"])
    return Opened(intent, signature["keyid"], sig, pae(PAYLOAD_TYPE, payload), signed_at)


# §6 event hashes ------------------------------------------------------------------------------

#: issue 20 — sm3 (§22.4): the event hash the bundle's genesis declares ("sha256" or "sm3")
EVENT_HASH = {"name": "sha256"}


def _digest(data: bytes) -> str:
    if EVENT_HASH["name"] == "sm3":  # issue 20 — sm3: SM3 (GB/T 32905) through OpenSSL
        sm3 = hashes.Hash(hashes.SM3())
        sm3.update(data)
        return sm3.finalize().hex()
    return hashlib.sha256(data).hexdigest()


def event_hash(aggregate_id: str, version: int, topic: str, state: dict[str, Any]) -> str:
    body = {key: value for key, value in state.items() if key != "hash"}
    return _digest(canonical({"aggregate_id": aggregate_id, "version": version, "topic": topic, "state": body}))


def genesis_hash(aggregate_id: str) -> str:
    return _digest(f"decision-ledger/aggregate/v1\n{aggregate_id}".encode())


def declared_hash(data: Any) -> str:
    """§22.4: "sm3" if the genesis (leaf 0) of a bundle's events says `"event_hash": "sm3"`."""
    try:
        genesis = next(e for e in data["events"] if e["leaf_index"] == 0)
        intent = json.loads(base64.b64decode(genesis["state"]["envelope"]["payload"]))
        return "sm3" if intent["args"].get("event_hash") == "sm3" else "sha256"
    except (KeyError, TypeError, ValueError, StopIteration, AttributeError):
        return "sha256"


# §10 the log: RFC 9162 §2.1 -------------------------------------------------------------------

def leaf_hash(event_hash_bytes: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + event_hash_bytes).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def tree_hash(leaves: list[bytes]) -> bytes:
    """MTH (RFC 9162 §2.1.1) over leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << (len(leaves) - 1).bit_length() - 1
    return _node(tree_hash(leaves[:k]), tree_hash(leaves[k:]))


def _shift_until_set(fn: int, sn: int) -> tuple[int, int]:
    while not fn & 1 and fn != 0:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes],
                     root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            fn, sn = _shift_until_set(fn, sn)
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       path: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2 (equal sizes: an empty proof and equal roots)."""
    if first == second:
        return not path and first_root == second_root
    if not 0 < first < second or not path:  # GUESS: no proof from the empty tree
        return False
    if first & (first - 1) == 0:
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            fn, sn = _shift_until_set(fn, sn)
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


def hex_hashes(value: Any) -> list[bytes]:
    if not isinstance(value, list) or not all(
            isinstance(h, str) and HASH_RE.fullmatch(h) for h in value):
        raise Refused("not a list of hashes in hex")
    return [bytes.fromhex(h) for h in value]


# §11 signed notes ------------------------------------------------------------------------------

def note_key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]


def verifier_key(name: str, public: bytes) -> str:
    encoded = base64.b64encode(b"\x01" + public).decode()
    return f"{name}+{note_key_id(name, public).hex()}+{encoded}"


def open_note(note: Any, name: str, public: bytes) -> list[str]:
    """The text lines of a signed note whose signature by (name, key) verifies."""
    if not isinstance(note, str) or not note.endswith("\n"):
        raise Refused("a note ends with a newline")
    text, blank, signatures = note.partition("\n\n")
    lines = text.split("\n")
    if not blank or not signatures or not all(lines) or any(
            unicodedata.category(c) == "Cc" for c in text.replace("\n", "")):
        raise Refused("a note is non-empty lines, a blank line and signature lines")
    want, verified = note_key_id(name, public), False
    for line in signatures[:-1].split("\n"):
        who, _, encoded = line.removeprefix("— ").rpartition(" ")
        if not line.startswith("— ") or not who:
            raise Refused(f"not a signature line: {line!r}")
        try:
            blob = b64decode(encoded)
        except Refused:
            continue  # a line of another signer is ignored
        if who == name and blob[:4] == want:
            if len(blob) != 68 or not ed25519_ok(public, blob[4:], (text + "\n").encode()):
                raise Refused(f"the signature by {name} does not verify")
            verified = True
    if not verified:
        raise Refused(f"no signature by {name} under the ledger key")
    return lines


def parse_checkpoint(lines: list[str], origin: str) -> tuple[int, bytes]:
    if len(lines) != 3 or lines[0] != origin or not SIZE_RE.fullmatch(lines[1]):
        raise Refused("the checkpoint is not origin, tree size and root")
    root = b64decode(lines[2])
    if len(root) != 32:
        raise Refused("a root hash is 32 bytes")
    return int(lines[1]), root


# §7 keys over time -----------------------------------------------------------------------------

@dataclass
class KeyRecord:
    jwk: dict[str, Any]
    public: bytes
    begin: datetime | None  # §7.1: None while pending
    active_from: str | None
    end: datetime | None = None
    active_until: str | None = None
    ended_by: str = ""
    reason: str = ""
    proposer: str = ""  # §7.1: the actor of the event that added a pending key
    replaces: str = ""  # §7.1: a pending ledger key's old_keyid

    @property
    def pending(self) -> bool:
        return self.begin is None and self.end is None

    def active(self, at: datetime) -> bool:
        return self.begin is not None and self.begin <= at and (self.end is None or at < self.end)


class Histories:
    """Every principal's key history, as learnt from its events with a holding signature."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, KeyRecord]] = {}
        self.names: dict[str, str] = {}
        self.rules = Enrolment(self)  # §7.1

    def key(self, principal: str, keyid: str) -> KeyRecord | None:
        return self.keys.get(principal, {}).get(keyid)

    def _begin(self, principal: str, jwk: Any, when: str, proposer: str = "", replaces: Any = "") -> None:
        try:
            public = jwk_public(jwk)
        except Refused:
            return  # GUESS: a malformed JWK in a signed intent begins nothing
        clean = {"crv": "Ed25519", "kty": "OKP", "x": jwk["x"]}
        if len(public) == 65:  # issue 20 — sm2
            clean = sm2.clean_jwk(public)
        pending = bool(proposer)
        self.keys.setdefault(principal, {})[key_id(public)] = KeyRecord(
            clean, public, None if pending else parse_time(when), None if pending else when,
            proposer=proposer, replaces=replaces if isinstance(replaces, str) else "")

    def _end(self, principal: str, keyid: Any, how: str, reason: str, when: str) -> None:
        record = self.key(principal, keyid) if isinstance(keyid, str) else None
        if record is not None and record.end is None:  # GUESS: a key ends once
            record.end, record.active_until = parse_time(when), when
            record.ended_by, record.reason = how, reason

    def apply(self, principal: str, intent: dict[str, Any], when: str) -> None:
        """§7's table: the key change an event of `principal` makes at its recording time; §7.1:
        a key added with a proof by someone else than the principal (not founding) waits."""
        action, args, actor = intent["action"], intent["args"], intent["actor"]
        proved = "proofs" in args if action == "principal.register" else "proof" in args
        waits = actor if proved and actor != principal and args.get("founding") is not True else ""
        if action == "principal.register":
            if isinstance(args.get("name"), str):
                self.names[principal] = args["name"]
            for jwk in args.get("public_keys") or []:
                self._begin(principal, jwk, when, waits)
        elif action == "principal.add_key":
            self._begin(principal, args.get("public_key"), when, waits)
        elif action == "principal.rotate_key":
            self._end(principal, args.get("old_keyid"), "rotated", "", when)
            self._begin(principal, args.get("public_key"), when, waits)
        elif action == "principal.rotate_ledger_key":
            self._begin(principal, args.get("public_key"), when, actor, args.get("old_keyid"))
        elif action == "principal.confirm_key":
            record = self.key(principal, args.get("keyid")) if isinstance(args.get("keyid"), str) else None
            if record is not None and record.pending:
                record.begin, record.active_from = parse_time(when), when
                if record.replaces:
                    self._end(principal, record.replaces, "rotated", "", when)
        elif action == "principal.revoke_key":
            reason = args.get("reason")
            self._end(principal, args.get("keyid"), "revoked",
                      reason if isinstance(reason, str) else "", when)
        elif action == "principal.retire":  # §7: every key not yet ended ends, retired
            reason = args.get("reason")
            for keyid in list(self.keys.get(principal, {})):
                self._end(principal, keyid, "retired", reason if isinstance(reason, str) else "", when)
        self.rules.learn(principal, intent)

    def listing(self, with_reason: bool) -> list[str]:
        """§12 `keys`, each entry as canonical text, sorted (order does not matter); a key that
        never began (§7.1) is not listed."""
        return sorted(_key_entry(principal, self.names.get(principal), [
            {"keyid": keyid, "jwk": r.jwk, "active_from": r.active_from,
             "active_until": r.active_until, "ended_by": r.ended_by, "reason": r.reason}
            for keyid, r in records.items() if r.active_from is not None], with_reason)
            for principal, records in self.keys.items())


def _key_entry(principal: Any, name: Any, keys: Any, with_reason: bool) -> str:
    fields = V2_MEMBERS["key"][0] - (set() if with_reason else {"reason"})
    if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
        raise Refused("keys is not a list of objects")
    listed = sorted(json.dumps({f: k.get(f) for f in fields}, sort_keys=True) for k in keys)
    return json.dumps([principal, name, listed], sort_keys=True)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for child in value.values() if isinstance(value, dict) else value:
            yield from _strings(child)


# §13.4 root causes -----------------------------------------------------------------------------

FOLLOWING = {"chain", "gap", "time", "log", "key"}
FIRST = ["hash", "chain", "gap", "time", "signature", "key", "log"]  # §13.4 rule 1: which is first


def root_causes(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """§13.4: each break that follows from another is counted (`caused`) on the root cause at the
    end of its line, not listed. A found break carries its place in log order (`place`, None if
    not known) and its event's signer (`signer`); the report keeps neither."""
    lowest: dict[str, int] = {}  # aggregate → index of its break at its lowest version (first)
    for i, b in enumerate(found):
        if b["aggregate_id"] in ("bundle", "transparency-log"):
            continue
        j = lowest.get(b["aggregate_id"])
        if j is None or (b["version"], FIRST.index(b["kind"])) < (found[j]["version"],
                                                                   FIRST.index(found[j]["kind"])):
            lowest[b["aggregate_id"]] = i

    def source(i: int) -> int | None:
        b = found[i]
        if b["aggregate_id"] == "transparency-log":  # rule 3 (a store's; a bundle has none)
            return None
        if b["aggregate_id"] == "bundle":
            return None
        first = lowest[b["aggregate_id"]]
        if b["version"] > found[first]["version"] and b["kind"] in FOLLOWING:  # rule 1
            return first
        signer = b["signer"]
        if b["kind"] == "key" and signer and signer != b["aggregate_id"] and signer in lowest:  # rule 2
            where = found[lowest[signer]]["place"]
            if where is None or b["place"] is None or where < b["place"]:
                return lowest[signer]
        return None

    up = [source(i) for i in range(len(found))]
    counts: dict[int, int] = {}
    for i in range(len(found)):
        top, seen = i, {i}
        while up[top] is not None and up[top] not in seen:
            top = up[top]  # type: ignore[assignment]
            seen.add(top)
        if top != i:
            counts[top] = counts.get(top, 0) + 1
    return [{**{k: v for k, v in b.items() if k not in ("place", "signer")}, "caused": counts.get(i, 0)}
            for i, b in enumerate(found) if up[i] is None]


# §13 verifying a bundle ------------------------------------------------------------------------

def verify_bundle(data: Any, trusted_checkpoint: str | None = None,
                  ledger_keyid: str | None = None, tsa_pem: bytes | None = None,
                  witnesses: list[str] | None = None, quorum: int | None = None) -> dict[str, Any]:
    """Verify a bundle (§13.2, §21.4, §20.6) and return the report of §14."""
    EVENT_HASH["name"] = declared_hash(data)  # issue 20 — sm3
    try:
        bundle = _Bundle(data)
        bundle.tsa_pem = tsa_pem
        bundle.witnesses, bundle.quorum = witnesses, quorum
        return bundle.run(trusted_checkpoint, ledger_keyid)
    finally:
        EVENT_HASH["name"] = "sha256"


class _Stop(Exception):
    """Nothing further can be checked (no ledger key, no checkpoint)."""


class _Bundle:
    def __init__(self, data: Any) -> None:
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.v1 = self.data.get("format") == BUNDLE_V1
        self.v4 = self.data.get("format") == BUNDLE_V4
        self.v3 = self.data.get("format") == BUNDLE_V3 or self.v4
        self.tsa_pem: bytes | None = None
        self.witnesses: list[str] | None = None
        self.quorum: int | None = None
        self.breaks: list[dict[str, Any]] = []
        self.checked: list[dict[str, Any]] = []
        self.genesis_read: str | None = None  # §14: the genesis counts as checked once it is read
        self.ledger_keyid: str | None = None
        self.signing: bytes = b""  # §13.2.4: the key the checkpoint verifies under
        self.candidates: list[bytes] = []  # §13.2.4: the genesis key, then keys rotations propose
        self.histories = Histories()
        self.seen: dict[str, tuple[int, str]] = {}  # aggregate → last version and its hash
        self.times: dict[str, datetime] = {}  # aggregate → its last version's recording time
        self.actors: dict[tuple[str, int], str] = {}  # event → its intent's actor
        self.args: dict[tuple[str, int], Any] = {}  # event → its intent's args
        subject = self.data.get("subject")
        subject = subject if isinstance(subject, dict) else {}
        self.kind: str = _text(subject.get("kind"))
        self.subject: str = _text(subject.get("id"))

    def add(self, aggregate: str, version: int, kind: str, detail: str,
            event: dict[str, Any] | None = None) -> None:
        notification = event.get("notification_id") if event and self.v1 else None
        place = event.get("leaf_index") if event else None
        self.breaks.append({"aggregate_id": aggregate, "version": version,
                            "notification_id": notification, "kind": kind, "detail": detail,
                            "place": place if isinstance(place, int) else None,
                            "signer": self.actors.get((aggregate, version), "") if event else ""})

    def bundle_break(self, kind: str, detail: str) -> None:
        self.add("bundle", 0, kind, detail)

    def event_break(self, event: dict[str, Any], kind: str, detail: str) -> None:
        self.add(event["aggregate_id"], event["version"], kind, detail, event)

    def run(self, trusted: str | None, pinned: str | None) -> dict[str, Any]:
        try:
            self.check(trusted, pinned)
        except _Stop:
            pass
        events = max(len(self.checked), 1 if self.genesis_read else 0)
        aggregates = {e["aggregate_id"] for e in self.checked} | ({self.genesis_read} if self.genesis_read else set())
        return {"ok": not self.breaks and bool(self.checked), "events": events,
                "aggregates": len(aggregates),
                "ledger_keyid": self.ledger_keyid, "breaks": root_causes(self.breaks), "notes": []}

    def check(self, trusted: str | None, pinned: str | None) -> None:
        if self.data.get("format") not in (BUNDLE_V1, BUNDLE_V2, BUNDLE_V3, BUNDLE_V4):  # §13.2.1
            self.bundle_break("hash", f"format {self.data.get('format')!r} is not a bundle's")
            raise _Stop
        if not self.v1:
            self.check_members()
        if self.kind not in ("case", "person") or not UUID_RE.fullmatch(self.subject):
            self.bundle_break("hash", "subject is not a case or a person and its id")
        events = self.read_events()
        self.check_genesis(events, pinned)  # §13.2.2, .3
        lines = self.open("checkpoint", self.data.get("checkpoint"))  # §13.2.4
        if lines is None:
            raise _Stop  # GUESS (the vectors show it): without a checkpoint nothing else
        for raw in self.ledger_sm2:  # issue 20 — sm2: §22.2, the ledger's SM2 key signs it too
            if not sm2.note_line_ok(self.data["checkpoint"], self.origin, raw):
                self.bundle_break("checkpoint", "the checkpoint carries no verifying SM2 line of the ledger's SM2 key")
                raise _Stop
        try:
            self.size, self.root = parse_checkpoint(lines, self.origin)
        except Refused as error:
            self.bundle_break("checkpoint", f"the checkpoint: {error}")
            raise _Stop from None
        if self.data.get("tree_size") != self.size:
            self.bundle_break("checkpoint", f"tree_size is {self.data.get('tree_size')!r}, "
                                            f"the checkpoint's size {self.size}")
        self.check_verifier_key()
        for event in events:  # §13.2.5
            self.check_event(event)
        self.check_consistency(trusted)  # §13.2.6
        if self.v3 or self.tsa_pem is not None:  # §21.4
            check_timestamps(self, events)
        check_witnessed(self, self.witnesses, self.quorum)  # §20.6
        if self.v1:  # §13.2.7
            self.check_case_head(events)
        else:
            self.check_head(events)
        self.check_keys()  # §13.2.8
        self.check_signing_key()  # §13.2.9

    def check_keys(self) -> None:
        """§12 `keys`: exactly what the key events held say (v1 entries carry no reason)."""
        try:
            given = sorted(_key_entry(e.get("principal_id"), e.get("name"), e.get("keys"),
                                      not self.v1) for e in self.data.get("keys", []))
        except (Refused, AttributeError, TypeError):
            given = None
        if given != self.histories.listing(with_reason=not self.v1):
            self.bundle_break("key", "the bundle's key list does not match its principals' "
                                     "key events")

    def check_members(self) -> None:
        """§12: in v2 every member named is present and none other is."""
        def members(value: Any, level: str, where: str) -> None:
            if not isinstance(value, dict):
                self.bundle_break("hash", f"{where} is not an object")
                return
            required, optional = (V4_MEMBERS if self.v4 else V3_MEMBERS if self.v3 else V2_MEMBERS)[level]
            for name in sorted(required - set(value)):
                self.bundle_break("hash", f"{where} lacks {name!r}")
            for name in sorted(set(value) - required - optional):
                self.bundle_break("hash", f"{where} carries {name!r}, which the format "
                                          "does not name")
        members(self.data, "bundle", "the bundle")
        for level in ("subject", "ledger", "consistency"):
            if level in self.data:
                members(self.data[level], level, level)
        for event in _list(self.data.get("events")):
            members(event, "event", f"event {_name(event)}")
        for entry in _list(self.data.get("keys")):
            members(entry, "keys", "a keys entry")
            if isinstance(entry, dict):
                for key in _list(entry.get("keys")):
                    members(key, "key", "a key of a keys entry")

    def read_events(self) -> list[dict[str, Any]]:
        events = []
        for event in _list(self.data.get("events")):
            if (isinstance(event, dict) and _is_int(event.get("leaf_index"))
                    and isinstance(event.get("aggregate_id"), str)
                    and _is_int(event.get("version"))
                    and isinstance(event.get("topic"), str)):
                events.append(event)
            else:
                self.bundle_break("hash", f"event {_name(event)} is not an event")
        return sorted(events, key=lambda e: e["leaf_index"])

    def open(self, what: str, note: Any) -> list[str] | None:
        """§13.2.4: the checkpoint under the genesis key or a key a ledger rotation in the bundle
        proposes (the one that signs it is kept: §13.2.9 judges it once the events are read); the
        head under that same key; an earlier or trusted checkpoint under any of them."""
        keys = [self.signing] if what.endswith("head") else self.candidates
        error = Refused("no ledger key")
        for public in keys:
            try:
                lines = open_note(note, self.origin, public)
            except Refused as refused:
                error = refused
                continue
            if what == "checkpoint":
                self.signing = public
            return lines
        self.bundle_break("checkpoint", f"the {what} does not verify under the ledger key: "
                                        f"{error}")
        return None

    def proposed_ledger_keys(self, events: list[dict[str, Any]]) -> list[bytes]:
        """§13.2.4: the public keys the ledger principal's `principal.rotate_ledger_key` events
        in the bundle propose, as their intents say."""
        found = []
        for event in events:
            if event["aggregate_id"] != self.ledger_id or event["topic"] != LEDGER_KEY_PROPOSED:
                continue
            try:
                state = event.get("state")
                opened = open_envelope(state.get("envelope") if isinstance(state, dict) else None)
                found.append(jwk_public(opened.intent["args"].get("public_key")))
            except (Refused, AttributeError, TypeError):
                continue
        return found

    def check_signing_key(self) -> None:
        """§13.2.9: the key signing the checkpoint and head is the ledger principal's active key
        at the end of its history in the bundle."""
        record = self.histories.key(self.ledger_id, key_id(self.signing))
        if record is None or record.begin is None or record.end is not None:
            self.bundle_break("checkpoint", f"the checkpoint is signed by ledger key "
                                            f"{key_id(self.signing)}, which is not the ledger's "
                                            "active key")

    def check_genesis(self, events: list[dict[str, Any]], pinned: str | None) -> None:
        """§8, §13.2.2–3: leaf 0 is the genesis; it gives the ledger id, origin and key."""
        if not events or events[0]["leaf_index"] != 0:
            self.bundle_break("key", "the bundle lacks the ledger's genesis (leaf 0)")
            raise _Stop
        genesis = events[0]
        self.genesis_read = genesis["aggregate_id"]
        try:
            state = genesis.get("state")
            opened = open_envelope(state.get("envelope") if isinstance(state, dict) else None)
            intent, args = opened.intent, opened.intent["args"]
            keys = {key_id(jwk_public(jwk)): jwk_public(jwk)
                    for jwk in args.get("public_keys") or []}
            if (genesis["version"] != 1 or genesis["topic"] != REGISTERED
                    or intent["action"] != "principal.register"
                    or not intent["actor"] == intent["target"] == genesis["aggregate_id"]
                    or args.get("roles") != ["ledger"] or opened.keyid not in keys
                    or not ed25519_ok(keys[opened.keyid], opened.signature, opened.message)):
                raise Refused("not the ledger principal registering itself with its own key")
        except (Refused, AttributeError, TypeError) as error:
            self.event_break(genesis, "key", f"the genesis is not the ledger principal signed "
                                             f"by its own key: {error}")
            self.bundle_break("key", "the genesis does not yield a ledger key")
            raise _Stop from None
        self.ledger_id = genesis["aggregate_id"]
        self.origin = f"decision-ledger/{self.ledger_id}"
        self.ledger_public = keys[opened.keyid]
        self.ledger_sm2 = [raw for raw in keys.values() if len(raw) == 65]  # issue 20 — sm2 (§22.2)
        self.ledger_keyid = opened.keyid
        self.signing = self.ledger_public
        self.candidates = [self.ledger_public, *self.proposed_ledger_keys(events)]
        if pinned is not None and pinned != opened.keyid:
            self.bundle_break("key", f"the ledger key is {opened.keyid}, not {pinned}")
        ledger = self.data.get("ledger")
        ledger = ledger if isinstance(ledger, dict) else {}
        for member, want, kind in (
                ("ledger_id", self.ledger_id, "checkpoint"),
                ("origin", self.origin, "checkpoint"),
                ("ledger_keyid", self.ledger_keyid, "key")):
            if ledger.get(member) != want:
                self.bundle_break(kind, f"ledger.{member} is {ledger.get(member)!r}, but the "
                                        f"genesis makes it {want!r}")

    def check_verifier_key(self) -> None:
        """§13.2.5: `ledger.verifier_key` is the verifier key of the key signing the checkpoint."""
        ledger = self.data.get("ledger")
        given = ledger.get("verifier_key") if isinstance(ledger, dict) else None
        want = verifier_key(self.origin, self.signing)
        if given != want:
            self.bundle_break("key", f"ledger.verifier_key is {given!r}, but the checkpoint's key "
                                     f"makes it {want!r}")

    def check_event(self, event: dict[str, Any]) -> None:
        """§13.1 for one event, then its inclusion proof (§13.2.5)."""
        self.checked.append(event)
        aggregate, version, topic = event["aggregate_id"], event["version"], event["topic"]
        state = event.get("state")
        if not (isinstance(state, dict) and isinstance(state.get("hash"), str)
                and isinstance(state.get("prev_hash"), str)
                and isinstance(state.get("envelope"), dict)
                and isinstance(state.get("timestamp"), str)
                and TIME_RE.fullmatch(state["timestamp"])):
            self.event_break(event, "hash", "the state lacks hash, prev_hash, envelope or "
                                            "timestamp")
            return
        try:
            recomputed = event_hash(aggregate, version, topic, state)
        except Refused:
            recomputed = None
        if recomputed != state["hash"]:
            self.event_break(event, "hash", "the stored hash is not the hash of the stored event")
        self.check_link(event, state)
        intent = self.check_signature(event, state)
        if intent is not None and topic.startswith(PRINCIPAL_TOPICS):
            refusal = self.histories.rules.refusal(aggregate, intent, event["leaf_index"] == 0)
            if refusal:
                self.event_break(event, "key", refusal)
            else:
                self.histories.apply(aggregate, intent, state["timestamp"])
        if intent is not None:
            self.histories.rules.signed(intent["actor"])
        try:
            path = hex_hashes(event.get("inclusion_path"))
            leaf = leaf_hash(bytes.fromhex(state["hash"]))
            included = verify_inclusion(event["leaf_index"], self.size, leaf, path, self.root)
        except (Refused, ValueError):
            included = False
        if not included:
            self.event_break(event, "log", "the inclusion proof does not lead to the root")
        elif self.v3 and "tlog_proof" in event:  # §21.4
            problem = tlog_proof_problem(self, event, state)
            if problem:
                self.event_break(event, "log", problem)

    def check_link(self, event: dict[str, Any], state: dict[str, Any]) -> None:
        """§13.1.2: links where both versions are present; a version not above the last: gap."""
        aggregate, version = event["aggregate_id"], event["version"]
        last_version, last_hash = self.seen.get(aggregate, (0, ""))
        if version <= last_version:
            self.event_break(event, "gap", f"version {version} follows version {last_version}")
            return
        want = genesis_hash(aggregate) if version == 1 else (
            last_hash if version == last_version + 1 else None)
        if want is None and self.v1 and self.kind == "case" and aggregate == self.subject:
            # GUESS (v1, from the vectors): a v1 case bundle holds its case without a hole.
            self.event_break(event, "gap", f"version {version} follows version {last_version}")
        if want is not None and state["prev_hash"] != want:
            self.event_break(event, "chain", f"prev_hash is not the hash of version "
                                             f"{version - 1}")
        at, last_at = parse_time(state["timestamp"]), self.times.get(aggregate)
        if last_at is not None and at < last_at:  # §13.1.2: recorded times never go backwards
            self.event_break(event, "time", f"recorded before version {last_version}")
        self.seen[aggregate] = (version, state["hash"])
        self.times[aggregate] = at

    def check_signature(self, event: dict[str, Any],
                        state: dict[str, Any]) -> dict[str, Any] | None:
        """§13.1.3–4; the intent if its signature holds (binding, signature and key)."""
        try:
            opened = open_envelope(state["envelope"])
        except Refused as error:
            self.event_break(event, "signature", f"the envelope does not open: {error}")
            return None
        intent, at = opened.intent, parse_time(state["timestamp"])
        key = (event["aggregate_id"], event["version"])
        self.actors[key], self.args[key] = intent["actor"], intent["args"]
        problem = _binding_problem(intent, event, at - opened.signed_at)
        if problem:
            self.event_break(event, "signature", problem)
            return None  # GUESS: the key is not judged when the intent is not bound
        if event["leaf_index"] == 0:
            return intent  # the genesis was judged by check_genesis
        actor = intent["actor"]
        if intent["action"] == "principal.register" and actor == intent["target"]:
            self.event_break(event, "key", "a self-registration that is not the genesis")
            return None
        record = self.histories.key(actor, opened.keyid)
        if record is None:
            self.event_break(event, "key", f"key {opened.keyid} is not a key of the signer "
                                           f"{actor}")
            return None
        held = True
        if not ed25519_ok(record.public, opened.signature, opened.message):
            self.event_break(event, "signature", "signature does not verify over the payload")
            held = False
        if not (record.active(opened.signed_at) and record.active(at)):
            self.event_break(event, "key", f"key {opened.keyid} is not active at both the "
                                           "signing and the recording time")
            held = False
        return intent if held else None

    def check_consistency(self, trusted: str | None) -> None:
        """§13.2.6."""
        consistency = self.data.get("consistency")
        consistency = consistency if isinstance(consistency, dict) else None
        proven: tuple[int, bytes] | None = None
        if consistency is not None and not self.v1:
            lines = self.open("earlier checkpoint", consistency.get("old_checkpoint"))
            try:
                if lines is not None:
                    old_size, old_root = parse_checkpoint(lines, self.origin)
                    path = hex_hashes(consistency.get("consistency_path"))
                    if not verify_consistency(old_size, self.size, old_root, self.root, path):
                        raise Refused("the consistency proof does not hold")
                    proven = (old_size, old_root)
            except Refused as error:
                self.bundle_break("checkpoint", f"consistency: {error}")
        if trusted is None:
            return
        lines = self.open("trusted checkpoint", trusted)
        if lines is None:
            return
        try:
            trusted_size, trusted_root = parse_checkpoint(lines, self.origin)
        except Refused as error:
            self.bundle_break("checkpoint", f"the trusted checkpoint: {error}")
            return
        if (trusted_size, trusted_root) in ((self.size, self.root), proven):
            return
        if self.v1 and consistency is not None and consistency.get("old_size") == trusted_size:
            try:
                path = hex_hashes(consistency.get("consistency_path"))
            except Refused:
                path = []
            if verify_consistency(trusted_size, self.size, trusted_root, self.root, path):
                return
        self.bundle_break("checkpoint", f"the bundle carries no consistency proof from size "
                                        f"{trusted_size}, the trusted checkpoint's")

    def check_case_head(self, events: list[dict[str, Any]]) -> None:
        """v1 (§11 case head, §12): a case bundle's head names the case's last version."""
        if self.kind != "case":
            return  # a v1 person bundle has no head and proves no completeness
        lines = self.open("case's signed head", self.data.get("head"))
        if lines is None:
            return
        if (len(lines) != 6 or lines[:3] != [self.origin, CASE_HEAD, self.subject]
                or not SIZE_RE.fullmatch(lines[3]) or not HASH_RE.fullmatch(lines[4])
                or lines[5] != str(self.size)):
            self.bundle_break("checkpoint", "the case head does not name this case at the "
                                            "checkpoint's size")
            return
        held = {e["version"]: e for e in events if e["aggregate_id"] == self.subject}
        self.complete(self.subject, int(lines[3]), lines[4], held)

    def complete(self, aggregate: str, last: int, last_hash: str,
                 held: dict[int, dict[str, Any]]) -> None:
        """A head holds `aggregate` whole: versions 1…last, none beyond, last's hash."""
        first_missing = 1 if not self.v1 else max([v for v in held if v <= last], default=0) + 1
        for version in range(first_missing, last + 1):
            if version not in held:
                self.add(aggregate, version, "gap", f"the signed head holds this aggregate "
                                                    f"whole to version {last}: version "
                                                    f"{version} is missing")
        for version, event in held.items():
            if version > last:
                self.event_break(event, "gap", f"beyond version {last}, the head's last")
        if last in held and _stored_hash(held[last]) != last_hash:
            self.event_break(held[last], "hash", "this is not the last version the signed head "
                                                 "names")

    def check_head(self, events: list[dict[str, Any]]) -> None:
        """§13.2.7 (v2): the bundle head and the completeness it promises."""
        lines = self.open("bundle's signed head", self.data.get("head"))
        if lines is None:
            return  # GUESS (the vectors show it): without a head no completeness is judged
        try:
            complete, listed = self.parse_head(lines)
        except Refused as error:
            self.bundle_break("checkpoint", f"the bundle's head: {error}")
            return
        held = {(e["aggregate_id"], e["version"]): e for e in events}
        for aggregate, (last, last_hash) in complete.items():
            self.complete(aggregate, last, last_hash,
                          {v: e for (a, v), e in held.items() if a == aggregate})
        for (aggregate, version), event_hash_ in listed.items():
            event = held.get((aggregate, version))
            if event is None:
                self.add(aggregate, version, "gap", "the signed head lists this event: the "
                                                    "bundle lacks it")
                continue
            if _stored_hash(event) != event_hash_:
                self.event_break(event, "hash", "this is not the event the signed head lists")
            if self.kind == "person" and not (
                    self.actors.get((aggregate, version)) == self.subject
                    or aggregate == self.subject
                    or self.subject in _strings(self.args.get((aggregate, version)))):
                # GUESS: the spec names no kind for an event line that does not concern them
                self.event_break(event, "checkpoint", "the head lists an event that does not "
                                                      "concern the person")
        decision = self.args.get((self.subject, 1), {}) if self.kind == "case" else {}
        decision_id = decision.get("decision_id") if isinstance(decision, dict) else None
        for event in events:
            key = (event["aggregate_id"], event["version"])
            if event["aggregate_id"] not in complete and key not in listed:
                # GUESS: an event the head neither holds whole nor lists is a gap
                self.event_break(event, "gap", "the signed head neither holds this aggregate "
                                               "whole nor lists this event")
            why = ("genesis" if event["leaf_index"] == 0
                   else "subject" if event["aggregate_id"] == self.subject or key in listed
                   else "context" if event["aggregate_id"] == decision_id
                   else "keys")
            if event.get("why") != why:
                self.event_break(event, "hash", f"why is {event.get('why')!r}; the head and the "
                                                f"subject make it {why!r}")
            actor = self.actors.get(key)
            if actor is not None and actor not in complete:
                # GUESS: one break per event whose signer's principal is not held whole
                self.event_break(event, "key", f"the signer {actor}'s principal is not held "
                                               "whole")

    def parse_head(self, lines: list[str]) -> tuple[dict[str, tuple[int, str]],
                                                    dict[tuple[str, int], str]]:
        """§11 bundle head: its `complete` and `event` lines."""
        if len(lines) < 4 or lines[:4] != [self.origin, BUNDLE_HEAD,
                                           f"{self.kind} {self.subject}", str(self.size)]:
            raise Refused("it does not name this origin, subject and checkpoint size")
        complete: dict[str, tuple[int, str]] = {}
        listed: dict[tuple[str, int], str] = {}
        for line in lines[4:]:
            word, *rest = line.split(" ")
            if (word not in ("complete", "event") or len(rest) != 3
                    or not UUID_RE.fullmatch(rest[0]) or not SIZE_RE.fullmatch(rest[1])
                    or rest[1] == "0" or not HASH_RE.fullmatch(rest[2])):
                raise Refused(f"not a head line: {line!r}")
            if word == "complete":
                if listed or (complete and rest[0] <= max(complete)):
                    raise Refused("complete lines come first, sorted by aggregate id")
                complete[rest[0]] = (int(rest[1]), rest[2])
            else:
                listed[(rest[0], int(rest[1]))] = rest[2]
        if self.subject not in complete:
            raise Refused("the head does not hold the subject's aggregate whole")
        return complete, listed


def _binding_problem(intent: dict[str, Any], event: dict[str, Any],
                     skew: timedelta) -> str | None:
    """§13.1.3: the intent is bound to the event it is stored as."""
    if intent["target"] != event["aggregate_id"]:
        return f"the intent targets {intent['target']}, stored in {event['aggregate_id']}"
    if intent["expected_version"] + 1 != event["version"]:
        return (f"the intent was signed for version {intent['expected_version'] + 1}, stored "
                f"as version {event['version']}")
    if TOPICS.get(intent["action"]) != event["topic"]:
        return f"the action {intent['action']} does not record {event['topic']}"
    if abs(skew) > MAX_SKEW:
        return "recorded more than 300 s from its signing"
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _stored_hash(event: dict[str, Any]) -> Any:
    state = event.get("state")
    return state.get("hash") if isinstance(state, dict) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _name(event: Any) -> str:
    if isinstance(event, dict):
        return f"{event.get('aggregate_id')}:{event.get('version')}"
    return repr(event)[:40]


from tests.spec_verifier.enrolment import Enrolment  # last: §7.1 reads this module's functions

# §21 (issue 20 — stamps): tlog-proof text and RFC 3161 timestamps -------------------------------

def tlog_proof_problem(bundle: _Bundle, event: dict[str, Any], state: dict[str, Any]) -> str:
    """§21.4 step 1: the event's tlog-proof is its leaf, its path and the bundle's checkpoint."""
    try:
        index, path, checkpoint = parse_tlog_proof(event.get("tlog_proof"))
    except Bad as error:
        return f"the tlog-proof: {error}"
    if index != event["leaf_index"] or [p.hex() for p in path] != event.get("inclusion_path"):
        return "the tlog-proof's index or hashes are not the event's"
    if checkpoint != bundle.data.get("checkpoint"):
        return "the tlog-proof's checkpoint is not the bundle's"
    leaf = leaf_hash(bytes.fromhex(state["hash"]))
    if not verify_inclusion(index, bundle.size, leaf, path, bundle.root):
        return "the tlog-proof does not lead to the checkpoint's root"
    return ""


def open_stamped(note: Any, bundle: _Bundle) -> list[str]:
    """A timestamped checkpoint opens under any of the ledger's keys (§13.2.4): one stamped before
    a rotation is signed by the key the rotation retired."""
    error = Refused("no ledger key")
    for public in bundle.candidates:
        try:
            return open_note(note, bundle.origin, public)
        except Refused as refused:
            error = refused
    raise error


def check_timestamps(bundle: _Bundle, events: list[dict[str, Any]]) -> None:
    """§21.4 steps 2–4."""
    stamps = bundle.data.get("timestamps") if bundle.v3 else None
    if not isinstance(stamps, list):
        bundle.bundle_break("timestamp", "the bundle carries no list of timestamps")
        return
    good = 0
    for number, stamp in enumerate(stamps, 1):
        try:
            if not isinstance(stamp, dict) or set(stamp) != {"checkpoint", "response", "consistency_path"}:
                raise Bad("not checkpoint, response and consistency_path")
            lines = open_stamped(stamp["checkpoint"], bundle)
            size, root = parse_checkpoint(lines, bundle.origin)
            if not verify_consistency(size, bundle.size, root, bundle.root, hex_hashes(stamp["consistency_path"])):
                raise Bad("the bundle's checkpoint is not shown to extend it")
            token, signed = read_reply(b64decode(stamp["response"]))
            if token.imprint_algorithm != "sha256" \
                    or token.imprint != hashlib.sha256(stamp["checkpoint"].encode()).digest():
                raise Bad("the token's imprint is not SHA-256 of its checkpoint note")
            if bundle.tsa_pem is not None:
                check_signature(signed, bundle.tsa_pem, token.gen_time)
        except (Bad, Refused) as error:
            bundle.bundle_break("timestamp", f"timestamp {number}: {error}")
            continue
        good += 1
        for event in events:
            recorded = event.get("state", {}).get("timestamp")
            if event["leaf_index"] < size and isinstance(recorded, str) \
                    and parse_time(recorded) > token.gen_time + MAX_SKEW:
                bundle.event_break(event, "time", f"recorded after the TSA's time of timestamp {number}")
    if bundle.tsa_pem is not None and not good:
        bundle.bundle_break("timestamp", "no timestamp verifies under the TSA certificate given")
