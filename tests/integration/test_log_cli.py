"""Read models, the transparency log, proofs and offline bundles, through the command line on
SQLite and PostgreSQL. Checkpoints and proofs are checked with code that shares nothing with the
ledger's: the C2SP note format by hand, roots with pymerkle, proofs with an RFC 9162 verifier
written from the RFC (tests/integration/rfc9162.py).

The demo's ledger, projected, is a copy (``projected_ledger``) of the one `init`, `demo` and
`project` made once for the run; the commands run in this process, but for a bundle's first
offline check and `project --follow`, each in a new process."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pymerkle import InmemoryTree

from tests.integration.conftest import DemoLedger, Run, Store, invoke
from tests.integration.demo_counts import DEMO_EVENTS, DEMO_STORE
from tests.integration.insider import forget_checkpoints
from tests.integration.rfc9162 import consistency_ok, inclusion_ok


def checkpoint_of(cli, store: Store) -> tuple[str, int, bytes]:  # type: ignore[no-untyped-def]
    """Read and verify the latest checkpoint by hand from the C2SP texts."""
    note = cli("checkpoint", "--db", store.url).out
    vkey = cli("checkpoint", "--db", store.url, "--vkey").out.strip()
    name, key_id, encoded = vkey.split("+", 2)
    raw = base64.b64decode(encoded)
    assert raw[0] == 1
    text, _, signatures = note.rpartition("\n\n")
    origin, size, root = text.split("\n")
    assert origin == name
    line = next(line for line in signatures.splitlines() if line.startswith(f"\u2014 {name} "))
    signature = base64.b64decode(line.split(" ")[-1])
    assert signature[:4].hex() == key_id == hashlib.sha256(name.encode() + b"\n\x01" + raw[1:]).digest()[:4].hex()
    Ed25519PublicKey.from_public_bytes(raw[1:]).verify(signature[4:], (text + "\n").encode())
    return note, int(size), base64.b64decode(root)


def test_queries_after_demo(cli, projected_ledger: DemoLedger) -> None:  # type: ignore[no-untyped-def]
    store, demo = projected_ledger.store, projected_ledger.demo
    cases = json.loads(cli("cases", "--db", store.url, "--json").out)
    assert [(c["jurisdiction"], c["phase"]) for c in cases] == [
        ("NX", "ruled"), ("XX", "published"), ("XX", "report_finalised"), ("NX", "report_finalised")]
    assert {"case_id", "decision_id", "jurisdiction", "phase"} <= set(cases[0])
    case = json.loads(cli("case", cases[0]["case_id"], "--db", store.url, "--at", "3", "--json").out)
    assert case["as_of"]["version"] == 3 and case["case"]["phase"] == "awaiting_approval"
    assert cli("case", cases[0]["case_id"], "--db", store.url, "--at", "yesterday").code == 2
    he_jing = demo["people"]["何静"]
    chain = json.loads(cli("person", he_jing, "--db", store.url, "--json").out)
    assert {f["rule"] for f in chain["findings"]} >= {"NX/preset-conclusion", "NX/skewed-exclusions",
                                                       "NX/accountability"}
    assert any(f["responsibility"] == "direct" for f in chain["findings"])
    trace = json.loads(cli("trace-decision", cases[3]["decision_id"], "--db", store.url, "--json").out)
    assert {p["name"] for p in trace["persons"]} >= {"高峰", "何静", "罗斌", "孔德明"}
    assert len(trace["findings"]) == 8
    assert len(json.loads(cli("findings", "--open", "--db", store.url, "--json").out)) == 8
    statuses = {(d["case_id"], d["article"]): d["status"]
                for d in json.loads(cli("deadlines", "--db", store.url, "--json").out)}
    assert statuses[(cases[3]["case_id"], "NX-11")] == "late"
    assert statuses[(cases[0]["case_id"], "NX-11")] == "met"
    assert len(json.loads(cli("agencies", "--db", store.url, "--json").out)) == 2
    annual = json.loads(cli("annual", "--db", store.url, "--json").out)
    assert sum(row["opened"] for row in annual) == 4 and sum(row["overdue"] for row in annual) == 1
    for command in ("cases", "findings", "deadlines", "agencies", "annual"):
        assert cli(command, "--db", store.url).code == 0
    assert cli("person", "not-a-uuid", "--db", store.url).code == 2


def test_reverse_tracing_reaches_the_makers_and_the_dissenter_keeps_his_ground(  # type: ignore[no-untyped-def]
        cli, projected_ledger: DemoLedger) -> None:
    """XX-18 and 国令第713号第三十条、第三十八条 over the demo's fourth case: from the decision the
    evaluation found seriously wrong, reverse tracing reaches its makers with their own signed
    opinions; the dissenter's chain shows his dissent with the 减免责任 ground, and every step of
    the procedure that exempted him on it, while the head's chain shows his sanction."""
    store, demo = projected_ledger.store, projected_ledger.demo
    cases = json.loads(cli("cases", "--db", store.url, "--json").out)
    decision_id = cases[2]["decision_id"]  # listed in the order opened: the fourth case opened third
    trace = json.loads(cli("trace-decision", decision_id, "--db", store.url, "--json").out)
    makers = {(m["name"], m["role"]): m for m in trace["makers"]}
    assert {("孙丽", "drafter"), ("黄志刚", "legality_reviewer"), ("许明", "member"), ("郑国栋", "member"),
            ("刘志远", "head")} <= set(makers)
    dissenter = makers[("郑国栋", "member")]
    assert dissenter["opinion"] == "disagree" and not dissenter["transcribed"]
    assert dissenter["signed_by"] == demo["people"]["郑国栋"]
    assert dissenter["relief"]["article"] == "713-38"
    assert makers[("刘志远", "head")]["opinion"] == "approve"
    (procedure,) = trace["procedures"]
    assert procedure["ground"] == "decision_fault"
    text = cli("trace-decision", decision_id, "--db", store.url).out
    assert "郑国栋" in text and "第三十八条" in text

    chain = json.loads(cli("person", demo["people"]["郑国栋"], "--db", store.url, "--json").out)
    (dissent,) = chain["dissent"]
    assert dissent["decision_id"] == decision_id and dissent["relief"]["record"] == dissenter["event"]
    (his,) = chain["procedures"]
    assert [s["step"] for s in his["steps"]] == ["open", "investigate", "notify", "state_defence", "decide"]
    assert his["steps"][-1]["relief"]["ground"] == "recorded_dissent"
    assert "不同意见" in cli("person", demo["people"]["郑国栋"], "--db", store.url).out
    head = json.loads(cli("person", demo["people"]["刘志远"], "--db", store.url, "--json").out)
    assert head["dissent"] == [] and head["procedures"][0]["steps"][-1]["sanctions"] == ["demerit"]


def test_checkpoints_and_proofs_verify_independently(cli, projected_ledger: DemoLedger) -> None:  # type: ignore[no-untyped-def]
    store = projected_ledger.store
    note, size, root = checkpoint_of(cli, store)
    report = json.loads(cli("verify", "--db", store.url, "--json").out)
    assert report["ok"] and size == report["events"] == DEMO_STORE

    cases = json.loads(cli("cases", "--db", store.url, "--json").out)
    events = [(c["case_id"], v) for c in cases for v in (1, 2, c["version"])]
    hashes: dict[int, bytes] = {}
    for aggregate, version in events:
        result = cli("prove", "--db", store.url, "--event", f"{aggregate}:{version}", "--json")
        assert result.code == 0, result.err
        proof = json.loads(result.out)
        assert proof["tree_size"] == size and proof["checkpoint"] == note
        leaf = hashlib.sha256(b"\x00" + bytes.fromhex(proof["event_hash"])).digest()
        assert leaf.hex() == proof["leaf_hash"]
        path = [bytes.fromhex(p) for p in proof["inclusion_path"]]
        assert inclusion_ok(leaf, proof["leaf_index"], size, path, root)
        assert not inclusion_ok(leaf, proof["leaf_index"], size, path, hashlib.sha256(b"x").digest())
        hashes[proof["leaf_index"]] = bytes.fromhex(proof["event_hash"])

    for old, new in [(1, DEMO_STORE), (13, 50), (64, DEMO_STORE), (50, 50), (0, DEMO_STORE), (77, DEMO_STORE - 1)]:
        result = cli("prove", "--db", store.url, "--consistency", str(old), str(new), "--json")
        assert result.code == 0, result.err
        proof = json.loads(result.out)
        assert (proof["old_size"], proof["new_size"]) == (old, new)
        if old:
            path = [bytes.fromhex(p) for p in proof["consistency_path"]]
            assert consistency_ok(old, new, bytes.fromhex(proof["old_root"]), bytes.fromhex(proof["new_root"]), path)
    assert json.loads(cli("prove", "--db", store.url, "--consistency", "1", str(DEMO_STORE), "--json").out)["new_root"] == root.hex()
    assert cli("prove", "--db", store.url, "--consistency", "50", "9999", "--json").code == 2
    assert cli("prove", "--db", store.url, "--event", "nope:1", "--json").code == 2
    assert cli("prove", "--db", store.url).code == 2


def test_the_signed_root_agrees_with_pymerkle(cli, projected_ledger: DemoLedger) -> None:  # type: ignore[no-untyped-def]
    """pymerkle (an RFC 9162 tree by other hands) computes the same root over the event hashes."""
    store = projected_ledger.store
    _, size, root = checkpoint_of(cli, store)
    tree = InmemoryTree(algorithm="sha256")
    for row in store.execute(f"SELECT event_hash FROM {'dl_log_leaves'} ORDER BY leaf_index"):
        tree.append_entry(bytes.fromhex(row[0]))
    assert tree.get_size() == size and tree.get_root() == root


OFFLINE = ("DECISION_LEDGER", "POSTGRES", "SQLITE")  # no database configured, by any name


def fresh_process(bundle: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`verify --bundle` in a new process, in an empty directory, with no database configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OFFLINE)}
    script = Path(sys.executable).parent / "decision-ledger"
    return subprocess.run([str(script), "verify", "--bundle", str(bundle), *extra], capture_output=True,
                          text=True, cwd=elsewhere(bundle), env=env, check=False, timeout=120)


def offline(bundle: Path, *extra: str) -> Run:
    """`verify --bundle` in this process, as `fresh_process` runs it: in an empty directory, with
    no database configured."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith(OFFLINE)}
    return invoke("verify", "--bundle", str(bundle), *extra, cwd=elsewhere(bundle), env=unset)


def elsewhere(bundle: Path) -> Path:
    empty = bundle.parent / "elsewhere"
    empty.mkdir(exist_ok=True)
    return empty


def mutate(bundle: dict[str, Any], where: str) -> str:
    """Change one byte of an event, its signature or its proof; return the event's name."""
    events = bundle["events"]
    event = next(e for e in events if e["why"] == "subject" and e["version"] > 3)
    name = f"aggregate {event['aggregate_id']} version {event['version']}"
    if where == "payload":
        payload = base64.b64decode(event["state"]["envelope"]["payload"])
        event["state"]["envelope"]["payload"] = base64.b64encode(payload.replace(b'"', b"'", 1)).decode()
    elif where == "signature":
        sig = bytearray(base64.b64decode(event["state"]["envelope"]["signatures"][0]["sig"]))
        sig[10] ^= 1
        event["state"]["envelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    elif where == "proof":
        path = event["inclusion_path"]
        path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
    elif where == "time":
        event["state"]["timestamp"] = event["state"]["timestamp"].replace(":", ";", 1)
    elif where == "hash":
        event["state"]["hash"] = "0" * 64
    return name


@pytest.mark.parametrize("subject", ["case", "person"])
def test_bundles_verify_offline_and_any_edit_is_named(cli, projected_ledger: DemoLedger, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      subject: str) -> None:
    store, demo = projected_ledger.store, projected_ledger.demo
    target = demo["cases"][2]["id"] if subject == "case" else demo["people"]["何静"]
    out = tmp_path / "bundle.json"
    result = cli("export", "--db", store.url, f"--{subject}", target, "--out", str(out))
    assert result.code == 0, result.err
    checked = fresh_process(out)  # the first check in a new process; the same, in-process, after it
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip().splitlines()[-1].startswith("intact: ")
    again = offline(out)
    assert again.code == 0, again.out + again.err
    assert again.out.strip().splitlines()[-1].startswith("intact: ")
    bundle = json.loads(out.read_text())
    assert {e["why"] for e in bundle["events"]} >= {"subject", "keys", "genesis"}
    keyid = bundle["ledger"]["ledger_keyid"]
    assert offline(out, "--ledger-key", keyid).code == 0
    assert offline(out, "--ledger-key", "A" * 43).code == 1

    for where in ("payload", "signature", "proof", "time", "hash"):
        copy = json.loads(out.read_text())
        name = mutate(copy, where)
        tampered = tmp_path / f"tampered-{where}.json"
        tampered.write_text(json.dumps(copy, ensure_ascii=False))
        found = offline(tampered)
        assert found.code == 1, (where, found.out)
        assert name in found.out, (where, found.out)

    copy = json.loads(out.read_text())
    copy["checkpoint"] = copy["checkpoint"].replace("\n", "\n\n", 1)
    (tmp_path / "note.json").write_text(json.dumps(copy))
    assert offline(tmp_path / "note.json").code == 1
    copy = json.loads(out.read_text())
    copy["keys"][0]["keys"][0]["active_until"] = "2099-01-01T00:00:00.000000Z"
    (tmp_path / "keys.json").write_text(json.dumps(copy))
    assert offline(tmp_path / "keys.json").code == 1
    (tmp_path / "garbage.json").write_text("{not json")
    assert offline(tmp_path / "garbage.json").code == 1
    if subject == "case":
        copy = json.loads(out.read_text())
        copy["events"] = [e for e in copy["events"] if not (e["why"] == "subject" and e["version"] == 5)]
        (tmp_path / "gap.json").write_text(json.dumps(copy))
        assert offline(tmp_path / "gap.json").code == 1


def test_verify_catches_a_tampered_log_or_checkpoint(cli, projected_ledger: DemoLedger) -> None:  # type: ignore[no-untyped-def]
    store = projected_ledger.store
    store.execute("UPDATE dl_log_leaves SET event_hash = ? WHERE leaf_index = 40", ("ab" * 32,))
    result = cli("verify", "--db", store.url)
    assert result.code == 1 and ": log: leaf 40 holds another hash" in result.out
    size, smaller = DEMO_STORE, DEMO_STORE - 1
    store.execute(
        f"UPDATE dl_log_checkpoints SET note = replace(note, '\n{size}\n', '\n{smaller}\n')"
        if store.kind == "sqlite"
        else f"UPDATE dl_log_checkpoints SET note = replace(note, E'\\n{size}\\n', E'\\n{smaller}\\n')"
    )
    result = cli("verify", "--db", store.url)
    assert result.code == 1 and f": checkpoint: checkpoint {DEMO_STORE}" in result.out


def test_since_checkpoint_follows_new_events_and_catches_a_rewrite(cli, projected_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    store = projected_ledger.store
    trusted = tmp_path / "trusted.note"
    trusted.write_text(cli("checkpoint", "--db", store.url).out)
    assert cli("demo", "--db", store.url).code == 0
    assert cli("project", "--db", store.url).code == 0
    result = cli("verify", "--db", store.url, "--since-checkpoint", str(trusted), "--json")
    assert result.code == 0, result.out
    report = json.loads(result.out)
    assert report["events"] == DEMO_EVENTS and \
        f"consistency proof {DEMO_STORE} → {DEMO_STORE + DEMO_EVENTS} verified" in report["notes"]

    # An operator with the database and the key files rewrites an old event consistently:
    # a new rulebook reference, its hash and every later link recomputed, the log rebuilt
    # and re-signed, the old checkpoints removed from the store and from checkpoint.note beside
    # the ledger key. A full verify of the store passes (holding both, only checkpoints kept
    # elsewhere — published ones, independent witnesses — give the rewrite away)…
    rewrite_history(store)
    forget_checkpoints(store, projected_ledger.keys)
    assert cli("rebuild", "--db", store.url).code == 0
    assert cli("verify", "--db", store.url).code == 0
    # …but not against the checkpoint published before.
    result = cli("verify", "--db", store.url, "--since-checkpoint", str(trusted))
    assert result.code == 1 and "not consistent with the trusted checkpoint" in result.out


def test_the_read_models_open_again_after_a_rebuild(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    """Regression: a rebuild dropped the tracking tables with the library's migration mark, and
    the next process failed ("no such table: tracking")."""
    assert cli("init", "--db", store.url).code == 0
    for command in ("project", "rebuild", "project", "rebuild", "checkpoint"):
        result = cli(command, "--db", store.url)
        assert result.code == 0, (command, result.err)
    for table in ("dl_views_tracking", "dl_log_tracking"):
        marks = store.execute(f"SELECT notification_id FROM {table} WHERE application_name = '__migration__'")
        assert marks == [(1,)], table
    assert cli("verify", "--db", store.url).code == 0


def rewrite_history(store: Store) -> None:
    """Edit version 3 of the first case and re-chain the rest of that case, as an insider would."""
    from domain.evidence.hashing import event_hash

    store.drop_triggers()
    rows = store.rows()
    case_rows = [r for r in rows if b"EvaluationCase" in store_topic(store, r[0]).encode()]
    target = case_rows[0][1]
    chain = sorted((r for r in rows if r[1] == target), key=lambda r: r[2])
    previous = None
    for nid, aggregate, version, state in chain:
        data = json.loads(state)
        if version == 3:
            data["rulebook"] = "NX/v1@sha256:" + "0" * 64
        if previous is not None:
            data["prev_hash"] = previous
        decoded = dict(data)
        from datetime import datetime

        decoded["timestamp"] = datetime.fromisoformat(data["timestamp"]["_data_"])
        if "originator_topic" in data:
            decoded["originator_topic"] = data["originator_topic"]
        data["hash"] = event_hash(aggregate, version, store_topic(store, nid), decoded)
        previous = data["hash"]
        store.set_state(nid, json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def store_topic(store: Store, notification_id: int) -> str:
    row = store.execute(f"SELECT topic FROM {store.table} WHERE {store.id_column} = ?", (notification_id,))
    return str(row[0][0])


@pytest.mark.slow
def test_project_follow_applies_new_events_until_stopped(cli, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import signal
    import time

    assert cli("init", "--db", store.url).code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISION_LEDGER_")}
    script = Path(sys.executable).parent / "decision-ledger"
    follower = subprocess.Popen([str(script), "project", "--follow", "--interval", "0.2", "--db", store.url],
                                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert cli("demo", "--db", store.url).code == 0
        deadline = time.monotonic() + 60
        count = 0
        while time.monotonic() < deadline:
            try:
                count = store.execute("SELECT COUNT(*) FROM dl_log_leaves")[0][0]
                checkpoints = store.execute("SELECT MAX(tree_size) FROM dl_log_checkpoints")[0][0]
            except Exception:  # noqa: BLE001 — the tables appear when the follower starts
                count, checkpoints = 0, None
            if count == DEMO_STORE and checkpoints == DEMO_STORE:
                break
            time.sleep(0.2)
        assert (count, checkpoints) == (DEMO_STORE, DEMO_STORE)
        assert store.execute("SELECT COUNT(*) FROM dl_cases")[0][0] == 4
    finally:
        follower.send_signal(signal.SIGTERM)
        _, err = follower.communicate(timeout=30)
    assert follower.returncode == 0, err
    assert cli("verify", "--db", store.url).code == 0


def test_a_witness_cosigns_the_latest_checkpoint(cli, projected_ledger: DemoLedger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = projected_ledger.store
    witness = json.loads(cli("keygen", "--out", "witness.pem", "--json").out)
    name = "sft.xixian.gov.cn/witness"
    result = cli("cosign", "--db", store.url, "--key", "witness.pem", "--name", name)
    assert result.code == 0, result.err
    note = cli("checkpoint", "--db", store.url).out
    assert note.count("\n\u2014 ") == 2 and f"\u2014 {name} " in note
    text = note.rpartition("\n\n")[0] + "\n"
    line = next(line for line in note.splitlines() if line.startswith(f"\u2014 {name} "))
    raw = base64.b64decode(line.split(" ")[-1])
    public = base64.urlsafe_b64decode(witness["public_jwk"]["x"] + "=")
    # a C2SP tlog-cosignature/v1 line (issue 20): type 0x04, a timestamp, over the v1 message
    assert raw[:4] == hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
    stamp = int.from_bytes(raw[4:12], "big")
    assert stamp > 1_700_000_000 and len(raw) == 4 + 8 + 64
    Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], f"cosignature/v1\ntime {stamp}\n{text}".encode())
    checkpoint_of(cli, store)  # the ledger's own signature still verifies
    assert cli("verify", "--db", store.url).code == 0
    assert cli("cosign", "--db", store.url, "--key", "witness.pem", "--name", "bad name").code == 2
