"""SM2 private keys (国密, docs/spec.md §22): made, kept and used by their holder only.

A key file is PKCS#8 PEM as OpenSSL and GmSSL write an SM2 key (``openssl genpkey -algorithm
SM2`` makes one this reads): ``PrivateKeyInfo { 0, { id-ecPublicKey, sm2p256v1 },
ECPrivateKey { 1, d, [1] public key } }``. Signing is GmSSL's SM2 with SM3 and the default user id
``1234567812345678`` (GM/T 0009), its nonce drawn from the operating system's random source.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, NoReturn

import gmssl_pyx

from domain.evidence import sm2
from domain.evidence.errors import MalformedInput
from domain.evidence.signing import PublicKey, SigningKey

ALGORITHM = "sm2"
#: PrivateKeyInfo up to the 32 bytes of d: version 0, {id-ecPublicKey, sm2p256v1}, an OCTET
#: STRING holding ECPrivateKey {version 1, OCTET STRING (32 bytes) …}
_HEAD = bytes.fromhex("308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420")
_MIDDLE = bytes.fromhex("a14403420004")  # [1] BIT STRING, no unused bits, uncompressed point
_SM2_OID = bytes.fromhex("06082a811ccf5501822d")
_PEM_BEGIN, _PEM_END = b"-----BEGIN PRIVATE KEY-----", b"-----END PRIVATE KEY-----"


def _refuse(detail: str) -> NoReturn:
    raise MalformedInput(f"SM2 key file: {detail}")


def _der_of(pem: bytes) -> bytes | None:
    text = pem.strip()
    if not (text.startswith(_PEM_BEGIN) and text.endswith(_PEM_END)):
        return None
    try:
        return base64.b64decode(
            b"".join(text[len(_PEM_BEGIN) : -len(_PEM_END)].split()), validate=True
        )
    except binascii.Error:
        return None


def is_sm2_pem(pem: bytes) -> bool:
    """Whether a key file holds an unencrypted PKCS#8 SM2 private key."""
    der = _der_of(pem)
    return der is not None and _SM2_OID in der[:32]


class Sm2SigningKey(SigningKey):
    """A person's SM2 private key; signs what an Ed25519 :class:`SigningKey` signs."""

    algorithm = ALGORITHM

    def __init__(
        self, private: bytes, public: bytes
    ) -> None:  # no super(): it holds no Ed25519 key
        if len(private) != 32 or not 0 < int.from_bytes(private, "big") < sm2.N - 1:
            _refuse("the private key d lies in 1…n−2")
        self._private = private
        self.public_key = PublicKey(sm2.checked(b"\x04" + public))
        probe = b"decision-ledger/sm2-key-check/v1"
        if not self.public_key.verify(self.sign(probe), probe):
            _refuse("the public key it holds is not the private key's")

    @classmethod
    def generate(cls) -> Sm2SigningKey:
        public, private = gmssl_pyx.sm2_key_generate()
        return cls(private, public)

    @classmethod
    def from_pem(cls, pem: bytes, password: bytes | None = None) -> Sm2SigningKey:
        if password:
            _refuse(
                "an SM2 key file is not encrypted with a passphrase (keep it on an encrypted volume); "
                "give no passphrase"
            )
        der = _der_of(pem)
        if (
            der is None
            or len(der) != len(_HEAD) + 32 + len(_MIDDLE) + 64
            or not der.startswith(_HEAD)
        ):
            _refuse(
                "not a PKCS#8 PEM SM2 private key with its public key (as `openssl genpkey -algorithm SM2` "
                "writes)"
            )
        private, rest = der[len(_HEAD) : len(_HEAD) + 32], der[len(_HEAD) + 32 :]
        if not rest.startswith(_MIDDLE):
            _refuse("the key's public point is missing or not uncompressed")
        return cls(private, rest[len(_MIDDLE) :])

    def to_pem(self, password: bytes | None = None) -> bytes:
        if password:
            _refuse(
                "an SM2 key file cannot be encrypted with a passphrase yet; write it without one, on an "
                "encrypted volume"
            )
        der = _HEAD + self._private + _MIDDLE + self.public_key.raw[1:]
        body = base64.encodebytes(der).replace(b"\n", b"")
        lines = b"\n".join(body[i : i + 64] for i in range(0, len(body), 64))
        return _PEM_BEGIN + b"\n" + lines + b"\n" + _PEM_END + b"\n"

    @property
    def private_key(self) -> Any:
        raise MalformedInput(
            "an SM2 key is not a `cryptography` private key: it signs through sign() (a read token of it is "
            "an SM2SM3 JWT, docs/spec.md §22.5)"
        )

    def sign(self, data: bytes) -> bytes:
        return bytes(gmssl_pyx.sm2_sign(self._private, self.public_key.raw[1:], data, sm2.USER_ID))
