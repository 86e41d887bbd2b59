"""SM3 (GB/T 32905-2016), the national suite's hash (docs/spec.md §22.4), from ``cryptography``
(OpenSSL's SM3)."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()
