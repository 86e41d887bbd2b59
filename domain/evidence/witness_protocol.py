"""The witness's side of C2SP ``tlog-witness`` add-checkpoint (docs/spec.md §20.2): the request
body, and the judgement of a checkpoint against the witness's latest cosigned one for its origin.

The rules, in the order the specification gives them: an unknown origin is 404; no signature of
a trusted log key, or one that fails, is 403; an old size above the checkpoint's is 400; an old
size other than the latest cosigned size is 409 (the body is that size); a size-zero checkpoint
with another root than the empty tree's, a proof from size zero, a consistency proof that does
not verify, or an equal size with another root is 422. Only a 422 on a validly signed
checkpoint of a known log is evidence of the log's misbehaviour, which the witness keeps.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.evidence.checkpoint import Checkpoint, NoteError, SignedNote, key_id
from domain.evidence.merkle import ProofError, verify_consistency
from domain.evidence.signing import PublicKey

EMPTY_ROOT = hashlib.sha256(b"").digest()
MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"


class WitnessRefusal(Exception):
    """The witness does not cosign: an HTTP status, a message (English / Chinese) and whether the
    attempt is evidence of the log's misbehaviour (kept by the witness)."""

    def __init__(self, status: int, message: str, *, evidence: bool = False, body: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.evidence = evidence
        self.body = body if body is not None else message + "\n"


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    note: str  # the signed checkpoint as sent

    def render(self) -> str:
        lines = [f"old {self.old_size}", *(base64.b64encode(p).decode() for p in self.proof)]
        return "\n".join(lines) + "\n\n" + self.note


def _size(text: str, what: str) -> int:
    if not text.isascii() or not text.isdigit() or (text != "0" and text.startswith("0")):
        raise WitnessRefusal(400, f"{what} {text[:24]!r} is not a decimal without leading zeroes / {what}须为不带前导零的十进制数")
    return int(text)


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """The request body: ``old N``, up to 63 base64 proof lines, an empty line, the checkpoint."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessRefusal(400, "the request body is not UTF-8 / 请求体不是 UTF-8") from None
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise WitnessRefusal(400, "the old size and the proof are separated from the checkpoint by an empty line / "
                                  "旧大小与证明之后须有一空行")
    lines = head.split("\n")
    if not lines[0].startswith("old "):
        raise WitnessRefusal(400, "the body starts with `old <size>` / 请求体须以 old <大小> 开头")
    old = _size(lines[0][4:], "old size")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessRefusal(400, f"at most {MAX_PROOF_LINES} consistency proof lines / 一致性证明最多 63 行")
    proof = []
    for line in lines[1:]:
        try:
            digest = base64.b64decode(line, validate=True)
        except binascii.Error:
            digest = b""
        if len(digest) != 32:
            raise WitnessRefusal(400, f"proof line {line[:48]!r} is not a base64 SHA-256 hash / 证明行不是哈希")
        proof.append(digest)
    return AddCheckpoint(old, tuple(proof), note)


def judge(request: AddCheckpoint, logs: Mapping[str, Sequence[tuple[str, PublicKey]]],
          latest: Checkpoint | None) -> Checkpoint:
    """The checkpoint the witness may cosign, or :class:`WitnessRefusal`. ``logs``: the trusted
    (key name, key) pairs by origin; ``latest``: the witness's latest cosigned checkpoint of the
    request's origin, if any."""
    try:
        signed = SignedNote.parse(request.note)
        checkpoint = Checkpoint.from_text(signed.text)
    except NoteError as error:
        raise WitnessRefusal(400, f"not a checkpoint: {error} / 不是检查点") from None
    keys = logs.get(checkpoint.origin)
    if not keys:
        raise WitnessRefusal(404, f"unknown log {checkpoint.origin!r} / 见证方不认识此日志")
    verified = False
    for name, key in keys:
        wanted = key_id(name, key)
        for line in signed.signatures:
            if line.name == name and line.key_id == wanted:
                if not key.verify(line.signature, signed.text.encode()):
                    raise WitnessRefusal(403, f"the signature by {name} does not verify / 日志签名验证失败")
                verified = True
    if not verified:
        raise WitnessRefusal(403, "no signature by a key the witness trusts for this log / 没有受信任的日志签名")
    if request.old_size > checkpoint.size:
        raise WitnessRefusal(400, f"old size {request.old_size} exceeds the checkpoint's {checkpoint.size} / "
                                  "旧大小超过检查点大小")
    held = latest.size if latest is not None else 0
    if request.old_size != held:
        raise WitnessRefusal(409, f"the latest cosigned size is {held} / 见证方最近联署的大小为 {held}",
                             body=f"{held}\n")
    if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
        raise WitnessRefusal(422, "a checkpoint of size 0 has the empty tree's root / 大小为 0 的检查点须为空树根",
                             evidence=True)
    if request.old_size == 0:
        if request.proof:
            raise WitnessRefusal(422, "a proof from size 0 is empty / 自大小 0 起的证明须为空", evidence=True)
        return checkpoint
    if latest is None:  # old size above zero never matches an empty record (the 409 above)
        raise WitnessRefusal(409, "the latest cosigned size is 0", body="0\n")
    try:
        verify_consistency(latest.size, checkpoint.size, latest.root, checkpoint.root, request.proof)
    except ProofError as error:
        raise WitnessRefusal(
            422, f"the checkpoint is not consistent with the witness's latest ({latest.size}): {error} / "
                 f"检查点与见证方最近联署的检查点（{latest.size}）不一致：历史被改写", evidence=True) from None
    return checkpoint
