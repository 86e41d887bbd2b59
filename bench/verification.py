"""Verify: whole-ledger verification against raw Ed25519 verification on every core.

The ledger is checked by the product's own ``decision-ledger verify --json``, run in a fresh
interpreter (:mod:`bench.verify_probe`) so that its peak memory is its own; the clock runs from
the command's start to its answer, after the interpreter has imported the product. The baseline
is the raw rate of the same library call the ledger makes (``cryptography``'s Ed25519
``verify``) over the same kind of bytes (the DSSE pre-authentication encoding of a signed
intent), on one core, times the cores this process may run on. Beside it (issue 20 point 5), in
the same run and over the same bytes, every Ed25519 library installed here is timed the same way
(:func:`ed25519_libraries`), in turns, and the fastest one's single-verify rate per core is the
baseline ``verify`` is held to.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
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


# issue 20 — ed25519: the fastest Ed25519 library on this machine, beside cryptography's
Message = tuple[bytes, bytes]  # (signature, the signed bytes)
#: a library's verify, made for one public key: (signature, data) → whether it verifies
Library = Callable[[bytes], Callable[[bytes, bytes], object]]


def _cryptography(raw: bytes) -> Callable[[bytes, bytes], object]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw).verify


def _pynacl(raw: bytes) -> Callable[[bytes, bytes], object]:
    from nacl.bindings import crypto_sign_open

    return lambda signature, data: crypto_sign_open(signature + data, raw)


#: the Ed25519 libraries timed, by the name the figures give them
LIBRARIES: dict[str, Library] = {"cryptography": _cryptography, "pynacl": _pynacl}


def intent_messages(count: int = 64) -> tuple[bytes, list[Message]]:
    """Signed bytes like the bench ledger's: the PAE of ``case.collect_material`` intents, the
    ledger's own kind (so their median size is the ledger's median intent's), signed by one key."""
    key = Ed25519PrivateKey.generate()
    messages = []
    for n in range(count):
        intent = new_intent(uuid4(), COLLECT, uuid4(), n + 1, material(f"baseline-{n}"))
        data = pae(INTENT_PAYLOAD_TYPE, intent.encode())
        messages.append((key.sign(data), data))
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw, messages


def ed25519_libraries(seconds: float, turn: float = 0.05) -> tuple[dict[str, float], int]:
    """Single verifications per second on this one core for each library of :data:`LIBRARIES`,
    over the same messages, timed in turns of ``turn`` seconds each until each has had about
    ``seconds`` (so a load that comes and goes weighs on all alike); and the messages' median
    length in bytes."""
    raw, messages = intent_messages()
    verifiers = {name: make(raw) for name, make in LIBRARIES.items()}
    for verify in verifiers.values():  # warm up, and every library accepts every message
        for signature, data in messages:
            verify(signature, data)
    counts = dict.fromkeys(verifiers, 0)
    spent = dict.fromkeys(verifiers, 0.0)
    while min(spent.values()) < seconds:
        for name, verify in verifiers.items():
            started = time.perf_counter()
            deadline = started + turn
            while time.perf_counter() < deadline:
                for signature, data in messages:
                    verify(signature, data)
                counts[name] += len(messages)
            spent[name] += time.perf_counter() - started
    rates = {name: counts[name] / spent[name] for name in verifiers}
    return rates, int(statistics.median(len(data) for _, data in messages))
