"""docs/spec.md §23 written out in plain Python from the spec and RFC 8032 (§5.1.3 decoding,
§5.1.7 verification), slow and obvious, importing nothing of the product: the verdict a case
must get. ``cofactored`` switches the equation, to show which cases tell the two apart."""

from __future__ import annotations

import hashlib

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z


def add(p: Point, q: Point) -> Point:
    a = (p[1] - p[0]) * (q[1] - q[0]) % P
    b = (p[1] + p[0]) * (q[1] + q[0]) % P
    c = 2 * p[3] * q[3] * D % P
    d = 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % P, g * h % P, f * g % P, e * h % P


def times(n: int, p: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while n:
        if n & 1:
            result = add(result, p)
        p = add(p, p)
        n >>= 1
    return result


def encode(p: Point) -> bytes:
    zinv = pow(p[2], P - 2, P)
    x, y = p[0] * zinv % P, p[1] * zinv % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def decode(s: bytes) -> Point | None:
    """RFC 8032 §5.1.3, refusing y ≥ p (a non-canonical encoding) as §23 does."""
    y = int.from_bytes(s, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        if sign:
            return None
        return 0, y, 1, 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if x & 1 != sign:
        x = P - x
    return x, y, 1, x * y % P


def equal(p: Point, q: Point) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % P == 0 and (p[1] * q[2] - q[1] * p[2]) % P == 0


IDENTITY: Point = (0, 1, 1, 0)
BASE = decode((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))


def small_order(p: Point) -> bool:
    return equal(times(8, p), IDENTITY)


def verify(public: bytes, signature: bytes, message: bytes, *, cofactored: bool = False) -> bool:
    """§23: A and R canonical, on the curve and not of small order; S < L; then
    [S]B = R + [k]A (cofactorless), k = SHA-512(R ‖ A ‖ M) mod L over the bytes as given."""
    if len(public) != 32 or len(signature) != 64 or BASE is None:
        return False
    a, r = decode(public), decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L or small_order(a) or small_order(r):
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % L
    left, right = times(s, BASE), add(r, times(k, a))
    if cofactored:
        return equal(times(8, left), times(8, right))
    return equal(left, right)
