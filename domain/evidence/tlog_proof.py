"""An event's inclusion proof as C2SP ``tlog-proof`` text (c2sp.org/tlog-proof, docs/spec.md §21.2):
the proof a third party's transparency-log tooling reads as it is, with the checkpoint verbatim.

    c2sp.org/tlog-proof@v1
    index <leaf index>
    <base64 of each hash of the inclusion path, from the leaf's sibling up>
    <blank line>
    <the signed checkpoint note, verbatim>

The ledger writes no ``extra`` line; a proof carrying one still parses (its data is opaque and
never trusted, as C2SP says).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from domain.evidence.checkpoint import Checkpoint, NoteError, open_checkpoint
from domain.evidence.merkle import ProofError, verify_inclusion
from domain.evidence.signing import PublicKey

HEADER = "c2sp.org/tlog-proof@v1"


class TlogProofError(ValueError):
    """A tlog-proof text is malformed or does not prove what it is asked to."""


@dataclass(frozen=True)
class TlogProof:
    index: int
    path: tuple[bytes, ...]
    checkpoint: str  # the signed note, verbatim
    extra: bytes | None = None

    def render(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {base64.b64encode(self.extra).decode()}")
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode() for h in self.path]
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> TlogProof:
        """The proof in ``text``, strictly as C2SP writes it; :class:`TlogProofError` otherwise."""
        if not isinstance(text, str):
            raise TlogProofError("a tlog-proof is text")
        head, sep, checkpoint = text.partition("\n\n")
        if not sep or not checkpoint:
            raise TlogProofError("a tlog-proof separates its proof from the checkpoint with a blank line")
        lines = head.split("\n")
        if lines[0] != HEADER:
            raise TlogProofError(f"a tlog-proof's first line is {HEADER!r}")
        rest = lines[1:]
        extra = None
        if rest and rest[0].startswith("extra "):
            extra = _b64(rest.pop(0)[len("extra "):], "the extra line")
        if not rest or not rest[0].startswith("index "):
            raise TlogProofError("a tlog-proof names the entry's index on the line 'index N'")
        number = rest.pop(0)[len("index "):]
        if not number.isascii() or not number.isdigit() or (number != "0" and number.startswith("0")):
            raise TlogProofError(f"index {number!r} is not a decimal without leading zeroes")
        path = tuple(_b64(line, "an inclusion-proof line") for line in rest)
        if any(len(h) != 32 for h in path):
            raise TlogProofError("each inclusion-proof line is one 32-byte SHA-256 hash")
        return cls(int(number), path, checkpoint, extra)

    def verify(self, leaf: bytes, public_key: PublicKey, origin: str) -> Checkpoint:
        """C2SP's steps 2 and 4: the checkpoint is signed by the log's key under ``origin``, and
        the path leads from ``leaf`` (the leaf hash, RFC 9162) at ``index`` to its root."""
        try:
            checkpoint = open_checkpoint(self.checkpoint, public_key, origin)
        except NoteError as error:
            raise TlogProofError(f"the proof's checkpoint does not verify under the log's key: {error}") from None
        if checkpoint.origin != origin:
            raise TlogProofError(f"the proof's checkpoint is of {checkpoint.origin!r}, not {origin!r}")
        try:
            verify_inclusion(leaf, self.index, checkpoint.size, list(self.path), checkpoint.root)
        except ProofError as error:
            raise TlogProofError(f"the inclusion proof does not verify: {error}") from None
        return checkpoint


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TlogProofError(f"{what} is not standard base64: {text[:44]!r}") from None
