"""A witness's own store (docs/operations.md, "Witnesses"): a directory, or a SQLite database
(``sqlite:///FILE``, or a path ending ``.db`` / ``.sqlite``). Either keeps:

- the witness's key name, the logs it follows (their verifier keys) and its own verifier key;
- per log, the latest checkpoint it cosigned, with the log's signature and its cosignature (what
  the monitoring endpoint serves), and every checkpoint it cosigned, appended;
- each refused attempt that is evidence of the log's misbehaviour: the request as sent (old size,
  proof and signed checkpoint), the status and the reason.

A directory holds ``witness.json``, ``witness.vkey``, ``logs/<sha256(origin) hex>/checkpoint``
(replaced by rename) and ``cosigned.log``, and ``refused/<time>-<n>.json``. A database holds the
tables ``witness_config``, ``witness_latest``, ``witness_cosigned`` and ``witness_refused``.

Checking a request's old size against the latest and persisting the new checkpoint happen in
one critical section (a thread lock and ``flock`` on ``.lock``; or one ``BEGIN IMMEDIATE``
transaction), so two requests cannot roll the record back (c2sp.org/tlog-witness).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from domain.evidence.checkpoint import Checkpoint, SignedNote, parse_verifier_key
from domain.evidence.cosignature import cosign, cosigner_vkey
from domain.evidence.signing import PublicKey, SigningKey
from domain.evidence.witness_protocol import (
    SIZE_CONTENT_TYPE,
    WitnessRefusal,
    judge,
    parse_add_checkpoint,
)
from projections.whole_file import replace_whole

CONFIG = "witness.json"
VKEY_FILE = "witness.vkey"
NOTE_TYPE = "text/plain; charset=utf-8"
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class WitnessStoreError(ValueError):
    """The witness's store cannot be opened or made; the message says what to fix."""


def origin_hash(origin: str) -> str:
    return hashlib.sha256(origin.encode()).hexdigest()


def _is_digest(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: str


class Record(Protocol):
    """What one add-checkpoint reads and writes, inside the store's critical section."""

    def latest_note(self, digest: str) -> str | None: ...

    def save(self, digest: str, note: str) -> None: ...

    def keep(self, record: dict[str, Any]) -> None: ...


class WitnessStore(ABC):
    """The judgement, the cosignature and the evidence, over either backend."""

    name: str
    logs: dict[str, list[tuple[str, PublicKey]]]

    @staticmethod
    def open(location: str | Path) -> WitnessStore:
        path = _sqlite_path(location)
        return SQLiteWitnessStore(path) if path is not None else DirectoryWitnessStore(Path(location))

    @staticmethod
    def create(location: str | Path, name: str, log_vkeys: list[str], vkey: str) -> WitnessStore:
        for log in log_vkeys:
            parse_verifier_key(log)
        path = _sqlite_path(location)
        if path is not None:
            SQLiteWitnessStore.make(path, name, log_vkeys, vkey)
            return SQLiteWitnessStore(path)
        DirectoryWitnessStore.make(Path(location), name, log_vkeys, vkey)
        return DirectoryWitnessStore(Path(location))

    def _configure(self, name: str, vkeys: list[str]) -> None:
        self.name = name
        self.logs = {}
        for vkey in vkeys:
            log_name, key = parse_verifier_key(vkey)
            self.logs.setdefault(log_name, []).append((log_name, key))

    def vkey(self, key: SigningKey) -> str:
        return cosigner_vkey(self.name, key.public_key)

    @abstractmethod
    def stored_vkey(self) -> str | None:
        """The witness's verifier key as `witness init` kept it."""

    @abstractmethod
    def record(self) -> AbstractContextManager[Record]:
        """One judgement's hold on the store: the latest checkpoints, read and written atomically."""

    def latest_note(self, digest: str) -> str | None:
        """The latest cosigned checkpoint of the log whose origin hashes to ``digest``."""
        if not _is_digest(digest):
            return None
        with self.record() as record:
            return record.latest_note(digest)

    @abstractmethod
    def refused(self) -> list[dict[str, Any]]:
        """The evidence of every refused attempt, oldest first."""

    def add_checkpoint(self, body: bytes, key: SigningKey, now: int | None = None) -> Answer:
        """C2SP add-checkpoint: judge, persist and cosign — or refuse, keeping the evidence."""
        try:
            request = parse_add_checkpoint(body)
        except WitnessRefusal as refusal:
            return Answer(refusal.status, NOTE_TYPE, refusal.body)
        digest = origin_hash(request.note.split("\n", 1)[0])
        with self.record() as record:
            held = record.latest_note(digest)
            latest = Checkpoint.from_text(SignedNote.parse(held).text) if held is not None else None
            try:
                judge(request, self.logs, latest)
            except WitnessRefusal as refusal:
                if refusal.evidence:
                    record.keep({"received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                 "status": refusal.status, "reason": refusal.message, "request": request.render()})
                content_type = SIZE_CONTENT_TYPE if refusal.status == 409 else NOTE_TYPE
                return Answer(refusal.status, content_type, refusal.body)
            signed = SignedNote.parse(request.note)
            line = cosign(signed.text, key, self.name, now or int(time.time())).line()
            kept = SignedNote(signed.text, tuple(s for s in signed.signatures if s.name != self.name)).render()
            record.save(digest, kept + line)
        return Answer(200, NOTE_TYPE, line)


def _sqlite_path(location: str | Path) -> Path | None:
    text = str(location)
    if text.startswith("sqlite:///"):
        return Path(text[len("sqlite:///"):])  # sqlite:///relative, sqlite:////absolute
    return Path(text) if text.endswith(SQLITE_SUFFIXES) else None


class DirectoryWitnessStore(WitnessStore):
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            config = json.loads((directory / CONFIG).read_text(encoding="utf-8"))
            self._configure(config["name"], config["logs"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise WitnessStoreError(f"{directory} is not a witness store ({error}); make one with "
                                    "`decision-ledger witness init` / 不是见证方存储，请先运行 witness init") from None
        self._lock = threading.Lock()

    @staticmethod
    def make(directory: Path, name: str, log_vkeys: list[str], vkey: str) -> None:
        if (directory / CONFIG).exists():
            raise WitnessStoreError(f"{directory} already holds a witness store / 该目录已是见证方存储")
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        replace_whole(directory / CONFIG, json.dumps({"name": name, "logs": log_vkeys}, ensure_ascii=False, indent=1) + "\n")
        replace_whole(directory / VKEY_FILE, vkey + "\n")

    def stored_vkey(self) -> str | None:
        path = self.directory / VKEY_FILE
        return path.read_text(encoding="utf-8").strip() if path.exists() else None

    @contextmanager
    def record(self) -> Iterator[Record]:
        with self._lock, open(self.directory / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield _DirectoryRecord(self.directory)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def refused(self) -> list[dict[str, Any]]:
        folder = self.directory / "refused"
        if not folder.exists():
            return []
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


@dataclass
class _DirectoryRecord:
    directory: Path

    def latest_note(self, digest: str) -> str | None:
        path = self.directory / "logs" / digest / "checkpoint"
        return path.read_text(encoding="utf-8") if path.exists() else None

    def save(self, digest: str, note: str) -> None:
        path = self.directory / "logs" / digest / "checkpoint"
        replace_whole(path, note)
        with open(path.with_name("cosigned.log"), "a", encoding="utf-8") as history:
            history.write(note + "\n")

    def keep(self, record: dict[str, Any]) -> None:
        folder = self.directory / "refused"
        folder.mkdir(mode=0o700, exist_ok=True)
        stamp = record["received_at"].replace("-", "").replace(":", "")
        count = len(list(folder.glob("*.json")))
        replace_whole(folder / f"{stamp}-{count:06d}.json", json.dumps(record, ensure_ascii=False, indent=1) + "\n")


SQLITE_TABLES = (
    "CREATE TABLE IF NOT EXISTS witness_config (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS witness_latest (origin_hash TEXT PRIMARY KEY, note TEXT NOT NULL)",
    ("CREATE TABLE IF NOT EXISTS witness_cosigned (id INTEGER PRIMARY KEY, origin_hash TEXT NOT NULL, "
     "note TEXT NOT NULL, at TEXT NOT NULL)"),
    "CREATE TABLE IF NOT EXISTS witness_refused (id INTEGER PRIMARY KEY, record TEXT NOT NULL)",
)


class SQLiteWitnessStore(WitnessStore):
    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise WitnessStoreError(f"{path} is not a witness store; make one with `decision-ledger witness init` / "
                                    "不是见证方存储，请先运行 witness init")
        try:
            with closing(self._connect()) as db:
                config = dict(db.execute("SELECT k, v FROM witness_config").fetchall())
            self._configure(config["name"], json.loads(config["logs"]))
        except (sqlite3.Error, ValueError, KeyError) as error:
            raise WitnessStoreError(f"{path} is not a witness store ({error})") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    @staticmethod
    def make(path: Path, name: str, log_vkeys: list[str], vkey: str) -> None:
        if path.exists():
            raise WitnessStoreError(f"{path} exists already / 该文件已存在")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, isolation_level=None)) as db:
            for statement in SQLITE_TABLES:
                db.execute(statement)
            db.executemany("INSERT INTO witness_config VALUES (?, ?)",
                           [("name", name), ("logs", json.dumps(log_vkeys)), ("vkey", vkey)])
        os.chmod(path, 0o600)

    def stored_vkey(self) -> str | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT v FROM witness_config WHERE k = 'vkey'").fetchone()
        return str(row[0]) if row else None

    @contextmanager
    def record(self) -> Iterator[Record]:
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteRecord(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def refused(self) -> list[dict[str, Any]]:
        with closing(self._connect()) as db:
            return [json.loads(r[0]) for r in db.execute("SELECT record FROM witness_refused ORDER BY id")]


@dataclass
class _SQLiteRecord:
    db: sqlite3.Connection

    def latest_note(self, digest: str) -> str | None:
        row = self.db.execute("SELECT note FROM witness_latest WHERE origin_hash = ?", (digest,)).fetchone()
        return str(row[0]) if row else None

    def save(self, digest: str, note: str) -> None:
        self.db.execute("INSERT INTO witness_latest VALUES (?, ?) ON CONFLICT (origin_hash) DO UPDATE SET note = "
                        "excluded.note", (digest, note))
        self.db.execute("INSERT INTO witness_cosigned (origin_hash, note, at) VALUES (?, ?, ?)",
                        (digest, note, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))

    def keep(self, record: dict[str, Any]) -> None:
        self.db.execute("INSERT INTO witness_refused (record) VALUES (?)", (json.dumps(record, ensure_ascii=False),))
