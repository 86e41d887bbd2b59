"""Keys kept in the browser (issue 19 point 1): enrolment invitations and sign-in challenges.

Both live in the service's own tables (:mod:`api.store.service_state`), never in the ledger:
neither is evidence, and neither changes anyone's authority by itself.

**Invitations** (``dl_key_invitations``). An administrator — or the person themself, for another
computer — issues a one-time link for a registered person. Its random code is stored only as a
SHA-256 and lasts :data:`INVITATION_LIFETIME`. The browser that opens it makes a key, proves
possession for this ledger and principal (docs/spec.md §7.1) and sends ``{jwk, proof}``: the
key is kept as a *request* on the invitation. Nothing is recorded until it is signed through the
ordinary write endpoints: ``principal.add_key`` by an administrator (pending) and
``principal.confirm_key`` by a second one (dual control), or ``principal.add_key`` signed by the
person with a key they already hold (consent, active at once). The code lets its holder *ask*;
only signatures decide.

**Sign-in challenges** (``dl_sign_in_challenges``). A browser asks for a challenge (random,
single use, :data:`CHALLENGE_LIFETIME`), stored as a SHA-256 with the origin it was issued to and
the SHA-256 of a random cookie set on that browser; it signs the statement of docs/spec.md §19
with a key kept in it, and :meth:`Challenges.answer` checks the statement against the key of the
principal active *now*, spends the challenge and names who signed in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from api.http.problems import ApiError
from api.store.service_state import ServiceState, micros
from domain import clock
from domain.errors import MalformedInput
from domain.evidence.canonical import canonical_bytes
from domain.evidence.keys import proof_refusal
from domain.evidence.signing import PublicKey, pae
from domain.model.principal import Principal
from domain.model.vocabulary import Role
from domain.service.ledger import Ledger

#: seconds an enrolment invitation may be answered and its request signed
INVITATION_LIFETIME = 24 * 3600
#: open invitations one person may have at a time: a person inviting their own other computer
#: again and again cannot fill the service's tables
MAX_OPEN_INVITATIONS = 10
#: seconds a sign-in challenge may be answered
#: how many unexpired sign-in challenges the store keeps at once (a flood of requests is refused)
MAX_OPEN_CHALLENGES = 10_000
CHALLENGE_LIFETIME = 120
SIGN_IN_TYPE = "application/vnd.decision-ledger.sign-in+json"
SIGN_IN_PURPOSE = "decision-ledger/sign-in/v1"
STATEMENT_MEMBERS = {"purpose", "challenge", "ledger", "principal", "keyid", "origin"}
#: the cookie binding a challenge to the browser that asked for it
CHALLENGE_COOKIE = "dl_challenge"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(keyid: str) -> str:
    """What people read out and compare: the key id's first 16 characters in groups of four
    (the same as ``DecisionLedger.fingerprint`` in static/ledger.js)."""
    return " ".join(keyid[i:i + 4] for i in range(0, 16, 4))


def refuse(kind: str, zh: str, en: str) -> ApiError:
    return ApiError(kind, f"{zh} — {en}")


def _when(value: int) -> datetime:
    return datetime.fromtimestamp(value // 1_000_000, tz=UTC).replace(microsecond=value % 1_000_000)


def is_administrator(who: Principal) -> bool:
    return who.has_role(Role.ADMINISTRATOR)


def key_state(person: Principal, keyid: str | None) -> str:
    """Where a requested key stands in the ledger: ``none`` (not yet added), ``pending``
    (proposed, waiting for a second administrator), ``active`` or ``ended``."""
    record = person.key(keyid) if keyid else None
    if record is None:
        return "none"
    if record.pending:
        return "pending"
    return "active" if record.active_at(clock.now()) else "ended"


@dataclass(frozen=True)
class Invitation:
    code_hash: str
    principal_id: str
    issued_by: str
    created_at: datetime
    expires_at: datetime
    jwk: dict[str, Any] | None
    proof: str | None
    keyid: str | None
    requested_at: datetime | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.keyid) if self.keyid else ""

    @property
    def jwk_text(self) -> str:
        return json.dumps(self.jwk, separators=(",", ":")) if self.jwk else ""


def _invitation(row: Any) -> Invitation:
    return Invitation(row["code_hash"], row["principal_id"], row["issued_by"], _when(int(row["created_at"])),
                      _when(int(row["expires_at"])), json.loads(row["jwk"]) if row["jwk"] else None,
                      row["proof"], row["keyid"],
                      _when(int(row["requested_at"])) if row["requested_at"] is not None else None)


class Invitations:
    """One-time links that let a person's browser ask for its key to be enrolled."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state

    def issue(self, ledger: Ledger, issuer: Principal, person_id: str) -> str:
        """A new invitation's code (shown once), for ``person_id``: issued by an administrator,
        or by the person themself (a key for another computer, to be added by consent)."""
        try:
            person = ledger.find(UUID(person_id), Principal)
        except ValueError:
            person = None
        if person is None or person.kind != "person":
            raise refuse("not-found", "没有这个人员：请先登记人员（principal.register），再发出邀请",
                         "no such person: register the person first, then invite them")
        if person.id != issuer.id and not is_administrator(issuer):
            raise refuse("not-permitted", "只有系统管理员可以邀请他人登记密钥；本人可以为自己的另一台电脑发出邀请",
                         "only an administrator invites someone else; a person may invite their own other computer")
        if person.status != "active":
            raise refuse("refused", f"{person.name}已退休或离职，不能再登记密钥",
                         f"{person.name} has {person.status}: no key is enrolled any more")
        code = secrets.token_urlsafe(24)
        now = micros()
        with self.state.writing() as cursor:
            cursor.execute("DELETE FROM {dl_key_invitations} WHERE expires_at < ?", (now,))
            row = cursor.execute("SELECT COUNT(*) AS n FROM {dl_key_invitations} WHERE principal_id = ?",
                                 (str(person.id),)).fetchone()
            if row is not None and int(row["n"]) >= MAX_OPEN_INVITATIONS:
                raise refuse("refused", f"{person.name}已有{MAX_OPEN_INVITATIONS}个未使用的邀请：请先使用或等待其过期"
                             f"（{INVITATION_LIFETIME // 3600}小时）", f"{person.name} has {MAX_OPEN_INVITATIONS} open "
                             f"invitations: use one, or wait until they expire ({INVITATION_LIFETIME // 3600} hours)")
            cursor.execute(
                "INSERT INTO {dl_key_invitations} (code_hash, principal_id, issued_by, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (digest(code), str(person.id), str(issuer.id), now, now + INVITATION_LIFETIME * 1_000_000))
        return code

    def find(self, code: str) -> Invitation:
        """The open invitation of this code; :class:`ApiError` (in Chinese and English) if none."""
        if not code or len(code) > 200:
            raise self._unknown()
        with self.state.reading() as cursor:
            row = cursor.execute("SELECT * FROM {dl_key_invitations} WHERE code_hash = ?", (digest(code),)).fetchone()
        if row is None:
            raise self._unknown()
        if int(row["expires_at"]) <= micros():
            raise refuse("not-found", "邀请链接已过期：请管理员重新发出邀请",
                         "this invitation has expired: ask an administrator for a new one")
        return _invitation(row)

    @staticmethod
    def _unknown() -> ApiError:
        return refuse("not-found", "邀请链接无效：请核对链接，或请管理员重新发出邀请",
                      "no such invitation: check the link, or ask an administrator for a new one")

    def submit(self, ledger: Ledger, code: str, jwk: Any, proof: Any) -> str:
        """Keep the key a browser made for this invitation (once): its proof must verify for
        this ledger and principal, and the key must be new to the principal. Returns its key id."""
        invitation = self.find(code)
        if invitation.keyid:
            raise refuse("conflict", "这个邀请已经收到过一把密钥：一个邀请只能使用一次，如需重做请管理员重新发出邀请",
                         "this invitation already holds a key: it works once; ask for a new invitation")
        try:
            public = PublicKey.from_jwk(jwk)
        except MalformedInput as error:
            raise refuse("malformed-input", "公钥格式不对（须为 Ed25519 JWK）", error.detail) from None
        person = ledger.find(UUID(invitation.principal_id), Principal)
        assert person is not None
        ledger_id = str(ledger.genesis().ledger_id)
        why = proof_refusal(public, proof, ledger_id, invitation.principal_id)
        if why:
            raise refuse("signature-invalid", "持有证明无法验证：密钥须在本浏览器中为本账本、本人签署登记声明", why)
        if person.key(public.keyid) is not None:
            raise refuse("conflict", "这把密钥已在此人员的密钥记录中：密钥不能重复使用",
                         "this key is already in the person's key history: keys are never reused")
        with self.state.writing() as cursor:
            stored = cursor.execute(
                "UPDATE {dl_key_invitations} SET jwk = ?, proof = ?, keyid = ?, requested_at = ? "
                "WHERE code_hash = ? AND keyid IS NULL RETURNING code_hash",
                (json.dumps(public.jwk), str(proof), public.keyid,
                 micros(), invitation.code_hash)).fetchall()
        if not stored:
            raise refuse("conflict", "这个邀请已经收到过一把密钥", "this invitation already holds a key")
        return public.keyid

    def listed(self, viewer: Principal, *, requested: bool) -> list[Invitation]:
        """The open invitations the viewer may see — all of them for an administrator, their own
        otherwise — with a key sent back (``requested``) or still waiting for one."""
        clause = "keyid IS NOT NULL" if requested else "keyid IS NULL"
        sql = f"SELECT * FROM {{dl_key_invitations}} WHERE expires_at > ? AND {clause}"
        params: tuple[Any, ...] = (micros(),)
        if not is_administrator(viewer):
            sql += " AND principal_id = ?"
            params += (str(viewer.id),)
        with self.state.reading() as cursor:
            rows = cursor.execute(sql + " ORDER BY created_at DESC LIMIT 200", params).fetchall()
        return [_invitation(row) for row in rows]


@dataclass(frozen=True)
class Answered:
    principal: Principal
    keyid: str


class Challenges:
    """Sign-in challenges: single use, minutes long, bound to an origin and a browser."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state

    def issue(self, origin: str, browser: str) -> tuple[str, datetime]:
        """A new challenge for the browser holding the cookie ``browser``, and when it expires."""
        challenge = secrets.token_urlsafe(32)
        now = micros()
        expires = now + CHALLENGE_LIFETIME * 1_000_000
        with self.state.writing() as cursor:
            cursor.execute("DELETE FROM {dl_sign_in_challenges} WHERE expires_at < ?", (now - 3600 * 1_000_000,))
            # anyone may ask for a challenge: the table holds at most MAX_OPEN_CHALLENGES unexpired ones,
            # so a flood of requests cannot fill the store (it delays sign-ins for two minutes at most)
            open_ = cursor.execute("SELECT COUNT(*) AS n FROM (SELECT 1 FROM {dl_sign_in_challenges} "
                                   "WHERE expires_at > ? LIMIT ?) AS o", (now, MAX_OPEN_CHALLENGES)).fetchone()
            if open_ is not None and int(open_["n"]) >= MAX_OPEN_CHALLENGES:
                raise refuse("too-many", "正在进行的登录过多，请两分钟后重新登录",
                             "too many sign-ins are under way: wait two minutes and sign in again")
            cursor.execute(
                "INSERT INTO {dl_sign_in_challenges} (challenge_hash, origin, browser_hash, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)", (digest(challenge), origin, digest(browser), now, expires))
        return challenge, _when(expires)

    def answer(self, ledger: Ledger, envelope: Any, origin: str, browser: str | None) -> Answered:
        """Check a signed sign-in statement (docs/spec.md §19) and spend its challenge; the
        principal and key that signed in, or an :class:`ApiError` saying what to do."""
        statement, keyid, signature, payload = _read(envelope)
        challenge = statement["challenge"]
        with self.state.reading() as cursor:
            row = cursor.execute("SELECT * FROM {dl_sign_in_challenges} WHERE challenge_hash = ?",
                                 (digest(challenge),)).fetchone()
        if row is None:
            raise refuse("unauthenticated", "登录挑战无效：请回到登录页重新点击登录",
                         "unknown sign-in challenge: go back to the sign-in page and sign in again")
        if row["spent_at"] is not None:
            raise refuse("unauthenticated", "该登录挑战已使用过，重放的登录被拒绝：请回到登录页重新点击登录",
                         "this challenge was already used (a replay is refused): sign in again")
        if int(row["expires_at"]) <= micros():
            raise refuse("unauthenticated", f"登录挑战已过期（有效 {CHALLENGE_LIFETIME // 60} 分钟）：请重新点击登录",
                         "the challenge has expired: sign in again")
        if not browser or digest(browser) != row["browser_hash"]:
            raise refuse("unauthenticated", "该登录挑战不是发给本浏览器的：请在本浏览器的登录页重新登录",
                         "this challenge was issued to another browser: sign in again from this browser")
        if statement["origin"] != row["origin"] or origin != row["origin"]:
            raise refuse("unauthenticated", f"声明中的网站来源“{statement['origin']}”不是本站（{row['origin']}）：请只在本站的登录页登录，"
                         "不要在其他网站上使用本系统的密钥", f"the statement is for origin {statement['origin']!r}, "
                         f"not this site ({row['origin']}): sign in on this site's own page only")
        ledger_id = str(ledger.genesis().ledger_id)
        if statement["ledger"] != ledger_id:
            raise refuse("unauthenticated", "声明所指的不是本账本：请在本站登录页重新登录",
                         f"the statement names ledger {statement['ledger']}, not this one ({ledger_id})")
        try:
            person = ledger.find(UUID(str(statement["principal"])), Principal)
        except ValueError:
            person = None
        if person is None:
            raise refuse("unauthenticated", "声明中的人员不存在：本浏览器中的密钥可能属于另一个账本，请删除后重新登记",
                         "no such principal on this ledger: the key may belong to another ledger")
        if statement["keyid"] != keyid:
            raise refuse("unauthenticated", "签名所用的密钥不是声明所称的密钥：请重新登录",
                         "the signature's key is not the key the statement names")
        record = person.key(keyid)
        now = clock.now()
        if record is None:
            raise refuse("unauthenticated", f"这把密钥不是{person.name}的密钥：请先登记本浏览器的密钥（/keys）",
                         f"this key is not a key of {person.name}: enrol it first")
        if record.pending:
            raise refuse("unauthenticated", "这把密钥尚待第二位管理员确认（双人控制），确认后才能用于登录：请联系管理员核对指纹并确认",
                         "this key is pending: a second administrator must confirm it before it signs in")
        if not record.active_at(now):
            raise refuse("unauthenticated", "这把密钥已失效（已吊销、轮换或人员已离职）：请用其他有效密钥登录，或请管理员为您登记新密钥",
                         record.describe_at(now))
        if not record.public_key.verify(signature, pae(SIGN_IN_TYPE, payload)):
            raise refuse("unauthenticated", "签名无法验证：声明不是由所称的密钥签署的，请重新登录",
                         "the signature does not verify under the key the statement names")
        with self.state.writing() as cursor:
            spent = cursor.execute(
                "UPDATE {dl_sign_in_challenges} SET spent_at = ? WHERE challenge_hash = ? AND spent_at IS NULL "
                "RETURNING challenge_hash", (micros(), digest(challenge))).fetchall()
        if not spent:
            raise refuse("unauthenticated", "该登录挑战已使用过，重放的登录被拒绝：请重新点击登录",
                         "this challenge was already used (a replay is refused): sign in again")
        return Answered(person, keyid)


def _read(envelope: Any) -> tuple[dict[str, Any], str, bytes, bytes]:
    """The statement, key id, signature and signed payload of a sign-in envelope (DSSE, as §4
    with payloadType :data:`SIGN_IN_TYPE`); :class:`ApiError` if it is not one."""
    def bad(en: str) -> ApiError:
        return refuse("malformed-input", "登录声明格式不对：请用本站登录页登录", en)

    if not isinstance(envelope, dict) or set(envelope) != {"payload", "payloadType", "signatures"}:
        raise bad("a sign-in is a DSSE envelope with exactly payload, payloadType and signatures")
    if envelope["payloadType"] != SIGN_IN_TYPE:
        raise bad(f"the payloadType of a sign-in is {SIGN_IN_TYPE}")
    signatures = envelope["signatures"]
    if (not isinstance(signatures, list) or len(signatures) != 1 or not isinstance(signatures[0], dict)
            or set(signatures[0]) != {"keyid", "sig"} or not isinstance(signatures[0]["keyid"], str)):
        raise bad("a sign-in carries exactly one signature: {keyid, sig}")
    try:
        payload = base64.b64decode(str(envelope["payload"]), validate=True)
        signature = base64.b64decode(str(signatures[0]["sig"]), validate=True)
        statement = json.loads(payload)
    except (binascii.Error, ValueError):
        raise bad("the payload and sig are standard base64; the payload is JSON") from None
    if not isinstance(statement, dict) or set(statement) != STATEMENT_MEMBERS \
            or not all(isinstance(statement[m], str) for m in STATEMENT_MEMBERS):
        raise bad(f"the statement holds exactly the strings {sorted(STATEMENT_MEMBERS)}")
    if statement["purpose"] != SIGN_IN_PURPOSE:
        raise bad(f"the statement's purpose is {SIGN_IN_PURPOSE}")
    if canonical_bytes(statement) != payload:
        raise bad("the payload is the statement's canonical JSON (RFC 8785)")
    return statement, signatures[0]["keyid"], signature, payload
