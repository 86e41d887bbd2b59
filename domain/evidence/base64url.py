"""Unpadded base64url (RFC 4648 §5 without ``=``; docs/spec.md §1): the one spelling of JWK
coordinates, key thumbprints and JWT parts here. One encoder, and one strict decoder that reads
only the canonical spelling, so a value has one text and a text one value."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from domain.evidence.errors import MalformedInput


def encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(text: Any, what: str) -> bytes:
    """The bytes ``text`` spells, if it is unpadded base64url in its canonical spelling (unused
    trailing bits zero); :class:`MalformedInput` naming ``what`` otherwise."""
    if not isinstance(text, str) or "=" in text:
        raise MalformedInput(f"{what} must be unpadded base64url")
    try:
        data = base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise MalformedInput(f"{what} is not base64url") from None
    if encode(data) != text:
        raise MalformedInput(f"{what} is not in canonical base64url spelling")
    return data
