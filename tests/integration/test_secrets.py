"""Secrets (NX-15, XX-17, XX-22), on SQLite and PostgreSQL, over the demo: classified material
is encrypted at rest with keys outside the database, read only by cleared readers, never
published, and crypto-shredded on a lawful request while every signature and hash still
verifies. Nothing here trusts the ledger's own reads for the at-rest claims: the store is read
raw, as an insider with a copy of the database would."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.model.sealing import SHREDDED
from domain.service.access import WITHHELD
from tests.integration.http_support import Served
from tests.integration.raw_scan import found, postgres_bytes, sqlite_bytes, with_base64_decoded

PROBLEM = "application/problem+json"
HOTLINE = "县长热线垃圾清运诉求登记表（含来电人信息）"  # the XX case's personal-privacy material
COMMERCIAL = "企业来函：补贴申报材料重复提交问题"  # the NX case's commercial secret


def raw_store(served: Served) -> bytes:
    """Every byte of the store, and the base64 inside it decoded."""
    if served.url.startswith("sqlite"):
        raw = sqlite_bytes(Path(served.url.removeprefix("sqlite:///")).parent)
    else:
        raw = postgres_bytes(served.url)
    return with_base64_decoded(raw)


def inspector_of(served: Served, case_id: str) -> str:
    """The demo's inspector whose scope reaches the case: 孔德明 for the 商务厅's, 蒋卫国 for 息县's."""
    (case,) = [c for c in served.demo.cases if str(c["id"]) == case_id]
    return "kong_deming" if case["jurisdiction"] == "NX" else "jiang_weiguo"


def collected(served: Served, case_id: str, handle: str | None = None) -> list[dict[str, Any]]:
    """The collect_material events of a case, as this reader's timeline shows their arguments."""
    response = served.get(f"/v1/cases/{case_id}/timeline", handle or inspector_of(served, case_id))
    assert response.status_code == 200, response.text
    return [e["args"] for e in response.json()["items"] if e["action"] == "case.collect_material"]


def secrets_of(served: Served) -> list[dict[str, Any]]:
    """Every sealed material of the demo, opened for the inspector (who is cleared for all)."""
    out = [a for c in served.demo.cases for a in collected(served, str(c["id"])) if "sealed" in a]
    assert len(out) == 4, "the demo seals three NX materials and one XX material"
    return out




def needles(args: dict[str, Any]) -> list[str]:
    """The secret content of one material: its title, summary and document digest (its source
    may name a body that is public elsewhere in the record, e.g. a forum participant)."""
    return [args["title"], args["summary"], args["digest"]]


def test_the_raw_store_holds_no_plaintext_secret_and_no_data_key(served: Served) -> None:
    corpus = raw_store(served)
    unclassified = [a for c in served.demo.cases for a in collected(served, str(c["id"])) if "sealed" not in a]
    assert unclassified and all(found(corpus, a["title"]) for a in unclassified), "the scan finds what is in clear"
    secrets = secrets_of(served)
    for args in secrets:
        for text in needles(args):
            assert not found(corpus, text), f"plaintext {text!r} is in the raw store"
        assert args["sealed"]["ct"].encode() in corpus, "the ciphertext is what is stored"
    keystore = served.service.keystore
    assert keystore is not None
    for args in secrets:
        key = keystore.data_key(args["sealed"]["kid"])
        assert key is not None
        for spelling in (key, base64.b64encode(key), base64.urlsafe_b64encode(key).rstrip(b"="), key.hex().encode()):
            assert spelling not in corpus, "a data key is in the database"
        path = keystore.directory / f"{args['sealed']['kid']}.key"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_cleared_readers_see_the_content_and_others_see_it_withheld(served: Served) -> None:
    """NX-15, XX-22: the XX case's personal privacy is read by its lead unit and collector
    (孙丽) and 息县's inspector, not by the justice reviewer who reads the case."""
    xx = str(served.demo.cases[1]["id"])
    for handle, cleared in (("sun_li", True), ("chen_jianhua", True), ("jiang_weiguo", True),
                            ("huang_zhigang", False), ("wu_tao", False)):
        (hotline,) = [a for a in collected(served, xx, handle) if a["classification"] == "personal_privacy"]
        state = served.get(f"/v1/cases/{xx}", handle).json()["case"]["materials"][hotline["material_id"]]
        if cleared:
            assert hotline["title"] == HOTLINE and hotline["summary"].startswith("2022年度涉及垃圾清运的诉求")
            assert state["title"] == HOTLINE and "sealed" not in state
        else:
            assert hotline["title"] == WITHHELD and hotline["withheld"] is True and "sealed" not in hotline
            assert state["title"] == WITHHELD and state["withheld"] is True
            assert HOTLINE not in served.get(f"/v1/cases/{xx}/timeline", handle).text
        latest = served.get(f"/v1/cases/{xx}", handle).json()["as_of"]["version"]
        page = served.client.get(f"/cases/{xx}/versions/{latest}", headers=served.session(handle))
        assert page.status_code == 200 and hotline["material_id"] in page.text
        assert (HOTLINE in page.text) is cleared, handle


def test_public_results_and_pages_never_carry_sealed_content(served: Served) -> None:
    """XX-17: published results list only unclassified material; of the rest, only how many."""
    results = served.get("/v1/public/results").json()["items"]
    published = json.dumps(results, ensure_ascii=False) + served.client.get("/").text
    assert results and all(r["materials_withheld"] >= 1 for r in results)
    for args in secrets_of(served):
        for text in needles(args):
            assert text not in published
        assert args["sealed"]["ct"] not in published


def test_data_keys_are_issued_only_to_those_who_collect_material(served: Served) -> None:
    keystore = served.service.keystore
    assert keystore is not None
    issued = served.client.post("/v1/secrets/keys", headers=served.headers("sun_li"))
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["alg"] == "A256GCM" and keystore.data_key(body["kid"]) == base64.b64decode(body["key"])
    for handle in ("huang_zhigang", "wu_tao"):
        refused = served.client.post("/v1/secrets/keys", headers=served.headers(handle))
        assert refused.status_code == 403 and refused.headers["content-type"].startswith(PROBLEM)
    assert served.client.post("/v1/secrets/keys").status_code == 401


def test_shredding_destroys_the_key_and_everything_still_verifies(served: Served, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A lawful request: the administrator records it (signed, accountable), the server destroys
    the data key; the content is gone for everyone, while verify, a bundle's verify and the raw
    scan all still pass. Runs last in this module: it shreds the demo's hotline record."""
    xx = str(served.demo.cases[1]["id"])
    (hotline,) = [a for a in collected(served, xx) if a["classification"] == "personal_privacy"]
    kid = hotline["sealed"]["kid"]
    keystore = served.service.keystore
    assert keystore is not None and keystore.data_key(kid) is not None
    args = {"material_id": hotline["material_id"], "kid": kid, "request_ref": "息县住建〔2026〕个信删字第3号",
            "basis": "《个人信息保护法》第四十七条：处理目的已实现，来电人申请删除"}
    path = f"/v1/cases/{xx}/material-shreddings"
    before = served.stored()
    refused = served.client.post(path, json=served.sign("sun_li", "case.record_shredding", UUID(xx), args).to_json())
    assert refused.status_code == 403 and served.stored() == before and keystore.data_key(kid) is not None
    done = served.client.post(path, json=served.sign("admin", "case.record_shredding", UUID(xx), args).to_json())
    assert done.status_code == 201, done.text
    assert done.json()["event"] == "MaterialShredded"
    assert keystore.data_key(kid) is None and keystore.is_shredded(kid)
    assert not (keystore.directory / f"{kid}.key").exists()
    again = served.client.post(path, json=served.sign("admin", "case.record_shredding", UUID(xx), args).to_json())
    assert again.status_code == 409

    for handle in ("jiang_weiguo", "sun_li", "huang_zhigang"):
        (shown,) = [a for a in collected(served, xx, handle) if a["material_id"] == hotline["material_id"]]
        assert shown["title"] == SHREDDED and shown["summary"] == SHREDDED, handle
        state = served.get(f"/v1/cases/{xx}", handle).json()["case"]["materials"][hotline["material_id"]]
        assert state["title"] == SHREDDED and state["shredded"]["request_ref"] == args["request_ref"], handle
        earlier = served.get(f"/v1/cases/{xx}", handle, at="1").json()
        assert earlier["as_of"]["version"] == 1
    timeline = served.get(f"/v1/cases/{xx}/timeline", "jiang_weiguo").json()["items"]
    assert all(e["verified"] for e in timeline) and timeline[-1]["action"] == "case.record_shredding"
    assert timeline[-1]["actor_id"] == str(served.people["admin"].principal_id)

    verified = cli("verify", "--db", served.url, "--json")
    assert verified.code == 0, verified.out + verified.err
    assert json.loads(verified.out)["ok"] is True
    bundle = served.get(f"/v1/exports/cases/{xx}", "jiang_weiguo")
    assert bundle.status_code == 200
    carried = with_base64_decoded(bundle.text.encode())
    assert not any(found(carried, text) for text in needles(hotline))
    assert hotline["sealed"]["ct"].encode() in carried, "the bundle carries the ciphertext its hashes cover"
    (tmp_path / "bundle.json").write_text(bundle.text, encoding="utf-8")
    offline = cli("verify", "--bundle", str(tmp_path / "bundle.json"))
    assert offline.code == 0, offline.out + offline.err

    corpus = raw_store(served)
    for text in needles(hotline):
        assert not found(corpus, text)

