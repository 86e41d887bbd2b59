"""Signed heads: what the ledger attests about a bundle's subject when it exports it
(docs/spec.md §11, §12).

A bundle's checkpoint commits to the whole log, not to which of its events a bundle must hold: a
bundle whose last versions, or some acts of a person, were left out would still prove every event
it holds. So a bundle carries a head, a signed note by the ledger key, that says what the bundle
must hold at its tree size: the aggregates it holds whole and the events it lists (format v2
bundles), or a case's last version (format v1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.evidence.checkpoint import NoteError, SignedNote
from domain.evidence.signing import PublicKey, SigningKey

HEAD_TYPE = "decision-ledger/case-head/v1"
BUNDLE_HEAD_TYPE = "decision-ledger/bundle-head/v1"
_HEX = frozenset("0123456789abcdef")


def _number(text: str, what: str) -> int:
    if not text.isdigit() or (text != "0" and text.startswith("0")):
        raise NoteError(f"a head's {what} is a decimal number without leading zeroes, not {text!r}")
    return int(text)


def _hash(text: str) -> str:
    if len(text) != 64 or not set(text) <= _HEX:
        raise NoteError(f"a head's hash is 64 lowercase hex digits, not {text[:70]!r}")
    return text


@dataclass(frozen=True)
class BundleHead:
    origin: str
    subject_kind: str
    subject_id: str
    tree_size: int
    complete: dict[str, tuple[int, str]] = field(default_factory=dict)  # aggregate → (last version, hash)
    events: tuple[tuple[str, int, str], ...] = ()  # (aggregate, version, hash), in log order

    def text(self) -> str:
        lines = [self.origin, BUNDLE_HEAD_TYPE, f"{self.subject_kind} {self.subject_id}", str(self.tree_size)]
        lines += [f"complete {aggregate} {version} {digest}"
                  for aggregate, (version, digest) in sorted(self.complete.items())]
        lines += [f"event {aggregate} {version} {digest}" for aggregate, version, digest in self.events]
        return "\n".join(lines) + "\n"

    def sign(self, key: SigningKey) -> str:
        return SignedNote(self.text()).signed(key, self.origin).render()

    @classmethod
    def open(cls, note: str, public_key: PublicKey, origin: str) -> BundleHead:
        """Parse a signed bundle head and verify the ledger's signature over it."""
        signed = SignedNote.parse(note)
        lines = signed.text.split("\n")[:-1]
        if len(lines) < 4 or lines[1] != BUNDLE_HEAD_TYPE:
            raise NoteError(f"not a {BUNDLE_HEAD_TYPE} note")
        if lines[0] != origin:
            raise NoteError(f"the head is of the log {lines[0]!r}, not {origin!r}")
        signed.verify(origin, public_key)
        subject = lines[2].split(" ")
        if len(subject) != 2:
            raise NoteError("a head's third line is its subject's kind and id")
        complete: dict[str, tuple[int, str]] = {}
        events: list[tuple[str, int, str]] = []
        for line in lines[4:]:
            parts = line.split(" ")
            if len(parts) != 4 or parts[0] not in ("complete", "event"):
                raise NoteError(f"not a head line: {line[:80]!r}")
            entry = (parts[1], _number(parts[2], "version"), _hash(parts[3]))
            if parts[0] == "complete":
                if entry[0] in complete:
                    raise NoteError(f"the head names {entry[0]} complete twice")
                complete[entry[0]] = entry[1:]
            else:
                if entry in events:
                    raise NoteError(f"the head lists {entry[0]}:{entry[1]} twice")
                events.append(entry)
        head = cls(lines[0], subject[0], subject[1], _number(lines[3], "tree size"), complete, tuple(events))
        if head.text() != signed.text:
            raise NoteError("the head's lines are not in their one order")
        return head


@dataclass(frozen=True)
class CaseHead:
    origin: str
    case_id: str
    version: int
    event_hash: str
    tree_size: int

    def text(self) -> str:
        return (f"{self.origin}\n{HEAD_TYPE}\n{self.case_id}\n{self.version}\n{self.event_hash}\n"
                f"{self.tree_size}\n")

    def sign(self, key: SigningKey) -> str:
        return SignedNote(self.text()).signed(key, self.origin).render()

    @classmethod
    def open(cls, note: str, public_key: PublicKey, origin: str) -> CaseHead:
        """Parse a signed head and verify the ledger's signature over it."""
        signed = SignedNote.parse(note)
        lines = signed.text.split("\n")
        if len(lines) != 7 or lines[1] != HEAD_TYPE:
            raise NoteError(f"not a {HEAD_TYPE} note")
        if lines[0] != origin:
            raise NoteError(f"the head is of the log {lines[0]!r}, not {origin!r}")
        version, size = lines[3], lines[5]
        if not (version.isdigit() and size.isdigit()):
            raise NoteError("a head's version and tree size are decimal numbers")
        signed.verify(origin, public_key)
        return cls(origin, lines[2], int(version), lines[4], int(size))
