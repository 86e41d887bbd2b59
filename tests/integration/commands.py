"""`decision-ledger`, run the two ways tests run it.

:func:`invoke` runs a command in this process with click's runner: its own code, exit code,
stdout and stderr, in a working directory and environment of the test's choosing, without a new
interpreter per call (~1 s each). :func:`run_cli` runs the installed console script in a new
process: for the tests whose point is the real process — the entry point itself, `serve`,
signals, crashes, ``serve --workers`` — and nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Mapping
from contextlib import chdir, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pytest

PROGRAM = "decision-ledger"


def _command() -> list[str]:
    script = Path(sys.executable).parent / PROGRAM
    if script.exists():
        return [str(script)]
    found = shutil.which(PROGRAM)
    return [found] if found else [sys.executable, "-m", "api.cli"]


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the installed `decision-ledger` command in `cwd`, in a new process, with no
    DECISION_LEDGER_ settings but those given."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}
    full_env.update(env or {})
    done = subprocess.run(
        [*_command(), *args],
        capture_output=True,
        check=False,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def invoke(*args: str, cwd: Path | None = None, env: Mapping[str, str | None] | None = None) -> Run:
    """A `decision-ledger` command run in this process, as `run_cli` runs it in another: in
    `cwd` (default: the test process's), with no DECISION_LEDGER_ settings but those in `env`
    (set for the command's duration; ``None`` unsets one). A crash — an exception the command does not
    turn into an exit code — fails the test with its traceback."""
    from click.testing import CliRunner

    from api.cli import main

    settings: dict[str, str | None] = {k: None for k in os.environ if k.startswith("DECISION_LEDGER_")}
    settings.update(env or {})
    with chdir(cwd) if cwd is not None else nullcontext():
        result = CliRunner().invoke(main, list(args), env=settings, prog_name=PROGRAM)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail(f"{args[0] if args else PROGRAM} crashed:\n"
                    + "".join(traceback.format_exception(result.exception)))
    return Run(result.exit_code, result.stdout, result.stderr)
