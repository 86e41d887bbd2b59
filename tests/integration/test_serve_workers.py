"""`serve --workers N`: N processes on one port behave as one server — every write stored once
and verified, a web session issued by one worker read by the others — and stop together."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.http.auth import make_token
from api.http.writes import ROUTES
from tests.integration.conftest import Store, invoke, new_store, run_cli
from tests.integration.served_process import logged_errors, serving
from tests.integration.writers import COLLECT, enrol, material


@pytest.fixture
def pg_store(tmp_path: Path) -> Store:
    return new_store("postgres", tmp_path)


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], check=False, capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def request_pids(log: Path) -> set[int]:
    pids = set()
    for line in log.read_text().splitlines():
        try:
            entry: dict[str, Any] = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == "request":
            pids.add(int(entry["pid"]))
    return pids


@pytest.mark.postgres
@pytest.mark.slow
def test_workers_share_one_port_and_stop_together(pg_store: Store, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    assert invoke("init", "--db", pg_store.url, "--keys", str(keys), "--json").code == 0
    cast = enrol(pg_store.url, keys, people=8, cases=8)
    with serving(tmp_path, "--db", pg_store.url, "--keys", str(keys), "--workers", "2") as (address, server):
        workers = children(server.pid)
        assert len(workers) == 2

        acknowledged: list[dict[str, Any]] = []
        failures: list[str] = []

        def write(n: int) -> None:
            signer, case_id = cast.people[n], cast.cases[n]
            path = ROUTES[COLLECT][0].format(case_id=case_id)
            for version in range(1, 13):
                with httpx.Client(timeout=60) as client:  # a connection each: the kernel picks a worker
                    answer = client.post(f"{address}{path}",
                                         json=signer.sign(COLLECT, case_id, version, material(f"{n}-{version}")).to_json())
                if answer.status_code != 201:
                    failures.append(f"{answer.status_code} {answer.text}")
                else:
                    acknowledged.append(answer.json())

        threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert failures == []
        assert len(acknowledged) == 8 * 12
        assert request_pids(tmp_path / "serve.log") == set(workers)  # both workers answered

        # each worker accepts on a socket of its own (SO_REUSEPORT), and only the first keeps a
        # projections thread
        arguments = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in workers}
        assert sorted(b"--reads-only-projections" in argv for argv in arguments.values()) == [False, True]
        listening = {os.readlink(f"/proc/{pid}/fd/{int(argv[argv.index(b'--listen-fd') + 1])}")
                     for pid, argv in arguments.items()}
        assert len(listening) == 2 and all(name.startswith("socket:") for name in listening)

        # whichever worker answers, a read shows every write acknowledged before it
        seen: list[int] = []
        for _ in range(3):
            for n in range(8):
                token = make_token(cast.people[n].key, cast.people[n].principal_id)
                with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
                    rows = client.get(f"{address}/v1/cases").json()["items"]
                seen.extend(row["version"] for row in rows if row["case_id"] == str(cast.cases[n]))
        assert seen == [13] * 24

        # the workers' sockets allow reuse of the port among themselves, not by another server
        port = address.rsplit(":", 1)[1]
        second = run_cli("serve", "--db", pg_store.url, "--keys", str(keys), "--port", port, "--workers", "2",
                         cwd=tmp_path)
        assert second.code == 2, second.err
        assert "the port is taken" in second.err

        # a session cookie one worker issued is good on every worker
        token = make_token(cast.people[0].key, cast.people[0].principal_id)
        with httpx.Client(timeout=30) as client:
            signed_in = client.post(f"{address}/signin", data={"token": token})
        assert signed_in.status_code == 303
        cookies = dict(signed_in.cookies)
        answers: list[int] = []

        def whoami() -> None:
            for _ in range(10):
                with httpx.Client(timeout=30, cookies=cookies) as client:
                    answers.append(client.get(f"{address}/v1/me").status_code)

        readers = [threading.Thread(target=whoami) for _ in range(4)]
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join(timeout=120)
        assert answers == [200] * 40

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        for pid in workers:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    assert logged_errors(tmp_path / "serve.log") == []
    verified = invoke("verify", "--db", pg_store.url, "--json")
    assert verified.code == 0, verified.out
    assert json.loads(verified.out)["events"] >= 8 * 12


def test_workers_need_postgres(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert invoke("init", "--db", db, "--keys", str(keys), "--json").code == 0
    refused = run_cli("serve", "--db", db, "--keys", str(keys), "--port", "0", "--workers", "2", cwd=tmp_path)
    assert refused.code == 2
    assert "--workers needs a PostgreSQL store" in refused.err
