"""Authentication without a password store.

**Tokens.** A person signs a short-lived JWT (RFC 7519) with their own key: header
``{"alg": "EdDSA", "typ": "JWT", "kid": <RFC 7638 key id>}`` for an Ed25519 key, ``"alg": "SM2SM3"``
for an SM2 key (国密; docs/spec.md §22.5: SM2 with SM3 and the default user id, GM/T 0009 DER), claims ``{"sub": <principal
id>, "aud": "decision-ledger", "iat", "exp", "jti"}`` with ``exp - iat`` at most 15 minutes.
It is sent as ``Authorization: Bearer <token>``; the server checks it against the key of that
principal active now. ``decision-ledger client token`` makes one.

**Revocation.** A token is refused once the key that signed it is no longer active, or once a
role of its subject was revoked after it was issued (issue 16, point 5): authority lost ends
the token's use at once, not when it expires.

**Web sessions** (:mod:`api.http.sessions`): a token pasted on the sign-in page, or carried by a
sign-in link, is exchanged once for a session the server keeps in the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from api.http.limits import MAX_LIFETIME
from api.http.problems import ApiError
from domain import clock
from domain.evidence import base64url, ed25519
from domain.evidence.errors import MalformedInput
from domain.evidence.signing import PublicKey, SigningKey
from domain.model.principal import Principal
from domain.service.ledger import Ledger

AUDIENCE = "decision-ledger"
SKEW = 60
#: the JWS "alg" of a token an SM2 key signs (no JOSE registration exists; docs/spec.md §22.5)
SM2_ALG = "SM2SM3"
#: the "alg" each kind of key signs tokens with
ALG_OF = {"ed25519": "EdDSA", "sm2": SM2_ALG}


def make_token(key: SigningKey, principal_id: UUID | str, lifetime: int = 300) -> str:
    """What a client does to read: a JWT signed with its own key (Ed25519 or SM2)."""
    now = int(clock.now().timestamp())
    claims = {"sub": str(principal_id), "aud": AUDIENCE, "iat": now, "exp": now + lifetime, "jti": uuid4().hex}
    if key.public_key.algorithm == "sm2":
        header = {"alg": SM2_ALG, "typ": "JWT", "kid": key.keyid}
        signing_input = ".".join(base64url.encode(json.dumps(part, separators=(",", ":")).encode())
                                 for part in (header, claims))
        return f"{signing_input}.{base64url.encode(key.sign(signing_input.encode('ascii')))}"
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.keyid})


@dataclass(frozen=True)
class Authenticated:
    """Who a verified token names, the key that signed it, and its claims."""

    principal: Principal
    keyid: str
    claims: dict[str, Any]


def verify_token(ledger: Ledger, token: str) -> Principal:
    """The principal whose active key signed this token; an :class:`ApiError` otherwise."""
    return authenticate(ledger, token).principal


def authenticate(ledger: Ledger, token: str) -> Authenticated:
    """Check a token: signed by a key of its subject active now, for this audience, at most
    15 minutes long, and issued after every revocation of its subject's roles."""
    _canonical_parts(token)
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise ApiError("unauthenticated", "这不是登录令牌：请粘贴 decision-ledger client token 打印的整段令牌 — "
                                          f"not a JWT: {error}") from None
    if header.get("alg") not in ALG_OF.values() or not isinstance(header.get("kid"), str):
        raise ApiError("unauthenticated", "令牌须用 Ed25519（EdDSA）或 SM2（SM2SM3）密钥签名并注明密钥编号 kid — "
                                          'the token must be signed with "alg": "EdDSA" or "SM2SM3" and name its "kid"')
    try:
        principal_id = UUID(str(unverified.get("sub")))
    except ValueError:
        raise ApiError("unauthenticated", "令牌中的人员编号（sub）不是有效的编号 — the token's sub is not a principal id") from None
    principal = ledger.find(principal_id, Principal)
    now = clock.now()
    record = principal.key(header["kid"]) if principal else None
    if principal is None or record is None:
        raise ApiError("unauthenticated", "签发令牌的密钥不是该人员的密钥：请用本人的密钥文件签发 — "
                                          "the token's key is not a key of its subject")
    if not record.active_at(now):
        raise ApiError("unauthenticated", "签发令牌的密钥当前无效（待确认、已吊销或已轮换）：请用有效密钥重新签发 — "
                                          + record.describe_at(now))
    wanted = ALG_OF[record.public_key.algorithm]
    if header["alg"] != wanted:
        raise ApiError("unauthenticated", f"该密钥签发的令牌须注明 \"alg\": \"{wanted}\"：请重新签发 — "
                                          f"a token of this key names \"alg\": \"{wanted}\"")
    claims = _verified_claims(token, record.public_key)
    if int(claims["exp"]) - int(claims["iat"]) > MAX_LIFETIME:
        raise ApiError("unauthenticated", f"令牌有效期最长 {MAX_LIFETIME // 60} 分钟：请缩短有效期重新签发 — "
                                          f"a token may live at most {MAX_LIFETIME // 60} minutes")
    if int(claims["iat"]) > now.timestamp() + SKEW:
        raise ApiError("unauthenticated", "令牌的签发时间晚于现在：请校准电脑时钟后重新签发 — the token was issued in the future")
    # iat counts whole seconds: a revocation in the second the token was signed does not refuse it
    revoked = revoked_since(principal, datetime.fromtimestamp(int(claims["iat"]) + 1, tz=UTC))
    if revoked is not None:
        raise ApiError("unauthenticated", f"{revoked}, after this token was issued: sign a new token "
                                          "(该令牌签发后角色已被撤销，请重新签发)")
    return Authenticated(principal, header["kid"], claims)


def _canonical_parts(token: str) -> None:
    """docs/spec.md §22.5: each of a compact token's three parts is base64url in its one canonical
    spelling (§1) — PyJWT also reads padded ones — so a token has one text. Other shapes are left
    to PyJWT, which says why they are not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return
    try:
        for part, what in zip(parts, ("header", "claims", "signature"), strict=True):
            base64url.decode(part, f"the token's {what}")
    except MalformedInput as error:
        raise ApiError("unauthenticated", "令牌的每一部分须为规范拼写的 base64url（不带 = 填充）：请重新签发 — "
                                          f"each part of a token is base64url in its canonical spelling: "
                                          f"{error.detail}") from None


def _verified_claims(token: str, key: PublicKey) -> dict[str, Any]:
    """The claims of a token whose signature verifies under ``key``: EdDSA through PyJWT, held to
    docs/spec.md §23's encodings; SM2 by the evidence package's SM2 (§22.5); then the registered
    claims as RFC 7519 says (exp, aud; iat, sub required)."""
    options: dict[str, Any] = {"require": ["exp", "iat", "sub", "aud"]}
    try:
        signature = base64url.decode(token.rsplit(".", 1)[-1], "the token's signature")
        if key.algorithm == "sm2":
            if not key.verify(signature, token.rsplit(".", 1)[0].encode("ascii")):
                raise jwt.InvalidSignatureError("the SM2 signature does not verify")
            options |= {"verify_signature": False, "verify_exp": True, "verify_iat": True, "verify_aud": True}
            claims: dict[str, Any] = jwt.decode(token, audience=AUDIENCE, leeway=SKEW, options=options)  # type: ignore[arg-type]
            return claims
        claims = jwt.decode(token, Ed25519PublicKey.from_public_bytes(key.raw), algorithms=["EdDSA"],
                            audience=AUDIENCE, leeway=SKEW, options=options)  # type: ignore[arg-type]
    except (jwt.PyJWTError, MalformedInput, UnicodeEncodeError) as error:
        raise ApiError("unauthenticated", "令牌无法验证（签名不符、已过期或不是发给本系统的）：请重新签发 — "
                                          f"the token does not verify: {error}") from None
    # issue 20 — ed25519: PyJWT's OpenSSL checks the equation; the encodings of docs/spec.md §23 here
    refusal = ed25519.signature_refusal(key.raw, signature)
    if refusal:
        raise ApiError("unauthenticated", f"令牌的签名不合规范（docs/spec.md 第23节）：请重新签发 — {refusal}")
    return claims


def revoked_since(principal: Principal, moment: datetime) -> str | None:
    """What role of ``principal`` was revoked at or after ``moment``, if any (issue 16, point 5:
    a revoked role ends the tokens and sessions made before it at once)."""
    for entry in principal.role_history:
        revoked_at = entry.get("revoked_at")
        if revoked_at is None:
            continue
        when = revoked_at if isinstance(revoked_at, datetime) else datetime.fromisoformat(str(revoked_at))
        if when >= moment:
            return f"the role {entry['role']} was revoked at {when.isoformat()}"
    return None
