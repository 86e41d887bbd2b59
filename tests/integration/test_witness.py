"""Independent witnesses (issue 20, point 1; docs/spec.md §20): a witness in its own process
with its own key and store cosigns the ledger's checkpoints (C2SP tlog-witness, cosignature/v1),
refuses a consistent rewrite by an insider holding the database and the key files, keeps the
evidence of the attempt, and `verify --witness` catches the rewrite. The service publishes only
a checkpoint a quorum cosigned, and says how long a newer one has waited.

Cosignatures are checked with tests/spec_verifier/cosignature.py, written from the C2SP texts."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from domain.evidence.checkpoint import Checkpoint, verifier_key
from domain.evidence.signing import SigningKey
from tests.integration.conftest import DemoLedger, Run, Store, _command
from tests.integration.insider import forget_checkpoints
from tests.integration.served_process import serving
from tests.integration.test_log_cli import rewrite_history
from tests.integration.writers import enrol
from tests.spec_verifier import cosignature as spec


@contextmanager
def witness_process(directory: Path, log_vkey: str, name: str, store_name: str = "store",
                    ) -> Iterator[tuple[str, str]]:
    """`witness init` and `witness serve --port 0` in a process of its own: (URL, vkey). The
    store is a directory, or a SQLite file if ``store_name`` ends in ``.db``."""
    key, store = directory / "witness.pem", directory / store_name
    made = subprocess.run([*_command(), "witness", "init", "--key", str(key), "--store", str(store),
                           "--name", name, "--log", log_vkey], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    process = subprocess.Popen([*_command(), "witness", "serve", "--key", str(key), "--store", str(store),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        found = re.match(r"listening on (http://\S+)/$", process.stdout.readline().rstrip("\n"))
        assert found, process.stderr.read() if process.stderr else ""
        yield found.group(1), made.stdout.strip()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def policy(keys: Path, log_vkey: str, witnesses: list[tuple[str, str, str]], quorum: str) -> None:
    lines = [f"log {log_vkey}", *(f"witness {n} {v} {u}" for n, v, u in witnesses), quorum]
    (keys / "tlog-policy").write_text("\n".join(lines) + "\n")


def submit(cli, store: Store) -> tuple[Run, dict]:  # type: ignore[no-untyped-def]
    result = cli("witness", "submit", "--db", store.url)
    return result, json.loads(result.out) if result.out.strip() else {}


def test_a_witness_catches_an_insider_s_consistent_rewrite(cli, projected_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    store, keys = projected_ledger.store, projected_ledger.keys
    log_vkey = cli("checkpoint", "--db", store.url, "--vkey").out.strip()
    with witness_process(tmp_path / "sfj", log_vkey, "sfj.xixian.gov.cn/witness") as (url, vkey):
        policy(keys, log_vkey, [("司法局", vkey, url)], "quorum 司法局")
        assert cli("checkpoint", "--db", store.url).code == 0
        result, answer = submit(cli, store)
        assert result.code == 0 and answer["published"], result.out + result.err
        witnessed = (keys / "witnessed.note").read_text()
        assert spec.verify_witnessed(witnessed, log_vkey, [vkey], 1).size == answer["tree_size"]
        first = answer["tree_size"]

        # new events (a person enrolled, a decision and a case of theirs: the demo a second time
        # took seconds more, here and in every verify below): the next checkpoint goes with a
        # consistency proof from the witness's latest
        enrol(store.url, keys, people=1, cases=1)
        assert cli("checkpoint", "--db", store.url).code == 0
        result, answer = submit(cli, store)
        assert result.code == 0 and answer["witnessed_size"] > first, result.out
        seen = answer["witnessed_size"]
        assert cli("verify", "--db", store.url, "--witness", url, "--witness-vkey", vkey).code == 0
        assert cli("verify", "--db", store.url, "--witness", str(tmp_path / "sfj" / "store")).code == 0

        # The insider holds the database and the key files: rewrites an old event, re-chains
        # it, drops every checkpoint the store and checkpoint.note kept, rebuilds the log and
        # signs it again. The store alone verifies…
        rewrite_history(store)
        forget_checkpoints(store, keys)
        (keys / "witnessed.note").unlink()
        assert cli("rebuild", "--db", store.url).code == 0
        assert cli("checkpoint", "--db", store.url).code == 0
        assert cli("verify", "--db", store.url).code == 0
        # …but the witness refuses the rewritten checkpoint and keeps the attempt,
        result, answer = submit(cli, store)
        assert result.code == 1 and not answer["published"] and "422" in answer["errors"], result.out
        refused = [json.loads(p.read_text()) for p in sorted((tmp_path / "sfj" / "store" / "refused").glob("*.json"))]
        assert [r["status"] for r in refused] == [422]
        rewritten = cli("checkpoint", "--db", store.url).out
        assert refused[0]["request"].endswith(rewritten) and "not consistent" in refused[0]["reason"]
        # and `verify --witness` names the break, from the witness's process and from its store.
        for witness, pinned in ((url, ["--witness-vkey", vkey]), (str(tmp_path / "sfj" / "store"), [])):
            result = cli("verify", "--db", store.url, "--witness", witness, *pinned, "--json")
            report = json.loads(result.out)
            assert result.code == 1 and not report["ok"], result.out
            assert any("not consistent with the trusted checkpoint" in b["detail"] for b in report["breaks"])
            # the report says which key it trusted and from where
            source = "given with --witness-vkey" if pinned else f"read from the witness's store {witness}"
            assert f"trusted witness key {vkey}, {source}" in report["notes"][1], report["notes"]
        # the witness still serves the checkpoint it cosigned before the rewrite
        latest = httpx.get(f"{url}/{_origin_hash(log_vkey)}/checkpoint").text
        assert spec.verify_witnessed(latest, log_vkey, [vkey], 1).size == seen


def _origin_hash(log_vkey: str) -> str:
    import hashlib

    return hashlib.sha256(log_vkey.split("+", 1)[0].encode()).hexdigest()


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_the_service_publishes_only_a_checkpoint_a_quorum_cosigned(cli, projected_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    store, keys = projected_ledger.store, projected_ledger.keys
    log_vkey = cli("checkpoint", "--db", store.url, "--vkey").out.strip()
    with witness_process(tmp_path / "b", log_vkey, "b.example/witness") as (dead_url, dead_vkey):
        pass  # the justice bureau's witness is made, but its process is gone: it never answers
    with witness_process(tmp_path / "a", log_vkey, "a.example/witness", "store.db") as (url, vkey):
        # the witness's HTTP interface: its verifier key, and refusals as C2SP tlog-witness says
        assert httpx.get(f"{url}/vkey").text.strip() == vkey
        assert httpx.post(f"{url}/add-checkpoint", content=b"garbage").status_code == 400
        stranger = SigningKey.generate()
        own = cli("checkpoint", "--db", store.url).out
        origin, size = own.split("\n")[0], own.split("\n")[1]
        unknown = Checkpoint("decision-ledger/another", 1, bytes(32)).sign(stranger).render()
        assert httpx.post(f"{url}/add-checkpoint", content=f"old 0\n\n{unknown}".encode()).status_code == 404
        forged = Checkpoint(origin, int(size), bytes(32)).sign(stranger, origin).render()
        assert httpx.post(f"{url}/add-checkpoint", content=f"old 0\n\n{forged}".encode()).status_code == 403
        assert httpx.post(f"{url}/add-checkpoint", content=f"old {int(size) + 1}\n\n{own}".encode()).status_code == 400
        assert httpx.get(f"{url}/{_origin_hash(log_vkey)}/checkpoint").status_code == 404  # nothing cosigned yet
        # a policy naming another log is refused, saying what to add
        other = verifier_key("decision-ledger/another", SigningKey.generate().public_key)
        policy(keys, other, [("审计局", vkey, url)], "quorum 审计局")
        result = cli("witness", "submit", "--db", store.url)
        assert result.code == 2 and "do not name this ledger" in result.err, result.err
        policy(keys, log_vkey, [("审计局", vkey, url), ("司法局", dead_vkey, dead_url)],
               "group 两家 all 审计局 司法局\nquorum 两家")
        with serving(tmp_path, "--db", store.url, "--keys", str(keys), "--interval", "0.2") as (address, _):
            # the audit office's witness cosigns in the background; the justice bureau's does not
            # answer, so no quorum: nothing is published, and /readyz says how long it has waited
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and httpx.get(f"{url}/{_origin_hash(log_vkey)}/checkpoint").status_code != 200:
                time.sleep(0.2)
            assert httpx.get(f"{url}/{_origin_hash(log_vkey)}/checkpoint").status_code == 200
            assert httpx.get(f"{address}/v1/public/checkpoint").status_code == 404
            time.sleep(1.1)
            ready = httpx.get(f"{address}/readyz").json()
            assert ready["status"] == "ready" and ready["witnessed_size"] == 0
            assert ready["witness_lag_seconds"] >= 1 and ready["checkpoint_size"] > 0
            assert "司法局" in ready["witness_error"]
            metrics = httpx.get(f"{address}/metrics").text
            assert re.search(r"^dl_witness_lag_seconds [1-9]", metrics, re.MULTILINE), metrics
            # with a policy one witness satisfies, the checkpoint is witnessed and published
            policy(keys, log_vkey, [("审计局", vkey, url), ("司法局", dead_vkey, dead_url)],
                   "group 任一 any 审计局 司法局\nquorum 任一")
            result, answer = submit(cli, store)
            assert result.code == 0 and answer["published"], result.out
            published = httpx.get(f"{address}/v1/public/checkpoint").text
            assert spec.verify_witnessed(published, log_vkey, [vkey], 1).size == ready["checkpoint_size"]
            ready = httpx.get(f"{address}/readyz").json()
            assert ready["witnessed_size"] == ready["checkpoint_size"] and ready["witness_lag_seconds"] == 0
        # the audit office's store is a SQLite file; verify reads it as well as the witness's URL
        for witness in (url, f"sqlite:///{tmp_path / 'a' / 'store.db'}"):
            assert cli("verify", "--db", store.url, "--witness", witness, "--witness-vkey", vkey).code == 0
