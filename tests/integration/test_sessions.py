"""Sessions that end (issue 16, point 5; attack M4), on both stores.

A web session is a row the server keeps in the store's database: signing out ends it; revoking
the key that opened it, or a role of its principal, ends it at the next request; a sign-in link
works once. A bearer token is refused once its key or a role of its subject is revoked.
"""

from __future__ import annotations

import time
from uuid import UUID

import pytest

from api.http.auth import make_token
from api.http.writes import ROUTES
from domain.model.principal import Principal
from tests.integration.http_support import Served


def _people_with_roles(served: Served) -> list[str]:
    """Demo handles of persons holding a standing role, in a fixed order."""
    found = []
    for handle, signer in sorted(served.people.items()):
        principal = served.ledger.find(signer.principal_id, Principal)
        if handle != "admin" and principal is not None and principal.roles:
            found.append(handle)
    return found


def _me(served: Served, cookie: str) -> int:
    served.client.cookies.clear()
    status: int = served.client.get("/v1/me", headers={"cookie": f"dl_session={cookie}"}).status_code
    return status


def _post(served: Served, signer_handle: str, action: str, target: UUID, args: dict[str, object]) -> None:
    path, parameter = ROUTES[action]
    url = path.format(**{parameter: str(target)}) if parameter else path
    answer = served.client.post(url, json=served.sign(signer_handle, action, target, args).to_json())
    assert answer.status_code == 201, answer.text


def test_a_sign_in_link_works_once(served: Served) -> None:
    handle = _people_with_roles(served)[0]
    signer = served.people[handle]
    token = make_token(signer.key, signer.principal_id)
    served.client.cookies.clear()
    # the link shows whose session it opens and spends nothing: no one is signed in by opening a
    # link someone else sent (login CSRF); the person confirms, and the confirmation spends it
    shown = served.client.get("/signin", params={"token": token}, follow_redirects=False)
    assert shown.status_code == 200 and 'id="confirm-signin"' in shown.text and signer.name in shown.text
    assert "dl_session" not in shown.cookies
    assert served.client.get("/signin", params={"token": token}).status_code == 200, "still unspent"
    first = served.client.post("/signin", data={"token": token}, follow_redirects=False)
    assert first.status_code == 303
    served.client.cookies.clear()
    again = served.client.post("/signin", data={"token": token}, follow_redirects=False)
    assert again.status_code == 401
    assert "dl_session" not in again.cookies
    assert "already used" in again.text and "只能使用一次" in again.text
    # a fresh token signs in again
    assert _me(served, served.sign_in(handle)) == 200


def test_signing_out_ends_the_session_on_the_server(served: Served) -> None:
    handle = _people_with_roles(served)[1]
    cookie = served.sign_in(handle)
    other = served.sign_in(handle)
    assert _me(served, cookie) == 200
    served.client.cookies.clear()
    out = served.client.post("/signout", headers={"cookie": f"dl_session={cookie}"}, follow_redirects=False)
    assert out.status_code == 303
    # the cookie kept by whoever copied it no longer works: the session ended, not only the cookie
    assert _me(served, cookie) == 401
    page = served.client.get("/cases", headers={"cookie": f"dl_session={cookie}"}, follow_redirects=False)
    assert page.status_code == 303 and "/signin" in page.headers["location"]
    assert _me(served, other) == 200, "signing out ends one session, not the person's others"
    stored = served.service.state
    with stored.reading() as cursor:
        rows = cursor.execute("SELECT session_hash, ended_why FROM {dl_sessions} WHERE ended_at IS NOT NULL").fetchall()
    assert any(row["ended_why"] == "signed out" for row in rows)
    assert all(cookie not in row["session_hash"] for row in rows), "the database keeps a hash, not the cookie"


def test_revoking_the_key_ends_every_session_made_with_it(served: Served) -> None:
    handle = _people_with_roles(served)[2]
    signer = served.people[handle]
    sessions = [served.sign_in(handle), served.sign_in(handle)]
    bearer = {"Authorization": f"Bearer {make_token(signer.key, signer.principal_id)}"}
    assert all(_me(served, cookie) == 200 for cookie in sessions)
    _post(served, handle, "principal.revoke_key", signer.principal_id,
          {"keyid": signer.key.keyid, "reason": "密钥遗失 lost"})
    assert [_me(served, cookie) for cookie in sessions] == [401, 401]
    served.client.cookies.clear()
    assert served.client.get("/v1/me", headers=bearer).status_code == 401


def test_revoking_a_role_ends_sessions_and_tokens_made_before(served: Served) -> None:
    handle = _people_with_roles(served)[3]
    signer = served.people[handle]
    principal = served.ledger.find(signer.principal_id, Principal)
    assert principal is not None
    cookie = served.sign_in(handle)
    bearer = {"Authorization": f"Bearer {make_token(signer.key, signer.principal_id)}"}
    served.client.cookies.clear()
    assert served.client.get("/v1/me", headers=bearer).status_code == 200
    time.sleep(1.1)  # a token's iat counts whole seconds
    _post(served, "admin", "principal.revoke_role", signer.principal_id,
          {"role": principal.roles[0], "reason": "调离 transferred"})
    assert _me(served, cookie) == 401
    served.client.cookies.clear()
    refused = served.client.get("/v1/me", headers=bearer)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    # a token signed after the revocation works, with what the person holds now
    time.sleep(1.1)
    fresh = {"Authorization": f"Bearer {make_token(signer.key, signer.principal_id)}"}
    assert served.client.get("/v1/me", headers=fresh).status_code == 200
    assert _me(served, served.sign_in(handle)) == 200


def test_cookies_are_secure_when_the_site_is_reached_over_https(served: Served) -> None:
    """Behind an HTTPS proxy (the scheme forwarded) the session cookie is sent over HTTPS only;
    over plain HTTP (a local demo) a Secure cookie would never come back, so it is not marked."""
    people = _people_with_roles(served)
    for handle, scheme, secure in ((people[4], "https", True), (people[5], "http", False)):
        signer = served.people[handle]
        served.client.cookies.clear()
        token = make_token(signer.key, signer.principal_id)
        answer = served.client.post(f"{scheme}://testserver/signin", data={"token": token}, follow_redirects=False,
                                    headers={"origin": f"{scheme}://testserver"})
        assert answer.status_code == 303, answer.text
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("dl_session=") and "httponly" in cookie.lower()
        assert ("secure" in cookie.lower().split("; ")) is secure, cookie


def test_a_person_holds_a_bounded_number_of_open_sessions(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing in again and again cannot fill the service's tables: past the bound, a new
    session ends the person's oldest, which then answers 401; the newer ones stay open."""
    from api.http import sessions

    monkeypatch.setattr(sessions, "MAX_OPEN_SESSIONS", 2)
    handle = _people_with_roles(served)[6]
    cookies = [served.sign_in(handle) for _ in range(3)]
    assert [_me(served, cookie) for cookie in cookies] == [401, 200, 200]
    with served.service.state.reading() as cursor:
        row = cursor.execute("SELECT ended_why FROM {dl_sessions} WHERE ended_at IS NOT NULL AND principal_id = ?",
                             (str(served.people[handle].principal_id),)).fetchone()
    assert row is not None and "open sessions" in row["ended_why"]
