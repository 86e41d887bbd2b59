"""`serve --workers N`: N server processes on one listening socket, and their supervisor.

Each worker is a `serve` of its own (its connections, group committer, working set and
projections thread), as N servers side by side on one PostgreSQL store are; the kernel shares
the connections among them. They share what a client sees as one server: the socket, and the
secret that signs web session cookies (so a cookie one worker issued is read by every other).
The supervisor restarts a worker that dies, and stops them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

log = logging.getLogger("decision_ledger.http")

#: the session secret, hex, handed to the workers in their environment (never on a command line)
SESSION_SECRET_ENV = "DECISION_LEDGER_SESSION_SECRET"
#: a worker that dies sooner than this after starting is not restarted: the supervisor gives up
MIN_LIFETIME = 10.0
#: how long the workers have to stop after SIGTERM before they are killed
STOP_TIMEOUT = 20.0
EXIT_BROKEN = 2


def worker_command(arguments: list[str], fd: int) -> list[str]:
    return [sys.executable, "-c", "from api.cli import main; main()", "serve", *arguments, "--listen-fd", str(fd)]


def supervise(count: int, sock: socket.socket, arguments: list[str]) -> int:
    """Run ``count`` workers on ``sock`` until a signal stops them; the exit status."""
    env = dict(os.environ, **{SESSION_SECRET_ENV: secrets.token_hex(32)})
    command = worker_command(arguments, sock.fileno())
    stopping = False

    def start() -> tuple[subprocess.Popen[bytes], float]:
        return subprocess.Popen(command, pass_fds=(sock.fileno(),), env=env), time.monotonic()

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    workers = [start() for _ in range(count)]
    status = 0
    try:
        while not stopping:
            time.sleep(0.2)
            for n, (process, started) in enumerate(workers):
                code = process.poll()
                if code is None or stopping:
                    continue
                if time.monotonic() - started < MIN_LIFETIME:
                    log.error("a worker exited at once: stopping", extra={"fields": {
                        "event": "worker-failed", "pid": process.pid, "exit": code}})
                    status = EXIT_BROKEN
                    stopping = True
                    break
                log.warning("a worker exited: starting another", extra={"fields": {
                    "event": "worker-restarted", "pid": process.pid, "exit": code}})
                workers[n] = start()
    finally:
        for process, _ in workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process, _ in workers:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
