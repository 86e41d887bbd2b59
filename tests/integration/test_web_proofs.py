"""The browser's own verifier (issue 19 point 4, ``api/http/static/proofs.js``) in headless Chromium.

It is a second verifier, so the house's test vectors (``tests/vectors/v1|v2|v3``) run through it and
must agree with the Python verifier (``domain/evidence``): every valid proof, checkpoint and event
hash accepted, and every tampered one refused with the same verdict — the same words, since both
verifiers name the check that failed alike. Then the proof page on the served demo: every step
passes and is told in words; a tampered proof, a tampered checkpoint, and the step that fails is
named; the evidence bundles download from the case and person pages.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from domain.evidence.checkpoint import (
    Checkpoint,
    NoteError,
    SignedNote,
    open_checkpoint,
    parse_verifier_key,
    verifier_key,
)
from domain.evidence.hashing import event_hash, genesis_hash
from domain.evidence.merkle import ProofError, leaf_hash, verify_consistency, verify_inclusion
from domain.evidence.signing import PublicKey, SigningKey
from tests.integration.browser import shoot, sign_in
from tests.integration.http_support import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.parametrize("served", ["sqlite"], indirect=True)]

VECTORS = Path(__file__).parents[1] / "vectors"
SETS = ("v1", "v2", "v3")


def _flip(text_hex: str, at: int = 0) -> str:
    raw = bytearray(bytes.fromhex(text_hex))
    raw[at] ^= 0x01
    return raw.hex()


def _python(check: Any) -> str | None:
    """The Python verifier's verdict: None (accepted) or the words of its refusal."""
    try:
        check()
    except (ProofError, NoteError) as error:
        return str(error)
    return None


def _inclusion_cases(proofs: dict[str, Any]) -> list[dict[str, Any]]:
    cases = []
    root = proofs["root"]
    for p in proofs["inclusion"]:
        leaf, index, size, path = p["leaf_hash"], p["leaf_index"], p["tree_size"], p["inclusion_path"]
        cases.append({"why": "as given", "leaf": leaf, "index": index, "size": size, "path": path, "root": root})
        cases.append({"why": "a path hash flipped", "leaf": leaf, "index": index, "size": size,
                      "path": [_flip(path[0]), *path[1:]], "root": root})
        cases.append({"why": "the leaf flipped", "leaf": _flip(leaf, 31), "index": index, "size": size, "path": path,
                      "root": root})
        cases.append({"why": "another index", "leaf": leaf, "index": index + 1, "size": size, "path": path,
                      "root": root})
        cases.append({"why": "index outside", "leaf": leaf, "index": size, "size": size, "path": path, "root": root})
        cases.append({"why": "a hash short", "leaf": leaf, "index": index, "size": size, "path": path[:-1],
                      "root": root})
        cases.append({"why": "a hash too many", "leaf": leaf, "index": index, "size": size, "path": [*path, path[0]],
                      "root": root})
        cases.append({"why": "another root", "leaf": leaf, "index": index, "size": size, "path": path,
                      "root": _flip(root)})
    for case in cases:
        case["python"] = _python(lambda c=case: verify_inclusion(
            bytes.fromhex(c["leaf"]), c["index"], c["size"], [bytes.fromhex(h) for h in c["path"]],
            bytes.fromhex(c["root"])))
    return cases


def _consistency_cases(proofs: dict[str, Any]) -> list[dict[str, Any]]:
    cases = []
    for p in proofs["consistency"]:
        old, new, old_root, new_root, path = (p["old_size"], p["new_size"], p["old_root"], p["new_root"],
                                              p["consistency_path"])
        base = {"old": old, "new": new, "old_root": old_root, "new_root": new_root, "path": path}
        cases += [
            {**base, "why": "as given"},
            {**base, "why": "a path hash flipped", "path": [_flip(path[0]), *path[1:]]},
            {**base, "why": "the last hash flipped", "path": [*path[:-1], _flip(path[-1])]},
            {**base, "why": "another old root", "old_root": _flip(old_root)},
            {**base, "why": "another new root", "new_root": _flip(new_root)},
            {**base, "why": "a hash short", "path": path[:-1]},
            {**base, "why": "a hash too many", "path": [*path, path[0]]},
            {**base, "why": "empty", "path": []},
            {**base, "why": "sizes swapped", "old": new, "new": old},
            {**base, "why": "equal sizes", "old": new, "old_root": new_root, "path": []},
            {**base, "why": "equal sizes, a path", "old": new, "old_root": new_root},
            {**base, "why": "from the empty tree", "old": 0, "path": []},
            {**base, "why": "from the empty tree, a path", "old": 0},
        ]
    for case in cases:
        case["python"] = _python(lambda c=case: verify_consistency(
            c["old"], c["new"], bytes.fromhex(c["old_root"]), bytes.fromhex(c["new_root"]),
            [bytes.fromhex(h) for h in c["path"]]))
    return cases


def _ledger_key(keys: list[dict[str, Any]]) -> PublicKey:
    ledger = next(k for k in keys if "ledger key" in k["name"])
    x = ledger["public_jwk"]["x"]
    return PublicKey(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))


def _note_cases(directory: Path) -> list[dict[str, Any]]:
    keys = json.loads((directory / "keys.json").read_text())
    public = _ledger_key(keys)
    other = next(k for k in keys if k["name"] == "李娜")["public_jwk"]["x"]
    stranger = PublicKey(base64.urlsafe_b64decode(other + "=" * (-len(other) % 4)))
    cases = []
    for name in ("checkpoint.note", "first-checkpoint.note"):
        note = (directory / name).read_text()
        origin, size, root = note.split("\n")[:3]
        text, signatures = note.split("\n\n")
        signature_line = signatures.rstrip("\n")
        sig = bytearray(base64.b64decode(signature_line.rsplit(" ", 1)[1]))
        sig[10] ^= 0x01
        flipped_sig = signature_line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(sig)).decode()
        cosigned = _witness_line(text)
        root_bytes = bytearray(base64.b64decode(root))
        root_bytes[0] ^= 0x01
        variants = {
            "as given": (note, public),
            "with a witness's signature too": (note + cosigned, public),
            "another size": (note.replace(f"\n{size}\n", f"\n{int(size) + 1}\n", 1), public),
            "another root": (note.replace(root, base64.b64encode(bytes(root_bytes)).decode(), 1), public),
            "a flipped signature": (f"{text}\n\n{flipped_sig}\n", public),
            "no signature of the ledger": (f"{text}\n\n{cosigned}", public),
            "another key": (note, stranger),
            "no trailing newline": (note.rstrip("\n"), public),
            "no blank line": (note.replace("\n\n", "\n"), public),
            "a size with a leading zero": (note.replace(f"\n{size}\n", f"\n0{size}\n", 1), public),
            "a short root": (note.replace(root, base64.b64encode(bytes(root_bytes[:31])).decode(), 1), public),
            "a control character": (note.replace(origin, origin + "\t", 1), public),
        }
        for why, (body, key) in variants.items():
            cases.append({"why": f"{name}: {why}", "note": body, "vkey": verifier_key(origin, key),
                          "python": _python(lambda b=body, k=key: open_checkpoint(b, k)),
                          "size": int(size), "root": base64.b64decode(root).hex()})
    return cases


def _witness_line(text: str) -> str:
    """A witness's signature line (another key, its own name), which a verifier ignores (§11)."""
    signed = SignedNote(text + "\n").signed(SigningKey.generate(), "witness.example/justice")
    return signed.signatures[0].line()


def _hash_cases(directory: Path) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    vectors = json.loads((directory / "event-hashes.json").read_text())
    cases = []
    for e in vectors["events"]:
        cases.append({**e, "why": "as stored", "python": e["hash"]})
        edited = copy.deepcopy(e)
        edited["state"]["timestamp"] = edited["state"]["timestamp"].replace(":00.", ":01.", 1)
        edited["state"]["envelope"]["payloadType"] += " "
        edited["state"]["extra"] = {"注": "改动", "n": -(2**53 - 1), "list": [True, None, "\u2028\U0001f600"]}
        edited.update(why="edited", hash_input=None,
                      python=event_hash(e["aggregate_id"], e["version"], e["topic"], edited["state"]))
        cases.append(edited)
    genesis = [{"aggregate_id": g["aggregate_id"], "python": genesis_hash(g["aggregate_id"]),
                "vector": g["genesis_hash"]} for g in vectors["genesis"]]
    return cases, genesis


RUN_VECTORS = """async (v) => {
  const P = window.DLProofs, fromHex = P.fromHex;
  const message = async (f) => { try { await f(); return null; } catch (e) {
    if (!(e instanceof P.ProofError)) throw e; return e.message; } };
  const inclusion = [];
  for (const c of v.inclusion) inclusion.push(await message(() => P.verifyInclusion(
    fromHex(c.leaf), c.index, c.size, c.path.map(fromHex), fromHex(c.root))));
  const consistency = [];
  for (const c of v.consistency) consistency.push(await message(() => P.verifyConsistency(
    c.old, c.new, fromHex(c.old_root), fromHex(c.new_root), c.path.map(fromHex))));
  const notes = [];
  for (const c of v.notes) {
    let opened = null;
    const verdict = await message(async () => { opened = await P.openCheckpoint(c.note, await P.parseVerifierKey(c.vkey)); });
    notes.push({verdict, size: opened && opened.size, root: opened && P.hex(opened.root)});
  }
  const hashes = [];
  for (const c of v.hashes) hashes.push({input: P.hashInput(c.aggregate_id, c.version, c.topic, c.state),
    hash: await P.eventHash(c.aggregate_id, c.version, c.topic, c.state)});
  const genesis = [];
  for (const g of v.genesis) genesis.push(await P.genesisHash(g.aggregate_id));
  const leaves = [];
  for (const p of v.leaves) leaves.push(P.hex(await P.leafHash(fromHex(p))));
  return {inclusion, consistency, notes, hashes, genesis, leaves};
}"""


def _refused_kind(words: str | None) -> str | None:
    """A refusal's words up to a quoted excerpt (Python writes repr(), the script plain text)."""
    return None if words is None else re.split(r"[:'\"]", words)[0]


@pytest.mark.parametrize("name", SETS)
def test_the_vectors_agree_in_chromium(page: Any, served: Served, address: str, name: str) -> None:
    directory = VECTORS / name
    proofs = json.loads((directory / "proofs.json").read_text())
    inclusion, consistency = _inclusion_cases(proofs), _consistency_cases(proofs)
    notes = _note_cases(directory)
    hashes, genesis = _hash_cases(directory)
    assert any(c["python"] is None for c in inclusion) and any(c["python"] for c in inclusion)
    assert any(c["python"] is None for c in consistency) and any(c["python"] for c in consistency)
    page.goto(f"{address}/checkpoints")
    page.add_script_tag(url="/static/ledger.js")
    page.add_script_tag(url="/static/proofs.js")
    got = page.evaluate(RUN_VECTORS, {
        "inclusion": inclusion, "consistency": consistency, "notes": notes, "hashes": hashes, "genesis": genesis,
        "leaves": [p["event_hash"] for p in proofs["inclusion"]]})

    for case, verdict in zip(inclusion, got["inclusion"], strict=True):
        assert verdict == case["python"], (name, "inclusion", case["why"], case["index"])
    for case, verdict in zip(consistency, got["consistency"], strict=True):
        assert verdict == case["python"], (name, "consistency", case["why"], case["old"], case["new"])
    for case, opened in zip(notes, got["notes"], strict=True):
        assert _refused_kind(opened["verdict"]) == _refused_kind(case["python"]), (name, case["why"])
        if case["python"] is None:
            assert (opened["size"], opened["root"]) == (case["size"], case["root"]), (name, case["why"])
    assert got["notes"][0]["root"] == proofs["root"], "the checkpoint's root is the proofs' root"
    for case, found in zip(hashes, got["hashes"], strict=True):
        assert found["hash"] == case["python"], (name, case["why"], case["aggregate_id"], case["version"])
        if case["hash_input"] is not None:
            assert found["input"] == case["hash_input"], (name, case["aggregate_id"], case["version"])
    assert got["genesis"] == [g["python"] for g in genesis] == [g["vector"] for g in genesis]
    assert got["leaves"] == [leaf_hash(bytes.fromhex(p["event_hash"])).hex() for p in proofs["inclusion"]]
    assert got["leaves"] == [p["leaf_hash"] for p in proofs["inclusion"]]


def test_a_verifier_key_is_read_as_the_python_verifier_reads_it(page: Any, served: Served, address: str) -> None:
    vkey = served.client.get("/v1/public/vkey").text
    name, public = parse_verifier_key(vkey)
    page.goto(f"{address}/checkpoints")
    page.add_script_tag(url="/static/ledger.js")
    page.add_script_tag(url="/static/proofs.js")
    read = page.evaluate("""async (texts) => { const out = [];
      for (const t of texts) { try { const k = await DLProofs.parseVerifierKey(t);
        out.push([k.name, DLProofs.hex(k.keyId), DLProofs.hex(k.publicKey)]); } catch (e) { out.push(e.message); } }
      return out; }""", [vkey, vkey.replace("+", "+0", 1), vkey.strip()[:-4] + "AAA="])
    assert read[0] == [name, vkey.split("+")[1], public.raw.hex()]
    for refused, text in zip(read[1:], [vkey.replace("+", "+0", 1), vkey.strip()[:-4] + "AAA="], strict=True):
        with pytest.raises(NoteError) as python:
            parse_verifier_key(text)
        assert refused == str(python.value)




def _steps(page: Any) -> dict[str, tuple[str, str]]:
    page.wait_for_selector("body[data-proofs-done]")
    return {step: (page.get_attribute(f"#{step}", "data-verdict"), page.inner_text(f"#{step} .words"))
            for step in ("step-hash", "step-inclusion", "step-signature", "step-consistency")}


def test_the_proof_page_checks_a_demo_event_and_says_which_step_fails(page: Any, served: Served,
                                                                      address: str) -> None:
    nx = served.demo.cases[0]
    sign_in(page, served, address)
    page.goto(f"{address}/cases/{nx['id']}")
    mark = page.locator("#timeline .verified").first
    assert "服务器已核验" in (mark.get_attribute("title") or "") and "签名" in (mark.get_attribute("title") or "")
    proof = page.locator("#timeline a.proof").nth(2)
    assert proof.get_attribute("href") == f"/proofs/events/{nx['id']}/3"
    proof.click()
    page.wait_for_url(re.compile(rf"/proofs/events/{nx['id']}/3$"))
    steps = _steps(page)
    assert steps["step-hash"][0] == "pass" and "已由浏览器根据记录内容重新计算" in steps["step-hash"][1]
    assert steps["step-inclusion"][0] == "pass" and re.search(r"从该事件到日志根的 \d+ 个哈希", steps["step-inclusion"][1])
    assert steps["step-signature"][0] == "pass" and "签名有效" in steps["step-signature"][1]
    assert steps["step-consistency"][0] == "info", "a first visit: nothing remembered yet"
    assert page.inner_text("#proof-summary") == "全部核验通过"
    assert "{" not in page.inner_text("main"), "no raw JSON on the page"
    assert not page.locator("#step-inclusion .hashes code").first.is_visible(), "hashes only on demand"
    page.click("#proof-details summary")
    page.wait_for_selector("#step-inclusion .hashes:not([hidden]) code")
    leaf = page.locator("#step-inclusion .hashes code").first
    assert len(leaf.get_attribute("title") or "") == 64 and "…" in leaf.inner_text()
    shoot(page, served, "proof-01-event")

    # the checkpoint this browser remembers, and one typed in: consistency, checked with a real proof
    latest = served.client.get("/v1/public/checkpoint").text
    size = int(latest.split("\n")[1])
    page.reload()
    steps = _steps(page)
    assert steps["step-consistency"][0] == "pass" and f"上次看到的检查点（大小 {size}）一致" in steps["step-consistency"][1]
    # an earlier checkpoint typed in: one the ledger key signs at size 100, its root the server's own
    old = 100
    old_root = bytes.fromhex(served.client.get("/v1/public/proofs/consistency", params={"old": old, "new": size})
                             .json()["old_root"])
    origin = latest.split("\n")[0]
    assert served.service.ledger_key is not None
    earlier = Checkpoint(origin, old, old_root).sign(served.service.ledger_key).render()
    page.fill("#earlier-note", earlier)
    page.click("#earlier-check")
    page.wait_for_function("document.querySelector('#step-consistency .words').textContent.includes('您输入的')")
    steps = _steps(page)
    assert steps["step-consistency"][0] == "pass"
    assert f"您输入的检查点（大小 {old}）一致：日志从大小 {old} 增长到 {size}" in steps["step-consistency"][1]
    # a fork: a checkpoint of size 100 the ledger key signed over another root — the proof exposes it
    forked = Checkpoint(origin, old, bytes(32)).sign(served.service.ledger_key).render()
    page.fill("#earlier-note", forked)
    page.click("#earlier-check")
    page.wait_for_selector("#step-consistency[data-verdict=fail]")
    assert "does not lead to the old root" in page.inner_text("#step-consistency .words")
    page.reload()
    assert _steps(page)["step-consistency"][0] == "pass", "a refused checkpoint is not remembered"
    # a checkpoint whose root was changed is refused in words
    page.fill("#earlier-note", latest.replace(latest.split("\n")[2], "A" * 43 + "=", 1))
    page.click("#earlier-check")
    page.wait_for_selector("#step-consistency[data-verdict=fail]")
    assert "一致性核验未通过" in page.inner_text("#step-consistency .words")
    assert page.get_attribute("#proof-summary", "data-verdict") == "fail"

    # a proof tampered with on its way: the inclusion step fails, and the page says so
    def flip_path(route: Any) -> None:
        body = route.fetch().json()
        body["inclusion_path"][0] = _flip(body["inclusion_path"][0])
        route.fulfill(json=body)

    page.route("**/v1/public/proofs/inclusion*", flip_path)
    page.reload()
    steps = _steps(page)
    assert steps["step-inclusion"][0] == "fail"
    assert "包含证明未通过" in steps["step-inclusion"][1] and "does not lead to the root" in steps["step-inclusion"][1]
    assert steps["step-signature"][0] == "pass" and steps["step-hash"][0] == "pass"
    assert page.inner_text("#proof-summary") == "核验未通过：包含证明"
    shoot(page, served, "proof-02-tampered-path")
    page.unroute("**/v1/public/proofs/inclusion*")

    # a checkpoint whose root was changed: its signature fails, so nothing leads to a trusted root
    def change_root(route: Any) -> None:
        body = route.fetch().json()
        lines = body["checkpoint"].split("\n")
        lines[2] = base64.b64encode(bytes(32)).decode()
        body["checkpoint"] = "\n".join(lines)
        route.fulfill(json=body)

    page.route("**/v1/public/proofs/inclusion*", change_root)
    page.reload()
    steps = _steps(page)
    assert steps["step-signature"][0] == "fail" and "检查点的签名未通过核验" in steps["step-signature"][1]
    assert steps["step-inclusion"][0] == "fail" and steps["step-hash"][0] == "pass"
    page.unroute("**/v1/public/proofs/inclusion*")

    # an event served with another hash input: the recomputed hash differs from the record
    def edit_event(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace('"timestamp":"', '"timestamp":"1', 1)
                      .replace('"timestamp": "', '"timestamp": "1', 1))

    page.route(re.compile(r".*/proofs/events/.*"), edit_event)
    page.reload()
    steps = _steps(page)
    assert steps["step-hash"][0] == "fail" and "记录内容已被改动" in steps["step-hash"][1]
    page.unroute(re.compile(r".*/proofs/events/.*"))

    page.goto(f"{address}/proofs/events/{nx['id']}/3?lang=en")
    steps = _steps(page)
    assert all(verdict == "pass" for verdict, _ in steps.values())
    assert "recomputed in the browser" in steps["step-hash"][1] and "signature is valid" in steps["step-signature"][1]
    assert page.inner_text("#proof-summary") == "Every check passes"


def test_the_evidence_bundles_download_from_the_case_and_person_pages(page: Any, served: Served,
                                                                       address: str) -> None:
    nx = served.demo.cases[0]
    sign_in(page, served, address)
    page.goto(f"{address}/cases/{nx['id']}")
    with page.expect_download() as caught:
        page.click("#case-bundle")
    download = caught.value
    assert download.suggested_filename == f"case-{nx['id']}.bundle.json"
    bundle = json.loads(Path(download.path()).read_text())
    assert bundle["subject"] == {"kind": "case", "id": nx["id"]} and bundle["format"].endswith("/v3")

    person = page.locator("#timeline td.signer a").first
    person_id = (person.get_attribute("href") or "").rsplit("/", 1)[1]
    person.click()
    page.wait_for_url(re.compile(r"/persons/"))
    with page.expect_download() as caught:
        page.click("#person-bundle")
    bundle = json.loads(Path(caught.value.path()).read_text())
    assert caught.value.suggested_filename == f"person-{person_id}.bundle.json"
    assert bundle["subject"] == {"kind": "person", "id": person_id}


def test_a_reader_not_cleared_gets_the_proofs_but_not_the_withheld_event(page: Any, served: Served,
                                                                         address: str) -> None:
    """NX-15: the decision organ reads the NX case but not the commercial secret collected in it —
    its proof page checks the proofs and says why the hash is not recomputed; no bundle for him."""
    nx = served.demo.cases[0]
    items = served.get(f"/v1/cases/{nx['id']}/timeline", "kong_deming").json()["items"]
    secret = next(e for e in items if e["action"] == "case.collect_material"
                  and e["args"].get("classification") == "commercial_secret")
    sign_in(page, served, address, "zhao_min")
    page.goto(f"{address}/cases/{nx['id']}")
    assert page.locator("#case-bundle").count() == 0, "bundles are for inspectors"
    page.goto(f"{address}/proofs/events/{nx['id']}/{secret['version']}")
    steps = _steps(page)
    assert steps["step-hash"][0] == "info" and "无权查看" in steps["step-hash"][1]
    assert [steps[s][0] for s in ("step-inclusion", "step-signature")] == ["pass", "pass"]
    assert page.evaluate("JSON.parse(document.getElementById('proof-stored').textContent)") is None
    assert secret["args"]["title"] not in page.content()
    refused = page.goto(f"{address}/proofs/bundles/cases/{nx['id']}")
    assert refused is not None and refused.status == 403 and "纪检监察" in page.inner_text("main")


# issue 20 — ed25519: the browser's verifier holds the rule of docs/spec.md §23 on the speccheck vectors
def test_the_browser_verifier_keeps_the_ed25519_rule(page: Any, served: Served, address: str) -> None:
    from tests.unit import ed25519_reference

    cases = json.loads((VECTORS / "ed25519-speccheck" / "cases.json").read_text())
    expected = [ed25519_reference.verify(bytes.fromhex(c["pub_key"]), bytes.fromhex(c["signature"]),
                                         bytes.fromhex(c["message"])) for c in cases]
    key = SigningKey.generate()
    honest = {"pub_key": key.public_key.raw.hex(), "signature": key.sign(b"honest").hex(), "message": b"honest".hex()}
    page.goto(f"{address}/checkpoints")
    page.add_script_tag(url="/static/ledger.js")
    page.add_script_tag(url="/static/proofs.js")
    got = page.evaluate("""async (cases) => { const out = [];
      for (const c of cases) {
        out.push(await DLProofs.ed25519Verify(DLProofs.fromHex(c.pub_key), DLProofs.fromHex(c.signature),
                                              DLProofs.fromHex(c.message)));
      }
      return out; }""", [*cases, honest])
    assert got == [*expected, True]
