"""An SM2 person reads with a token of their own SM2 key (国密, issue 20; docs/spec.md §22.5): a JWT
whose "alg" is "SM2SM3", signed with SM2 over SM3 and the default user id. A forged, expired or
mislabelled one is refused with a reason, as an EdDSA token would be."""

from __future__ import annotations

import base64
from datetime import timedelta

import gmalg
import pytest

from api.http.auth import make_token
from domain import clock
from domain.evidence import sm2
from domain.evidence.sm2_keys import Sm2SigningKey
from tests.integration import enrolment
from tests.integration.http_support import Served


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_an_sm2_person_reads_with_an_sm2_token(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(enrolment, "SigningKey", Sm2SigningKey)
    person = enrolment.enrol(served, "sm2_reader", "国密读者", "宁夏回族自治区商务厅办公室", None, ["lead_unit"])
    token = make_token(person.key, person.principal_id)
    answer = served.client.get("/v1/me", headers=_bearer(token))
    assert answer.status_code == 200, answer.text
    assert answer.json()["principal_id"] == str(person.principal_id)

    # the signature is plain SM2 (SM3, default user id) over the signing input: gmalg, written
    # apart from GmSSL, confirms it
    signing_input, _, signature = token.rpartition(".")
    r, s = sm2.parse_signature(_unb64url(signature))
    assert gmalg.SM2(pk=person.key.public_key.raw, uid=sm2.USER_ID).verify(
        signing_input.encode(), r.to_bytes(32, "big"), s.to_bytes(32, "big"))

    # a token signed by another SM2 key under this person's kid is refused
    stranger = Sm2SigningKey.generate()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(stranger.sign(signing_input.encode())).rstrip(b'=').decode()}"
    refused = served.client.get("/v1/me", headers=_bearer(forged))
    assert refused.status_code == 401 and "does not verify" in refused.json()["detail"], refused.text
    # so is one whose claims were edited after signing
    head, claims, sig = token.split(".")
    edited = _unb64url(claims).replace(b'"aud":"decision-ledger"', b'"aud":"decision-ledger","x":1')
    tampered = f"{head}.{base64.urlsafe_b64encode(edited).rstrip(b'=').decode()}.{sig}"
    assert served.client.get("/v1/me", headers=_bearer(tampered)).status_code == 401
    # and an expired one: the claims are checked as for EdDSA
    with clock.using(clock.ManualClock(clock.now() - timedelta(hours=1))):
        old = make_token(person.key, person.principal_id, lifetime=30)
    expired = served.client.get("/v1/me", headers=_bearer(old))
    assert expired.status_code == 401 and "expired" in expired.json()["detail"], expired.text
    # a token of the SM2 key that says it is EdDSA is refused, naming the alg to use
    relabelled = base64.urlsafe_b64encode(b'{"alg":"EdDSA","typ":"JWT","kid":"' + person.key.keyid.encode()
                                          + b'"}').rstrip(b"=").decode()
    answer = served.client.get("/v1/me", headers=_bearer(f"{relabelled}.{claims}.{sig}"))
    assert answer.status_code == 401 and "SM2SM3" in answer.json()["detail"], answer.text


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_a_token_whose_parts_are_not_canonical_base64url_is_refused(served: Served,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """§22.5: every part of a token is base64url in its one canonical spelling (§1) — the header
    and claims too, not only the signature — so a token has one text."""
    import json

    from domain.evidence import base64url

    monkeypatch.setattr(enrolment, "SigningKey", Sm2SigningKey)
    person = enrolment.enrol(served, "sm2_spelling", "国密读者乙", "宁夏回族自治区商务厅办公室", None, ["lead_unit"])
    head, claims, _ = make_token(person.key, person.principal_id).split(".")
    data = _unb64url(claims)
    if len(claims) % 4 == 0:  # a spelling with unused trailing bits needs a length not a multiple of 4
        data = json.dumps(json.loads(data), separators=(", ", ":")).encode()
        claims = base64url.encode(data)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    loose = claims[:-1] + alphabet[alphabet.index(claims[-1]) | 1]  # an unused trailing bit set
    assert loose != claims and _unb64url(loose) == data
    for spelt in (f"{head}.{loose}", f"{head}=.{claims}" if len(head) % 4 else f"{head}.{claims}="):
        token = f"{spelt}.{base64url.encode(person.key.sign(spelt.encode()))}"
        answer = served.client.get("/v1/me", headers=_bearer(token))
        assert answer.status_code == 401 and "canonical" in answer.json()["detail"], (spelt[-12:], answer.text[-200:])
