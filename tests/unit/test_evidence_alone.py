"""The evidence package stands alone: a third party can lift ``domain/evidence`` out and verify
with it, so it imports nothing but the standard library, ``cryptography``, ``rfc8785`` and, for issue 20,
``gmssl_pyx`` (GmSSL's SM2, the national suite), ``rfc3161_client`` (timestamp tokens) and ``nacl``
(PyNaCl: libsodium verifies Ed25519 by the rule of docs/spec.md §23)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import domain.evidence
from domain.evidence import topics
from domain.model.actions import ACTIONS

EVIDENCE = Path(domain.evidence.__file__).parent
ALLOWED = {"cryptography", "rfc8785", "domain",
           "gmssl_pyx",  # issue 20 — sm2: GmSSL's SM2
           "rfc3161_client",  # issue 20 — stamps: RFC 3161 tokens (domain/evidence/timestamps.py)
           "nacl"}  # issue 20 — ed25519: libsodium


def test_importing_every_evidence_module_loads_no_framework_or_driver() -> None:
    modules = sorted(f"domain.evidence.{p.stem}" for p in EVIDENCE.glob("*.py") if p.stem != "__init__")
    script = (f"import sys\nimport {', '.join(modules)}\n"
              "print(','.join(m for m in ('eventsourcing', 'pydantic', 'fastapi', 'psycopg', 'starlette', 'domain.model',"
              " 'domain.service', 'domain.errors', 'domain.clock') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"importing the evidence package loads {loaded}"


def test_evidence_modules_import_only_the_standard_library_cryptography_rfc8785_and_each_other() -> None:
    for path in EVIDENCE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top in ALLOWED, f"{path.name} imports {name}"
                assert top != "domain" or name.startswith("domain.evidence"), f"{path.name} imports {name}"


def test_the_spec_s_action_table_is_the_model_s() -> None:
    """Each action records the event whose topic the evidence table names, and no other."""
    recorded = {}
    for name, spec in ACTIONS.items():
        events = [klass.TOPIC for klass in vars(spec.aggregate).values()  # type: ignore[attr-defined]
                  if isinstance(klass, type) and getattr(klass, "COMMAND", None) is spec.command]
        assert len(events) <= 1, name
        if events:
            recorded[name] = events[0]
    assert recorded == topics.EVENT_OF_ACTION
