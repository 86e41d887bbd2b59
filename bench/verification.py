"""Verify: whole-ledger verification against raw Ed25519 verification on every core.

The ledger is checked by the product's own ``decision-ledger verify --json``, run in a fresh
interpreter (:mod:`bench.verify_probe`) so that its peak memory is its own; the clock runs from
the command's start to its answer, after the interpreter has imported the product. The baseline
is the raw rate of the same library call the ledger makes (``cryptography``'s Ed25519
``verify``) over the same kind of bytes (the DSSE pre-authentication encoding of a signed
intent), on one core, times the cores this process may run on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.evidence.signing import INTENT_PAYLOAD_TYPE, pae
from domain.model.acts import new_intent
from tests.integration.writers import COLLECT, material

ROOT = Path(__file__).resolve().parent.parent
#: a verification that takes longer than this is stopped (the run is bounded)
VERIFY_TIMEOUT = 3600.0


@dataclass(frozen=True)
class VerifyFigures:
    events: int
    seconds: float
    cpu_seconds: float  # user + system, of the command and any processes it starts
    peak_rss_mb: float  # the verifying process's own peak
    worker_peak_rss_mb: float  # the largest peak of any process it started (0: none)
    ok: bool

    @property
    def per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    @property
    def cores_busy(self) -> float:
        """How many cores the verification kept busy on average."""
        return self.cpu_seconds / self.seconds if self.seconds > 0 else 0.0


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def verify_ledger(url: str, ledger_keyid: str) -> VerifyFigures:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}
    done = subprocess.run([sys.executable, "-m", "bench.verify_probe", url, ledger_keyid], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=VERIFY_TIMEOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"verify probe failed ({done.returncode}): {done.stderr[-2000:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return VerifyFigures(int(found["events"]), float(found["seconds"]), float(found["cpu_seconds"]),
                         float(found["peak_rss_mb"]), float(found["worker_peak_rss_mb"]), bool(found["ok"]))


def ed25519_one_core(seconds: float) -> float:
    """Raw Ed25519 verifications per second on this one core, over intents' signed bytes."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    messages = []
    for n in range(64):
        intent = new_intent(uuid4(), COLLECT, uuid4(), n + 1, material(f"baseline-{n}"))
        data = pae(INTENT_PAYLOAD_TYPE, intent.encode())
        messages.append((key.sign(data), data))
    for signature, data in messages:  # warm up
        public.verify(signature, data)
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for signature, data in messages:
            public.verify(signature, data)
        count += len(messages)
    return count / (time.perf_counter() - started)
