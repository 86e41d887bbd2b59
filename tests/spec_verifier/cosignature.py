"""Verify witnessed checkpoints from the C2SP texts alone: signed-note, tlog-checkpoint,
tlog-cosignature (Ed25519, type 0x04) and tlog-policy's k-of-n quorum.

Imports only the standard library and ``cryptography``; nothing of the product. Quoted rules are
the specifications' words.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DASH = "\u2014"


class Refused(Exception):
    pass


@dataclass(frozen=True)
class VKey:
    name: str
    key_id: bytes
    kind: int
    key: bytes


def vkey(text: str) -> VKey:
    """``<key name>+hex(32-bit key ID)+base64(signature type || public key)`` (signed-note)."""
    name, hex_id, b64 = text.split("+", 2)  # names hold no "+"; base64 may
    raw = base64.b64decode(b64, validate=True)
    if len(raw) != 33 or raw[0] not in (0x01, 0x04):
        raise Refused("only Ed25519 (0x01) and cosignature/v1 (0x04) keys here")
    # "key ID = SHA-256(key name || 0x0A || signature type || public key)[:4]"
    wanted = hashlib.sha256(name.encode() + b"\x0a" + raw[:1] + raw[1:]).digest()[:4]
    if wanted.hex() != hex_id:
        raise Refused("the vkey's key ID is not the hash of its name, type and key")
    return VKey(name, wanted, raw[0], raw[1:])


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """"a text ending in newline, followed by a blank line, followed by one or more signature
    lines": the text (with its final newline) and (key name, decoded signature) pairs."""
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise Refused("control characters")
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise Refused("no signature block")
    text = note[:cut + 1]
    lines = []
    for line in note[cut + 2:].split("\n")[:-1]:
        if not line.startswith(DASH + " "):
            raise Refused(f"not a signature line: {line!r}")
        name, b64 = line[2:].split(" ")
        lines.append((name, base64.b64decode(b64, validate=True)))
    if not lines:
        raise Refused("no signatures")
    return text, lines


def _ed25519(key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class Witnessed:
    origin: str
    size: int
    root: bytes
    cosigners: dict[str, int]  # witness key name -> timestamp


def verify_witnessed(note: str, log: str, witnesses: list[str], threshold: int) -> Witnessed:
    """The checkpoint is signed by the log's key (type 0x01) and cosigned by at least
    ``threshold`` of the witnesses (type 0x04, "cosignature/v1" message)."""
    text, lines = split_note(note)
    body = text.split("\n")[:-1]
    if len(body) < 3:
        raise Refused("a checkpoint's text is at least three lines")
    origin, size, root = body[0], int(body[1]), base64.b64decode(body[2], validate=True)
    log_key = vkey(log)
    if log_key.kind != 0x01 or log_key.name != origin:
        raise Refused("the log's key is an Ed25519 note key named by the origin")
    mine = [sig for name, sig in lines if name == log_key.name and sig[:4] == log_key.key_id]
    # "If no signature from a known key verifies successfully, clients MUST reject the note."
    if not mine or not all(_ed25519(log_key.key, sig[4:], text.encode()) for sig in mine):
        raise Refused("the log's signature does not verify")
    cosigners: dict[str, int] = {}
    for text_key in witnesses:
        witness = vkey(text_key)
        if witness.kind != 0x04:
            raise Refused("a witness's key is type 0x04")
        for name, sig in lines:
            if name != witness.name or sig[:4] != witness.key_id:
                continue  # "Verifiers MUST ignore signatures from unknown keys"
            if len(sig) != 4 + 8 + 64:
                raise Refused("a timestamped_signature is u64 timestamp || 64-byte signature")
            timestamp = int.from_bytes(sig[4:12], "big")
            if not 0 < timestamp <= 2**63 - 1:
                raise Refused("the timestamp is not a POSIX time")
            # "two newline terminated lines (one header line and one timestamp line) followed by
            # the whole note body of the cosigned checkpoint"
            message = b"cosignature/v1\n" + b"time " + str(timestamp).encode() + b"\n" + text.encode()
            if not _ed25519(witness.key, sig[12:], message):
                raise Refused(f"the cosignature of {name} does not verify")
            cosigners[name] = timestamp
    if len(cosigners) < threshold:
        raise Refused(f"{len(cosigners)} of the witnesses cosigned; {threshold} are needed")
    return Witnessed(origin, size, root, cosigners)
