"""A store that cannot write (issue 16, point 7; attack L2), driven over HTTP against a real
`serve`: on a real full file system (a small tmpfs) and on a read-only SQLite file, writes are
answered 503 with a problem body in Chinese and English, ``/readyz`` answers not ready, every
request gets an answer, and nothing acknowledged is lost. PostgreSQL's full disk is a database
whose tablespace is on the small tmpfs."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.integration import served_process
from tests.integration.conftest import Store, invoke, require_postgres
from tests.integration.served_process import serving
from tests.integration.stores import PG_ADMIN_URL
from tests.integration.writers import (
    Writer,
    assert_acknowledged_once,
    assert_single_chains,
    assert_verifies,
    enrol,
    running,
    stored_events,
    wait_for,
)

PROBLEM = "application/problem+json"


@contextmanager
def _tmpfs(mount: Path, owner: str | None = None) -> Iterator[Path]:
    """A 24 MiB tmpfs at ``mount``: a real file system that fills up."""
    mount.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", str(mount)],
                          check=False, capture_output=True, text=True)
    if made.returncode != 0:
        reason = f"cannot mount a tmpfs here (root is needed): {made.stderr.strip()}"
        if os.environ.get("CI") == "true":  # skipped outside CI at most, never in it
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        if owner is not None:
            shutil.chown(mount, owner, owner)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        mount.rmdir()


@pytest.fixture(params=["sqlite", "postgres"])
def small_disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    """A store on a small tmpfs: the SQLite file itself, or on PostgreSQL a database whose
    default tablespace lives there (the server's WAL stays on its own disk, so what fills up is
    where the tables grow)."""
    if request.param == "sqlite":
        with _tmpfs(tmp_path / "disk") as disk:
            path = disk / "ledger.db"
            yield Store("sqlite", f"sqlite:///{path}", path=path), disk
        return
    require_postgres()
    name = f"dl_full_{uuid.uuid4().hex[:10]}"
    with _tmpfs(Path(f"/tmp/{name}"), owner="postgres") as disk, \
            psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE TABLESPACE {name} LOCATION '{disk}'")
        admin.execute(f"CREATE DATABASE {name} TABLESPACE {name}")
        try:
            yield Store("postgres", Store.admin_url(name), dbname=name), disk
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"DROP TABLESPACE IF EXISTS {name}")


def _fill(disk: Path) -> Path:
    """Fill the file system to its last byte."""
    filler = disk / "filler"
    chunk = b"\0" * (256 * 1024)
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(chunk)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    with filler.open("ab", buffering=0) as handle:  # the last partial block
        try:
            while True:
                handle.write(b"\0" * 512)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def _logged_statuses(log: Path) -> set[int]:
    """The statuses of every request the server's log records (each request is logged once)."""
    statuses = set()
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("event") == "request":
            statuses.add(int(entry["status"]))
    return statuses


def _unavailable(answer: httpx.Response, what: str, zh: str) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    body = answer.json()
    assert body["type"] == "urn:decision-ledger:problem:unavailable"
    assert what in body["detail"] and zh in body["detail"], body["detail"]


def test_a_full_disk_answers_503_and_loses_nothing(small_disk: tuple[Store, Path], tmp_path: Path,
                                                   cli) -> None:  # type: ignore[no-untyped-def]
    store, disk = small_disk
    db, keys = store.url, (disk if store.kind == "sqlite" else tmp_path) / "keys"
    assert invoke("init", "--db", db, "--keys", str(keys), "--json").code == 0
    cast = enrol(db, keys, people=4, cases=4)
    writers = [Writer(cast.people[n], cast.cases[n]) for n in range(4)]
    answered: list[int] = []

    def write(count: int, until_refused: bool = False) -> None:
        def task(writer: Writer) -> None:
            with httpx.Client(timeout=60) as client:  # a transport error fails the test: no dropped connection
                writer.read_version(client, address)
                for _ in range(count):
                    answer = writer.post(client, address, writer.sign())
                    answered.append(answer.status_code)
                    if until_refused and answer.status_code == 503:
                        return
        with running([lambda w=w: task(w) for w in writers], timeout=240):  # type: ignore[misc]
            pass

    with serving(tmp_path, "--db", db, "--keys", str(keys)) as (address, _):
        write(5)
        assert answered == [201] * 20
        assert httpx.get(f"{address}/readyz", timeout=30).status_code == 200

        filler = _fill(disk)
        write(300, until_refused=True)
        refused = sum(w.refusals["503 unavailable"] for w in writers)
        assert refused >= 1, "a full disk refused no write"
        assert set(answered) <= {201, 503}, f"only stored or 503: {sorted(set(answered))}"
        assert all(set(w.refusals) <= {"503 unavailable"} for w in writers), [w.refusals for w in writers]
        (writer,) = writers[:1]
        with httpx.Client(timeout=60) as client:
            _unavailable(writer.post(client, address, writer.sign()), "full", "已满")
        _unavailable(httpx.get(f"{address}/readyz", timeout=30), "full", "已满")

        filler.unlink()  # the operator frees space: ready again, and writes are stored again
        wait_for(lambda: httpx.get(f"{address}/readyz", timeout=30).status_code == 200, 60, "ready again")
        answered.clear()
        write(3)
        assert answered == [201] * 12
    answered_in_log = _logged_statuses(tmp_path / "serve.log")
    assert 503 in answered_in_log and answered_in_log <= {200, 201, 503}, answered_in_log
    assert "Exception in ASGI application" not in (tmp_path / "serve.log").read_text(), "every fault answered"
    events = stored_events(store)
    assert_single_chains(events)
    assert_acknowledged_once(events, [ack for w in writers for ack in w.acks])
    assert_verifies(cli, store, keys)


def test_a_read_only_store_is_not_ready_and_answers_writes_503(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite file the service may not write (mode 0444; the server runs without the
    capabilities that let root write any file): it serves reads, reports not ready, and answers
    a write 503; nothing is stored."""
    db_path = tmp_path / "ledger.db"
    db, keys = f"sqlite:///{db_path}", tmp_path / "keys"
    assert invoke("init", "--db", db, "--keys", str(keys), "--json").code == 0
    cast = enrol(db, keys, people=1, cases=1)
    assert invoke("project", "--db", db, "--keys", str(keys)).code == 0
    store = Store("sqlite", db, path=db_path)
    before = len(stored_events(store))
    db_path.chmod(0o444)
    command = served_process._command
    monkeypatch.setattr(served_process, "_command", lambda: [
        "setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command()])
    writer = Writer(cast.people[0], cast.cases[0])
    with serving(tmp_path, "--db", db, "--keys", str(keys)) as (address, server):
        assert server.poll() is None, "serve starts on a read-only store"
        _unavailable(httpx.get(f"{address}/readyz", timeout=30), "read-only", "只读")
        with httpx.Client(timeout=60) as client:
            assert writer.read_version(client, address) >= 1, "reads are served"
            _unavailable(writer.post(client, address, writer.sign()), "read-only", "只读")
    db_path.chmod(0o600)
    assert len(stored_events(store)) == before


def test_store_errors_that_mean_the_store_cannot_write_are_named() -> None:
    """PostgreSQL's disk-full and read-only errors, SQLite's and the file system's, through the
    wrappers the library raises them in; any other failure is not a storage fault."""
    import sqlite3

    import psycopg
    from eventsourcing.persistence import OperationalError

    from api.store.health import storage_fault

    def wrapped(error: BaseException) -> BaseException:
        try:
            raise OperationalError(str(error)) from error
        except OperationalError as outer:
            return outer

    assert storage_fault(wrapped(psycopg.errors.DiskFull("could not extend file"))) == "full"
    assert storage_fault(psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT")) == "read-only"
    assert storage_fault(wrapped(sqlite3.OperationalError("database or disk is full"))) == "full"
    assert storage_fault(sqlite3.OperationalError("attempt to write a readonly database")) == "read-only"
    assert storage_fault(OSError(errno.ENOSPC, "No space left on device")) == "full"
    assert storage_fault(ValueError("bad value")) is None
    assert storage_fault(psycopg.errors.UniqueViolation("duplicate key")) is None
