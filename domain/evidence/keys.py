"""Keys over time: when a principal's public key may sign (docs/spec.md, "Keys over time").

A principal's key history is written by the principal's own events, read from their signed
arguments (:func:`key_change`): a registration adds its ``public_keys``, ``principal.add_key`` its
``public_key``; ``principal.rotate_key`` ends ``old_keyid`` ("rotated") and adds ``public_key``;
``principal.revoke_key`` ends ``keyid`` ("revoked", with its ``reason``). Every change takes effect
at the event's recording time. The ledger (when it records) and every verifier (when they check)
apply the same changes through :func:`apply`, and judge a signature with :meth:`KeyRecord.refusal`.

Enrolment (issue 16 point 2, docs/authority.md): an enrolment that carries proofs of possession
(``proofs`` on a registration, ``proof`` on ``add_key``, ``rotate_key`` and
``rotate_ledger_key``: the new key's signature over :func:`proof_statement`) takes effect at once
only where the person consents — the principal signs it themself with an active key — or where it
founds the ledger (the genesis, and the first administrators ``init`` registers, marked
``founding``). Otherwise the key is *pending*: it signs nothing until ``principal.confirm_key``,
signed by a second principal who is neither its proposer nor the person, makes it active from
the confirmation's recording time (a pending ledger key from ``rotate_ledger_key`` then replaces
the old ledger key at that same moment). An enrolment without proofs is a v1/v2 event: its keys
take effect when recorded, as they always did; a ledger whose genesis declares
``"enrolment": "dual-control"`` refuses such events (:meth:`KeyHistory.refusal_of`).

A key is active from the moment it takes effect (inclusive) until the moment it is rotated out
or revoked (exclusive). A signature counts only if its key was active both when the intent was
signed and when the event was recorded. Nothing is backdated: a revocation takes effect when it is
recorded, so an event that verified when it was written verifies for ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.evidence.canonical import canonical_bytes
from domain.evidence.errors import MalformedInput
from domain.evidence.signing import PublicKey, SigningKey, b64decode, b64encode, pae
from domain.evidence.times import format_time

REGISTER = "principal.register"
ADD = "principal.add_key"
ROTATE = "principal.rotate_key"
REVOKE = "principal.revoke_key"
CONFIRM = "principal.confirm_key"
ROTATE_LEDGER = "principal.rotate_ledger_key"
RETIRE = "principal.retire"  # 退休、离职: every key the person still holds ends (issue 17 point 4)
KEY_ACTIONS = frozenset({REGISTER, ADD, ROTATE, REVOKE, CONFIRM, ROTATE_LEDGER, RETIRE})

#: the genesis argument that puts a ledger under the enrolment rules of issue 16 point 2
DUAL_CONTROL = "dual-control"
PROOF_PAYLOAD_TYPE = "application/vnd.decision-ledger.key-proof+json"
PROOF_PURPOSE = "decision-ledger/key-proof/v1"


def proof_statement(ledger_id: str, principal_id: str, keyid: str) -> bytes:
    """The bytes a new key signs to prove its holder enrols it (docs/spec.md, "Proof of
    possession"): PAE(PROOF_PAYLOAD_TYPE, JCS({keyid, ledger, principal, purpose}))."""
    statement = {"keyid": keyid, "ledger": ledger_id, "principal": principal_id, "purpose": PROOF_PURPOSE}
    return pae(PROOF_PAYLOAD_TYPE, canonical_bytes(statement))


def make_proof(key: SigningKey, ledger_id: str, principal_id: str) -> str:
    """The proof of possession ``key`` gives for its enrolment to ``principal_id`` on this ledger."""
    return b64encode(key.sign(proof_statement(ledger_id, principal_id, key.keyid)))


def proof_refusal(key: PublicKey, proof: Any, ledger_id: str, principal_id: str) -> str:
    """Why ``proof`` does not prove possession of ``key`` for this enrolment, or ""."""
    try:
        signature = b64decode(proof, "proof")
    except MalformedInput as error:
        return f"the proof of key {key.keyid} does not read: {error.detail}"
    if not key.verify(signature, proof_statement(ledger_id, principal_id, key.keyid)):
        return (f"the proof of key {key.keyid} is not its signature over the enrolment statement for "
                f"principal {principal_id} on ledger {ledger_id}: the new key must sign its own enrolment")
    return ""


@dataclass
class KeyRecord:
    keyid: str
    jwk: dict[str, str]
    active_from: datetime | None  # None while the key is pending
    active_until: datetime | None = None
    ended_by: str = ""  # "rotated", "revoked" or "retired"
    reason: str = ""
    proposed_by: str = ""  # the principal who proposed a pending (or once pending) key
    confirmed_by: str = ""  # the second principal who confirmed it
    replaces: str = ""  # a pending ledger key: the ledger key it replaces once confirmed

    @property
    def public_key(self) -> PublicKey:
        return PublicKey.from_jwk(self.jwk)

    @property
    def pending(self) -> bool:
        return self.active_from is None and self.active_until is None

    def active_at(self, moment: datetime) -> bool:
        return (self.active_from is not None and self.active_from <= moment
                and (self.active_until is None or moment < self.active_until))

    def describe_at(self, moment: datetime) -> str:
        """Why this key may or may not sign at ``moment``, for error messages."""
        if self.active_from is None:
            if self.active_until is not None:
                return f"key {self.keyid} was {self.ended_by or 'ended'} before it was confirmed"
            return (f"key {self.keyid} is pending: proposed by {self.proposed_by}, it signs nothing until a "
                    "second registrar confirms it (principal.confirm_key)")
        if moment < self.active_from:
            return f"key {self.keyid} is not valid before {format_time(self.active_from)}"
        if self.active_until is not None and moment >= self.active_until:
            return f"key {self.keyid} was {self.ended_by or 'ended'} at {format_time(self.active_until)}"
        return f"key {self.keyid} is active"

    def refusal(self, signed_at: datetime, recorded_at: datetime) -> str:
        """Why a signature made at ``signed_at`` and recorded at ``recorded_at`` does not count,
        or "" if it does: the key must be active at both moments."""
        if not self.active_at(recorded_at):
            return self.describe_at(recorded_at)
        if not self.active_at(signed_at):
            return f"signed at {format_time(signed_at)}, but {self.describe_at(signed_at)}"
        return ""


@dataclass(frozen=True)
class KeyChange:
    """What one principal event does to its principal's key history."""

    added: tuple[PublicKey, ...] = ()
    ended: str = ""  # the key id it ends, if any
    ended_by: str = ""
    reason: str = ""
    #: the proofs of possession of ``added``, in order; None where the event carries none
    #: (a v1/v2 event, whose keys take effect when recorded)
    proofs: tuple[Any, ...] | None = None
    founding: bool = False  # a first administrator registered by the ledger at init
    confirmed: str = ""  # principal.confirm_key: the pending key id it confirms
    replaces: str = ""  # principal.rotate_ledger_key: the ledger key the new one replaces
    ends_all: bool = False  # principal.retire: every key not yet ended ends (ended_by "retired")


def _text(args: dict[str, Any], name: str) -> str:
    value = args.get(name)
    if not isinstance(value, str):
        raise MalformedInput(f"{name} must be a string")
    return value


def _proofs(args: dict[str, Any], name: str, count: int) -> tuple[Any, ...] | None:
    if name not in args:
        return None
    value = args[name]
    proofs = tuple(value) if isinstance(value, list) else (value,)
    if len(proofs) != count:
        raise MalformedInput(f"{name} must give one proof per key ({count})")
    return proofs


def key_change(action: str, args: Any) -> KeyChange | None:
    """The key change a principal event's signed arguments make, or None if the action changes
    no key. Raises :class:`MalformedInput` where the arguments do not say it readably."""
    if action not in KEY_ACTIONS:
        return None
    if not isinstance(args, dict):
        raise MalformedInput("the arguments of a key event are an object")
    if action == REGISTER:
        keys = args.get("public_keys")
        if not isinstance(keys, list) or not keys:
            raise MalformedInput("public_keys must be a non-empty list of JWKs")
        return KeyChange(added=tuple(PublicKey.from_jwk(key) for key in keys),
                         proofs=_proofs(args, "proofs", len(keys)), founding=args.get("founding") is True)
    if action == CONFIRM:
        return KeyChange(confirmed=_text(args, "keyid"))
    if action in (ADD, ROTATE, ROTATE_LEDGER):
        added = (PublicKey.from_jwk(args.get("public_key")),)
        proofs = _proofs(args, "proof", 1)
        if action == ADD:
            return KeyChange(added=added, proofs=proofs)
        if action == ROTATE:
            return KeyChange(added=added, ended=_text(args, "old_keyid"), ended_by="rotated", proofs=proofs)
        return KeyChange(added=added, proofs=proofs, replaces=_text(args, "old_keyid"))
    if action == RETIRE:
        return KeyChange(ends_all=True, ended_by="retired", reason=str(args.get("reason", "")))
    return KeyChange(ended=_text(args, "keyid"), ended_by="revoked", reason=str(args.get("reason", "")))


@dataclass
class KeyHistory:
    """All keys a principal ever had, keyed by key id; never shrinks."""

    keys: dict[str, KeyRecord] = field(default_factory=dict)

    @staticmethod
    def at_once(change: KeyChange, signer: str, principal: str) -> bool:
        """Whether the keys a change adds take effect when it is recorded: a v1/v2 event (no
        proofs), the person's own consent (they sign it), or the ledger's founding."""
        return change.proofs is None or signer == principal or change.founding

    def apply(self, change: KeyChange, at: datetime, signer: str = "", principal: str = "") -> None:
        """A principal event's key change, signed by ``signer`` on principal ``principal`` and
        recorded at ``at``: the key it ends (if this principal has it, still active or pending)
        ends first, then the keys it adds begin — or wait, pending, for a second registrar."""
        ended = self.keys.get(change.ended) if change.ended else None
        if ended is not None and ended.active_until is None:
            ended.active_until = at
            ended.ended_by = change.ended_by
            ended.reason = change.reason
        if change.ends_all:
            for record in self.keys.values():
                if record.active_until is None:
                    record.active_until = at
                    record.ended_by = change.ended_by
                    record.reason = change.reason
        confirmed = self.keys.get(change.confirmed) if change.confirmed else None
        if confirmed is not None and confirmed.pending:
            confirmed.active_from = at
            confirmed.confirmed_by = signer
            replaced = self.keys.get(confirmed.replaces) if confirmed.replaces else None
            if replaced is not None and replaced.active_until is None:
                replaced.active_until = at
                replaced.ended_by = "rotated"
        at_once = self.at_once(change, signer, principal)
        for key in change.added:
            self.keys[key.keyid] = KeyRecord(
                keyid=key.keyid, jwk=key.jwk, active_from=at if at_once else None,
                proposed_by="" if at_once else signer, replaces=change.replaces)

    def refusal_of(self, change: KeyChange, signer: str, principal: str, ledger_id: str, *,
                   is_ledger: bool = False) -> str:
        """Why a key change may not be made under the enrolment rules (issue 16 point 2), or "":
        every new key proves possession; a confirmation names a pending key and comes from a second
        principal, neither its proposer nor the person; the ledger principal's keys change only by
        ``rotate_ledger_key`` and its confirmation. Who holds which role is checked apart."""
        return self.proof_refusal_of(change, principal, ledger_id) or self.authority_refusal_of(
            change, signer, principal, is_ledger=is_ledger)

    @staticmethod
    def proof_refusal_of(change: KeyChange, principal: str, ledger_id: str) -> str:
        """Why the keys a change adds are not proven to be held for this enrolment, or ""."""
        if change.added and change.proofs is None:
            return ("a new key must come with its proof of possession (`proof`/`proofs`: the new key's "
                    "signature over its enrolment statement, docs/spec.md \"Proof of possession\")")
        for key, proof in zip(change.added, change.proofs or (), strict=False):
            found = proof_refusal(key, proof, ledger_id, principal)
            if found:
                return found
        return ""

    def authority_refusal_of(self, change: KeyChange, signer: str, principal: str, *, is_ledger: bool = False
                             ) -> str:
        """Why the signer may not make this key change (dual control, the ledger's keys), or ""."""
        return self.authority_refusal_words(change, signer, principal, is_ledger=is_ledger)[1]

    def authority_refusal_words(self, change: KeyChange, signer: str, principal: str, *, is_ledger: bool = False
                                ) -> tuple[str, str]:
        """:meth:`authority_refusal_of` in Chinese and in English, as the ledger refuses the change
        (the verifier's reports keep the English), or ``("", "")``."""
        if any(key.keyid in self.keys for key in change.added):
            return "该人员已记录此密钥，密钥不得重复使用", "a key is already recorded for this principal; keys are never reused"
        if change.confirmed:
            record = self.keys.get(change.confirmed)
            if record is None or not record.pending:
                return (f"密钥 {change.confirmed} 不是该人员待确认的密钥，无可确认",
                        f"key {change.confirmed} is not pending for this principal: there is nothing to confirm")
            if signer in (record.proposed_by, principal):
                return ("双人控制：密钥须由另一名登记人确认，提出人和密钥所属本人都不能确认",
                        "dual control: the key must be confirmed by a second registrar, neither its proposer nor "
                        + "the person it is for")
        withdrawn = self.keys.get(change.ended) if change.ended else None
        if is_ledger and ((change.added and not change.replaces) or (
                change.ended and (withdrawn is None or not withdrawn.pending))):
            return ("账本密钥只能通过轮换账本密钥变更，并由另一名管理员确认",
                    "the ledger principal's keys change only by principal.rotate_ledger_key, confirmed by a "
                    + "second administrator")
        if change.replaces:
            if not is_ledger:
                return "轮换账本密钥只适用于账本主体", "principal.rotate_ledger_key applies to the ledger principal only"
            old = self.keys.get(change.replaces)
            if old is None or old.pending or old.active_until is not None:
                return f"密钥 {change.replaces} 不是账本当前有效的密钥", f"key {change.replaces} is not the ledger's active key"
        return "", ""

    def active_at(self, keyid: str, moment: datetime) -> bool:
        record = self.keys.get(keyid)
        return record is not None and record.active_at(moment)

    def active_keys(self, moment: datetime) -> list[KeyRecord]:
        return [record for record in self.keys.values() if record.active_at(moment)]
