"""Trusted timestamps (RFC 3161) of checkpoints and C2SP tlog-proof text, through the command line
on SQLite and PostgreSQL, against a TSA of the tests' own served over HTTP on 127.0.0.1
(tests/tsa_support.py; docs/spec.md §21, docs/operations.md "Trusted timestamps").

What is asked: a token is kept with the checkpoint (append-only), a bundle carries it and each
event's tlog-proof, `verify --bundle --tsa-cert` checks both and names an altered token, a token
of another checkpoint and a wrong TSA certificate; a reply that is refused keeps nothing; a TSA
that is down holds up no write."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.timestamping import Timestamper, TsaUnreachable, http_ask
from domain.evidence.checkpoint import parse_verifier_key
from domain.evidence.merkle import leaf_hash
from domain.evidence.timestamps import request
from domain.evidence.tlog_proof import TlogProof
from tests.integration.conftest import DemoLedger, Pristines, Store
from tests.integration.served_process import serving as serving_ledger
from tests.tsa_support import Authority, serving


@pytest.fixture(scope="module")
def tsa() -> Authority:
    return Authority()


def _verify(cli, bundle: Path, *extra: str) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    run = cli("verify", "--bundle", str(bundle), *extra, "--json")
    return run.code, json.loads(run.out)


def _details(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(b["kind"], b["detail"]) for b in report["breaks"]]


def test_a_token_is_kept_carried_in_bundles_and_checked(cli, projected_ledger: DemoLedger, tsa: Authority,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    store, demo = projected_ledger.store, projected_ledger.demo
    pem = tsa.write_pem(tmp_path / "tsa.pem")
    with serving(tsa) as url:
        first = cli("timestamp", "--db", store.url, "--tsa-url", url, "--tsa-cert", str(pem))
        assert first.code == 0, first.err
        again = cli("timestamp", "--db", store.url, "--tsa-url", url)
    kept, repeated = json.loads(first.out), json.loads(again.out)
    size = int(cli("checkpoint", "--db", store.url).out.split("\n")[1])
    assert (kept["tree_size"], kept["tsa"], kept["new"]) == (size, url, True)
    assert (repeated["tree_size"], repeated["new"]) == (size, False)  # one token per checkpoint and TSA
    listed = json.loads(cli("timestamp", "--db", store.url, "--list").out)
    assert [(k["tree_size"], k["gen_time"]) for k in listed] == [(size, kept["gen_time"])]
    # append-only in the database itself, as dl_log_signed is
    with pytest.raises(Exception, match="append-only"):
        store.execute("DELETE FROM dl_log_timestamps")
    with pytest.raises(Exception, match="append-only"):
        store.execute("UPDATE dl_log_timestamps SET gen_time = '2020-01-01T00:00:00.000000Z'")

    out = tmp_path / "case.bundle.json"
    assert cli("export", "--db", store.url, "--case", demo["cases"][2]["id"], "--out", str(out)).code == 0
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["format"] == "decision-ledger/bundle/v3"
    assert [s["checkpoint"] for s in bundle["timestamps"]] == [listed_note(cli, store, size)]
    assert all(TlogProof.parse(e["tlog_proof"]).index == e["leaf_index"] for e in bundle["events"])
    code, report = _verify(cli, out, "--tsa-cert", str(pem))
    assert (code, report["breaks"]) == (0, [])
    assert any(f"the tree of size {size} existed at {kept['gen_time']}" in n for n in report["notes"])

    other = Authority(name="另一时间戳机构")  # a wrong TSA certificate
    code, report = _verify(cli, out, "--tsa-cert", str(other.write_pem(tmp_path / "other.pem")))
    assert code == 1 and {k for k, _ in _details(report)} == {"timestamp"}
    assert any("does not verify under the TSA certificate given" in d for _, d in _details(report))

    altered = json.loads(json.dumps(bundle))  # an altered token: one byte of the TSA's signature
    raw = bytearray(base64.b64decode(altered["timestamps"][0]["response"]))
    raw[-5] ^= 0x40
    altered["timestamps"][0]["response"] = base64.b64encode(bytes(raw)).decode()
    code, report = _verify(cli, _write(tmp_path / "altered.json", altered), "--tsa-cert", str(pem))
    assert code == 1 and _details(report)[0][0] == "timestamp" and "timestamp 1" in _details(report)[0][1]

    another = json.loads(json.dumps(bundle))  # a genuine token of the same TSA, for another checkpoint
    another["timestamps"][0]["response"] = base64.b64encode(tsa.reply(request("other\n1\n" + "A" * 43 + "=\n")[0])).decode()
    code, report = _verify(cli, _write(tmp_path / "another.json", another), "--tsa-cert", str(pem))
    assert code == 1 and any("message imprint" in d for _, d in _details(report))

    # each event's inclusion proof as C2SP tlog-proof text, checked with the log's key alone
    case, version = demo["cases"][2]["id"], 3
    text = cli("prove", "--db", store.url, "--event", f"{case}:{version}", "--format", "tlog-proof").out
    proof = TlogProof.parse(text)
    name, key = parse_verifier_key(cli("checkpoint", "--db", store.url, "--vkey").out.strip())
    event = next(e for e in bundle["events"] if (e["aggregate_id"], e["version"]) == (case, version))
    assert proof.verify(leaf_hash(bytes.fromhex(event["state"]["hash"])), key, name).size == size
    assert text.startswith("c2sp.org/tlog-proof@v1\nindex ") and text == event["tlog_proof"]
    assert cli("prove", "--db", store.url, "--consistency", "1", "2", "--format", "tlog-proof").code == 2


def listed_note(cli, store: Store, size: int) -> str:  # type: ignore[no-untyped-def]
    """The note the ledger signed at ``size`` (dl_log_signed), as the TSA was asked to stamp it."""
    rows = store.execute("SELECT note FROM dl_log_signed WHERE tree_size = ?" if store.kind == "sqlite"
                         else "SELECT note FROM dl_log_signed WHERE tree_size = %s", (size,))
    return str(rows[0][0])


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sqlite_ledger(pristines: Pristines, tmp_path_factory: pytest.TempPathFactory) -> DemoLedger:
    """One projected demo ledger on SQLite for the module's smaller questions."""
    return pristines.copy("projected", "sqlite", tmp_path_factory.mktemp("stamps"))


def test_a_refused_reply_keeps_nothing(cli, sqlite_ledger: DemoLedger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_ledger.store.url
    lax = Authority(name="非关键用途时间戳机构", eku_critical=False)  # RFC 3161 §2.3: the EKU must be critical
    with serving(lax) as url:
        run = cli("timestamp", "--db", db, "--tsa-url", url, "--tsa-cert", str(lax.write_pem(tmp_path / "lax.pem")),
                  cwd=sqlite_ledger.keys.parent)
    assert run.code == 1 and "nothing kept" in run.err and "unsuitable certificate purpose" in run.err
    assert json.loads(cli("timestamp", "--db", db, "--list").out) == []


def test_a_reply_to_another_request_is_refused(sqlite_ledger: DemoLedger, tsa: Authority) -> None:
    """A reply replayed from another request (another nonce, other bytes) is not kept."""
    from api.settings import Settings
    from api.store.opening import open_ledger, open_projector
    from domain.evidence.timestamps import TimestampError
    from projections.timestamps import TimestampStore

    settings = Settings.load(sqlite_ledger.store.url)
    store = TimestampStore(open_projector(settings.database, open_ledger(settings.database)).reader)
    stale = tsa.reply(request("an earlier note\n")[0])
    with pytest.raises(TimestampError, match="other bytes"):
        store.stamp("http://replayed.test/", lambda _query: stale)
    assert store.kept() == []


def test_a_tsa_that_is_down_holds_up_nothing_and_is_asked_again(cli, sqlite_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                                 tsa: Authority) -> None:
    from api.settings import Settings
    from api.store.opening import open_ledger, open_projector

    with serving(tsa) as url:
        pass  # the port is closed again: nobody answers there
    run = cli("timestamp", "--db", sqlite_ledger.store.url, "--tsa-url", url)
    assert run.code == 2 and "did not answer" in run.err
    with pytest.raises(TsaUnreachable):
        http_ask(url, timeout=2)(b"query")
    settings = Settings.load(sqlite_ledger.store.url)
    projector = open_projector(settings.database, open_ledger(settings.database))
    stamper = Timestamper(projector, url, interval=3600, ask=http_ask(url, timeout=2))
    assert stamper.round() is False and "did not answer" in stamper.last_error
    with serving(tsa, refuse=True) as refusing:
        stamper.ask = http_ask(refusing, timeout=2)
        assert stamper.round() is False and "answered HTTP 503" in stamper.last_error
    with serving(tsa) as answering:
        stamper.ask = http_ask(answering, timeout=2)
        assert stamper.round() is True and stamper.last_error == ""
        assert stamper.round() is False  # already stamped: the TSA is not asked again
    stamper.start()  # the thread ends when asked, without waiting for its interval
    stamper.stop()
    assert stamper._thread is not None and not stamper._thread.is_alive()
    with pytest.raises(ValueError, match="http"):
        http_ask("file:///etc/passwd")


    # `verify` holds the tokens kept to the checkpoints signed: one smuggled in is named
    verified = json.loads(cli("verify", "--db", sqlite_ledger.store.url, "--json").out)
    assert verified["ok"] and any("1 timestamp tokens" in n for n in verified["notes"])
    size, note, response = sqlite_ledger.store.execute("SELECT tree_size, note, response FROM dl_log_timestamps")[0]
    sqlite_ledger.store.execute("INSERT INTO dl_log_timestamps VALUES (?,?,?,?,?,?)",
                                (size, "http://another.test/", note.replace("\n\n", "\n\n\u2014 x AAAA\n", 1), response,
                                 "2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:00.000000Z"))
    run = cli("verify", "--db", sqlite_ledger.store.url, "--json")
    assert run.code == 1
    assert [(b["aggregate_id"], b["version"], b["kind"]) for b in json.loads(run.out)["breaks"]] == [
        ("transparency-log", size, "timestamp")]


def test_the_commands_say_what_they_do(cli) -> None:  # type: ignore[no-untyped-def]
    assert "RFC 3161" in cli("timestamp", "--help").out
    assert "--tsa-url" in cli("serve", "--help").out and "--tsa-interval" in cli("serve", "--help").out
    assert "--tsa-cert" in cli("verify", "--help").out
    assert "tlog-proof" in cli("prove", "--help").out
    assert cli("verify", "--tsa-cert", __file__).code == 2  # --tsa-cert goes with --bundle


def test_serve_has_the_latest_checkpoint_timestamped_from_its_own_thread(cli, sqlite_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    """The real entry point: `serve --tsa-url` asks the TSA at its interval while it serves."""
    authority = Authority(name="服务时间戳机构")
    db = sqlite_ledger.store.url
    with serving(authority) as url, serving_ledger(tmp_path, "--db", db, "--keys", str(sqlite_ledger.keys),
                                                   "--tsa-url", url, "--tsa-interval", "1") as (address, _):
        deadline = time.monotonic() + 60
        while authority.requests == 0 and time.monotonic() < deadline:
            time.sleep(0.1)  # the server asks on its own: nothing to wait on but the TSA's count
        assert authority.requests >= 1
        assert httpx.get(f"{address}/healthz", timeout=5).status_code == 200
    kept = json.loads(cli("timestamp", "--db", db, "--list").out)
    assert url in {k["tsa"] for k in kept}
    assert '"event": "timestamped"' in (tmp_path / "serve.log").read_text() or \
        '"event":"timestamped"' in (tmp_path / "serve.log").read_text()
