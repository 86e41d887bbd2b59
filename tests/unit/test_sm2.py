"""SM2 and SM3 (国密, docs/spec.md §22): the standards' example vectors, interoperability with a
second, independent implementation (gmalg, pure Python), and the strict encodings the ledger reads."""

from __future__ import annotations

import base64
import hashlib

import gmalg
import gmssl_pyx
import pytest
from cryptography.hazmat.primitives import hashes

from domain.errors import MalformedInput, SignatureInvalid
from domain.evidence import base64url, sm2
from domain.evidence.signing import Envelope, PublicKey, SigningKey, pae, sign
from domain.evidence.sm2_keys import Sm2SigningKey

# GM/T 0003.5-2012 (GB/T 32918.5-2017) Annex A: signing "message digest" with the recommended curve,
# user id 1234567812345678, private key d and nonce k
D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
K = int("59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21", 16)
X = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
Y = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
R = int("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3", 16)
S = int("B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA", 16)
MESSAGE = b"message digest"
PUBLIC = bytes.fromhex("04" + X + Y)
# made by `openssl genpkey -algorithm SM2` (OpenSSL 3.0): the key file format other tools write
OPENSSL_PEM = b"""-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg4G7ladPR7/AgmjOI
t4IXUy5StzTJpiBdWv8U1vA+3jShRANCAAR/7RV7pmHGWIVmK06sLiCaaqjm5ydW
d9qeVTql9It4QCZduiZ+OIJMS4yQxha4oQl+XYXSNHbbdaoct6W3mk9P
-----END PRIVATE KEY-----
"""


def standard_key() -> Sm2SigningKey:
    return Sm2SigningKey(D, PUBLIC[1:])


def independent(public: bytes) -> gmalg.SM2:
    return gmalg.SM2(pk=public, uid=sm2.USER_ID)


def test_sm3_of_abc_is_the_standard_s_example() -> None:
    """GB/T 32905-2016 Annex A.1: SM3("abc"); GmSSL and OpenSSL (cryptography) agree."""
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert gmssl_pyx.sm3_hash(b"abc").hex() == expected
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == expected


def test_the_standard_s_signature_example() -> None:
    """The public key of d is the standard's; its (r, s) verifies under the ledger's verifier;
    the independent implementation, given the standard's nonce k, makes exactly that (r, s)."""
    assert bytes.fromhex(independent(PUBLIC).generate_pk(D).hex()) == PUBLIC
    signature = sm2.encode_signature(R, S)
    assert PublicKey(PUBLIC).verify(signature, MESSAGE)
    assert not PublicKey(PUBLIC).verify(signature, MESSAGE + b".")
    fixed = gmalg.SM2(sk=D, uid=sm2.USER_ID, rnd_fn=lambda bits: K)
    r, s = fixed.sign(MESSAGE)
    assert (int.from_bytes(r, "big"), int.from_bytes(s, "big")) == (R, S)


def test_gmssl_signatures_verify_with_the_independent_implementation_and_back() -> None:
    key = Sm2SigningKey.generate()
    data = pae("application/vnd.decision-ledger.intent+json", '{"一":"国密"}'.encode())
    r, s = sm2.parse_signature(key.sign(data))
    assert independent(key.public_key.raw).verify(
        data, r.to_bytes(32, "big"), s.to_bytes(32, "big")
    )
    theirs = gmalg.SM2(sk=key._private, uid=sm2.USER_ID).sign(data)
    ours = sm2.encode_signature(*(int.from_bytes(part, "big") for part in theirs))
    assert key.public_key.verify(ours, data)
    assert not key.public_key.verify(ours, data + b" ")


def test_signatures_draw_fresh_nonces() -> None:
    key = Sm2SigningKey.generate()
    assert len({sm2.parse_signature(key.sign(b"same"))[0] for _ in range(4)}) == 4


def test_an_sm2_jwk_and_its_key_id() -> None:
    key = standard_key().public_key
    assert key.algorithm == "sm2"
    assert key.jwk == {
        "crv": "SM2",
        "kty": "EC",
        "x": base64url.encode(bytes.fromhex(X)),
        "y": base64url.encode(bytes.fromhex(Y)),
    }
    assert PublicKey.from_jwk(key.jwk) == key
    x, y = key.jwk["x"], key.jwk["y"]
    members = (
        f'{{"crv":"SM2","kty":"EC","x":"{x}","y":"{y}"}}'  # RFC 7638: the required members, sorted
    )
    assert (
        key.keyid
        == base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest()).rstrip(b"=").decode()
    )


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda j: {**j, "y": j["x"]}, "curve"),
        (lambda j: {**j, "d": "AAAA"}, "private"),
        (lambda j: {**j, "e": "AQAB"}, "unexpected"),
        (lambda j: {**j, "x": j["x"] + "A"}, "43 characters"),
        (lambda j: {**j, "crv": "P-256"}, "SM2"),
    ],
)
def test_bad_sm2_jwks_are_refused(change, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MalformedInput, match=reason):
        PublicKey.from_jwk(change(standard_key().public_key.jwk))


def test_only_strict_der_signatures_verify() -> None:
    strict = sm2.encode_signature(R, S)
    assert sm2.parse_signature(strict) == (R, S)
    body = strict[2:]
    padded_r = b"\x02" + bytes([strict[3] + 1]) + b"\x00" + strict[4 : 4 + strict[3]]
    variants = {
        "long-form length": b"\x30\x81" + bytes([len(body)]) + body,
        "padded integer": b"\x30" + bytes([len(body) + 1]) + padded_r + body[2 + strict[3] :],
        "trailing byte": b"\x30" + bytes([len(body) + 1]) + body + b"\x00",
        "r zero": sm2.encode_signature(0, S),
        "s is n": sm2.encode_signature(R, sm2.N),
    }
    for name, variant in variants.items():
        assert not PublicKey(PUBLIC).verify(variant, MESSAGE), name
        with pytest.raises(sm2.Sm2Error):
            sm2.parse_signature(variant)


def test_an_sm2_envelope_opens_and_verifies_only_under_its_key() -> None:
    key = Sm2SigningKey.generate()
    envelope = Envelope.from_json(sign(key, b'{"a":1}').to_json())
    envelope.verify(key.public_key)
    with pytest.raises(SignatureInvalid):
        Envelope.from_json(sign(key, b'{"a":2}').to_json()).verify(
            Sm2SigningKey.generate().public_key
        )
    forged = sign(key, b'{"a":1}').to_json()
    forged["signatures"][0]["sig"] = base64.b64encode(sm2.encode_signature(R, S)).decode()
    with pytest.raises(SignatureInvalid):
        Envelope.from_json(forged).verify(key.public_key)
    long = sign(key, b'{"a":1}').to_json()
    long["signatures"][0]["sig"] = base64.b64encode(b"\x30" * 73).decode()
    with pytest.raises(MalformedInput, match="SM2: DER"):
        Envelope.from_json(long)


def test_key_files_in_the_format_openssl_writes() -> None:
    made = Sm2SigningKey.generate()
    again = SigningKey.from_pem(made.to_pem())
    assert isinstance(again, Sm2SigningKey) and again.keyid == made.keyid
    theirs = SigningKey.from_pem(OPENSSL_PEM)
    assert theirs.public_key.algorithm == "sm2"
    assert theirs.public_key.verify(theirs.sign(b"x"), b"x")
    assert theirs.to_pem() == OPENSSL_PEM  # written back byte for byte as OpenSSL wrote it


def test_an_sm2_key_file_refuses_a_passphrase_and_a_wrong_public_key() -> None:
    with pytest.raises(MalformedInput, match="passphrase"):
        Sm2SigningKey.generate().to_pem(b"secret")
    with pytest.raises(MalformedInput, match="passphrase"):
        SigningKey.from_pem(OPENSSL_PEM, b"secret")
    with pytest.raises(MalformedInput, match="not the private key's"):
        Sm2SigningKey(D, Sm2SigningKey.generate().public_key.raw[1:])


@pytest.mark.parametrize("spelling", ["", "=" * 43, "A" * 42, "A" * 42 + "B", "A" * 42 + "+"])
def test_an_sm2_coordinate_is_canonical_base64url_of_32_bytes(spelling: str) -> None:
    """The one base64url reader (domain.evidence.base64url) refuses what an SM2 JWK must not hold:
    a wrong length, padding, a non-canonical last character (unused bits set), the other alphabet."""
    jwk = {**standard_key().public_key.jwk, "x": spelling}
    with pytest.raises(sm2.Sm2Error, match="base64url"):  # not the curve check that follows
        sm2.raw_from_jwk(jwk)
