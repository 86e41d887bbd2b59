"""A case's signed head: what the ledger attests about a case when it exports it.

A bundle's checkpoint commits to the whole log, not to how many versions one case has: a bundle
whose last versions were cut off would still prove every event it holds. So a case bundle also
carries the case's *head*, a C2SP signed note by the ledger key (key name: the log's origin)::

    <origin>
    decision-ledger/case-head/v1
    <case id>
    <last version>
    <hash of the last version>
    <tree size of the bundle's checkpoint>

The second line keeps a head from ever parsing as a checkpoint (whose second line is a number),
and a checkpoint from parsing as a head.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.evidence.checkpoint import NoteError, SignedNote
from domain.evidence.signing import PublicKey, SigningKey

HEAD_TYPE = "decision-ledger/case-head/v1"


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
