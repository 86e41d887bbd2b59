"""Operations (issue 16, point 7): files 0600 and directories 0700 (L5); `serve` refuses a
ledger key that is not the ledger's (L6); workers exit when their supervisor dies (L3)."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from api.keyfiles import write_key
from api.settings import Database
from api.store.opening import open_ledger
from domain.evidence.signing import SigningKey
from tests.integration.conftest import Store, invoke, new_store, run_cli
from tests.integration.served_process import serving


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_its_wal_and_shm_and_the_keys_are_private(tmp_path: Path) -> None:
    """L5: init in a fresh process (umask 022, as a shell has): the database, its WAL and SHM,
    the keys directory and every key file are the service user's alone."""
    db_path = tmp_path / "data" / "ledger.db"
    keys = tmp_path / "keys"
    os.umask(0o022)
    made = run_cli("init", "--db", f"sqlite:///{db_path}", "--keys", str(keys), "--json", cwd=tmp_path)
    assert made.code == 0, made.err
    demo = run_cli("demo", "--db", f"sqlite:///{db_path}", "--keys", str(keys), cwd=tmp_path)
    assert demo.code == 0, demo.err
    ledger = open_ledger(Database.parse(f"sqlite:///{db_path}"))  # opened here, under umask 022
    try:
        ledger.recorder.max_notification_id()
        wal, shm = db_path.with_name("ledger.db-wal"), db_path.with_name("ledger.db-shm")
        assert wal.exists() and shm.exists()
        assert {p.name: mode(p) for p in (db_path, wal, shm)} == {
            "ledger.db": 0o600, "ledger.db-wal": 0o600, "ledger.db-shm": 0o600}
    finally:
        ledger.close()
    directories = [keys, *(p for p in keys.rglob("*") if p.is_dir())]
    files = [p for p in keys.rglob("*") if p.is_file()]
    assert any(p.name == "secrets" for p in directories) and any(p.suffix == ".key" for p in files)
    assert {str(p): oct(mode(p)) for p in directories if mode(p) != 0o700} == {}
    assert {str(p): oct(mode(p)) for p in files if mode(p) != 0o600} == {}


def test_serve_refuses_a_ledger_key_that_is_not_the_ledgers(tmp_path: Path) -> None:
    """L6: a ledger.pem from elsewhere is refused at start, with a clear message, exit 2."""
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    keys = tmp_path / "keys"
    assert invoke("init", "--db", db, "--keys", str(keys), "--json").code == 0
    (keys / "ledger.pem").unlink()
    write_key(keys / "ledger.pem", SigningKey.generate())
    refused = run_cli("serve", "--db", db, "--keys", str(keys), "--port", "0", cwd=tmp_path)
    assert refused.code == 2
    assert "is not this ledger's key" in refused.err and "不是本账本的密钥" in refused.err
    assert "--keys" in refused.err


@pytest.fixture
def pg_store(tmp_path: Path) -> Store:
    return new_store("postgres", tmp_path)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # a zombie (exited, not yet reaped by its new parent) is gone too
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"


@pytest.mark.postgres
@pytest.mark.slow
def test_workers_exit_when_their_supervisor_is_killed(pg_store: Store, tmp_path: Path) -> None:
    """L3: kill -9 the supervisor of `serve --workers 2`: the workers exit, the port frees, and
    a new `serve` on the same port starts."""
    keys = tmp_path / "keys"
    assert invoke("init", "--db", pg_store.url, "--keys", str(keys), "--json").code == 0
    with serving(tmp_path, "--db", pg_store.url, "--keys", str(keys), "--workers", "2") as (address, server):
        found = subprocess.run(["pgrep", "-P", str(server.pid)], check=False, capture_output=True, text=True)
        workers = [int(p) for p in found.stdout.split()]
        assert len(workers) == 2
        assert httpx.get(f"{address}/healthz", timeout=10).status_code == 200
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        deadline = time.monotonic() + 30
        while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(_gone(pid) for pid in workers), "the workers outlived their supervisor"
        port = int(address.rsplit(":", 1)[1])
        with socket.socket() as probe:  # the port is free again
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
    with serving(tmp_path, "--db", pg_store.url, "--keys", str(keys), "--port", str(port),
                 log_name="again.log") as (again, _):
        assert again.endswith(f":{port}")
        assert httpx.get(f"{again}/healthz", timeout=10).status_code == 200
