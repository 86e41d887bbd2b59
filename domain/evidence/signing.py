"""Ed25519 keys (RFC 8037 JWKs named by their RFC 7638 thumbprints) and the DSSE v1 envelope
every signed intent travels in (docs/spec.md §3, §4). Signatures verify by the validation rule of
§23 (:mod:`domain.evidence.ed25519`).

The server never needs a person's private key: clients call :func:`sign` (or
:func:`domain.evidence.intent.sign_intent`) with their own :class:`SigningKey`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.evidence import ed25519, sm2  # issue 20 — sm2: sm2
from domain.evidence.base64url import decode as b64url_decode
from domain.evidence.base64url import encode as b64url
from domain.evidence.canonical import canonical_bytes
from domain.evidence.errors import MalformedInput, SignatureInvalid

INTENT_PAYLOAD_TYPE = "application/vnd.decision-ledger.intent+json"


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: Any, what: str) -> bytes:
    """Standard padded base64, canonical spelling only."""
    if not isinstance(text, str):
        raise MalformedInput(f"{what} must be a base64 string")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise MalformedInput(f"{what} is not standard padded base64") from None
    if b64encode(data) != text:
        raise MalformedInput(f"{what} is not in canonical base64 spelling")
    return data


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: what the signature is over."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key, named by its RFC 7638 thumbprint."""

    raw: bytes

    def __post_init__(self) -> None:
        if sm2.is_public(self.raw):  # issue 20 — sm2: a 65-byte SM2 point (docs/spec.md §22)
            return
        if len(self.raw) != 32:
            raise MalformedInput("an Ed25519 public key is 32 bytes")

    @property
    def jwk(self) -> dict[str, str]:
        if sm2.is_public(self.raw):  # issue 20 — sm2
            return sm2.jwk(self.raw)
        return {"crv": "Ed25519", "kty": "OKP", "x": b64url(self.raw)}

    @property
    def keyid(self) -> str:
        return _keyid(self.raw)

    @classmethod
    def from_jwk(cls, jwk: Any) -> PublicKey:
        if not isinstance(jwk, dict):
            raise MalformedInput("a public key must be a JWK object")
        if jwk.get("kty") == "EC":  # issue 20 — sm2: {"kty": "EC", "crv": "SM2", "x", "y"}
            try:
                return cls(sm2.raw_from_jwk(jwk))
            except sm2.Sm2Error as error:
                raise MalformedInput(str(error)) from None
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise MalformedInput('a public key must be a JWK with "kty": "OKP", "crv": "Ed25519"')
        extra = set(jwk) - {"kty", "crv", "x", "kid", "use", "alg"}
        if extra:
            raise MalformedInput(f"unexpected JWK members: {', '.join(sorted(extra))}")
        if "d" in jwk:
            raise MalformedInput("a private key was sent where a public key belongs")
        key = cls(b64url_decode(jwk.get("x"), "JWK x"))
        refusal = ed25519.key_refusal(key.raw)
        if refusal:
            raise MalformedInput(f"公钥不可用于签名，请重新生成密钥 — {refusal} (docs/spec.md §23): generate a new key")
        return key

    @property
    def algorithm(self) -> str:  # issue 20 — sm2
        return "sm2" if sm2.is_public(self.raw) else "ed25519"

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Whether ``signature`` verifies over ``data``: by the rule of §23 (Ed25519), or SM2."""
        if sm2.is_public(self.raw):  # issue 20 — sm2: SM2 with SM3 and the default user id
            return sm2.verify(self.raw, signature, data)
        return ed25519.verify(self.raw, signature, data)


@functools.lru_cache(maxsize=4096)
def _keyid(raw: bytes) -> str:
    """The RFC 7638 thumbprint of a raw key (remembered: a ledger has few keys, seen often)."""
    return b64url(hashlib.sha256(canonical_bytes(PublicKey(raw).jwk)).digest())


class SigningKey:
    """A person's (or the ledger's) Ed25519 private key. Lives in the signer's key file only."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = PublicKey(raw)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes, password: bytes | None = None) -> SigningKey:
        from domain.evidence import sm2_keys  # issue 20 — sm2: an SM2 key file

        if sm2_keys.is_sm2_pem(pem):
            return sm2_keys.Sm2SigningKey.from_pem(pem, password)
        try:
            key = serialization.load_pem_private_key(pem, password=password)
        except TypeError as error:  # password missing or given for an unencrypted key
            raise MalformedInput(f"key file: {error}") from None
        except ValueError:
            raise MalformedInput(
                "key file is not a PKCS#8 PEM private key, or the passphrase is wrong"
            ) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise MalformedInput("key file does not hold an Ed25519 key")
        return cls(key)

    def to_pem(self, password: bytes | None = None) -> bytes:
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    @property
    def keyid(self) -> str:
        return self.public_key.keyid

    @property
    def private_key(self) -> Ed25519PrivateKey:
        """For signing libraries (a JWT for a read token); never sent anywhere."""
        return self._key

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)


@dataclass(frozen=True)
class Envelope:
    """A DSSE envelope with exactly one signature (one person signs one intent)."""

    payload_type: str
    payload: bytes
    keyid: str
    sig: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "payload": b64encode(self.payload),
            "payloadType": self.payload_type,
            "signatures": [{"keyid": self.keyid, "sig": b64encode(self.sig)}],
        }

    @classmethod
    def from_json(cls, data: Any) -> Envelope:
        if not isinstance(data, dict):
            raise MalformedInput("an envelope must be a JSON object")
        extra = set(data) - {"payload", "payloadType", "signatures"}
        if extra:
            raise MalformedInput(f"unknown envelope fields: {', '.join(sorted(extra))}")
        payload_type = data.get("payloadType")
        if payload_type != INTENT_PAYLOAD_TYPE:
            raise MalformedInput(f"envelope payloadType must be {INTENT_PAYLOAD_TYPE!r}")
        signatures = data.get("signatures")
        if not isinstance(signatures, list) or len(signatures) != 1:
            raise MalformedInput("an envelope carries exactly one signature")
        signature = signatures[0]
        if not isinstance(signature, dict) or set(signature) != {"keyid", "sig"}:
            raise MalformedInput('a signature is {"keyid": …, "sig": …} and nothing else')
        keyid = signature["keyid"]
        if not isinstance(keyid, str) or not 1 <= len(keyid) <= 128:
            raise MalformedInput("signature keyid must be a non-empty string")
        sig = b64decode(signature["sig"], "signature sig")
        if len(sig) != 64 and not sm2.signature_shape(sig):  # issue 20 — sm2
            raise MalformedInput("an Ed25519 signature is 64 bytes (SM2: DER, ≤ 72)")
        return cls(payload_type, b64decode(data.get("payload"), "envelope payload"), keyid, sig)

    def verify(self, key: PublicKey) -> None:
        if key.keyid != self.keyid:
            raise SignatureInvalid(f"信封所列密钥是 {self.keyid}，不是 {key.keyid} / envelope names key {self.keyid}, not {key.keyid}")
        if not key.verify(self.sig, pae(self.payload_type, self.payload)):
            raise SignatureInvalid("签名与信封内容不符，验证未通过 / signature does not verify over the envelope's payload")


def sign(key: SigningKey, payload: bytes, payload_type: str = INTENT_PAYLOAD_TYPE) -> Envelope:
    return Envelope(payload_type, payload, key.keyid, key.sign(pae(payload_type, payload)))
