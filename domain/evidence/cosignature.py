"""Witness cosignatures: C2SP ``tlog-cosignature/v1``, Ed25519, signature type 0x04
(docs/spec.md §20.1).

A cosignature is a signed-note signature line ``— <name> base64(key id ‖ timestamp ‖ sig)``
whose key id is ``SHA-256(name ‖ "\\n" ‖ 0x04 ‖ public key)[:4]``, whose 8-byte big-endian
timestamp is the POSIX second it was made (never zero, at most 2^63 − 1), and whose Ed25519
signature is over ``"cosignature/v1\\n" ‖ "time <timestamp>\\n" ‖`` the checkpoint's note text.
It states that, as of that time, the largest consistent tree the witness has seen for the
origin has that root. The ledger's own checkpoint signature stays type 0x01 (checkpoint.py).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from domain.evidence.checkpoint import (
    NoteError,
    NoteSignature,
    SignedNote,
    check_name,
    split_verifier_key,
)
from domain.evidence.signing import PublicKey, SigningKey

COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1"
MAX_TIMESTAMP = 2**63 - 1


def cosigner_key_id(name: str, public_key: PublicKey) -> bytes:
    """``SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4]`` (c2sp.org/tlog-cosignature)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE_V1]) + public_key.raw).digest()[:4]


def cosigner_vkey(name: str, public_key: PublicKey) -> str:
    """The witness's verifier key, ``name+hex(key id)+base64(0x04 ‖ key)``."""
    check_name(name)
    raw = base64.b64encode(bytes([COSIGNATURE_V1]) + public_key.raw).decode()
    return f"{name}+{cosigner_key_id(name, public_key).hex()}+{raw}"


def parse_cosigner_vkey(text: str) -> tuple[str, PublicKey]:
    """A type 0x04 verifier key: its name and Ed25519 key; its key id must match them."""
    name, hex_id, raw = split_verifier_key(text)
    check_name(name)
    if len(raw) != 33 or raw[0] != COSIGNATURE_V1:
        raise NoteError("a witness's verifier key is a cosignature/v1 key (type 0x04, 32-byte Ed25519) / "
                        "见证方验证密钥须为 0x04 类型的 Ed25519 公钥")
    public_key = PublicKey(raw[1:])
    if cosigner_key_id(name, public_key).hex() != hex_id:
        raise NoteError("the verifier key's id does not match its name and key / 验证密钥标识与名称、公钥不符")
    return name, public_key


def signed_message(note_text: str, timestamp: int) -> bytes:
    """What the witness signs: the header line, the time line, then the note text whole."""
    return f"{HEADER}\ntime {timestamp}\n{note_text}".encode()


def cosign(note_text: str, key: SigningKey, name: str, timestamp: int) -> NoteSignature:
    """The cosignature line of ``key`` (named ``name``) over a checkpoint's note text."""
    check_name(name)
    if not 0 < timestamp <= MAX_TIMESTAMP:
        raise NoteError("a cosignature's timestamp is a POSIX second above zero")
    signature = key.sign(signed_message(note_text, timestamp))
    return NoteSignature(name, cosigner_key_id(name, key.public_key), timestamp.to_bytes(8, "big") + signature)


@dataclass(frozen=True)
class Cosigned:
    """A verified cosignature: who made it and when (POSIX seconds)."""

    name: str
    timestamp: int


def verify_cosignature(note: SignedNote, name: str, public_key: PublicKey) -> Cosigned:
    """The cosignature of this witness on ``note`` verifies; lines of other keys are ignored.

    Raises :class:`NoteError` if the note carries none, or if one matching the witness's name and
    key id does not verify (the note is then malformed, c2sp.org/signed-note)."""
    found = cosigned_by(note, name, public_key)
    if found is None:
        raise NoteError(f"the checkpoint carries no cosignature by {name} / 检查点没有见证方 {name} 的联署")
    return found


def cosigned_by(note: SignedNote, name: str, public_key: PublicKey) -> Cosigned | None:
    """This witness's cosignature on ``note`` (the latest, if several), or ``None`` if it carries
    none; :class:`NoteError` if a line under its name and key id does not verify."""
    wanted = cosigner_key_id(name, public_key)
    mine = [s for s in note.signatures if s.name == name and s.key_id == wanted]
    found: Cosigned | None = None
    for line in mine:
        if len(line.signature) != 8 + 64:
            raise NoteError(f"the cosignature by {name} is not 8 + 64 bytes / 见证方 {name} 的联署长度不对")
        timestamp = int.from_bytes(line.signature[:8], "big")
        if not 0 < timestamp <= MAX_TIMESTAMP:
            raise NoteError(f"the cosignature by {name} has timestamp {timestamp} / 联署时间戳无效")
        if not public_key.verify(line.signature[8:], signed_message(note.text, timestamp)):
            raise NoteError(f"the cosignature by {name} does not verify / 见证方 {name} 的联署验证失败")
        if found is None or timestamp > found.timestamp:
            found = Cosigned(name, timestamp)
    return found


def with_cosignatures(note: str, lines: str) -> str:
    """A signed note with signature lines (a witness's answer) added after its own."""
    if lines and not lines.endswith("\n"):
        raise NoteError("signature lines end with a newline")
    parsed = SignedNote.parse(note + lines)
    unique = tuple(dict.fromkeys(parsed.signatures))
    return SignedNote(parsed.text, unique).render()
