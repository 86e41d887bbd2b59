"""Whether the store can take writes (issue 16, point 7; attack L2: on a full disk the service
answered 500 and left requests unanswered while ``/readyz`` said ready; on a read-only SQLite
file it started, said ready, and answered every write 500).

A write that fails because the store cannot write — the disk or the database is full, the file
or the database is read-only, an I/O error — is a *storage fault*: the request is answered 503
with a problem body in Chinese and English, nothing of it is stored (the transaction rolls
back), and ``/readyz`` answers 503 until the store can write again. Readiness asks:

* a write probe: a write transaction on the service's own tables commits (a read-only file, a
  read-only PostgreSQL transaction, missing rights fail here);
* on SQLite, at least :data:`MIN_FREE_BYTES` free on the database's file system;
* no storage fault in the last :data:`FAULT_HOLD` seconds (PostgreSQL reports a full disk only
  when a write fails).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from eventsourcing.persistence import PersistenceError

from api.store.service_state import ServiceState, micros

#: free bytes below which a SQLite store is not ready (a batch of writes, its WAL and the
#: checkpoint of the WAL into the file need room)
MIN_FREE_BYTES = 1024 * 1024
#: seconds a storage fault keeps the service not ready
FAULT_HOLD = 10.0
#: PostgreSQL SQLSTATEs of a store that cannot write: disk full, out of memory, too many
#: connections, I/O error, read-only transaction
_PG_STATES = {"53100": "full", "53200": "full", "58030": "io", "25006": "read-only"}
_ERRNOS = {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EROFS: "read-only", errno.EIO: "io"}
_MESSAGES = (("disk is full", "full"), ("database or disk is full", "full"), ("no space left", "full"),
             ("readonly database", "read-only"), ("read-only", "read-only"), ("disk i/o error", "io"))
#: the exception classes a store, its driver or the file system raise
STORE_ERRORS: tuple[type[Exception], ...] = (PersistenceError, sqlite3.Error, psycopg.Error, OSError)
#: what each fault means, in Chinese and English
EXPLAINED = {
    "full": ("存储空间已满，无法保存写入；请释放磁盘空间后重试",
             "the store is full (no space left): no write can be stored; free disk space, then retry"),
    "read-only": ("存储为只读，无法保存写入；请检查数据库文件及其目录的写权限",
                  ("the store is read-only: no write can be stored; make the database (and its directory) "
                  "writable by the service, then retry")),
    "io": ("存储读写出错，无法保存写入；请检查磁盘", ("the store failed an I/O operation: no write can be stored; "
           "check the disk, then retry")),
}


def storage_fault(error: BaseException) -> str | None:
    """``full``, ``read-only`` or ``io`` if ``error`` (or what caused it) says the store cannot
    write; None for any other failure."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and state in _PG_STATES:
            return _PG_STATES[state]
        if isinstance(current, OSError) and current.errno in _ERRNOS:
            return _ERRNOS[current.errno]
        text = str(current).lower()
        for needle, kind in _MESSAGES:
            if needle in text:
                return kind
        current = current.__cause__ or current.__context__
    return None


def explain(kind: str) -> str:
    zh, en = EXPLAINED.get(kind, EXPLAINED["io"])
    return f"{en} — {zh}"


@dataclass
class StorageHealth:
    """The store's ability to write, as the service last saw it."""

    state: ServiceState
    sqlite_path: Path | None = None
    _fault: tuple[str, float] | None = field(default=None, repr=False)

    def note(self, kind: str) -> None:
        """A write failed for ``kind``: not ready for :data:`FAULT_HOLD` seconds."""
        self._fault = (kind, time.monotonic())

    def problem(self) -> str | None:
        """Why the store cannot take writes now, or None if it can."""
        if self._fault is not None and time.monotonic() - self._fault[1] < FAULT_HOLD:
            return explain(self._fault[0])
        if self.sqlite_path is not None:
            try:
                stats = os.statvfs(self.sqlite_path.parent)
            except OSError as error:
                return explain(storage_fault(error) or "io")
            if stats.f_bavail * stats.f_frsize < MIN_FREE_BYTES:
                return explain("full")
        try:
            with self.state.writing() as cursor:  # a write that changes nothing, committed
                cursor.execute("DELETE FROM {dl_spent_tokens} WHERE expires_at < ?", (micros() - 86_400_000_000,))
        except Exception as error:  # noqa: BLE001 — any failure to write means not ready
            kind = storage_fault(error)
            return explain(kind) if kind else (f"the store refuses a write ({type(error).__name__}: {error}) — "
                                               "存储拒绝写入")
        self._fault = None
        return None
