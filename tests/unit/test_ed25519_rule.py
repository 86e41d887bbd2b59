"""docs/spec.md §23, the Ed25519 validation rule, held on the twelve "Taming the many EdDSAs"
vectors (tests/vectors/ed25519-speccheck/): each case's verdict comes from the rule written out
in plain Python (``ed25519_reference``), and libsodium (the library that checks), the product's
verifier, the write path and the spec verifier must each give it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from api.http.auth import authenticate, make_token
from api.http.problems import ApiError
from domain.evidence import ed25519
from domain.evidence.errors import MalformedInput, SignatureInvalid
from domain.evidence.keys import proof_statement
from domain.evidence.signing import Envelope, PublicKey, SigningKey, b64encode, b64url, pae
from domain.service.ledger import Ledger
from tests.spec_verifier import verifier as spec
from tests.support import World
from tests.unit import ed25519_reference as reference

CASES_FILE = Path(__file__).resolve().parent.parent / "vectors" / "ed25519-speccheck" / "cases.json"


def _cases() -> list[tuple[bytes, bytes, bytes]]:
    return [
        (bytes.fromhex(c["pub_key"]), bytes.fromhex(c["signature"]), bytes.fromhex(c["message"]))
        for c in json.loads(CASES_FILE.read_text())
    ]


CASES = _cases()
EXPECTED = [reference.verify(a, sig, msg) for a, sig, msg in CASES]
NUMBERED = list(enumerate(CASES))


def _libsodium(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        crypto_sign_open(signature + message, public)
    except BadSignatureError:
        return False
    return True


def _openssl(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def test_the_vectors_are_the_twelve_of_the_paper_and_tell_the_rules_apart() -> None:
    """The reference accepts an honest signature and refuses its tampering; the vectors split
    the strict rule from OpenSSL's (small order, non-canonical A) and the cofactorless equation
    from the cofactored one (case 4), so a library holding the wrong rule fails some case."""
    assert len(CASES) == 12
    key = SigningKey.generate()
    signature = key.sign(b"honest")
    assert reference.verify(key.public_key.raw, signature, b"honest")
    assert not reference.verify(key.public_key.raw, signature, b"honest!")
    assert any(EXPECTED) and not all(EXPECTED)
    assert any(_openssl(*case) != expected for case, expected in zip(CASES, EXPECTED, strict=True))
    assert any(
        reference.verify(*case, cofactored=True) != expected
        for case, expected in zip(CASES, EXPECTED, strict=True)
    )


@pytest.mark.parametrize(("number", "case"), NUMBERED)
def test_libsodium_keeps_the_rule(number: int, case: tuple[bytes, bytes, bytes]) -> None:
    assert _libsodium(*case) == EXPECTED[number]


@pytest.mark.parametrize(("number", "case"), NUMBERED)
def test_the_verifier_keeps_the_rule(number: int, case: tuple[bytes, bytes, bytes]) -> None:
    public, signature, message = case
    assert ed25519.verify(public, signature, message) == EXPECTED[number]
    assert PublicKey(public).verify(signature, message) == EXPECTED[number]


@pytest.mark.parametrize(("number", "case"), NUMBERED)
def test_the_spec_verifier_keeps_the_rule(number: int, case: tuple[bytes, bytes, bytes]) -> None:
    assert spec.ed25519_ok(*case) == EXPECTED[number]


@pytest.mark.parametrize(("number", "case"), NUMBERED)
def test_a_refusal_names_the_broken_encoding_rule(
    number: int, case: tuple[bytes, bytes, bytes]
) -> None:
    """Where the encodings break §23 the reason says which; where they keep it, only the
    equation can refuse the case."""
    public, signature, _ = case
    a, r = reference.decode(public), reference.decode(signature[:32])
    encodings_hold = (
        a is not None
        and r is not None
        and not reference.small_order(a)
        and not reference.small_order(r)
        and int.from_bytes(signature[32:], "little") < reference.L
    )
    reason = ed25519.signature_refusal(public, signature)
    assert (reason == "") == encodings_hold, reason
    assert ed25519.why_not(public, signature).startswith(reason or "the equation")


@pytest.mark.parametrize(("number", "case"), NUMBERED)
def test_the_write_path_enrols_no_key_the_rule_refuses(
    number: int, case: tuple[bytes, bytes, bytes]
) -> None:
    public = case[0]
    decoded = reference.decode(public)
    usable = decoded is not None and not reference.small_order(decoded)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(public)}
    if usable:
        assert PublicKey.from_jwk(jwk).raw == public
    else:
        with pytest.raises(MalformedInput, match="§23"):
            PublicKey.from_jwk(jwk)


def _small_order_encodings() -> list[bytes]:
    """Every 32-byte encoding whose y names a point of small order (either sign bit), and the
    non-canonical spellings p and p + 1 of y = 0 and y = 1."""
    ys = [*sorted(ed25519.SMALL_ORDER_Y), ed25519.P, ed25519.P + 1]
    return [(y | sign << 255).to_bytes(32, "little") for y in ys for sign in (0, 1)]


@pytest.mark.parametrize(
    "encoded", _small_order_encodings(), ids=lambda e: e.hex()[:8] + "…" + e.hex()[-2:]
)
def test_no_encoding_of_a_small_order_point_is_a_key_or_an_r(encoded: bytes) -> None:
    assert ed25519.key_refusal(encoded)
    decoded = reference.decode(encoded)
    assert decoded is None or reference.small_order(decoded)
    key = SigningKey.generate()
    signature = key.sign(b"m")
    assert not ed25519.verify(encoded, signature, b"m")
    assert not ed25519.verify(key.public_key.raw, encoded + signature[32:], b"m")
    assert not spec.ed25519_ok(encoded, signature, b"m")


def test_s_plus_l_is_refused_and_the_honest_signature_kept() -> None:
    key = SigningKey.generate()
    signature = key.sign(b"message")
    s = int.from_bytes(signature[32:], "little")
    malleated = signature[:32] + (s + ed25519.L).to_bytes(32, "little")
    for check in (ed25519.verify, reference.verify, spec.ed25519_ok, _libsodium):
        assert check(key.public_key.raw, signature, b"message")
        assert not check(key.public_key.raw, malleated, b"message")
    assert (
        ed25519.signature_refusal(key.public_key.raw, malleated)
        == "the signature's S is not reduced (S ≥ L)"
    )


def _forged_proof(ledger_id: str, public: bytes, forged_r: bytes) -> tuple[str, str]:
    """A principal id for which (R, S = 0) 'proves possession' of the small-order key ``public``
    under the cofactorless equation as OpenSSL checks it: no private key is needed, only trying
    principal ids until the hash comes out right (one in eight)."""
    keyid = PublicKey(public).keyid
    for _ in range(400):
        principal = str(uuid4())
        if _openssl(public, forged_r + bytes(32), proof_statement(ledger_id, principal, keyid)):
            return principal, b64encode(forged_r + bytes(32))
    raise AssertionError("no forged proof found in 400 tries")


def test_the_ledger_refuses_a_small_order_key_whose_forged_proof_openssl_accepts() -> None:
    """Case 0's key is of small order: a "proof of possession" of it is forged without any
    private key, and OpenSSL (the library that checked signatures before §23) accepts it, so
    such a key would let anyone sign as its person. The ledger refuses to register it."""
    public, signature, _ = CASES[0]
    world = World(Ledger())
    principal, proof = _forged_proof(str(world.genesis.ledger_id), public, signature[:32])
    before = world.ledger.recorder.max_notification_id()
    args: dict[str, Any] = {
        "kind": "person",
        "name": "冒名者",
        "unit": "信息中心",
        "roles": ["lead_unit"],
        "public_keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64url(public)}],
        "proofs": [proof],
    }
    with pytest.raises(MalformedInput) as refused:
        world.do(world.admin, "principal.register", UUID(principal), args)
    assert "small order" in refused.value.detail and "§23" in refused.value.detail
    assert world.ledger.recorder.max_notification_id() == before


def _identity_r_signature(key: SigningKey, message: bytes) -> bytes:
    """A second signature of ``message`` only the key's holder can make: R the identity (a point
    of small order), S = k·a. It satisfies the cofactorless equation, so OpenSSL accepts it."""
    seed = key.private_key.private_bytes_raw()
    digest = bytearray(hashlib.sha512(seed).digest()[:32])
    digest[0] &= 248
    digest[31] &= 127
    digest[31] |= 64
    scalar = int.from_bytes(digest, "little")
    r = (1).to_bytes(32, "little")
    k = (
        int.from_bytes(hashlib.sha512(r + key.public_key.raw + message).digest(), "little")
        % ed25519.L
    )
    return r + (k * scalar % ed25519.L).to_bytes(32, "little")


def test_the_write_path_refuses_an_intent_its_own_signer_re_signed_with_a_small_order_r() -> None:
    world = World(Ledger())
    person = world.person("何静", ["lead_unit"])
    envelope = person.sign("decision.register", uuid4(), 0, {})
    data = pae(envelope.payload_type, envelope.payload)
    forged = _identity_r_signature(person.key, data)
    assert _openssl(person.key.public_key.raw, forged, data), "OpenSSL accepts it"
    assert not PublicKey(person.key.public_key.raw).verify(forged, data)
    before = world.ledger.recorder.max_notification_id()
    with pytest.raises(SignatureInvalid):
        world.ledger.submit(
            Envelope(envelope.payload_type, envelope.payload, envelope.keyid, forged).to_json()
        )
    assert world.ledger.recorder.max_notification_id() == before


def test_a_token_re_signed_with_a_small_order_r_is_refused() -> None:
    world = World(Ledger())
    person = world.person("何静", ["lead_unit"])
    token = make_token(person.key, person.principal_id)
    assert authenticate(world.ledger, token).principal.id == person.principal_id
    signing_input = token.rsplit(".", 1)[0].encode()
    forged = _identity_r_signature(person.key, signing_input)
    assert _openssl(person.key.public_key.raw, forged, signing_input)
    with pytest.raises(ApiError, match="§23|第23节"):
        authenticate(world.ledger, f"{signing_input.decode()}.{b64url(forged)}")


def test_verify_learns_no_key_from_a_key_change_naming_a_small_order_key() -> None:
    """Spec §23: in ``verify`` such a key change does not read, so the key is never learnt and
    nothing it signs counts; and its keys are not among those checked ahead."""
    from domain.evidence.intent import Intent
    from domain.evidence.keys import key_change
    from domain.evidence.verifier import keys_named

    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(CASES[0][0])}
    with pytest.raises(MalformedInput, match="§23"):
        key_change("principal.add_key", {"public_key": jwk, "proof": b64encode(bytes(64))})
    intent = Intent(
        actor=uuid4(),
        action="principal.add_key",
        target=uuid4(),
        expected_version=1,
        args={"public_key": jwk, "proof": b64encode(bytes(64))},
        signed_at=datetime.now(UTC),
        nonce="n" * 16,
    )
    assert keys_named("decision-ledger/Principal/KeyAdded/v1", intent) == {}
