"""One case end to end with SM2 persons (国密, issue 20 point 4; docs/spec.md §22): recorded,
verified from the store, exported, its bundle verified by the product and by the verifier written
from the spec, and every SM2 signature in the bundle confirmed by gmalg, an SM2 written apart from
GmSSL."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gmalg
import pytest

from api.keyfiles import write_key
from domain.evidence import sm2
from domain.evidence.signing import PublicKey, pae
from domain.evidence.sm2_keys import Sm2SigningKey
from tests import support
from tests.integration.test_witness import policy, witness_process
from tests.spec_verifier.verifier import verify_bundle
from tests.support import NXScript, World


@pytest.fixture
def sm2_case(
    tmp_path: Path, manual_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """An NX case whose every person holds an SM2 key, on a SQLite ledger that hashes with SM3 and
    whose Ed25519 ledger key has an SM2 companion (the national suite end to end)."""
    from api.settings import Database
    from api.store.opening import open_ledger

    database = Database.parse(f"sqlite:///{tmp_path / 'ledger.db'}")
    ledger = open_ledger(database, create=True)
    world = World(ledger, hash_suite="sm3", ledger_sm2=True)
    keys = tmp_path / "keys"
    write_key(keys / "ledger.pem", world.ledger_key)
    write_key(keys / "ledger-sm2.pem", world.ledger_key.sm2_companion)  # type: ignore[attr-defined]
    monkeypatch.setattr(support, "SigningKey", Sm2SigningKey)
    script = NXScript(world)
    for step in script.steps()[:6]:  # opened, team formed, plan… (gmalg, pure Python, checks each)
        step.run()
    yield {
        "db": f"sqlite:///{tmp_path / 'ledger.db'}",
        "keys": str(keys),
        "case": str(script.case_id),
        "lead": script.lead,
    }
    ledger.close()


def sm2_signatures(bundle: dict[str, Any]) -> list[tuple[bytes, bytes, bytes]]:
    """(public key, signed bytes, signature) of every SM2-signed event in a bundle."""
    keys = {
        key["keyid"]: PublicKey.from_jwk(key["jwk"]).raw
        for entry in bundle["keys"]
        for key in entry["keys"]
        if key["jwk"]["kty"] == "EC"
    }
    found = []
    for event in bundle["events"]:
        envelope = event["state"]["envelope"]
        signature = envelope["signatures"][0]
        if signature["keyid"] in keys:
            payload = base64.b64decode(envelope["payload"])
            found.append(
                (
                    keys[signature["keyid"]],
                    pae(envelope["payloadType"], payload),
                    base64.b64decode(signature["sig"]),
                )
            )
    return found


def test_an_sm3_sm2_case_verifies_is_witnessed_exports_and_its_bundle_verifies_independently(
    sm2_case: dict[str, Any], cli: Callable[..., Any], tmp_path: Path
) -> None:
    where = ("--db", sm2_case["db"], "--keys", sm2_case["keys"])
    assert cli("project", *where).code == 0
    assert cli("checkpoint", *where).code == 0
    verified = cli("verify", *where, "--json")
    assert verified.code == 0, verified.out
    assert json.loads(verified.out)["ok"]
    # a witness in its own process cosigns the SM3 ledger's checkpoint (its log stays RFC 9162
    # SHA-256 over the SM3 event hashes, and the SM2 line beside the Ed25519 one is not its concern)
    log_vkey = cli("checkpoint", *where, "--vkey").out.strip()
    with witness_process(tmp_path / "witness", log_vkey, "sfj.example/witness") as (url, vkey):
        policy(Path(sm2_case["keys"]), log_vkey, [("司法局", vkey, url)], "quorum 司法局")
        submitted = cli("witness", "submit", *where)
        assert submitted.code == 0 and json.loads(submitted.out)["published"], submitted.out + submitted.err
        assert cli("verify", *where, "--witness", url, "--witness-vkey", vkey).code == 0
    bundle_path = tmp_path / "case.bundle.json"
    exported = cli("export", *where, "--case", sm2_case["case"], "--out", str(bundle_path))
    assert exported.code == 0, exported.err
    assert cli("verify", "--bundle", str(bundle_path)).code == 0
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    assert verify_bundle(bundle)["ok"], "the verifier written from the spec alone agrees"
    signed = sm2_signatures(bundle)
    assert len(signed) >= 6, "the case's acts are signed with SM2"
    public, data, signature = signed[
        -1
    ]  # the spec's verifier checked them all with gmalg; once more, plainly
    r, s = sm2.parse_signature(signature)
    assert gmalg.SM2(pk=public, uid=sm2.USER_ID).verify(
        data, r.to_bytes(32, "big"), s.to_bytes(32, "big")
    )

    # an SM2 signature replaced by another valid-looking one: both verifiers name the event
    lead_event = next(
        e
        for e in bundle["events"]
        if e["state"]["envelope"]["signatures"][0]["keyid"] == sm2_case["lead"].key.keyid
    )
    lead_event["state"]["envelope"]["signatures"][0]["sig"] = base64.b64encode(
        sm2.encode_signature(*sm2.parse_signature(signed[0][2]))
    ).decode()
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    report = cli("verify", "--bundle", str(tampered), "--json")
    assert report.code == 1
    assert any(
        b["kind"] in ("signature", "hash") and b["version"] == lead_event["version"]
        for b in json.loads(report.out)["breaks"]
    )


def test_keygen_makes_an_sm2_key_whose_proof_and_signatures_verify(cli: Callable[..., Any]) -> None:
    from uuid import uuid4

    from domain.evidence.keys import proof_refusal

    principal, ledger = str(uuid4()), str(uuid4())
    made = cli(
        "keygen",
        "--algorithm",
        "sm2",
        "--out",
        "sm2.pem",
        "--principal",
        principal,
        "--ledger-id",
        ledger,
        "--json",
    )
    assert made.code == 0, made.err
    data = json.loads(made.out)
    assert data["algorithm"] == "sm2" and data["public_jwk"]["crv"] == "SM2"
    key = PublicKey.from_jwk(data["public_jwk"])
    assert key.keyid == data["keyid"]
    assert proof_refusal(key, data["proof"], ledger, principal) == ""
    again = cli("key-proof", "--key", "sm2.pem", "--principal", principal, "--ledger-id", ledger)
    assert again.code == 0 and again.out.strip() != data["proof"], (
        "SM2 draws a fresh nonce each time"
    )
    assert proof_refusal(key, again.out.strip(), ledger, principal) == ""
    refused = cli(
        "keygen",
        "--algorithm",
        "sm2",
        "--out",
        "locked.pem",
        "--passphrase-env",
        "P",
        env={"P": "secret"},
    )
    assert refused.code == 2 and "passphrase" in refused.err


def test_a_ledger_with_an_sm2_key_signs_each_checkpoint_with_it_too(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """§22.2: `init --sm2` (here with `--hash sm3`, §22.4) registers the ledger's SM2 key in the genesis; every checkpoint carries
    its 0xff line beside the Ed25519 one; a bundle whose checkpoint lost the SM2 line is broken."""
    from domain.evidence import sm2_note
    from domain.evidence.checkpoint import SignedNote, open_checkpoint

    where = ("--db", f"sqlite:///{tmp_path / 'sm2.db'}", "--keys", str(tmp_path / "keys"))
    made = cli("init", *where, "--sm2", "--hash", "sm3", "--json")
    assert made.code == 0, made.err
    info = json.loads(made.out)
    assert info["hash"] == "sm3"  # §22.4, recorded in the genesis: verify below reads it from there
    assert Path(info["ledger_sm2_key_file"]).exists()
    note = cli("checkpoint", *where).out
    signed = SignedNote.parse(note)
    assert len(signed.signatures) == 2
    from api.keyfiles import read_key

    ledger_key = read_key(tmp_path / "keys" / "ledger.pem")
    sm2_key = read_key(tmp_path / "keys" / "ledger-sm2.pem")
    origin = f"decision-ledger/{info['ledger_id']}"
    open_checkpoint(note, ledger_key.public_key)  # the Ed25519 line, as any C2SP verifier reads it
    sm2_note.verify(signed, origin, sm2_key.public_key)
    assert (
        sm2_note.parse_verifier_key(sm2_note.verifier_key(origin, sm2_key.public_key))[1]
        == sm2_key.public_key
    )
    assert cli("verify", *where).code == 0
    bundle_path = tmp_path / "person.json"
    exported = cli(
        "export", *where, "--person", info["administrator_id"], "--out", str(bundle_path)
    )
    assert exported.code == 0, exported.err
    assert cli("verify", "--bundle", str(bundle_path)).code == 0
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    assert verify_bundle(bundle)["ok"], "the spec's verifier checks the SM2 line with gmalg"
    bundle["checkpoint"] = "".join(
        line for line in bundle["checkpoint"].splitlines(keepends=True)[:-1]
    )
    assert len(SignedNote.parse(bundle["checkpoint"]).signatures) == 1
    stripped = tmp_path / "stripped.json"
    stripped.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    report = cli("verify", "--bundle", str(stripped), "--json")
    assert report.code == 1
    assert [b["kind"] for b in json.loads(report.out)["breaks"]] == ["checkpoint"]
    assert "SM2" in json.loads(report.out)["breaks"][0]["detail"]
    independent = verify_bundle(bundle)
    assert not independent["ok"] and [b["kind"] for b in independent["breaks"]] == ["checkpoint"]
