"""A witness's own store, a directory (docs/operations.md, "Running a witness"):

- ``witness.json`` — the witness's key name and the logs it follows (their verifier keys);
- ``logs/<sha256(origin) hex>/checkpoint`` — the latest checkpoint it cosigned for each log,
  with the log's signature and its own cosignature (what the monitoring endpoint serves);
- ``logs/<…>/cosigned.log`` — every cosigned checkpoint, appended;
- ``refused/<time>-<n>.json`` — each refused attempt that is evidence of the log's misbehaviour
  (the request as sent: old size, proof and signed checkpoint; the status and the reason).

Checking a request's old size against the latest and persisting the new checkpoint happen under
one lock (a thread lock and ``flock`` on ``.lock``), so two requests cannot roll the record back
(c2sp.org/tlog-witness). Files are replaced by rename, never rewritten in place.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.evidence.checkpoint import Checkpoint, SignedNote, parse_verifier_key
from domain.evidence.cosignature import cosign, cosigner_vkey
from domain.evidence.signing import PublicKey, SigningKey
from domain.evidence.witness_protocol import (
    SIZE_CONTENT_TYPE,
    AddCheckpoint,
    WitnessRefusal,
    judge,
    parse_add_checkpoint,
)

CONFIG = "witness.json"
NOTE_TYPE = "text/plain; charset=utf-8"


class WitnessStoreError(ValueError):
    """The witness's store cannot be opened or made; the message says what to fix."""


def origin_hash(origin: str) -> str:
    return hashlib.sha256(origin.encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: str


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class WitnessStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            config = json.loads((directory / CONFIG).read_text(encoding="utf-8"))
            self.name: str = config["name"]
            self.logs: dict[str, list[tuple[str, PublicKey]]] = {}
            for vkey in config["logs"]:
                name, key = parse_verifier_key(vkey)
                self.logs.setdefault(name, []).append((name, key))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise WitnessStoreError(f"{directory} is not a witness store ({error}); make one with "
                                    "`decision-ledger witness init` / 不是见证方存储，请先运行 witness init") from None
        self._lock = threading.Lock()

    @classmethod
    def create(cls, directory: Path, name: str, log_vkeys: list[str]) -> WitnessStore:
        for vkey in log_vkeys:
            parse_verifier_key(vkey)
        if (directory / CONFIG).exists():
            raise WitnessStoreError(f"{directory} already holds a witness store / 该目录已是见证方存储")
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _replace(directory / CONFIG, json.dumps({"name": name, "logs": log_vkeys}, ensure_ascii=False, indent=1) + "\n")
        return cls(directory)

    def vkey(self, key: SigningKey) -> str:
        return cosigner_vkey(self.name, key.public_key)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock, open(self.directory / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _path(self, origin: str) -> Path:
        return self.directory / "logs" / origin_hash(origin) / "checkpoint"

    def latest_note(self, origin_digest: str) -> str | None:
        """The latest cosigned checkpoint of the log whose origin hashes to ``origin_digest``."""
        if len(origin_digest) != 64 or any(c not in "0123456789abcdef" for c in origin_digest):
            return None
        path = self.directory / "logs" / origin_digest / "checkpoint"
        return path.read_text(encoding="utf-8") if path.exists() else None

    def latest(self, origin: str) -> Checkpoint | None:
        note = self.latest_note(origin_hash(origin))
        return Checkpoint.from_text(SignedNote.parse(note).text) if note is not None else None

    def refused(self) -> list[dict[str, Any]]:
        """Every kept refused attempt, oldest first."""
        folder = self.directory / "refused"
        if not folder.exists():
            return []
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]

    def add_checkpoint(self, body: bytes, key: SigningKey, now: int | None = None) -> Answer:
        """C2SP add-checkpoint: judge, persist and cosign — or refuse, keeping the evidence."""
        try:
            request = parse_add_checkpoint(body)
        except WitnessRefusal as refusal:
            return Answer(refusal.status, NOTE_TYPE, refusal.body)
        with self._locked():
            try:
                origin = request.note.split("\n", 1)[0]
                checkpoint = judge(request, self.logs, self.latest(origin))
            except WitnessRefusal as refusal:
                if refusal.evidence:
                    self._keep(request, refusal)
                content_type = SIZE_CONTENT_TYPE if refusal.status == 409 else NOTE_TYPE
                return Answer(refusal.status, content_type, refusal.body)
            signed = SignedNote.parse(request.note)
            line = cosign(signed.text, key, self.name, now or int(time.time())).line()
            kept = SignedNote(signed.text, tuple(s for s in signed.signatures if s.name != self.name)).render()
            _replace(self._path(checkpoint.origin), kept + line)
            with open(self._path(checkpoint.origin).with_name("cosigned.log"), "a", encoding="utf-8") as history:
                history.write(kept + line + "\n")
        return Answer(200, NOTE_TYPE, line)

    def _keep(self, request: AddCheckpoint, refusal: WitnessRefusal) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        folder = self.directory / "refused"
        folder.mkdir(mode=0o700, exist_ok=True)
        count = len(list(folder.glob("*.json")))
        record = {"received_at": stamp, "status": refusal.status, "reason": refusal.message,
                  "request": request.render()}
        _replace(folder / f"{stamp}-{count:06d}.json", json.dumps(record, ensure_ascii=False, indent=1) + "\n")
