"""Authentication without a password store.

**Tokens.** A person signs a short-lived JWT (RFC 7519) with their own Ed25519 key:
header ``{"alg": "EdDSA", "typ": "JWT", "kid": <RFC 7638 key id>}``, claims ``{"sub": <principal
id>, "aud": "decision-ledger", "iat", "exp", "jti"}`` with ``exp - iat`` at most 15 minutes.
It is sent as ``Authorization: Bearer <token>``; the server checks it against the key of that
principal active now. ``decision-ledger client token`` makes one.

**Web sessions.** A token pasted on the sign-in page is exchanged for a session cookie the
server signs (HMAC-SHA256 with a secret it makes at start), valid for a few hours.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from api.http.limits import MAX_LIFETIME
from api.http.problems import ApiError
from domain import clock
from domain.evidence.signing import SigningKey
from domain.model.principal import Principal
from domain.service.ledger import Ledger

AUDIENCE = "decision-ledger"
SKEW = 60
SESSION_COOKIE = "dl_session"
SESSION_LIFETIME = 4 * 3600


def make_token(key: SigningKey, principal_id: UUID | str, lifetime: int = 300) -> str:
    """What a client does to read: a JWT signed with its own key."""
    now = int(clock.now().timestamp())
    claims = {"sub": str(principal_id), "aud": AUDIENCE, "iat": now, "exp": now + lifetime, "jti": uuid4().hex}
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.keyid})


def verify_token(ledger: Ledger, token: str) -> Principal:
    """The principal whose active key signed this token; an :class:`ApiError` otherwise."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise ApiError("unauthenticated", f"not a JWT: {error}") from None
    if header.get("alg") != "EdDSA" or not isinstance(header.get("kid"), str):
        raise ApiError("unauthenticated", 'the token must be signed with "alg": "EdDSA" and name its "kid"')
    try:
        principal_id = UUID(str(unverified.get("sub")))
    except ValueError:
        raise ApiError("unauthenticated", "the token's sub is not a principal id") from None
    principal = ledger.find(principal_id, Principal)
    now = clock.now()
    record = principal.key(header["kid"]) if principal else None
    if principal is None or record is None:
        raise ApiError("unauthenticated", "the token's key is not a key of its subject")
    if not record.active_at(now):
        raise ApiError("unauthenticated", record.describe_at(now))
    public = Ed25519PublicKey.from_public_bytes(record.public_key.raw)
    try:
        claims = jwt.decode(token, public, algorithms=["EdDSA"], audience=AUDIENCE, leeway=SKEW,
                            options={"require": ["exp", "iat", "sub", "aud"]})
    except jwt.PyJWTError as error:
        raise ApiError("unauthenticated", f"the token does not verify: {error}") from None
    if int(claims["exp"]) - int(claims["iat"]) > MAX_LIFETIME:
        raise ApiError("unauthenticated", f"a token may live at most {MAX_LIFETIME // 60} minutes")
    if int(claims["iat"]) > now.timestamp() + SKEW:
        raise ApiError("unauthenticated", "the token was issued in the future")
    return principal


@dataclass
class Sessions:
    """Signed session cookies for the web pages."""

    secret: bytes

    @classmethod
    def new(cls) -> Sessions:
        return cls(secrets.token_bytes(32))

    def issue(self, principal_id: UUID) -> str:
        body = json.dumps({"sub": str(principal_id), "exp": int(time.time()) + SESSION_LIFETIME}).encode()
        payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
        mac = hmac.new(self.secret, payload.encode(), hashlib.sha256).hexdigest()
        return f"{payload}.{mac}"

    def read(self, cookie: str | None) -> UUID | None:
        if not cookie or "." not in cookie:
            return None
        payload, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, hmac.new(self.secret, payload.encode(), hashlib.sha256).hexdigest()):
            return None
        try:
            data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            if int(data["exp"]) < time.time():
                return None
            return UUID(data["sub"])
        except (ValueError, KeyError, TypeError):
            return None
