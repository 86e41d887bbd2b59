"""The witnessed-bundle vectors (``tests/vectors/witnesses``, bundle format v4, docs/spec.md §20.5–
§20.7) through `verify` as a person runs it and through the spec-only verifier (tests/spec_verifier),
each report kept as written: verdict, exit code, the aggregates, versions and kinds it names, and
which witnesses it says cosigned."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import invoke
from tests.spec_verifier import verifier as spec
from tests.vectors.generate_witnesses import verify_args

HERE = Path(__file__).parent / "witnesses"
VKEYS = (HERE / "witnesses.vkeys").read_text().split()
#: each bundle, the report beside it, and how it was verified
CASES: list[tuple[str, str, list[str]]] = [
    ("case-bundle.json", "case-bundle.report.json", verify_args(HERE)),
    ("case-bundle.json", "case-bundle.policy.report.json", ["--tlog-policy", str(HERE / "tlog-policy")]),
    ("case-bundle.json", "case-bundle.no-witness-keys.report.json", []),
    *((f"case-bundle-tampered/{p.name}", f"case-bundle-tampered/{p.stem}.report.json", verify_args(HERE))
      for p in sorted((HERE / "case-bundle-tampered").glob("*.json")) if not p.name.endswith(".report.json")),
]


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _named(report: dict[str, Any]) -> tuple[bool, Counter[tuple[str, int, str]]]:
    return report["ok"], Counter((b["aggregate_id"], b["version"], b["kind"]) for b in report["breaks"])


@pytest.mark.parametrize(("bundle", "expected", "extra"), CASES, ids=[c[1] for c in CASES])
def test_verify_keeps_each_report(bundle: str, expected: str, extra: list[str]) -> None:
    run = invoke("verify", "--bundle", str(HERE / bundle), *extra, "--json")
    report = json.loads(run.out)
    written = _json(HERE / expected)
    assert (run.code, *_named(report)) == (written["exit_code"], *_named(written))
    assert (report["notes"], report["witnesses"]) == (written["notes"], written["witnesses"])


@pytest.mark.parametrize(("bundle", "expected", "extra"), CASES, ids=[c[1] for c in CASES])
def test_the_spec_verifier_agrees(bundle: str, expected: str, extra: list[str]) -> None:
    """Written from §20.6 and the C2SP texts; it reads the witness keys, not the policy file, so
    the policy's report (both required) is checked with both keys."""
    keys = VKEYS if extra else None
    report = spec.verify_bundle(_json(HERE / bundle), witnesses=keys)
    assert _named(report) == _named(_json(HERE / expected))


def test_the_vectors_show_each_tampering_by_its_kind() -> None:
    kinds = {p.stem.removesuffix(".report"): {b["kind"] for b in _json(p)["breaks"]}
             for p in (HERE / "case-bundle-tampered").glob("*.report.json")}
    assert kinds == {"cosignature-forged": {"witness"}, "cosignature-removed": {"witness"},
                     "witnessed-dropped": {"witness"}, "consistency-cut": {"witness"}}
    good = _json(HERE / "case-bundle.report.json")
    assert good["ok"] and [c["name"] for c in good["witnesses"]["cosigners"]] == [
        "sfj.xixian.gov.cn/witness", "sjj.xixian.gov.cn/witness"]
    assert _json(HERE / "case-bundle.json")["format"] == "decision-ledger/bundle/v4"
