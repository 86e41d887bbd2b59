"""Write the timestamp and tlog-proof vectors (``tests/vectors/timestamps``, bundle format v3;
docs/spec.md §21) from the committed v3 store, which is left as it is: a copy of it has its two
signed checkpoints (sizes 34 and 35) timestamped by a test TSA (tests/tsa_support.py) at fixed
times, then exports a case bundle, writes tampered copies, and the report `verify` gives for each.

    python -m tests.vectors.generate_timestamps [DIR]
"""

from __future__ import annotations

import base64
import copy
import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.keyfiles import write_key
from api.settings import Settings
from api.store.opening import open_ledger, open_projector
from domain.evidence.signing import SigningKey
from domain.evidence.timestamps import read, request
from projections.timestamps import TimestampStore
from tests.integration.commands import invoke
from tests.tsa_support import Authority

HERE = Path(__file__).parent
SOURCE = HERE / "v3"
TSA_URL = "http://tsa.test/tsr"
EARLY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # after the genesis, before most of the case
TIMES = {34: datetime(2026, 3, 2, 4, 45, tzinfo=UTC), 35: datetime(2026, 3, 2, 5, 0, tzinfo=UTC)}


def _fixed(scalar: int) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(scalar, ec.SECP256R1())


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _verify(bundle: Path, *extra: str) -> dict[str, Any]:
    run = invoke("verify", "--bundle", str(bundle), *extra, "--json")
    report: dict[str, Any] = json.loads(run.out)
    report["exit_code"] = run.code
    return report


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dl-stamps-"))
    try:
        db = work / "ledger.db"
        shutil.copy(SOURCE / "store.sqlite", db)
        keys = work / "keys"
        keys.mkdir(mode=0o700)
        seed = next(k for k in json.loads((SOURCE / "keys.json").read_text()) if k["name"].startswith("决策账本"))
        write_key(keys / "ledger.pem",
                  SigningKey(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed["ed25519_seed"]))))
        tsa = Authority(name="测试时间戳机构", ca_key=_fixed(0x5EED_0001), key=_fixed(0x5EED_0002))
        other = Authority(name="另一时间戳机构", ca_key=_fixed(0x5EED_0003), key=_fixed(0x5EED_0004))
        tsa.write_pem(out / "tsa.pem")
        other.write_pem(out / "other-tsa.pem")
        settings = Settings.load(f"sqlite:///{db}", str(keys))
        ledger = open_ledger(settings.database)
        store = TimestampStore(open_projector(settings.database, ledger).reader)
        with store.views.reading() as c:
            signed = c.execute("SELECT tree_size, note FROM {dl_log_signed} ORDER BY tree_size").fetchall()
        for row in signed:
            size, note = int(row["tree_size"]), row["note"]
            tsa.clock = lambda size=size: TIMES[size]  # type: ignore[misc]
            query, nonce = request(note)
            reply = tsa.reply(query)
            store.keep(size, TSA_URL, note, reply, read(reply, note, nonce))
        bundle_path = out / "case-bundle.json"
        listed = invoke("cases", "--db", f"sqlite:///{db}", "--json")
        if listed.code != 0:
            raise SystemExit(listed.err)
        cases = json.loads(listed.out)
        case = cases[0]["case_id"]
        made = invoke("export", "--db", f"sqlite:///{db}", "--keys", str(keys), "--case", case, "--out",
                      str(bundle_path))
        if made.code != 0:
            raise SystemExit(made.err)
        bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
        event = next(e for e in bundle["events"] if e["why"] == "subject" and e["version"] == 3)
        (out / "tlog-proof.txt").write_text(event["tlog_proof"], encoding="utf-8")
        _write(out / "tlog-proof.event.json", {"aggregate_id": event["aggregate_id"], "version": event["version"],
                                               "leaf_index": event["leaf_index"], "event_hash": event["state"]["hash"],
                                               "verifier_key": bundle["ledger"]["verifier_key"]})
        _write(out / "case-bundle.report.json", _verify(bundle_path, "--tsa-cert", str(out / "tsa.pem")))
        _write(out / "case-bundle.no-tsa.report.json", _verify(bundle_path))
        _write(out / "case-bundle.other-tsa.report.json", _verify(bundle_path, "--tsa-cert", str(out / "other-tsa.pem")))
        tampered = out / "case-bundle-tampered"
        tampered.mkdir(exist_ok=True)
        for name, change in EDITS.items():
            edited = copy.deepcopy(bundle)
            change(edited)
            path = tampered / f"{name}.json"
            _write(path, edited)
            _write(tampered / f"{name}.report.json", _verify(path, "--tsa-cert", str(out / "tsa.pem")))
        # a genuine token of the same TSA, dated before most of the events its checkpoint holds
        early = copy.deepcopy(bundle)
        tsa.clock = lambda: EARLY
        early["timestamps"][0]["response"] = base64.b64encode(tsa.reply(request(early["timestamps"][0]["checkpoint"])[0])).decode()
        path = tampered / "token-dated-before-its-events.json"
        _write(path, early)
        _write(tampered / "token-dated-before-its-events.report.json", _verify(path, "--tsa-cert", str(out / "tsa.pem")))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _token_altered(bundle: dict[str, Any]) -> None:
    """One byte of the TSA's signature flipped (the reply's last bytes)."""
    raw = bytearray(base64.b64decode(bundle["timestamps"][0]["response"]))
    raw[-3] ^= 0x01
    bundle["timestamps"][0]["response"] = base64.b64encode(bytes(raw)).decode()


def _token_of_another_checkpoint(bundle: dict[str, Any]) -> None:
    """The first timestamp's reply swapped for the second's: a genuine token, of another checkpoint."""
    first, second = bundle["timestamps"][0], bundle["timestamps"][-1]
    first["response"] = second["response"]


def _tlog_proof_altered(bundle: dict[str, Any]) -> None:
    """One event's tlog-proof names another index."""
    event = next(e for e in bundle["events"] if e["why"] == "subject" and e["version"] == 3)
    event["tlog_proof"] = event["tlog_proof"].replace(f"\nindex {event['leaf_index']}\n",
                                                      f"\nindex {event['leaf_index'] + 1}\n", 1)


def _timestamps_dropped(bundle: dict[str, Any]) -> None:
    """Every timestamp removed: verified under a TSA certificate, nothing is shown."""
    bundle["timestamps"] = []


EDITS = {
    "token-altered": _token_altered,
    "token-of-another-checkpoint": _token_of_another_checkpoint,
    "tlog-proof-altered": _tlog_proof_altered,
    "timestamps-dropped": _timestamps_dropped,
}


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "timestamps")
