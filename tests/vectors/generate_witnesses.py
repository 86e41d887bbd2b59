"""Write the witnessed-bundle vectors (``tests/vectors/witnesses``, bundle format v4; docs/spec.md
§20.5–§20.7) from the committed v3 store, which is left as it is: in a copy of it, two witnesses
with fixed keys cosign the checkpoint of size 34 at a fixed time (C2SP cosignature/v1), a
``tlog-policy`` of both sits beside the ledger key with that note as ``witnessed.note`` (as
``witness submit`` leaves them), then a case bundle is exported under the checkpoint of size 35;
then tampered copies, and the report `verify` gives for each.

    python -m tests.vectors.generate_witnesses [DIR]
"""

from __future__ import annotations

import base64
import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.keyfiles import write_key
from api.settings import Settings
from api.store.opening import open_ledger, open_projector
from domain.evidence.checkpoint import SignedNote, verifier_key
from domain.evidence.cosignature import cosign, cosigner_vkey, with_cosignatures
from domain.evidence.signing import SigningKey
from tests.integration.commands import invoke
from tests.vectors.generate_timestamps import (  # the same report files, written the same way
    _verify,
    _write,
)

HERE = Path(__file__).parent
SOURCE = HERE / "v3"
COSIGNED_SIZE = 34
COSIGNED_AT = 1_772_426_700  # 2026-03-02T04:45:00Z
#: (policy name, key name, Ed25519 seed) of each witness
WITNESSES = (("司法局", "sfj.xixian.gov.cn/witness", bytes.fromhex("5f" * 32)),
             ("审计局", "sjj.xixian.gov.cn/witness", bytes.fromhex("5a" * 32)))


def _key(seed: bytes) -> SigningKey:
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


def vkeys() -> list[str]:
    return [cosigner_vkey(name, _key(seed).public_key) for _, name, seed in WITNESSES]


def verify_args(directory: Path) -> list[str]:
    """How each report here was written: every witness key, all of them required."""
    return [arg for vkey in (directory / "witnesses.vkeys").read_text().split() for arg in ("--witness-vkey", vkey)]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dl-witnessed-"))
    try:
        db = work / "ledger.db"
        shutil.copy(SOURCE / "store.sqlite", db)
        keys = work / "keys"
        keys.mkdir(mode=0o700)
        seed = next(k for k in json.loads((SOURCE / "keys.json").read_text()) if k["name"].startswith("决策账本"))
        ledger_key = _key(bytes.fromhex(seed["ed25519_seed"]))
        write_key(keys / "ledger.pem", ledger_key)
        settings = Settings.load(f"sqlite:///{db}", str(keys))
        ledger = open_ledger(settings.database)
        reader = open_projector(settings.database, ledger).reader
        with reader.views.reading() as c:
            note = c.execute("SELECT note FROM {dl_log_signed} WHERE tree_size = ?", (COSIGNED_SIZE,)).fetchone()["note"]
        text = SignedNote.parse(note).text
        lines = "".join(cosign(text, _key(seed), name, COSIGNED_AT).line() for _, name, seed in WITNESSES)
        (out / "witnesses.vkeys").write_text("\n".join(vkeys()) + "\n", encoding="utf-8")
        policy = [f"log {verifier_key(reader.origin, ledger_key.public_key)}",
                  *(f"witness {label} {vkey}" for (label, _, _), vkey in zip(WITNESSES, vkeys(), strict=True)),
                  "group 两家 all 司法局 审计局", "quorum 两家"]
        (out / "tlog-policy").write_text("\n".join(policy) + "\n", encoding="utf-8")
        shutil.copy(out / "tlog-policy", keys / "tlog-policy")
        (keys / "witnessed.note").write_text(with_cosignatures(note, lines), encoding="utf-8")
        listed = invoke("cases", "--db", f"sqlite:///{db}", "--json")
        if listed.code != 0:
            raise SystemExit(listed.err)
        bundle_path = out / "case-bundle.json"
        made = invoke("export", "--db", f"sqlite:///{db}", "--keys", str(keys), "--case",
                      json.loads(listed.out)[0]["case_id"], "--out", str(bundle_path))
        if made.code != 0:
            raise SystemExit(made.err)
        bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
        _write(out / "case-bundle.report.json", _verify(bundle_path, *verify_args(out)))
        _write(out / "case-bundle.no-witness-keys.report.json", _verify(bundle_path))
        _write(out / "case-bundle.policy.report.json", _verify(bundle_path, "--tlog-policy", str(out / "tlog-policy")))
        tampered = out / "case-bundle-tampered"
        tampered.mkdir(exist_ok=True)
        for name, change in EDITS.items():
            edited = copy.deepcopy(bundle)
            change(edited)
            path = tampered / f"{name}.json"
            _write(path, edited)
            _write(tampered / f"{name}.report.json", _verify(path, *verify_args(out)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _line(bundle: dict[str, Any], key_name: str) -> str:
    return next(x for x in bundle["witnessed"]["checkpoint"].split("\n") if x.startswith(f"— {key_name} "))


def _cosignature_forged(bundle: dict[str, Any]) -> None:
    """The audit office's cosignature with one bit of its signature flipped."""
    line = _line(bundle, WITNESSES[1][1])
    raw = bytearray(base64.b64decode(line.rsplit(" ", 1)[1]))
    raw[-1] ^= 0x01
    forged = f"{line.rsplit(' ', 1)[0]} {base64.b64encode(bytes(raw)).decode()}"
    bundle["witnessed"]["checkpoint"] = bundle["witnessed"]["checkpoint"].replace(line, forged)


def _cosignature_removed(bundle: dict[str, Any]) -> None:
    """The audit office's cosignature line removed: one witness of the two required."""
    line = _line(bundle, WITNESSES[1][1])
    bundle["witnessed"]["checkpoint"] = bundle["witnessed"]["checkpoint"].replace(line + "\n", "")


def _witnessed_dropped(bundle: dict[str, Any]) -> None:
    """The witnessed checkpoint removed and the bundle relabelled v3: nothing the witnesses said."""
    del bundle["witnessed"]
    bundle["format"] = "decision-ledger/bundle/v3"


def _consistency_cut(bundle: dict[str, Any]) -> None:
    """The consistency proof from the witnessed checkpoint lacks its first hash."""
    bundle["witnessed"]["consistency_path"] = bundle["witnessed"]["consistency_path"][1:]


EDITS = {
    "cosignature-forged": _cosignature_forged,
    "cosignature-removed": _cosignature_removed,
    "witnessed-dropped": _witnessed_dropped,
    "consistency-cut": _consistency_cut,
}


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "witnesses")
