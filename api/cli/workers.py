"""`serve --workers N`: N server processes on one port, and their supervisor.

Each worker is a `serve` of its own (its connections, group committer and working set), as N
servers side by side on one PostgreSQL store are, each accepting on a socket of its own bound to
the one port (:func:`worker_sockets`). The first worker alone keeps the read models current in
the background and signs checkpoints; the others bring them up to date only when they answer a
read (read-your-writes). They share what a client sees as one server: the port, and the web
sessions, which live in the store's database (:mod:`api.http.sessions`), so a session one worker
began, or ended, is the same in every other. The supervisor restarts a worker that dies, and
stops them all on SIGINT or SIGTERM.

Workers exit when their supervisor dies, even by SIGKILL (issue 16, point 7; attack L3: they
kept serving, and a restart found the port taken): on Linux each worker asks the kernel for
SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``, set between fork and exec), and every
worker also watches its parent's pid once a second (:func:`watch_supervisor`) — the fallback
where there is no prctl, and the cover for a supervisor that died before the worker asked.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from threading import Thread
from types import FrameType
from typing import Any

log = logging.getLogger("decision_ledger.http")

#: a worker that dies sooner than this after starting is not restarted: the supervisor gives up
MIN_LIFETIME = 10.0
#: how long the workers have to stop after SIGTERM before they are killed
STOP_TIMEOUT = 20.0
EXIT_BROKEN = 2
#: the supervisor's pid, handed to its workers: a worker whose parent is no longer it stops
SUPERVISOR_ENV = "DECISION_LEDGER_SUPERVISOR_PID"
#: prctl(2) option: the signal a process gets when its parent dies
PR_SET_PDEATHSIG = 1
#: seconds between a worker's looks at its parent
WATCH_INTERVAL = 1.0


def die_with_parent() -> None:
    """In a worker between fork and exec: SIGTERM when the supervisor dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the watchdog alone
        pass


def watch_supervisor() -> None:
    """In a worker: stop (SIGTERM to itself, then exit) once its supervisor is gone."""
    expected = int(os.environ.get(SUPERVISOR_ENV) or 0)
    if not expected:
        return

    def watch() -> None:
        while os.getppid() == expected:
            time.sleep(WATCH_INTERVAL)
        log.error("the supervisor is gone: stopping", extra={"fields": {"event": "supervisor-gone",
                                                                           "supervisor": expected}})
        os.kill(os.getpid(), signal.SIGTERM)  # a graceful stop first
        time.sleep(STOP_TIMEOUT)
        os._exit(EXIT_BROKEN)

    Thread(target=watch, name="supervisor-watch", daemon=True).start()


def worker_command(arguments: list[str], fd: int, first: bool = True) -> list[str]:
    """The command line of a worker; only the first keeps a projections thread (two would race
    for the same batches, and each would replay from the store every aggregate the other had
    advanced, since neither's cache would hold it)."""
    return [sys.executable, "-c", "from api.cli import main; main()", "serve", *arguments, "--listen-fd", str(fd),
            *([] if first else ["--reads-only-projections"])]


def listening_socket(family: int, kind: int, proto: int, address: Any, reuse_port: bool = False) -> socket.socket:
    """A socket bound to ``address`` and listening, inheritable by a worker; with ``reuse_port``,
    further sockets may bind beside it (SO_REUSEPORT). OSError if it cannot bind (closed then).

    The protocol is kept (IPPROTO_TCP): asyncio sets TCP_NODELAY only on connections whose
    socket says TCP; without it, Nagle's algorithm held each response's last segment until the
    client's delayed ACK, ~40 ms per request."""
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def worker_sockets(first: socket.socket, count: int) -> list[socket.socket]:
    """A listening socket for each worker. Where ``first`` was bound with SO_REUSEPORT, each
    worker gets a socket of its own bound beside it, and the kernel spreads new connections
    evenly over them. One socket shared by every worker would do, but then whichever worker
    wakes first accepts a whole burst of connections: measured with 32 clients connecting at
    once and two workers, one worker took all 32 (0.78 of a core busy) and the other none. The
    supervisor keeps every socket open, so a restarted worker takes over its predecessor's
    socket and the connections waiting in it."""
    reuse_port = getattr(socket, "SO_REUSEPORT", None)
    if reuse_port is None or not first.getsockopt(socket.SOL_SOCKET, reuse_port):
        return [first] * count
    address = first.getsockname()
    return [first, *(listening_socket(first.family, first.type, first.proto, address, reuse_port=True)
                     for _ in range(count - 1))]


def supervise(count: int, sockets: list[socket.socket], arguments: list[str]) -> int:
    """Run ``count`` workers, worker n on ``sockets[n]``, until a signal stops them; the exit
    status."""
    env = dict(os.environ, **{SUPERVISOR_ENV: str(os.getpid())})
    stopping = False

    def start(n: int) -> tuple[subprocess.Popen[bytes], float]:
        fd = sockets[n].fileno()
        command = worker_command(arguments, fd, first=n == 0)
        # the supervisor runs no threads, so a function between fork and exec is safe here
        process = subprocess.Popen(command, pass_fds=(fd,), env=env, preexec_fn=die_with_parent)  # noqa: PLW1509
        return process, time.monotonic()

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    workers = [start(n) for n in range(count)]
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
                workers[n] = start(n)
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
