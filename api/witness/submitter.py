"""The ledger's side of witnessing (docs/operations.md, "Witnesses"): each new checkpoint goes
to the witnesses of the policy file ``tlog-policy`` in the keys directory, with a consistency
proof from each witness's latest (C2SP add-checkpoint; a 409 tells that size, and the
submission is made again from it). The cosignatures that verify are added to the checkpoint;
once they make the policy's quorum, the note is kept in ``witnessed.note`` beside the key and is
the one the service publishes. Writes never wait: this runs in the background, and while no
quorum answers the newest witnessed checkpoint stays published and ``lag`` says for how long.
"""

from __future__ import annotations

import base64
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from domain.evidence.checkpoint import Checkpoint, NoteError, SignedNote
from domain.evidence.cosignature import with_cosignatures
from domain.evidence.tlog_policy import Policy, Witness, parse_policy

POLICY_FILE = "tlog-policy"
WITNESSED_FILE = "witnessed.note"
TIMEOUT = 10.0  # seconds a witness has to answer one submission
log = logging.getLogger("decision_ledger.witnessing")

#: the tree's consistency proof from ``old`` to ``new`` (the log reader's)
Proof = Callable[[int, int], Sequence[bytes]]


class SubmissionError(Exception):
    """A witness did not cosign; the message says what it answered."""


def post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "text/plain; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 — the policy's URLs
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def request_body(old: int, proof: Sequence[bytes], note: str) -> bytes:
    lines = [f"old {old}", *(base64.b64encode(p).decode() for p in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()


@dataclass
class Witnessing:
    policy: Policy
    keys_dir: Path
    #: each witness's latest cosigned size, as it last told us (0 until it says otherwise)
    known: dict[str, int] = field(default_factory=dict)
    #: when the newest checkpoint not yet witnessed by a quorum was first seen (``time.time()``)
    pending_since: float | None = None
    last_error: str | None = None

    @classmethod
    def beside(cls, keys_dir: Path) -> Witnessing | None:
        """The witnessing the keys directory's ``tlog-policy`` asks for, if it holds one."""
        path = keys_dir / POLICY_FILE
        if not path.exists():
            return None
        return cls(parse_policy(path.read_text(encoding="utf-8")), keys_dir)

    @property
    def path(self) -> Path:
        return self.keys_dir / WITNESSED_FILE

    def published(self) -> str | None:
        """The newest checkpoint cosigned by a quorum."""
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def published_size(self) -> int:
        note = self.published()
        return Checkpoint.from_text(SignedNote.parse(note).text).size if note else 0

    def lag(self, now: float | None = None) -> float:
        """Seconds since the newest checkpoint began to wait for a quorum (0 when none waits)."""
        return 0.0 if self.pending_since is None else max(0.0, (now or time.time()) - self.pending_since)

    def submit(self, witness: Witness, note: str, proof: Proof) -> str:
        """Submit ``note`` to one witness; its cosignature lines. A 409 is followed once."""
        if witness.url is None:
            raise SubmissionError(f"the policy gives witness {witness.name} no URL")
        checkpoint = Checkpoint.from_text(SignedNote.parse(note).text)
        url = witness.url.rstrip("/") + "/add-checkpoint"
        for _ in range(2):
            old = self.known.get(witness.name, 0)
            if old > checkpoint.size:
                raise SubmissionError(f"witness {witness.name} has cosigned size {old}, past this checkpoint's "
                                      f"{checkpoint.size}")
            status, body = post(url, request_body(old, proof(old, checkpoint.size) if old else [], note))
            if status == 200:
                self.known[witness.name] = checkpoint.size
                return body
            if status == 409 and body.strip().isdigit():
                self.known[witness.name] = int(body.strip())
                continue
            raise SubmissionError(f"witness {witness.name} answered {status}: {body.strip()[:200]}")
        raise SubmissionError(f"witness {witness.name} kept answering 409")

    def round(self, latest: tuple[int, str] | None, proof: Proof) -> bool:
        """Offer the ledger's latest checkpoint to every witness; publish it on a quorum.
        Returns whether the published checkpoint is now the latest."""
        if latest is None:
            return True
        size, note = latest
        if self.published_size() >= size:
            self.pending_since = None
            return True
        if self.pending_since is None:
            self.pending_since = time.time()
        cosigned = note
        errors = []
        for witness in self.policy.witnesses.values():
            try:
                cosigned = with_cosignatures(cosigned, self.submit(witness, note, proof))
            except (SubmissionError, NoteError, OSError) as error:
                errors.append(str(error))
        try:
            names = self.policy.cosigners(cosigned)
        except NoteError as error:  # a witness sent a line under its key that does not verify
            errors.append(str(error))
            names = []
        self.last_error = "; ".join(errors) or None
        if errors:
            log.warning("witnessing: %s", self.last_error, extra={"fields": {"event": "witness-error"}})
        if not self.policy.satisfied(names):
            return False
        self._publish(cosigned)
        self.pending_since = None
        return True

    def _publish(self, note: str) -> None:
        temporary = self.path.with_name(f".{WITNESSED_FILE}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(note)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
