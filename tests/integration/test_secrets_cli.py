"""The signing client seals a classified material before it signs it, and `shred` destroys its
key on a lawful request, against `serve` in a subprocess on SQLite (the PostgreSQL side of the
same flow is in test_secrets.py over the HTTP API)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.integration.raw_scan import found, sqlite_bytes, with_base64_decoded
from tests.integration.served_process import serving
from tests.integration.test_serve_client import enrol

XX_UNIT = "息县住房和城乡建设局"
SECRET_TITLE = "拆迁补偿协议（含被征收人身份证号）"
SECRET_SUMMARY = "被征收人王某某，身份证号411528198001010000，补偿款37.2万元"


@pytest.mark.slow
def test_the_client_seals_and_shred_destroys_the_key(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keys = tmp_path / "decision-ledger.db.keys"
    with serving(tmp_path, "--demo") as (address, _):
        info = json.loads((keys / "ledger.json").read_text())
        (demo_file,) = keys.glob("demo/*/demo.json")
        demo = json.loads(demo_file.read_text())
        env = {"DECISION_LEDGER_SERVER": address}
        li = enrol(cli, info, env, "li", "--name", "李明", "--kind", "person", "--unit", XX_UNIT, "--roles", "lead_unit")
        me = {**env, "DECISION_LEDGER_KEY": "li.pem", "DECISION_LEDGER_AS": li}
        decision = _ok(cli("client", "decision", "register", "--jurisdiction", "XX", "--title", "息县城区棚户区改造实施方案",
                           "--document-number", "息政〔2022〕5号", "--organ", "息县人民政府", "--decided-on", "2022-03-01",
                           "--purpose", "改善居住条件", env=me))
        assert cli("client", "decision", "record-demonstrators", decision["aggregate_id"], "--none", env=me).code == 0
        case_id = _ok(cli("client", "case", "open", "--decision-id", decision["aggregate_id"], "--jurisdiction", "XX",
                          "--title", "棚户区改造实施方案后评估", "--lead-unit", XX_UNIT, "--grounds", "XX-9(3)",
                          "--ground-statement", "群众反映较多", "--procedure", "simplified",
                          "--simplified-reason", "评估内容单一", env=me))["aggregate_id"]
        material = ["client", "case", "collect-material", case_id, "--title", SECRET_TITLE, "--source", "县征收办",
                    "--stance", "neutral", "--period", "during", "--digest", "b" * 64, "--summary", SECRET_SUMMARY]
        sealed = _ok(cli(*material, "--material-id", "new", "--classification", "personal_privacy", env=me))
        public = _ok(cli(*material[:4], "--material-id", "new", "--title", "公开的补偿标准", "--source", "县征收办",
                         "--stance", "neutral", "--period", "during", "--digest", "c" * 64, "--summary", "补偿标准",
                         "--classification", "none", env=me))
        assert sealed["version"] == 2 and public["version"] == 3

        timeline = _ok(cli("client", "get", f"/v1/cases/{case_id}/timeline", env=me))["items"]
        (args,) = [e["args"] for e in timeline if e["action"] == "case.collect_material" and "sealed" in e["args"]]
        assert args["title"] == SECRET_TITLE and args["summary"] == SECRET_SUMMARY
        material_id, kid = args["material_id"], args["sealed"]["kid"]
        (clear_id,) = [e["args"]["material_id"] for e in timeline if e["args"].get("title") == "公开的补偿标准"]
        assert (keys / "secrets" / f"{kid}.key").exists()
        with sqlite3.connect(tmp_path / "decision-ledger.db") as raw:  # the minted key, claimed by its material
            (claimed,) = raw.execute("SELECT claimed_at FROM dl_data_keys WHERE kid = ?", (kid,)).fetchone()
        assert claimed is not None, "a key that sealed a stored material never expires"
        inspector = {**env, "DECISION_LEDGER_KEY": str(Path(demo["keys_dir"]) / "huang_zhigang.pem"),
                     "DECISION_LEDGER_AS": demo["handles"]["huang_zhigang"]}
        assert SECRET_TITLE not in cli("client", "get", f"/v1/cases/{case_id}/timeline", env=inspector).out
    corpus = with_base64_decoded(sqlite_bytes(tmp_path))
    assert found(corpus, "公开的补偿标准") and not found(corpus, SECRET_TITLE) and not found(corpus, SECRET_SUMMARY)

    shred = ["shred", "--case", case_id, "--request-ref", "息县征收办〔2026〕删字1号", "--basis", "当事人依法申请删除"]
    done = cli(*shred, "--material", material_id, "--json")
    assert done.code == 0, done.err
    result = json.loads(done.out)
    assert result["kid"] == kid and result["key_destroyed"] is True and result["recorded"]["event"] == "MaterialShredded"
    assert not (keys / "secrets" / f"{kid}.key").exists() and (keys / "secrets" / f"{kid}.shredded").exists()
    again = cli(*shred, "--material", material_id, "--json")
    assert again.code == 0 and json.loads(again.out) == {**result, "recorded": None, "key_destroyed": False}
    unsealed = cli(*shred, "--material", clear_id)
    assert unsealed.code == 1 and "NX-15" not in unsealed.err and "XX-22" in unsealed.err
    verified = cli("verify", "--json")
    assert verified.code == 0, verified.out + verified.err

    with serving(tmp_path) as (address, _):
        timeline = _ok(cli("client", "get", f"/v1/cases/{case_id}/timeline", env={**me, "DECISION_LEDGER_SERVER": address}))
        (args,) = [e["args"] for e in timeline["items"] if e["action"] == "case.collect_material" and "sealed" in e["args"]]
        assert args["title"] == "〔已销毁 shredded〕" and args["shredded"] is True
        assert all(e["verified"] for e in timeline["items"])


def _ok(run: Any) -> dict[str, Any]:
    assert run.code == 0, run.out + run.err
    return json.loads(run.out)  # type: ignore[no-any-return]

