"""Keys and DSSE envelopes, checked against the published vectors of RFC 8037 and DSSE."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.errors import MalformedInput, SignatureInvalid
from domain.evidence.signing import (
    INTENT_PAYLOAD_TYPE,
    Envelope,
    PublicKey,
    SigningKey,
    b64encode,
    b64url,
    b64url_decode,
    pae,
    sign,
)

# RFC 8037 Appendix A.1 key.
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"


def rfc8037_key() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.from_private_bytes(b64url_decode(RFC8037_D, "d")))


def test_public_key_and_key_id_match_rfc8037() -> None:
    key = rfc8037_key()
    assert key.public_key.jwk == {"crv": "Ed25519", "kty": "OKP", "x": RFC8037_X}
    # RFC 8037 A.3: the JWK thumbprint (RFC 7638) is the key id.
    assert key.keyid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_signature_matches_rfc8037_a4() -> None:
    signature = rfc8037_key().sign(b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc")
    assert b64url(signature) == (
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    )


def test_pae_matches_the_dsse_specification() -> None:
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_envelope_golden_vector() -> None:
    envelope = sign(rfc8037_key(), b'{"a":1}')
    assert envelope.to_json() == {
        "payload": "eyJhIjoxfQ==",
        "payloadType": INTENT_PAYLOAD_TYPE,
        "signatures": [
            {
                "keyid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
                "sig": b64encode(rfc8037_key().sign(pae(INTENT_PAYLOAD_TYPE, b'{"a":1}'))),
            }
        ],
    }
    Envelope.from_json(envelope.to_json()).verify(rfc8037_key().public_key)


def test_a_changed_payload_does_not_verify() -> None:
    key = SigningKey.generate()
    data = sign(key, b'{"a":1}').to_json()
    data["payload"] = b64encode(b'{"a":2}')
    with pytest.raises(SignatureInvalid):
        Envelope.from_json(data).verify(key.public_key)


def test_another_key_does_not_verify() -> None:
    envelope = sign(SigningKey.generate(), b"{}")
    with pytest.raises(SignatureInvalid, match="names key"):
        envelope.verify(SigningKey.generate().public_key)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update(payloadType="text/plain"), "payloadType"),
        (lambda d: d.update(extra=1), "unknown envelope fields"),
        (lambda d: d["signatures"].append(d["signatures"][0]), "exactly one signature"),
        (lambda d: d.update(payload=d["payload"].rstrip("=")), "base64"),
        (lambda d: d["signatures"][0].update(sig="AAAA"), "64 bytes"),
        (lambda d: d["signatures"][0].update(note="x"), "nothing else"),
        (lambda d: d.update(payload="eyJhIjoxfR=="), "canonical base64"),
    ],
)
def test_malformed_envelopes_are_refused(mutate, reason: str) -> None:  # type: ignore[no-untyped-def]
    data = sign(SigningKey.generate(), b'{"a":1}').to_json()
    mutate(data)
    with pytest.raises(MalformedInput, match=reason):
        Envelope.from_json(data)


def test_key_files_round_trip_with_and_without_passphrase() -> None:
    key = SigningKey.generate()
    assert SigningKey.from_pem(key.to_pem()).keyid == key.keyid
    sealed = key.to_pem(b"passphrase")
    assert b"ENCRYPTED" in sealed
    assert SigningKey.from_pem(sealed, b"passphrase").keyid == key.keyid
    with pytest.raises(MalformedInput):
        SigningKey.from_pem(sealed, b"wrong")


def test_a_private_jwk_is_not_accepted_as_a_public_key() -> None:
    with pytest.raises(MalformedInput):
        PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X, "d": RFC8037_D})
