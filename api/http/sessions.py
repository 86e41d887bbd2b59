"""Web sessions the server keeps, and ends (issue 16, point 5; attack M4).

Signing in exchanges a token (pasted on the sign-in page, or carried by a sign-in link) for a
session: a random cookie whose SHA-256 names a row of ``dl_sessions``
(:mod:`api.store.service_state`), in the ledger's database, so every worker of one ``serve``
reads the same sessions.

* A sign-in token works once: its hash is recorded in ``dl_spent_tokens`` until it expires, and
  a second exchange is refused.
* A session lasts at most :data:`SESSION_LIFETIME`; signing out ends it at once.
* Every request checks the session against the principal's current state: once the key that
  signed the sign-in token is no longer active (revoked, rotated away, expired), or a role of
  the principal is revoked after the session began, the session is ended (and stays ended).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from fastapi import Request

from api.http.auth import authenticate, revoked_since
from api.http.problems import ApiError
from api.store.service_state import ServiceState, micros
from domain import clock
from domain.model.principal import Principal
from domain.service.ledger import Ledger
from projections.store import ViewCursor

SESSION_COOKIE = "dl_session"
#: seconds a web session lasts at most
SESSION_LIFETIME = 4 * 3600
#: open sessions one person may hold; a new one past it ends their oldest (a signed-in person
#: cannot fill the service's tables by signing in again and again)
MAX_OPEN_SESSIONS = 20


def site_origin(request: Request) -> str:
    """This site's origin as the browser sees it (scheme, host and port of the request)."""
    url = request.base_url
    return f"{url.scheme}://{url.netloc}"


def secure_site(request: Request) -> bool:
    """Whether the browser reaches this site over HTTPS: then the cookies set are ``Secure`` (sent
    over HTTPS only). Behind a proxy, as it forwards the scheme (docs/operations.md)."""
    return request.base_url.scheme == "https"


def same_site(request: Request) -> None:
    """Refuse a request another site's page made the browser send: an ``Origin`` other than this
    site's (browsers send one on every POST), or ``Sec-Fetch-Site: cross-site``. Every POST that
    begins or ends a session (a token form another site posts would sign the visitor in as the
    attacker: login CSRF), that the pages' scripts send (api.http.web_keys), or that a session's
    cookie authenticates (api.http.reads.reader) checks it."""
    sent = request.headers.get("origin")
    if (sent is not None and sent != site_origin(request)) or request.headers.get("sec-fetch-site") == "cross-site":
        raise ApiError("not-permitted", "跨站请求被拒绝：请直接在本站页面上操作 — "
                                        "a request from another site is refused: use this site's own pages")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    cookie: str
    principal: Principal


class Sessions:
    """The sessions of one store, shared by every process serving it."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state

    def begin(self, ledger: Ledger, token: str) -> Session:
        """Exchange a sign-in token, once, for a new session; :class:`ApiError` if it cannot."""
        found = authenticate(ledger, token)
        jti = found.claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise ApiError("unauthenticated", "a sign-in token names its jti (a random id) so that it works once "
                                              "(登录令牌须带 jti，只能使用一次)")
        now = micros()
        spent = _hash(f"{found.principal.id}:{jti}")
        cookie = secrets.token_urlsafe(32)
        with self.state.writing() as cursor:
            cursor.execute("DELETE FROM {dl_spent_tokens} WHERE expires_at < ?", (now,))
            cursor.execute("DELETE FROM {dl_sessions} WHERE expires_at < ?", (now,))
            fresh = cursor.execute(
                "INSERT INTO {dl_spent_tokens} (token_hash, expires_at) VALUES (?, ?) "
                "ON CONFLICT (token_hash) DO NOTHING RETURNING token_hash",
                (spent, (int(found.claims["exp"]) + 60) * 1_000_000),
            ).fetchall()
            if not fresh:
                raise ApiError("unauthenticated", "this sign-in token was already used: a sign-in link works once; "
                                                  "sign a new token (登录链接只能使用一次，请重新签发令牌)")
            _open(cursor, cookie, str(found.principal.id), found.keyid, now)
        return Session(cookie, found.principal)

    # issue 19 — keys: a session for a principal whose browser key answered a sign-in challenge
    def begin_verified(self, principal: Principal, keyid: str) -> Session:
        """Open a session for ``principal``, whose key ``keyid`` (active now) has just signed a
        sign-in challenge (:mod:`api.http.browser_keys` checked it and spent the challenge). The
        session keeps the key id: revoking that key, or a role, ends it as it ends any other."""
        now = micros()
        cookie = secrets.token_urlsafe(32)
        with self.state.writing() as cursor:
            cursor.execute("DELETE FROM {dl_sessions} WHERE expires_at < ?", (now,))
            _open(cursor, cookie, str(principal.id), keyid, now)
        return Session(cookie, principal)

    def principal(self, ledger: Ledger, cookie: str | None) -> Principal | None:
        """Who the session of this cookie belongs to, if it is open and its authority stands."""
        if not cookie or len(cookie) > 200:
            return None
        key = _hash(cookie)
        with self.state.reading() as cursor:
            row = cursor.execute(
                "SELECT principal_id, keyid, created_at FROM {dl_sessions} "
                "WHERE session_hash = ? AND ended_at IS NULL AND expires_at > ?", (key, micros())
            ).fetchone()
        if row is None:
            return None
        principal = ledger.find(UUID(row["principal_id"]), Principal)
        why = self._ended_by(principal, row["keyid"], int(row["created_at"]))
        if why is not None:
            self._end(key, why)
            return None
        return principal

    def end(self, cookie: str | None, why: str = "signed out") -> None:
        """Sign out: the session ends now, in every process."""
        if cookie and len(cookie) <= 200:
            self._end(_hash(cookie), why)

    def _end(self, key: str, why: str) -> None:
        with self.state.writing() as cursor:
            cursor.execute("UPDATE {dl_sessions} SET ended_at = ?, ended_why = ? "
                           "WHERE session_hash = ? AND ended_at IS NULL", (micros(), why[:200], key))

    @staticmethod
    def _ended_by(principal: Principal | None, keyid: str, created: int) -> str | None:
        """Why the session no longer stands, judged against the principal's state now."""
        if principal is None:
            return "the principal is unknown"
        now = clock.now()
        record = principal.key(keyid)
        if record is None or not record.active_at(now):
            return "the key that opened it is no longer active"
        began = datetime.fromtimestamp(created // 1_000_000, tz=UTC) + timedelta(microseconds=created % 1_000_000)
        return revoked_since(principal, began)


def _open(cursor: ViewCursor, cookie: str, principal_id: str, keyid: str, now: int) -> None:
    """Store a new session (its cookie's hash), ending the person's oldest open ones past
    :data:`MAX_OPEN_SESSIONS`."""
    cursor.execute(
        "INSERT INTO {dl_sessions} (session_hash, principal_id, keyid, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (_hash(cookie), principal_id, keyid, now, now + SESSION_LIFETIME * 1_000_000),
    )
    cursor.execute(
        "UPDATE {dl_sessions} SET ended_at = ?, ended_why = ? WHERE ended_at IS NULL AND principal_id = ? "
        "AND session_hash NOT IN (SELECT session_hash FROM {dl_sessions} WHERE ended_at IS NULL AND principal_id = ? "
        "ORDER BY created_at DESC, session_hash LIMIT ?)",
        (now, f"more than {MAX_OPEN_SESSIONS} open sessions: the oldest ended", principal_id, principal_id,
         MAX_OPEN_SESSIONS),
    )
