"""Keys in the browser (issue 19 point 1), on SQLite: an administrator invites a person, the
person's browser makes and sends its key, two administrators — each signing in his own browser with
a browser key he enrolled by consent with his CLI key — propose and confirm it, and the person
signs in by answering a challenge with it. The refusals of sign-in (replay, another origin, another
browser, another key, a pending key, a cross-site request) are HTTP tests through the test client.
Screenshots: :func:`tests.integration.browser.shoot`."""

from __future__ import annotations

import base64
import re
from typing import Any
from uuid import UUID

import pytest

from api.http.auth import make_token
from api.store.service_state import micros
from domain.evidence.canonical import canonical_bytes
from domain.evidence.keys import make_proof
from domain.evidence.signing import SigningKey, pae
from tests.integration.browser import shoot
from tests.integration.http_support import Served

pytestmark = [pytest.mark.parametrize("served", ["sqlite"], indirect=True)]
SIGN_IN = "application/vnd.decision-ledger.sign-in+json"
SITE = "http://testserver"


def _ledger(served: Served) -> str:
    return str(served.ledger.genesis().ledger_id)


def _envelope(served: Served, key: SigningKey, principal: UUID, challenge: str, *, origin: str = SITE,
              keyid: str | None = None) -> dict[str, Any]:
    statement = {"purpose": "decision-ledger/sign-in/v1", "challenge": challenge, "ledger": _ledger(served),
                 "principal": str(principal), "keyid": keyid or key.keyid, "origin": origin}
    payload = canonical_bytes(statement)
    return {"payload": base64.b64encode(payload).decode(), "payloadType": SIGN_IN,
            "signatures": [{"keyid": keyid or key.keyid, "sig": base64.b64encode(key.sign(pae(SIGN_IN, payload))).decode()}]}


def _challenge(client: Any) -> str:
    issued = client.post("/v1/sign-in/challenges", json={})
    assert issued.status_code == 201, issued.text
    assert issued.json()["origin"] == SITE and issued.json()["payloadType"] == SIGN_IN
    return str(issued.json()["challenge"])


def _fresh_client(served: Served) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(served.client.app)


# --- sign-in by challenge: what is refused, and why (HTTP, fast) --------------------------------------


def test_a_signed_challenge_opens_a_session_once(served: Served) -> None:
    client = _fresh_client(served)
    inspector = served.people["kong_deming"]
    envelope = _envelope(served, inspector.key, inspector.principal_id, _challenge(client))
    assert client.get("/cases", follow_redirects=False).status_code == 303, "not signed in yet"
    opened = client.post("/v1/sign-in", json=envelope)
    assert opened.status_code == 200, opened.text
    assert opened.json()["name"] == "孔德明" and opened.json()["keyid"] == inspector.key.keyid
    page = client.get("/cases", follow_redirects=False)
    assert page.status_code == 200 and "孔德明" in page.text

    replayed = _fresh_client(served)
    replayed.cookies.update(client.cookies)
    replayed.cookies.delete("dl_session")
    again = replayed.post("/v1/sign-in", json=envelope)
    assert again.status_code == 401 and "该登录挑战已使用过" in again.json()["detail"]
    assert replayed.get("/cases", follow_redirects=False).status_code == 303, "a replay opens nothing"


def test_a_flood_of_challenges_cannot_fill_the_store(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """Anyone may ask for a challenge; the store keeps a bounded number of open ones."""
    from api.http import browser_keys

    with served.service.state.reading() as cursor:
        row = cursor.execute("SELECT COUNT(*) AS n FROM {dl_sign_in_challenges} WHERE expires_at > ?",
                             (micros(),)).fetchone()
    assert row is not None
    open_now = int(row["n"])
    monkeypatch.setattr(browser_keys, "MAX_OPEN_CHALLENGES", open_now + 2)
    client = _fresh_client(served)
    _challenge(client)
    _challenge(client)
    flooded = client.post("/v1/sign-in/challenges", json={})
    assert flooded.status_code == 429 and "请两分钟后重新登录" in flooded.json()["detail"]


def test_sign_in_refusals_say_what_to_do_in_chinese(served: Served) -> None:
    client = _fresh_client(served)
    inspector = served.people["kong_deming"]

    wrong_origin = client.post("/v1/sign-in", json=_envelope(served, inspector.key, inspector.principal_id,
                                                             _challenge(client), origin="https://evil.example"))
    assert wrong_origin.status_code == 401
    assert "不是本站" in wrong_origin.json()["detail"] and "https://evil.example" in wrong_origin.json()["detail"]

    stranger = SigningKey.generate()  # signs, claiming the inspector's key
    forged = client.post("/v1/sign-in", json=_envelope(served, stranger, inspector.principal_id, _challenge(client),
                                                       keyid=inspector.key.keyid))
    assert forged.status_code == 401 and "签名无法验证" in forged.json()["detail"]

    unknown = client.post("/v1/sign-in", json=_envelope(served, stranger, inspector.principal_id, _challenge(client)))
    assert unknown.status_code == 401 and "不是孔德明的密钥" in unknown.json()["detail"]

    other_browser = _fresh_client(served)  # a challenge issued to this client, answered from another
    taken = other_browser.post("/v1/sign-in", json=_envelope(served, inspector.key, inspector.principal_id,
                                                             _challenge(client)))
    assert taken.status_code == 401 and "不是发给本浏览器的" in taken.json()["detail"]

    cross = client.post("/v1/sign-in/challenges", json={}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403 and "跨站请求被拒绝" in cross.json()["detail"]
    as_form = client.post("/v1/sign-in", data={"payload": "x"})
    assert as_form.status_code == 400 and "JSON" in as_form.json()["detail"], "a cross-site form cannot post it"
    assert client.get("/cases", follow_redirects=False).status_code == 303, "none of these signed in"


def test_the_token_form_answers_in_chinese(served: Served) -> None:
    page = _fresh_client(served).post("/signin", data={"token": "not a token", "next": "/cases"})
    assert page.status_code == 401
    assert "这不是登录令牌" in page.text and "用本浏览器中的密钥登录" in page.text


def test_an_invited_key_is_pending_until_a_second_administrator_confirms_it(served: Served) -> None:
    """The invitation's request through HTTP with a Python key (the browser's part is below)."""
    admin = served.client
    admin_session = _fresh_client(served)
    assert admin_session.post("/signin", data={"token": make_token(served.people["admin"].key,
                                                                     served.people["admin"].principal_id)},
                             follow_redirects=False).status_code == 303
    person = served.people["kong_deming"].principal_id
    made = admin_session.post("/keys/invitations", data={"principal_id": str(person)}, headers={"Origin": SITE})
    assert made.status_code == 200, made.text
    code = re.search(r"/keys/enrol\?code=([\w-]+)", made.text)
    assert code, "the link is shown"
    enrol = _fresh_client(served).get(f"/keys/enrol?code={code[1]}")
    assert enrol.status_code == 200 and "孔德明" in enrol.text and "自治区纪委监委驻商务厅纪检监察组" in enrol.text

    new = SigningKey.generate()
    wrong_proof = make_proof(new, _ledger(served), str(served.people["admin"].principal_id))
    refused = admin.post("/v1/key-requests", json={"code": code[1], "jwk": new.public_key.jwk, "proof": wrong_proof})
    assert refused.status_code == 401 and "持有证明无法验证" in refused.json()["detail"]
    proof = make_proof(new, _ledger(served), str(person))
    sent = admin.post("/v1/key-requests", json={"code": code[1], "jwk": new.public_key.jwk, "proof": proof})
    assert sent.status_code == 201 and sent.json()["keyid"] == new.keyid
    assert admin.post("/v1/key-requests", json={"code": code[1], "jwk": new.public_key.jwk, "proof": proof}
                      ).status_code == 409, "an invitation works once"
    listed = admin_session.get("/keys/requests")
    assert sent.json()["fingerprint"] in listed.text and "双人控制" in listed.text
    english = admin_session.get("/keys/requests?lang=en").text
    assert "dual control" in english and "双人控制" not in english

    proposed = admin.post(f"/v1/principals/{person}/keys", json=served.sign(
        "admin", "principal.add_key", person, {"public_key": new.public_key.jwk, "proof": proof}).to_json())
    assert proposed.status_code == 201, proposed.text
    client = _fresh_client(served)
    pending = client.post("/v1/sign-in", json=_envelope(served, new, person, _challenge(client)))
    assert pending.status_code == 401 and "尚待第二位管理员确认" in pending.json()["detail"]
    # the proposer cannot confirm his own proposal (the ledger's rule, not the page's)
    own = admin.post(f"/v1/principals/{person}/key-confirmations", json=served.sign(
        "admin", "principal.confirm_key", person, {"keyid": new.keyid}).to_json())
    assert own.status_code == 403
    confirmed = admin.post(f"/v1/principals/{person}/key-confirmations", json=served.sign(
        "second_admin", "principal.confirm_key", person, {"keyid": new.keyid}).to_json())
    assert confirmed.status_code == 201, confirmed.text
    assert client.post("/v1/sign-in", json=_envelope(served, new, person, _challenge(client))).status_code == 200


# --- the whole path in Chromium ---------------------------------------------------------------------


def _token_sign_in(page: Any, served: Served, address: str, handle: str, target: str) -> None:
    signer = served.people[handle]
    page.goto(f"{address}/signin?next={target}")
    page.fill("#token", make_token(signer.key, signer.principal_id, lifetime=600))
    page.click("#signin")
    page.wait_for_url(re.compile(re.escape(target) + "$"))


def _bootstrap_admin(page: Any, served: Served, address: str, handle: str, name: str) -> str:
    """An administrator with a CLI key signs in with a token, makes this browser's key on /keys and
    adds it by consent with his CLI key (the command the page shows, signed here as the CLI would)."""
    _token_sign_in(page, served, address, handle, "/keys")
    page.click("#make-key")
    page.wait_for_function("() => document.querySelector('#cli-command').textContent.length > 0")
    command = page.inner_text("#cli-command")
    me = served.people[handle].principal_id
    assert command.startswith(f"decision-ledger client principal add-key {me} --public-key '")
    assert f"--as {me}" in command and f"--server {address}" in command
    kept = page.evaluate("id => DecisionLedger.loadKey(id).then(k => ({jwk: k.jwk, proof: k.proof, keyid: k.keyid,"
                         " name: k.name, extractable: k.privateKey.extractable}))", str(me))
    assert kept["extractable"] is False and kept["name"] == name
    assert kept["proof"] in command and kept["jwk"]["x"] in command
    added = served.client.post(f"/v1/principals/{me}/keys", json=served.sign(
        handle, "principal.add_key", me, {"public_key": kept["jwk"], "proof": kept["proof"]}).to_json())
    assert added.status_code == 201, added.text
    page.reload()
    row = page.locator(f'tr[data-keyid="{kept["keyid"]}"]')
    row.locator(".here").wait_for()
    assert "有效" in row.inner_text()
    cli = page.locator(f'tr[data-keyid="{served.people[handle].key.keyid}"]')
    assert "有效" in cli.inner_text() and not cli.locator(".here").is_visible(), "the CLI key is not in the browser"
    assert page.locator("#consent").is_hidden(), "nothing left to add"
    return str(kept["keyid"])


@pytest.mark.browser
@pytest.mark.slow
def test_a_person_enrols_a_browser_key_by_dual_control_and_signs_in_with_it(
        browser: Any, page: Any, served: Served, address: str) -> None:
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN") for _ in range(3)]
    second, person, stranger = (c.new_page() for c in contexts)
    try:
        _bootstrap_admin(page, served, address, "admin", "系统管理员")
        assert "SM2" in page.inner_text("#sm2-note") and "命令行" in page.inner_text("#sm2-note")
        shoot(page, served, "keys-01-my-keys")
        _bootstrap_admin(second, served, address, "second_admin", "复核管理员")

        # the first administrator invites the demo's 孔德明
        page.goto(f"{address}/keys/invitations?q=孔德明")
        page.click("#found button.invite")
        link = page.inner_text("#invitation-link").strip()
        assert link.startswith(f"{address}/keys/enrol?code=")
        assert "孔德明" in page.inner_text("#waiting")
        shoot(page, served, "keys-02-invitations")

        # 孔德明's browser makes the key and sends it; he reads the fingerprint out
        person.goto(link)
        assert person.inner_text("#person-name") == "孔德明"
        assert person.inner_text("#person-unit") == "自治区纪委监委驻商务厅纪检监察组"
        person.click("#make-key")
        person.wait_for_selector("#sent:not([hidden])")
        fingerprint = person.inner_text("#fingerprint")
        assert re.fullmatch(r"[\w-]{4} [\w-]{4} [\w-]{4} [\w-]{4}", fingerprint), fingerprint
        kong = served.people["kong_deming"].principal_id
        assert f"client principal add-key {kong}" in person.inner_text("#cli-command"), "consent for a CLI holder"
        shoot(person, served, "keys-03-enrol")

        # the first administrator proposes it, signing in his browser
        page.goto(f"{address}/keys/requests")
        row = page.locator("tr.request", has_text=fingerprint)
        assert "双人控制" in page.inner_text("#dual-control") and "另一位管理员" in page.inner_text("#dual-control")
        row.locator("button.propose").click()
        page.wait_for_selector(f'tr.request.pending:has-text("{fingerprint}")')
        assert "须由另一位管理员确认" in page.locator("tr.request", has_text=fingerprint).inner_text()
        assert page.locator("tr.request", has_text=fingerprint).locator("button.confirm").count() == 0
        shoot(page, served, "keys-04-proposed")

        # 孔德明 cannot sign in yet: the key is pending
        person.goto(f"{address}/signin?next=/cases")
        person.click("button.key-signin")
        person.wait_for_selector("#key-problem:not([hidden])")
        assert "尚待第二位管理员确认" in person.inner_text("#key-problem")

        # the second administrator confirms it in his browser
        second.goto(f"{address}/keys/requests")
        second.locator("tr.request", has_text=fingerprint).locator("button.confirm").click()
        second.wait_for_selector(f'tr.request.active:has-text("{fingerprint}")')
        shoot(second, served, "keys-05-confirmed")

        # 孔德明 signs in by challenge with the key kept in his browser, and lands on the cases
        person.goto(f"{address}/signin?next=/cases")
        button = person.locator("button.key-signin")
        assert "用本浏览器中的密钥登录" in person.inner_text("#signin-key") and fingerprint in button.inner_text()
        assert "孔德明" in button.inner_text()
        shoot(person, served, "keys-06-signin")
        keyid = person.evaluate("id => DecisionLedger.loadKey(id).then(k => k.keyid)", str(kong))
        button.click()
        person.wait_for_url(re.compile(r"/cases$"))
        assert "孔德明" in person.inner_text("#me")
        shoot(person, served, "keys-07-signed-in")

        # a browser without the key cannot
        stranger.goto(f"{address}/signin?next=/cases")
        stranger.wait_for_selector("#no-browser-keys:not([hidden])")
        assert stranger.locator("button.key-signin").count() == 0
        stranger.goto(f"{address}/cases")
        assert "/signin" in stranger.url

        # a new computer (the browser that had no key): a one-time link made on /keys, opened there;
        # 孔德明 consents on /keys/requests with the key of his first browser: active at once
        person.goto(f"{address}/keys")
        person.click("#make-link")
        person.wait_for_function("() => document.querySelector('#invitation-link').textContent.trim().length > 0")
        link = person.inner_text("#invitation-link").strip()
        stranger.goto(link)
        stranger.click("#make-key")
        stranger.wait_for_selector("#sent:not([hidden])")
        second_print = stranger.inner_text("#fingerprint")
        person.goto(f"{address}/keys/requests")
        person.locator("tr.request", has_text=second_print).locator("button.consent").click()
        person.wait_for_selector(f'tr.request.active:has-text("{second_print}")')
        shoot(person, served, "keys-08-consent")
        stranger.goto(f"{address}/signin?next=/cases")
        stranger.locator("button.key-signin").click()
        stranger.wait_for_url(re.compile(r"/cases$"))

        # revoking the first key (through the API) ends its session at the next request, not the other's
        revoked = served.client.post(f"/v1/principals/{kong}/key-revocations", json=served.sign(
            "kong_deming", "principal.revoke_key", kong, {"keyid": keyid, "reason": "测试：电脑遗失"}).to_json())
        assert revoked.status_code == 201, revoked.text
        person.goto(f"{address}/cases")
        assert "/signin" in person.url, "the session ended with its key"
        person.click("button.key-signin")
        person.wait_for_selector("#key-problem:not([hidden])")
        assert "已失效" in person.inner_text("#key-problem")
        stranger.goto(f"{address}/cases")
        assert stranger.url.endswith("/cases"), "the other computer's key still stands"
    finally:
        for context in contexts:
            context.close()


def test_a_person_has_a_bounded_number_of_open_invitations(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person inviting their own other computer again and again cannot fill the service's
    tables: past the bound the invitation is refused, in Chinese and English, and nothing is kept."""
    from api.http import browser_keys

    handle = "zhou_li"
    person = str(served.people[handle].principal_id)
    with served.service.state.reading() as cursor:
        counted = cursor.execute("SELECT COUNT(*) AS n FROM {dl_key_invitations} WHERE principal_id = ?",
                                 (person,)).fetchone()
    assert counted is not None
    monkeypatch.setattr(browser_keys, "MAX_OPEN_INVITATIONS", int(counted["n"]) + 2)
    for _ in range(2):
        made = served.client.post("/v1/key-invitations", json={"principal_id": person}, headers=served.headers(handle))
        assert made.status_code == 201, made.text
    refused = served.client.post("/v1/key-invitations", json={"principal_id": person}, headers=served.headers(handle))
    assert refused.status_code >= 400 and "未使用的邀请" in refused.json()["detail"] and "open invitations" in \
        refused.json()["detail"]
    with served.service.state.reading() as cursor:
        after = cursor.execute("SELECT COUNT(*) AS n FROM {dl_key_invitations} WHERE principal_id = ?",
                               (person,)).fetchone()
    assert after is not None and int(after["n"]) == int(counted["n"]) + 2
