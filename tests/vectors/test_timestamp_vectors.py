"""The timestamp and tlog-proof vectors (``tests/vectors/timestamps``, bundle format v3, docs/spec.md
§21) through `verify` as a person runs it and through the spec-only verifier (tests/spec_verifier),
each report kept as written: verdict, exit code, and the aggregates, versions and kinds it names."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from domain.evidence.checkpoint import parse_verifier_key
from domain.evidence.merkle import leaf_hash
from domain.evidence.tlog_proof import TlogProof
from tests.integration.conftest import invoke
from tests.spec_verifier import stamps as spec_stamps
from tests.spec_verifier import verifier as spec

HERE = Path(__file__).parent / "timestamps"
TSA = HERE / "tsa.pem"
#: each bundle, the report beside it, and the TSA certificate it was checked under (None: none)
CASES: list[tuple[str, str, Path | None]] = [
    ("case-bundle.json", "case-bundle.report.json", TSA),
    ("case-bundle.json", "case-bundle.no-tsa.report.json", None),
    ("case-bundle.json", "case-bundle.other-tsa.report.json", HERE / "other-tsa.pem"),
    *((f"case-bundle-tampered/{p.name}", f"case-bundle-tampered/{p.stem}.report.json", TSA)
      for p in sorted((HERE / "case-bundle-tampered").glob("*.json")) if not p.name.endswith(".report.json")),
]


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _named(report: dict[str, Any]) -> tuple[bool, Counter[tuple[str, int, str]]]:
    return report["ok"], Counter((b["aggregate_id"], b["version"], b["kind"]) for b in report["breaks"])


@pytest.mark.parametrize(("bundle", "expected", "tsa"), CASES, ids=[c[1] for c in CASES])
def test_verify_keeps_each_report(bundle: str, expected: str, tsa: Path | None) -> None:
    run = invoke("verify", "--bundle", str(HERE / bundle), *(["--tsa-cert", str(tsa)] if tsa else []), "--json")
    report = json.loads(run.out)
    written = _json(HERE / expected)
    assert (run.code, *_named(report)) == (written["exit_code"], *_named(written))
    assert report["notes"] == written["notes"]


@pytest.mark.parametrize(("bundle", "expected", "tsa"), CASES, ids=[c[1] for c in CASES])
def test_the_spec_verifier_agrees(bundle: str, expected: str, tsa: Path | None) -> None:
    """Written from §21 with asn1crypto, sharing nothing with the product's rfc3161-client path."""
    report = spec.verify_bundle(_json(HERE / bundle), tsa_pem=tsa.read_bytes() if tsa else None)
    assert _named(report) == _named(_json(HERE / expected))


def test_the_vectors_show_each_tampering_by_its_kind() -> None:
    """What the set is for: every edit is named, and by what it broke."""
    kinds = {p.stem.removesuffix(".report"): {b["kind"] for b in _json(p)["breaks"]}
             for p in (HERE / "case-bundle-tampered").glob("*.report.json")}
    assert kinds == {"token-altered": {"timestamp"}, "token-of-another-checkpoint": {"timestamp"},
                     "tlog-proof-altered": {"log"}, "timestamps-dropped": {"timestamp"},
                     "token-dated-before-its-events": {"time"}}
    assert "message imprint" in _json(HERE / "case-bundle-tampered/token-of-another-checkpoint.report.json")[
        "breaks"][0]["detail"]
    good = _json(HERE / "case-bundle.report.json")
    assert good["ok"] and sum("existed at" in n for n in good["notes"]) == len(_json(HERE / "case-bundle.json")["timestamps"])


def test_the_tlog_proof_text_verifies_under_the_log_key_alone() -> None:
    """C2SP's steps: the checkpoint under the log's key, the path from the leaf to its root."""
    text = (HERE / "tlog-proof.txt").read_text(encoding="utf-8")
    event = _json(HERE / "tlog-proof.event.json")
    proof = TlogProof.parse(text)
    assert proof.render() == text and proof.index == event["leaf_index"]
    name, key = parse_verifier_key(event["verifier_key"])
    checkpoint = proof.verify(leaf_hash(bytes.fromhex(event["event_hash"])), key, name)
    index, path, note = spec_stamps.parse_tlog_proof(text)
    assert (index, path, note) == (proof.index, list(proof.path), proof.checkpoint)
    assert spec.verify_inclusion(index, checkpoint.size, leaf_hash(bytes.fromhex(event["event_hash"])), path,
                                 checkpoint.root)


@pytest.mark.parametrize("origin", [1, True, [None], {"a": 1}])
def test_a_ledger_block_whose_origin_is_not_text_is_a_break_not_a_crash(origin: Any) -> None:
    """`verify --bundle` reads what anyone sends: a garbled `ledger.origin` is a break of the
    bundle (the ledger block does not say what the genesis says), never a traceback."""
    from domain.evidence.bundle_verifier import verify_bundle

    bundle = _json(HERE / "case-bundle.json")
    bundle["ledger"]["origin"] = origin
    report = verify_bundle(bundle)
    assert not report.ok and any("origin" in b.detail for b in report.breaks), [str(b) for b in report.breaks]
    assert not spec.verify_bundle(bundle)["ok"]
