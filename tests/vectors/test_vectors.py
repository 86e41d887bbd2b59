"""The code against the committed test vectors (``tests/vectors/v1``, ``v2``, ``v3``): keys, envelopes,
event hashes, proofs and checkpoints through the evidence package; stores and bundles, tampered
ones included, through ``verify`` as a person runs it. A report must keep its verdict, its exit
code and the aggregates, versions and kinds of break it names: every set, old formats included,
verifies as it did when it was written."""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.evidence.canonical import canonical_bytes
from domain.evidence.checkpoint import open_checkpoint
from domain.evidence.errors import LedgerError
from domain.evidence.hashing import event_hash, genesis_hash
from domain.evidence.intent import Intent
from domain.evidence.merkle import leaf_hash, root_of, verify_consistency, verify_inclusion
from domain.evidence.signing import Envelope, PublicKey, SigningKey
from tests.integration.conftest import invoke

SETS = sorted(p for p in Path(__file__).parent.glob("v*") if p.is_dir())


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _verdict(report: dict[str, Any]) -> tuple[bool, int, Counter[tuple[str, int, str]]]:
    """What a report may not change: verdict, exit code, and what it names."""
    named = Counter((b["aggregate_id"], b["version"], b["kind"]) for b in report["breaks"])
    return report["ok"], report["exit_code"], named


def _verify(*args: str) -> dict[str, Any]:
    run = invoke("verify", *args, "--json")
    assert "Traceback" not in run.err, run.err
    report: dict[str, Any] = json.loads(run.out)
    report["exit_code"] = run.code
    return report


@pytest.fixture(params=SETS, ids=lambda p: p.name)
def vectors(request: pytest.FixtureRequest) -> Path:
    """One set of vectors (a directory per format version)."""
    path: Path = request.param
    return path


def _ledger_key(vectors: Path) -> PublicKey:
    entry = next(k for k in _json(vectors / "keys.json") if k["name"].startswith("决策账本"))
    return PublicKey.from_jwk(entry["public_jwk"])


def test_each_key_is_its_seed_and_its_id_is_its_thumbprint(vectors: Path) -> None:
    for entry in _json(vectors / "keys.json"):
        key = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(entry["ed25519_seed"])))
        assert key.public_key.jwk == entry["public_jwk"], entry["name"]
        assert key.keyid == entry["keyid"], entry["name"]


def test_envelopes_verify_as_stored_and_every_other_spelling_is_refused(vectors: Path) -> None:
    cases = _json(vectors / "envelopes.json")
    assert sum(c["valid"] for c in cases) >= 6 and sum(not c["valid"] for c in cases) >= 8
    for case in cases:
        key = PublicKey.from_jwk(case["public_jwk"])
        try:
            envelope = Envelope.from_json(case["envelope"])
            Intent.decode(envelope.payload)
            envelope.verify(key)
        except LedgerError as error:
            assert not case["valid"], (case["why"], error)
        else:
            assert case["valid"], case["why"]
            payload = base64.b64decode(case["envelope"]["payload"])
            assert bytes.fromhex(case["pae_hex"]) == b"DSSEv1 %d %s %d %s" % (
                len(envelope.payload_type), envelope.payload_type.encode(), len(payload), payload)


def test_event_hashes_and_their_hash_input(vectors: Path) -> None:
    hashes = _json(vectors / "event-hashes.json")
    for event in hashes["events"]:
        state = {k: v for k, v in event["state"].items() if k != "hash"}
        body = {"aggregate_id": event["aggregate_id"], "version": event["version"], "topic": event["topic"],
                "state": state}
        assert canonical_bytes(body).decode() == event["hash_input"]
        assert event_hash(event["aggregate_id"], event["version"], event["topic"], event["state"]) == event["hash"]
    assert hashes["genesis"]
    for genesis in hashes["genesis"]:
        assert genesis_hash(genesis["aggregate_id"]) == genesis["genesis_hash"]


def test_roots_inclusion_and_consistency_proofs(vectors: Path) -> None:
    proofs = _json(vectors / "proofs.json")
    leaves = [leaf_hash(bytes.fromhex(h)) for h in proofs["event_hashes"]]
    for size, root in proofs["roots_by_size"].items():
        assert root_of(leaves[: int(size)]).hex() == root
    size, root = proofs["tree_size"], bytes.fromhex(proofs["root"])
    assert root_of(leaves[:size]) == root
    for proof in proofs["inclusion"]:
        assert leaf_hash(bytes.fromhex(proof["event_hash"])).hex() == proof["leaf_hash"]
        verify_inclusion(bytes.fromhex(proof["leaf_hash"]), proof["leaf_index"], proof["tree_size"],
                         [bytes.fromhex(p) for p in proof["inclusion_path"]], root)
    for proof in proofs["consistency"]:
        verify_consistency(proof["old_size"], proof["new_size"], bytes.fromhex(proof["old_root"]),
                           bytes.fromhex(proof["new_root"]), [bytes.fromhex(p) for p in proof["consistency_path"]])


def test_checkpoints_are_signed_by_the_ledger_key(vectors: Path) -> None:
    key = _ledger_key(vectors)
    sizes = [open_checkpoint((vectors / name).read_text(encoding="utf-8"), key).size
             for name in ("first-checkpoint.note", "checkpoint.note")]
    # v3: each of the five people's keys is confirmed by a second administrator, and init
    # founds the ledger with two administrators (one more)
    assert sizes == {"v3": [34, 35]}.get(vectors.name, [28, 29])


def _store_copy(vectors: Path, directory: Path, script: Path | None = None) -> str:
    path = directory / "store.sqlite"
    shutil.copyfile(vectors / "store.sqlite", path)
    if script is not None:
        with sqlite3.connect(path) as conn:
            conn.executescript(script.read_text(encoding="utf-8"))
    return f"sqlite:///{path}"


def test_the_store_verifies(vectors: Path, tmp_path: Path) -> None:
    report = _verify("--db", _store_copy(vectors, tmp_path), "--jobs", "1")
    assert _verdict(report) == _verdict(_json(vectors / "store.report.json"))


@pytest.mark.parametrize("script", sorted(p for s in SETS for p in (s / "store-tampered").glob("*.sql")),
                         ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_a_tampered_store_is_named_as_in_the_vector(tmp_path: Path, script: Path) -> None:
    expected = _json(script.with_suffix(".report.json"))
    assert expected["exit_code"] == 1
    report = _verify("--db", _store_copy(script.parent.parent, tmp_path, script), "--jobs", "1")
    assert _verdict(report) == _verdict(expected)


BUNDLES = [
    *[(s / f"{name}.json", s / f"{name}.report.json") for s in SETS for name in ("case-bundle", "person-bundle")],
    *[(path, path.with_name(path.stem + ".report.json"))
      for s in SETS for path in sorted(s.glob("*-bundle-tampered/*.json")) if not path.name.endswith(".report.json")],
]


def _bundle_id(path: Path) -> str:
    return "/".join(path.relative_to(Path(__file__).parent).parts).removesuffix(".json")


@pytest.mark.parametrize(("bundle", "report"), BUNDLES, ids=_bundle_id)
def test_a_bundle_is_judged_as_in_the_vector(bundle: Path, report: Path) -> None:
    assert _verdict(_verify("--bundle", str(bundle))) == _verdict(_json(report))


def test_a_bundle_without_a_consistency_proof_is_refused_against_an_earlier_checkpoint(vectors: Path) -> None:
    report = _verify("--bundle", str(vectors / "case-bundle.json"), "--since-checkpoint",
                     str(vectors / "first-checkpoint.note"))
    assert _verdict(report) == _verdict(_json(vectors / "case-bundle.since.report.json"))
