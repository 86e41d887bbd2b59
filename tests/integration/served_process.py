"""`decision-ledger serve` in a subprocess, for tests that drive the real service over HTTP (and
kill it): started on any free port, waited for until it answers, always stopped afterwards."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.integration.conftest import _command


@contextmanager
def serving(tmp_path: Path, *args: str, log_name: str = "serve.log") -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Start `serve --port 0`, wait until it answers, and stop it with SIGINT afterwards (a test
    may have killed it already). Its stderr goes to ``tmp_path / log_name``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}
    log = (tmp_path / log_name).open("a")
    process = subprocess.Popen([*_command(), "serve", "--port", "0", *args], cwd=tmp_path, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=log)
    try:
        assert process.stdout is not None
        lines = []
        address = None
        deadline = time.monotonic() + 120
        while address is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"web pages\s+(http://\S+)/$", line.rstrip("\n"))
            address = found.group(1) if found else None
        assert address, "".join(lines) + (tmp_path / log_name).read_text()
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{address}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield address, process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
