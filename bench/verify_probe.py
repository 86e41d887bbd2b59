"""Run ``decision-ledger verify --json`` on a store in this fresh interpreter, and print one
JSON line: how many events it checked, its wall and CPU time, and the peak memory of this
process and of any it started. ``python -m bench.verify_probe URL LEDGER_KEYID``."""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
import time
from typing import Any

from api.cli import main as cli


def probe(url: str, ledger_keyid: str) -> dict[str, object]:
    out = io.StringIO()
    before = _cpu()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        try:
            cli.main(["verify", "--db", url, "--ledger-key", ledger_keyid, "--json", "--no-progress"],
                     standalone_mode=False)
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    seconds = time.perf_counter() - started
    _stop_forkserver()
    report = json.loads(out.getvalue())
    return {
        "events": report["events"],
        "ok": code == 0 and report["ok"],
        "breaks": len(report["breaks"]),
        "seconds": seconds,
        "cpu_seconds": _cpu() - before,
        "peak_rss_mb": _own_peak_mb(),
        "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _stop_forkserver() -> None:
    """Where verify started its processes from a fork server (it does when another thread runs,
    as psycopg's pool's do on PostgreSQL), they are the server's children, not this process's:
    their CPU time and memory count in this process's children's only once the server, having
    waited for them, is itself waited for. So stop it before reading them."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver  # type: ignore[attr-defined]
    if getattr(server, "_forkserver_pid", None) is not None:
        server._stop()


def _own_peak_mb() -> float:
    """This process's peak resident memory since it started this program. Not ``ru_maxrss``: on
    Linux that keeps the high-water mark of the process image before ``exec`` — the forked copy
    of whoever started the probe (the bench, holding a grown ledger) — so it reported the
    bench's memory as verify's. ``VmHWM`` belongs to the image running now."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m bench.verify_probe URL LEDGER_KEYID")
    print(json.dumps(probe(sys.argv[1], sys.argv[2])))
