"""SM2 (docs/spec.md §22) for the verifier written from the spec: keys, key ids and signatures,
checked with gmalg — a pure-Python SM2 written apart from the GmSSL the product uses — so the two
implementations must agree on every SM2 signature a bundle carries. Nothing of the product."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import gmalg
import rfc8785

USER_ID = b"1234567812345678"  # §22: GM/T 0009's default user id
N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


class NotSm2(ValueError):
    """Not an SM2 key or signature as §22 writes one."""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _coordinate(text: Any) -> bytes:
    if not isinstance(text, str) or len(text) != 43:
        raise NotSm2("an SM2 coordinate is 43 base64url characters")
    raw = base64.urlsafe_b64decode(text + "=")
    if _b64url(raw) != text:
        raise NotSm2("not canonical base64url")
    return raw


def jwk_public(jwk: dict[str, Any]) -> bytes:
    """§22: {"kty": "EC", "crv": "SM2", "x", "y"} → 0x04 ‖ x ‖ y, a point of the curve."""
    if jwk.get("crv") != "SM2" or set(jwk) - {"kty", "crv", "x", "y", "kid", "use", "alg"}:
        raise NotSm2("not an SM2 public JWK")
    raw = b"\x04" + _coordinate(jwk.get("x")) + _coordinate(jwk.get("y"))
    try:
        on_curve = gmalg.SM2().verify_pk(raw)
    except Exception:  # noqa: BLE001 — any failure to read the point: not a key
        on_curve = False
    if not on_curve:
        raise NotSm2("an SM2 key is a point of sm2p256v1")
    return raw


def clean_jwk(raw: bytes) -> dict[str, str]:
    return {"crv": "SM2", "kty": "EC", "x": _b64url(raw[1:33]), "y": _b64url(raw[33:])}


def key_id(raw: bytes) -> str:
    """§22 / §3: RFC 7638 over exactly crv, kty, x, y."""
    return _b64url(hashlib.sha256(rfc8785.dumps(clean_jwk(raw))).digest())


def _integers(sig: bytes) -> tuple[int, int]:
    """§22: strict DER SEQUENCE { r INTEGER, s INTEGER }, short lengths, minimal integers."""
    if len(sig) < 8 or len(sig) > 72 or sig[0] != 0x30 or sig[1] != len(sig) - 2:
        raise NotSm2("not a DER SEQUENCE")
    values, at = [], 2
    for _ in range(2):
        if at + 2 > len(sig) or sig[at] != 0x02 or sig[at + 1] >= 0x80:
            raise NotSm2("not a DER INTEGER")
        body = sig[at + 2 : at + 2 + sig[at + 1]]
        if (
            not body
            or len(body) != sig[at + 1]
            or body[0] & 0x80
            or (len(body) > 1 and body[0] == 0 and not body[1] & 0x80)
        ):
            raise NotSm2("not a minimal DER INTEGER")
        values.append(int.from_bytes(body, "big"))
        at += 2 + len(body)
    if at != len(sig) or not all(0 < value < N for value in values):
        raise NotSm2("r and s, each in 1…n−1, and nothing else")
    return values[0], values[1]


def signature_shape(sig: bytes) -> bool:
    return 8 <= len(sig) <= 72 and sig[0] == 0x30


def verify(raw: bytes, sig: bytes, message: bytes) -> bool:
    """§22: SM2 with SM3 over Z_A ‖ message, Z_A of the default user id."""
    try:
        r, s = _integers(sig)
        return bool(
            gmalg.SM2(pk=raw, uid=USER_ID).verify(
                message, r.to_bytes(32, "big"), s.to_bytes(32, "big")
            )
        )
    except (NotSm2, ValueError, ArithmeticError):
        return False


IDENTIFIER = b"decision-ledger/sm2-sm3/v1"  # §22.2: after the signature type 0xff


def note_line_ok(note: str, name: str, raw: bytes) -> bool:
    """§22.2: the note carries a line by `name` whose key ID is SHA-256(name ‖ 0x0A ‖ 0xff ‖
    identifier ‖ key)[:4] and whose SM2 signature over the note's text verifies."""
    want = hashlib.sha256(name.encode() + b"\n\xff" + IDENTIFIER + raw).digest()[:4]
    text, _, signatures = note.partition("\n\n")
    found = False
    for line in signatures.split("\n"):
        who, _, encoded = line.removeprefix("\u2014 ").rpartition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except ValueError:
            continue
        if who == name and blob[:4] == want:
            if not verify(raw, blob[4:], (text + "\n").encode()):
                return False
            found = True
    return found
