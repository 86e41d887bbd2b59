"""SM2 signature lines on signed notes (国密, docs/spec.md §22.2): a checkpoint of a ledger that
holds an SM2 key carries the ledger's SM2 signature beside its Ed25519 one.

C2SP signed-note assigns SM2 no signature type byte; it reserves 0xff for types without one,
followed by a longer identifier. Here the type is ``0xff ‖ "decision-ledger/sm2-sm3/v1"`` and::

    key ID    = SHA-256(key name ‖ 0x0A ‖ 0xff ‖ identifier ‖ 65-byte public key)[:4]
    signature = SM2 (SM3, default user id, strict DER; §22.1) over the note's text

A verifier that does not know the key ignores the line (signed-note), so Go's ``note`` package
and C2SP witnesses keep verifying the Ed25519 line as before.
"""

from __future__ import annotations

import base64

from domain.evidence import checkpoint, sm2
from domain.evidence.checkpoint import NoteError, SignedNote, split_verifier_key
from domain.evidence.signing import PublicKey, SigningKey

SIGNATURE_TYPE = 0xFF
IDENTIFIER = checkpoint.SM2_TYPE[1:]


def key_id(name: str, public_key: PublicKey) -> bytes:
    if not sm2.is_public(public_key.raw):
        raise NoteError("an SM2 signature line needs an SM2 key")
    return checkpoint.key_id(name, public_key)


def verifier_key(name: str, public_key: PublicKey) -> str:
    """``<name>+<key ID, 8 hex>+<base64(0xff ‖ identifier ‖ public key)>``."""
    raw = base64.b64encode(bytes([SIGNATURE_TYPE]) + IDENTIFIER + public_key.raw).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{raw}"


def parse_verifier_key(text: str) -> tuple[str, PublicKey]:
    name, hex_id, raw = split_verifier_key(text)
    prefix = bytes([SIGNATURE_TYPE]) + IDENTIFIER
    if not raw.startswith(prefix) or not sm2.is_public(raw[len(prefix) :]):
        raise NoteError("not an SM2 verifier key (0xff ‖ decision-ledger/sm2-sm3/v1 ‖ point)")
    public_key = PublicKey(raw[len(prefix) :])
    if key_id(name, public_key).hex() != hex_id:
        raise NoteError("the verifier key's id does not match its name and key")
    return name, public_key


def signed(note: SignedNote, key: SigningKey, name: str) -> SignedNote:
    """``note`` with this SM2 key's signature line added (one it had of the same key replaced)."""
    key_id(name, key.public_key)  # an SM2 key, or NoteError
    return note.signed(key, name)


def verify(note: SignedNote, name: str, public_key: PublicKey) -> None:
    """The SM2 line of this key is present and verifies over the note's text."""
    key_id(name, public_key)
    note.verify(name, public_key, "SM2 signature")


def check_lines(note: str, origin: str, keys: list[PublicKey]) -> None:
    """Every SM2 key among the ledger's ``keys`` signs the checkpoint ``note`` (§22.2): a ledger
    that holds an SM2 key signs every checkpoint with it too. Raises :class:`NoteError`."""
    for public_key in keys:
        if sm2.is_public(public_key.raw):
            verify(SignedNote.parse(note), origin, public_key)


def companion(key: SigningKey) -> SigningKey | None:
    """The SM2 key that signs beside an Ed25519 ledger key, if it has one (``sm2_companion``)."""
    found = getattr(key, "sm2_companion", None)
    return found if isinstance(found, SigningKey) else None
