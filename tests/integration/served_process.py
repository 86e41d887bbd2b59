"""`decision-ledger serve` and `project --follow` in subprocesses, for tests that drive the real
service over HTTP (and kill it): started on any free port, waited for until it answers, always
stopped afterwards; their logs, searched for errors."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

from tests.integration.conftest import _command

Server = subprocess.Popen[str]
#: the application_name of a projection worker's database connections, to find its transactions
WORKER = "dl-projection-worker"


@contextmanager
def serving(tmp_path: Path, *args: str, log_name: str = "serve.log") -> Iterator[tuple[str, Server]]:
    """Start `serve --port 0`, wait until it answers, and stop it with SIGINT afterwards (a test
    may have killed it already). Its stderr goes to ``tmp_path / log_name``."""
    with serving_together(tmp_path, [list(args)], log_names=[log_name]) as (served,):
        yield served


@contextmanager
def serving_together(tmp_path: Path, args: list[list[str]], log_names: list[str] | None = None,
                     ) -> Iterator[list[tuple[str, Server]]]:
    """Start one server per argument list at the same moment (on one store, they open it side by
    side), wait until each answers, and stop them all afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}
    names = log_names or [f"serve-{n}.log" for n in range(len(args))]
    logs: list[IO[str]] = []
    processes: list[Server] = []
    try:
        for name, arguments in zip(names, args, strict=True):
            logs.append((tmp_path / name).open("a"))
            processes.append(subprocess.Popen([*_command(), "serve", "--port", "0", *arguments], cwd=tmp_path,
                                              env=env, text=True, stdout=subprocess.PIPE, stderr=logs[-1]))
        deadline = time.monotonic() + 120
        yield [(_address(process, tmp_path / name, deadline), process) for name, process in zip(names, processes,
                                                                                                  strict=True)]
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()


def _address(process: Server, log: Path, deadline: float) -> str:
    """The address the server prints, once it answers /healthz."""
    assert process.stdout is not None
    lines = []
    address = None
    while address is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"web pages\s+(http://\S+)/$", line.rstrip("\n"))
        address = found.group(1) if found else None
    assert address, "".join(lines) + log.read_text()
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{address}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return address


@contextmanager
def following(tmp_path: Path, db: str, keys: Path, log_name: str = "worker.log",
              ) -> Iterator[subprocess.Popen[bytes]]:
    """A projection worker, `project --follow`, its output appended to ``tmp_path / log_name``
    and its connections named :data:`WORKER`; killed afterwards if the test has not stopped it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}
    env["PGAPPNAME"] = WORKER
    with (tmp_path / log_name).open("ab") as log:
        worker = subprocess.Popen([*_command(), "project", "--follow", "--db", db, "--keys", str(keys),
                                   "--interval", "0.2"], cwd=tmp_path, env=env, stdout=log, stderr=log)
        try:
            yield worker
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def logged_errors(log: Path) -> list[str]:
    """Lines of a server's or worker's log that tell of a failure: a traceback, an error entry,
    a request answered 5xx."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        if not isinstance(entry, dict):
            if "Traceback" in line or "Error" in line:
                found.append(line)
        elif entry.get("level") in ("error", "critical") or int(entry.get("status") or 0) >= 500:
            found.append(line)
    return found
