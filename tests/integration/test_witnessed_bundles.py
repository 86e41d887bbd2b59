"""Bundles carry the witnesses' cosignatures (issue 20; docs/spec.md §20.5, §20.6): with a
tlog-policy, an exported bundle is of format v4 and carries the newest checkpoint a quorum
cosigned, proved consistent with the bundle's own; `verify --bundle` checks the cosignatures
offline under the witness keys the recipient gives (or a policy) and says who cosigned; a bundle
without them still verifies and is reported not witnessed. The spec-only verifier agrees."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from domain.evidence.checkpoint import Checkpoint, SignedNote
from domain.evidence.cosignature import cosign, cosigner_vkey, with_cosignatures
from domain.evidence.signing import SigningKey
from tests.integration.conftest import DemoLedger, Run
from tests.integration.writers import enrol
from tests.spec_verifier import verifier as spec

SFJ, SJJ = "sfj.xixian.gov.cn/witness", "sjj.xixian.gov.cn/witness"
SIGNED_AT = 1_772_426_700  # 2026-03-02T04:45:00Z


def _witnessed(cli: Callable[..., Run], ledger: DemoLedger) -> tuple[list[str], int]:
    """Two witnesses cosign the ledger's latest checkpoint; it becomes `witnessed.note` under a
    policy of both (as `witness submit` leaves it); then more events and a newer checkpoint."""
    store, keys = ledger.store, ledger.keys
    note = cli("checkpoint", "--db", store.url).out
    text = SignedNote.parse(note).text
    witnesses = [(SFJ, SigningKey.generate()), (SJJ, SigningKey.generate())]
    lines = "".join(cosign(text, key, name, SIGNED_AT).line() for name, key in witnesses)
    vkeys = [cosigner_vkey(name, key.public_key) for name, key in witnesses]
    log_vkey = cli("checkpoint", "--db", store.url, "--vkey").out.strip()
    (keys / "tlog-policy").write_text(f"log {log_vkey}\nwitness 司法局 {vkeys[0]}\nwitness 审计局 {vkeys[1]}\n"
                                      "group 两家 all 司法局 审计局\nquorum 两家\n", encoding="utf-8")
    (keys / "witnessed.note").write_text(with_cosignatures(note, lines), encoding="utf-8")
    enrol(store.url, keys, people=1, cases=1)  # a few events (the demo again took seconds)
    assert cli("checkpoint", "--db", store.url).code == 0
    return vkeys, Checkpoint.from_text(text).size


def _verify(cli: Callable[..., Run], bundle: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    run = cli("verify", "--bundle", str(bundle), *extra, "--json")
    return run.code, json.loads(run.out)


def _kinds(report: dict[str, Any]) -> list[str]:
    return [b["kind"] for b in report["breaks"]]


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_a_bundle_carries_and_proves_the_witnesses_cosignatures(cli, projected_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    vkeys, witnessed_size = _witnessed(cli, projected_ledger)
    store, case_id = projected_ledger.store, projected_ledger.demo["cases"][2]["id"]
    out = tmp_path / "case.bundle.json"
    assert cli("export", "--db", store.url, "--case", case_id, "--out", str(out)).code == 0
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["format"] == "decision-ledger/bundle/v4"
    assert bundle["tree_size"] > witnessed_size and bundle["witnessed"]["consistency_path"]
    pinned = [arg for vkey in vkeys for arg in ("--witness-vkey", vkey)]

    code, report = _verify(cli, out, *pinned)
    assert (code, report["breaks"]) == (0, [])
    assert [c["name"] for c in report["witnesses"]["cosigners"]] == [SFJ, SJJ]
    assert report["witnesses"]["tree_size"] == witnessed_size
    assert any(f"witnessed: the tree of size {witnessed_size} cosigned by {SFJ}" in n for n in report["notes"])
    assert spec.verify_bundle(bundle, witnesses=vkeys)["ok"]
    # the same under the policy file; and without witness keys the lines are named, not trusted
    code, report = _verify(cli, out, "--tlog-policy", str(projected_ledger.keys / "tlog-policy"))
    assert (code, report["witnesses"]["witnessed"]) == (0, True)
    code, report = _verify(cli, out)
    assert code == 0 and not report["witnesses"]["checked"]
    assert any("cosignatures not checked" in n for n in report["notes"])

    # a forged cosignature: a line under the audit office's key that does not verify
    forged = json.loads(json.dumps(bundle))
    note = forged["witnessed"]["checkpoint"]
    line = next(x for x in note.split("\n") if x.startswith(f"— {SJJ} "))
    raw = bytearray(base64.b64decode(line.rsplit(" ", 1)[1]))
    raw[-1] ^= 1
    forged["witnessed"]["checkpoint"] = note.replace(line, f"— {SJJ} {base64.b64encode(raw).decode()}")
    (tmp_path / "forged.json").write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    code, report = _verify(cli, tmp_path / "forged.json", *pinned)
    assert (code, _kinds(report)) == (1, ["witness"]) and "does not verify" in report["breaks"][0]["detail"]
    assert _kinds(spec.verify_bundle(forged, witnesses=vkeys)) == ["witness"]

    # a cosignature removed: one of two is no quorum of both, but is a quorum of one
    removed = json.loads(json.dumps(bundle))
    removed["witnessed"]["checkpoint"] = note.replace(line + "\n", "")
    (tmp_path / "removed.json").write_text(json.dumps(removed, ensure_ascii=False), encoding="utf-8")
    code, report = _verify(cli, tmp_path / "removed.json", *pinned)
    assert (code, _kinds(report)) == (1, ["witness"]) and report["witnesses"]["cosigners"][0]["name"] == SFJ
    assert _kinds(spec.verify_bundle(removed, witnesses=vkeys)) == ["witness"]
    code, report = _verify(cli, tmp_path / "removed.json", *pinned, "--quorum", "1")
    assert (code, [c["name"] for c in report["witnesses"]["cosigners"]]) == (0, [SFJ])
    assert spec.verify_bundle(removed, witnesses=vkeys, quorum=1)["ok"]

    # the witnessed checkpoint must be the ledger's and lead to the bundle's checkpoint
    unproved = json.loads(json.dumps(bundle))
    unproved["witnessed"]["consistency_path"] = unproved["witnessed"]["consistency_path"][1:]
    (tmp_path / "unproved.json").write_text(json.dumps(unproved, ensure_ascii=False), encoding="utf-8")
    code, report = _verify(cli, tmp_path / "unproved.json")
    assert (code, _kinds(report)) == (1, ["witness"])
    assert _kinds(spec.verify_bundle(unproved)) == ["witness"]


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_a_bundle_without_witnesses_verifies_and_says_so(cli, projected_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    store, case_id = projected_ledger.store, projected_ledger.demo["cases"][2]["id"]
    out = tmp_path / "case.bundle.json"
    assert cli("export", "--db", store.url, "--case", case_id, "--out", str(out)).code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "decision-ledger/bundle/v3"
    plain = cli("verify", "--bundle", str(out))
    assert plain.code == 0 and "not witnessed" in plain.err, plain.err
    code, report = _verify(cli, out)
    assert code == 0 and report["witnesses"]["witnessed"] is False
    # a recipient who requires witnesses refuses it
    vkey = cosigner_vkey(SFJ, SigningKey.generate().public_key)
    code, report = _verify(cli, out, "--witness-vkey", vkey)
    assert (code, _kinds(report)) == (1, ["witness"]) and "not witnessed" in report["breaks"][0]["detail"]
    # usage: a quorum beyond the keys given, or both ways of naming witnesses
    assert cli("verify", "--bundle", str(out), "--witness-vkey", vkey, "--quorum", "2").code == 2
    policy = tmp_path / "policy"
    policy.write_text(f"witness 司法局 {vkey}\nquorum 司法局\n", encoding="utf-8")
    assert cli("verify", "--bundle", str(out), "--witness-vkey", vkey, "--tlog-policy", str(policy)).code == 2


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_verify_against_a_witness_url_requires_its_key(cli, projected_ledger: DemoLedger) -> None:  # type: ignore[no-untyped-def]
    """A server cannot vouch for itself: the key of a witness reached by URL is given, not fetched."""
    run = cli("verify", "--db", projected_ledger.store.url, "--witness", "http://127.0.0.1:9/")
    assert run.code == 2 and "--witness-vkey" in run.err and "见证方" in run.err, run.err


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_the_service_s_bundles_carry_the_witnesses_cosignatures(cli, projected_ledger: DemoLedger) -> None:  # type: ignore[no-untyped-def]
    """`/v1/exports/…` writes what `export` writes: with the keys directory's policy and its
    published `witnessed.note`, a v4 bundle whose cosignatures verify offline."""
    from fastapi.testclient import TestClient

    from api.demo import INSPECTOR
    from api.http.app import create_app
    from api.http.auth import make_token
    from api.http.service import Service
    from api.keyfiles import read_key
    from api.settings import Database
    from api.store.opening import open_ledger, open_projector
    from api.witness.submitter import Witnessing
    from domain.evidence.bundle_verifier import verify_bundle
    from domain.evidence.bundle_witnesses import WitnessTrust
    from domain.evidence.cosignature import parse_cosigner_vkey

    vkeys, witnessed_size = _witnessed(cli, projected_ledger)
    demo, database = projected_ledger.demo, Database.parse(projected_ledger.store.url)
    inspector = make_token(read_key(Path(demo["keys_dir"]) / f"{INSPECTOR}.pem"), demo["handles"][INSPECTOR])
    ledger_key = read_key(Path(json.loads((projected_ledger.keys / "ledger.json").read_text())["ledger_key_file"]))
    ledger = open_ledger(database, ledger_key=ledger_key)
    projector = open_projector(database, ledger)
    try:
        witnessing = Witnessing.beside(projected_ledger.keys, projector.reader.origin)
        service = Service(ledger, projector, ledger_key, projections_thread=False, witnessing=witnessing)
        with TestClient(create_app(service)) as client:
            answer = client.get(f"/v1/exports/cases/{demo['cases'][2]['id']}",
                                headers={"Authorization": f"Bearer {inspector}"})
    finally:
        projector.close()
        ledger.close()
    assert answer.status_code == 200, answer.text
    bundle = answer.json()
    assert bundle["format"] == "decision-ledger/bundle/v4"
    report = verify_bundle(bundle, witness_trust=WitnessTrust(tuple(parse_cosigner_vkey(v) for v in vkeys), 2))
    assert report.ok and report.witnesses is not None, [str(b) for b in report.breaks]
    assert (report.witnesses["tree_size"], len(report.witnesses["cosigners"])) == (witnessed_size, 2)
