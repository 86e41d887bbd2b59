"""The Ed25519 validation rule every signature of the ledger is held to (docs/spec.md §23):
RFC 8032 verification with canonical encodings, no point of small order, S reduced, and the
cofactorless equation — the rule libsodium's ``crypto_sign_verify_detached`` enforces, so it does
the checking (through PyNaCl: ~1.9× the rate of ``cryptography``'s OpenSSL on the same bytes).

Why the strict rule: a public key of small order makes one signature verify for many messages,
so its owner could deny what they signed; OpenSSL (like BoringSSL and Go) accepts such keys, and
points R of small order, and a non-canonical A whose hash was taken over its unreduced bytes.
The "Taming the many EdDSAs" vectors (tests/vectors/ed25519-speccheck/) hold the write path, the
verifier and this library to the rule case by case.

The checks of encodings here are plain integer comparisons, for saying *why* a signature or key
is refused; the verdict itself is libsodium's.
"""

from __future__ import annotations

import functools

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError, CryptoError

#: the field prime p and the order L of the base point
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, P - 2, P) % P
#: y of a point of order 8 (the other is P − this): with 0 (order 4), 1 (the identity) and
#: P − 1 (order 2), the y coordinates of the eight points of small order
_Y_ORDER_8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022
SMALL_ORDER_Y = frozenset({0, 1, P - 1, _Y_ORDER_8, P - _Y_ORDER_8})
_Y_MASK = (1 << 255) - 1


def verify(public: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is a valid signature of ``message`` under ``public`` by §23."""
    if len(public) != 32 or len(signature) != 64:
        return False
    try:
        crypto_sign_open(signature + message, public)
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True


def point_refusal(encoded: bytes, what: str) -> str:
    """Why an encoded point (A or R) is refused by §23, or "": not 32 bytes, y not below p (a
    non-canonical encoding), a y with no point on the curve, or a point of small order."""
    if len(encoded) != 32:
        return f"{what} is not 32 bytes"
    y = int.from_bytes(encoded, "little") & _Y_MASK
    if y >= P:
        return f"{what} is not canonically encoded (its y is not below p)"
    if y in SMALL_ORDER_Y:
        return f"{what} is a point of small order"
    u, v = (y * y - 1) % P, (_D * y * y + 1) % P
    x2 = u * pow(v, P - 2, P) % P
    if x2 != 0 and pow(x2, (P - 1) // 2, P) != 1:
        return f"{what} is not a point of the curve"
    return ""


@functools.lru_cache(maxsize=4096)
def key_refusal(public: bytes) -> str:
    """Why a public key cannot verify any signature under §23, or "" (a key to enrol).
    Remembered: a ledger has few keys, read on every write."""
    return point_refusal(public, "the public key")


def signature_refusal(public: bytes, signature: bytes) -> str:
    """Which of §23's encoding rules a signature and its key break, or "" (then only the
    equation can fail)."""
    if len(signature) != 64:
        return "an Ed25519 signature is 64 bytes"
    refusal = key_refusal(public) or point_refusal(signature[:32], "the signature's R")
    if refusal:
        return refusal
    if int.from_bytes(signature[32:], "little") >= L:
        return "the signature's S is not reduced (S ≥ L)"
    return ""


def why_not(public: bytes, signature: bytes) -> str:
    """The reason a signature that did not verify is refused, for a person to read."""
    return signature_refusal(public, signature) or "the equation [S]B = R + [k]A does not hold"
