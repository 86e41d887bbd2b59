"""The ledger's side of witnessing (docs/operations.md, "Witnesses"): each new checkpoint goes
to the witnesses of the policy file ``tlog-policy`` in the keys directory, with a consistency
proof from each witness's latest (C2SP add-checkpoint; a 409 tells that size, and the
submission is made again from it). The cosignatures that verify are added to the checkpoint;
once they make the policy's quorum, the note is kept in ``witnessed.note`` beside the key and is
the one the service publishes. Writes never wait: this runs in the background, and while no
quorum answers the newest witnessed checkpoint stays published and :func:`witness_lag` says
for how long.
"""

from __future__ import annotations

import base64
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.evidence.checkpoint import Checkpoint, NoteError, SignedNote
from domain.evidence.cosignature import cosigner_key_id, verify_cosignature, with_cosignatures
from domain.evidence.times import parse_time
from domain.evidence.tlog_policy import Policy, PolicyError, Witness, parse_policy
from projections.signed import WITNESSED_FILE
from projections.whole_file import locked, replace_whole

POLICY_FILE = "tlog-policy"
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
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
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
    last_error: str | None = None

    @classmethod
    def beside(cls, keys_dir: Path, origin: str | None = None) -> Witnessing | None:
        """The witnessing the keys directory's ``tlog-policy`` asks for, if it holds one. A policy
        that lists logs must list this ledger's (``origin``) among them."""
        path = keys_dir / POLICY_FILE
        if not path.exists():
            return None
        policy = parse_policy(path.read_text(encoding="utf-8"))
        if origin is not None and policy.logs and all(name != origin for name, _, _ in policy.logs):
            raise PolicyError(f"the policy's log lines do not name this ledger ({origin}): add "
                              "`log <decision-ledger checkpoint --vkey>` / 策略文件未列出本账本的日志公钥")
        return cls(policy, keys_dir)

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
            return True
        cosigned = note
        errors = []
        for witness in self.policy.witnesses.values():
            try:
                cosigned = with_cosignatures(cosigned, own_lines(witness, note, self.submit(witness, note, proof)))
            except (SubmissionError, NoteError) as error:
                errors.append(str(error))
            except OSError as error:  # refused, timed out, unreachable
                errors.append(f"witness {witness.name} does not answer: {error}")
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
        return True

    def _publish(self, note: str) -> None:
        """Publish ``note`` unless a newer one was published meanwhile (by ``witness`` from the
        command line, or another server on this keys directory)."""
        with locked(self.keys_dir):
            if self.published_size() < Checkpoint.from_text(SignedNote.parse(note).text).size:
                replace_whole(self.path, note)


def witnessed_note(keys_dir: Path) -> str | None:
    """The checkpoint published under the keys directory's policy (``witnessed.note``), if it has a
    ``tlog-policy`` and a quorum has cosigned one: what bundles carry (docs/spec.md §20.5)."""
    if not (keys_dir / POLICY_FILE).exists():
        return None
    try:
        return (keys_dir / WITNESSED_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def own_lines(witness: Witness, note: str, answer: str) -> str:
    """The lines of a witness's answer that are its own cosignature of ``note``, verified: a
    witness speaks for itself alone, so a line it sends under another witness's name (garbage or
    a replay) is dropped and cannot spoil that witness's cosignature or the quorum. Raises
    :class:`NoteError` if its own line does not verify, :class:`SubmissionError` if it has none."""
    wanted = cosigner_key_id(witness.key_name, witness.public_key)
    parsed = SignedNote.parse(note + answer)
    own = [s for s in parsed.signatures if (s.name, s.key_id) == (witness.key_name, wanted)]
    if not own:
        raise SubmissionError(f"witness {witness.name} answered no cosignature under its key / 见证方未返回其联署")
    lines = "".join(s.line() for s in dict.fromkeys(own))
    verify_cosignature(SignedNote.parse(note + lines), witness.key_name, witness.public_key)
    return lines


def waiting_since(reader: Any, witnessed_size: int) -> datetime | None:
    """When the ledger signed its oldest checkpoint beyond the witnessed one (``None`` when the
    witnessed checkpoint is the latest): from the store, so every worker says the same."""
    with reader.views.reading() as c:
        row = c.execute("SELECT MIN(signed_at) AS t FROM {dl_log_checkpoints} WHERE tree_size > ?",
                        (witnessed_size,)).fetchone()
    return parse_time(row["t"]) if row and row["t"] else None


def witness_lag(witnessing: Witnessing, reader: Any, now: datetime) -> dict[str, Any]:
    """What /readyz and the metrics say: the published (witnessed) size, the latest signed size,
    and the seconds since a newer checkpoint began waiting for a quorum."""
    size = witnessing.published_size()
    latest = reader.latest_checkpoint()
    since = waiting_since(reader, size)
    return {"witnessed_size": size, "checkpoint_size": latest[0] if latest else 0,
            "witness_lag_seconds": round((now - since).total_seconds(), 3) if since else 0.0,
            "witness_error": witnessing.last_error}
