"""SM2 public keys and signatures (国密, GB/T 32918; docs/spec.md §22): the national suite's
counterpart of Ed25519, for persons whose keys must pass 商用密码应用安全性评估 (GB/T 39786-2021).

A public key is a point of the recommended curve sm2p256v1, kept as its 65-byte uncompressed
encoding ``0x04 ‖ x ‖ y`` and written as the JWK ``{"kty": "EC", "crv": "SM2", "x", "y"}``. A
signature is SM2 with SM3 over ``Z_A ‖ message``, where ``Z_A`` hashes the default user id
``1234567812345678`` (GM/T 0009-2012 §10), encoded as GM/T 0009's ``SM2Signature`` — the DER
``SEQUENCE { r INTEGER, s INTEGER }`` — in its one strict DER spelling, so a signature has one
byte string. The arithmetic is GmSSL's (``gmssl-pyx``, compiled, nonces from the operating
system's random source); this module only reads and checks encodings around it.
"""

from __future__ import annotations

from typing import Any

import gmssl_pyx

from domain.evidence import base64url
from domain.evidence.errors import MalformedInput

USER_ID = b"1234567812345678"  # GM/T 0009-2012 §10: the default signer id
RAW_LENGTH = 65
P = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)
A = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC", 16)
B = int("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16)
N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
MAX_SIGNATURE = 72  # 0x30 len (0x02 33 r) (0x02 33 s)


class Sm2Error(ValueError):
    """An SM2 key or signature does not read; the message says what is wrong."""


def is_public(raw: bytes) -> bool:
    """Whether ``raw`` is an SM2 public key's encoding (an Ed25519 key is 32 bytes)."""
    return len(raw) == RAW_LENGTH and raw[0] == 4


def _coordinate(text: Any, name: str) -> bytes:
    if not isinstance(text, str) or len(text) != 43:
        raise Sm2Error(
            f"JWK {name} of an SM2 key is 32 bytes in unpadded base64url (43 characters)"
        )
    try:
        return base64url.decode(text, f"JWK {name}")
    except MalformedInput as error:
        raise Sm2Error(error.detail) from None


def on_curve(raw: bytes) -> bool:
    x, y = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")
    return x < P and y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def checked(raw: bytes) -> bytes:
    """``raw`` if it is a point of sm2p256v1 (uncompressed); else :class:`Sm2Error`."""
    if not is_public(raw) or not on_curve(raw):
        raise Sm2Error("an SM2 public key is a point of the curve sm2p256v1 (GB/T 32918.5)")
    return raw


def jwk(raw: bytes) -> dict[str, str]:
    """The JWK of an SM2 public key: exactly ``{"crv": "SM2", "kty": "EC", "x", "y"}``."""
    return {"crv": "SM2", "kty": "EC", "x": base64url.encode(raw[1:33]), "y": base64url.encode(raw[33:])}


def raw_from_jwk(value: dict[str, Any]) -> bytes:
    """The 65-byte key a JWK ``{"kty": "EC", "crv": "SM2", "x", "y"}`` names (``kid``, ``use``,
    ``alg`` tolerated and ignored; ``d`` or any other member refused)."""
    if value.get("kty") != "EC" or value.get("crv") != "SM2":
        raise Sm2Error('an SM2 public key is a JWK with "kty": "EC", "crv": "SM2"')
    if "d" in value:
        raise Sm2Error("a private key was sent where a public key belongs")
    extra = set(value) - {"kty", "crv", "x", "y", "kid", "use", "alg"}
    if extra:
        raise Sm2Error(f"unexpected JWK members: {', '.join(sorted(extra))}")
    return checked(b"\x04" + _coordinate(value.get("x"), "x") + _coordinate(value.get("y"), "y"))


def _der_length(data: bytes, at: int) -> tuple[int, int]:
    if at >= len(data):
        raise Sm2Error("an SM2 signature ends early")
    first = data[at]
    if first < 0x80:
        return first, at + 1
    raise Sm2Error("an SM2 signature's lengths are short-form DER")  # a signature is < 128 bytes


def _der_integer(data: bytes, at: int) -> tuple[int, int]:
    if at >= len(data) or data[at] != 0x02:
        raise Sm2Error("an SM2 signature holds two DER INTEGERs")
    length, at = _der_length(data, at + 1)
    body = data[at : at + length]
    if length == 0 or len(body) != length:
        raise Sm2Error("an SM2 signature's INTEGER is cut short")
    if body[0] & 0x80 or (length > 1 and body[0] == 0 and not body[1] & 0x80):
        raise Sm2Error("an SM2 signature's INTEGER is not in minimal DER")
    return int.from_bytes(body, "big"), at + length


def parse_signature(sig: bytes) -> tuple[int, int]:
    """``(r, s)`` of a strict-DER ``SM2Signature`` (GM/T 0009), each in 1…n−1."""
    if len(sig) > MAX_SIGNATURE or len(sig) < 8 or sig[0] != 0x30:
        raise Sm2Error(
            "an SM2 signature is a DER SEQUENCE of r and s (GM/T 0009), at most 72 bytes"
        )
    length, at = _der_length(sig, 1)
    if at + length != len(sig):
        raise Sm2Error("an SM2 signature's SEQUENCE length is not its size")
    r, at = _der_integer(sig, at)
    s, at = _der_integer(sig, at)
    if at != len(sig):
        raise Sm2Error("an SM2 signature holds r and s and nothing else")
    if not (0 < r < N and 0 < s < N):
        raise Sm2Error("an SM2 signature's r and s lie in 1…n−1")
    return r, s


def _integer(value: int) -> bytes:
    body = value.to_bytes(32, "big").lstrip(b"\x00") or b"\x00"
    if body[0] & 0x80:
        body = b"\x00" + body
    return b"\x02" + bytes([len(body)]) + body


def encode_signature(r: int, s: int) -> bytes:
    """The strict-DER ``SM2Signature`` of ``(r, s)``."""
    body = _integer(r) + _integer(s)
    return b"\x30" + bytes([len(body)]) + body


def signature_shape(sig: bytes) -> bool:
    """Whether ``sig`` can be an SM2 signature (a DER SEQUENCE of at most 72 bytes): what an
    envelope's reader accepts before the key is known."""
    return 8 <= len(sig) <= MAX_SIGNATURE and sig[0] == 0x30


def verify(raw: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the SM2 signature (SM3, default user id) of ``data`` under the
    public key ``raw``. A signature not in strict DER, or a key off the curve, never verifies."""
    try:
        checked(raw)
        parse_signature(signature)
        return bool(gmssl_pyx.sm2_verify(raw[1:], data, signature, USER_ID))
    except (Sm2Error, gmssl_pyx.GmsslInnerError):
        return False
