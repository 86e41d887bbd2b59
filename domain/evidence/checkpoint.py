"""Checkpoints of the transparency log as C2SP signed notes, Ed25519 signature type 0x01
(docs/spec.md §11). The ledger signs under its origin, ``decision-ledger/<ledger id>``; a witness
co-signs by adding its own signature line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from domain.evidence.signing import PublicKey, SigningKey

ED25519 = 0x01
EM_DASH = "\u2014"


class NoteError(ValueError):
    """A note or checkpoint is malformed or its signature does not verify."""


#: the signature type of an SM2 line (spec §22.2): C2SP's 0xff for a type without a byte, then ours
SM2_TYPE = b"\xff" + b"decision-ledger/sm2-sm3/v1"


def key_id(name: str, public_key: PublicKey) -> bytes:
    """SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]; the type is 0x01 for Ed25519, :data:`SM2_TYPE` for an
    SM2 key (65 bytes, spec §22.2)."""
    kind = SM2_TYPE if len(public_key.raw) == 65 else bytes([ED25519])
    return hashlib.sha256(name.encode() + b"\n" + kind + public_key.raw).digest()[:4]


def verifier_key(name: str, public_key: PublicKey) -> str:
    raw = base64.b64encode(bytes([ED25519]) + public_key.raw).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{raw}"


def split_verifier_key(text: str) -> tuple[str, str, bytes]:
    """A verifier key's name, key id (hex) and decoded key bytes (type byte first), of any type:
    each type's parser checks its own (here, ``cosignature``, ``sm2_note``)."""
    try:
        name, hex_id, encoded = text.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise NoteError("a verifier key is NAME+KEYID+BASE64 / 验证密钥的格式为 名称+密钥标识+BASE64") from None
    return name, hex_id, raw


def parse_verifier_key(text: str) -> tuple[str, PublicKey]:
    name, hex_id, raw = split_verifier_key(text)
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError("only Ed25519 verifier keys (type 0x01) are supported")
    public_key = PublicKey(raw[1:])
    if key_id(name, public_key).hex() != hex_id:
        raise NoteError("the verifier key's id does not match its name and key")
    return name, public_key


def check_name(name: str) -> None:
    """Key names are non-empty, without spaces or '+' (c2sp.org/signed-note)."""
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        return f"{EM_DASH} {self.name} {base64.b64encode(self.key_id + self.signature).decode()}\n"


@dataclass(frozen=True)
class SignedNote:
    text: str  # ends with a newline
    signatures: tuple[NoteSignature, ...] = ()

    def render(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def signed(self, key: SigningKey, name: str) -> SignedNote:
        check_name(name)
        signature = NoteSignature(name, key_id(name, key.public_key), key.sign(self.text.encode()))
        others = tuple(s for s in self.signatures if (s.name, s.key_id) != (name, signature.key_id))
        return SignedNote(self.text, (*others, signature))

    def verify(self, name: str, public_key: PublicKey, what: str = "signature") -> None:
        """The ``what`` (signature, SM2 signature) of this key verifies over the text (others are
        ignored)."""
        wanted = key_id(name, public_key)
        mine = [s for s in self.signatures if s.name == name and s.key_id == wanted]
        if not mine:
            raise NoteError(f"the note carries no {what} by {name}")
        for signature in mine:
            if not public_key.verify(signature.signature, self.text.encode()):
                raise NoteError(f"the {what} by {name} does not verify")

    @classmethod
    def parse(cls, note: str) -> SignedNote:
        if any(ord(c) < 0x20 and c != "\n" for c in note):
            raise NoteError("a note contains no control characters but newline")
        if not note.endswith("\n"):
            raise NoteError("a note ends with a newline")
        head, sep, block = note.rpartition("\n\n")
        if not sep:
            raise NoteError("a note separates its text from its signatures with a blank line")
        text = head + "\n"
        signatures = []
        for line in block.removesuffix("\n").split("\n"):
            prefix = f"{EM_DASH} "
            if not line.startswith(prefix):
                raise NoteError(f"not a signature line: {line[:40]!r}")
            try:
                name, encoded = line[len(prefix):].split(" ")
                raw = base64.b64decode(encoded, validate=True)
            except (ValueError, binascii.Error):
                raise NoteError(f"malformed signature line: {line[:40]!r}") from None
            if len(raw) < 5:
                raise NoteError("a signature holds a 4-byte key id and the signature")
            signatures.append(NoteSignature(name, raw[:4], raw[4:]))
        if not signatures:
            raise NoteError("a note carries at least one signature")
        return cls(text, tuple(signatures))


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    def sign(self, key: SigningKey, name: str | None = None) -> SignedNote:
        return SignedNote(self.text()).signed(key, name or self.origin)

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
            raise NoteError("a checkpoint's text is at least three non-empty lines")
        origin, size_text, root_text = lines[0], lines[1], lines[2]
        if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
            raise NoteError(f"tree size {size_text!r} is not a decimal without leading zeroes")
        try:
            root = base64.b64decode(root_text, validate=True)
        except binascii.Error:
            raise NoteError("the root hash is not base64") from None
        if len(root) != 32:
            raise NoteError("the root hash is 32 bytes")
        return cls(origin, int(size_text), root)


def open_checkpoint(note: str, public_key: PublicKey, name: str | None = None) -> Checkpoint:
    """Parse a signed checkpoint and verify the log's signature (key name: the origin)."""
    signed = SignedNote.parse(note)
    checkpoint = Checkpoint.from_text(signed.text)
    signed.verify(name or checkpoint.origin, public_key)
    return checkpoint


def open_under(note: str, keys: list[PublicKey], origin: str | None) -> tuple[Checkpoint, PublicKey]:
    """The checkpoint, and which of ``keys`` signs it (the first that does): a ledger's
    checkpoints are signed by the key active when each was signed (docs/spec.md §13.2.4)."""
    refusal = NoteError("no key to open it with")
    for key in keys:
        try:
            return open_checkpoint(note, key, origin), key
        except NoteError as error:
            refusal = error
    raise refusal
