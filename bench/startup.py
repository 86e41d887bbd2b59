"""Start-up of the command line: ``decision-ledger --help`` and ``decision-ledger verify --bundle``
on a small bundle (the test vectors' case bundle, 28 events), each run as a real process.

Each command runs once unclocked (the files it reads are then in the page cache), then ``runs``
times with the clock around the whole process — the installed console script beside this
interpreter, from ``exec`` to exit — and the median and the slowest run are kept. No run
may fail. Beside the times, a probe in a fresh interpreter lists which of the web and database
stacks each command imported: none, so neither waits on them (the figure that explains the
times, and that the smoke test checks, as it checks no time).

``python -m bench.startup [--runs N] [--json]`` measures this alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = Path("tests/vectors/v1/case-bundle.json")  # relative to ROOT, where the commands run
#: the commands measured, by the name their figures carry (startup_<name>_ms)
COMMANDS: dict[str, list[str]] = {
    "help": ["--help"],
    "verify_bundle": ["verify", "--bundle", str(BUNDLE)],
}
#: the packages that a command with no server and no store has no use for
STACKS = ("eventsourcing", "fastapi", "httpx", "jinja2", "psycopg", "pydantic", "starlette", "uvicorn")
RUN_TIMEOUT = 60.0

#: run in a fresh interpreter: the command, in-process, then the stacks it imported (stdout: JSON)
_PROBE = """
import contextlib, io, json, sys
from api.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main.main(sys.argv[2:], prog_name="decision-ledger")
    except SystemExit as exit_:
        code = exit_.code or 0
stacks = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1].split(",")))
print(json.dumps({"code": code, "stacks": stacks}))
"""


@dataclass(frozen=True)
class Startup:
    median_ms: float
    max_ms: float
    runs: int
    stacks: list[str]  # of STACKS, those the command imported


def console_script() -> list[str]:
    """The installed ``decision-ledger``: the script beside this interpreter, else on PATH."""
    script = Path(sys.executable).parent / "decision-ledger"
    if script.exists():
        return [str(script)]
    found = shutil.which("decision-ledger")
    if found is None:
        raise RuntimeError("decision-ledger is not installed (pip install -e .)")
    return [found]


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}


def _run(command: list[str]) -> float:
    """One run of ``command``, its wall time in ms; a failed run is an error."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=_environment(), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed


def stacks_imported(args: list[str]) -> list[str]:
    """Which of :data:`STACKS` the command imports, run in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _PROBE, ",".join(STACKS), *args], cwd=ROOT,
                          env=_environment(), capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the import probe of {' '.join(args)} failed: {done.stderr[-2000:]}")
    found = json.loads(done.stdout)
    if found["code"] != 0:
        raise RuntimeError(f"decision-ledger {' '.join(args)} exited {found['code']} in the import probe")
    return list(found["stacks"])


def measure(args: list[str], runs: int) -> Startup:
    command = [*console_script(), *args]
    _run(command)  # unclocked: the interpreter, the packages and the bundle are read into the page cache
    times = [_run(command) for _ in range(runs)]
    return Startup(statistics.median(times), max(times), runs, stacks_imported(args))


def measure_startup(runs: int) -> dict[str, Any]:
    """Every command's figures, under the keys ``python -m bench`` reports."""
    figures: dict[str, Any] = {"startup_runs": runs}
    for name, args in COMMANDS.items():
        measured = measure(args, runs)
        figures.update({
            f"startup_{name}_ms": measured.median_ms,
            f"startup_{name}_max_ms": measured.max_ms,
            f"startup_{name}_stacks": measured.stacks,
        })
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, metavar="N", help="clocked runs of each command (default 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    figures = measure_startup(args.runs)
    if args.json:
        print(json.dumps(figures, sort_keys=True))
        return 0
    for name, command in COMMANDS.items():
        stacks = ", ".join(figures[f"startup_{name}_stacks"]) or "none"
        print(f"decision-ledger {' '.join(command):52} median {figures[f'startup_{name}_ms']:6.0f} ms  "
              f"max {figures[f'startup_{name}_max_ms']:6.0f} ms  ({args.runs} runs; stacks imported: {stacks})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
