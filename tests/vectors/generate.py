"""Write a new set of test vectors: ``python -m tests.vectors.generate DIR`` (DIR must not exist).

``python -m tests.vectors.generate --reports DIR`` writes again only the reports of an existing
set — each from its committed store, SQL script or bundle, which are left as they are — for a
change of what `verify` reports (not of a format); the set's README says why.

It writes the formats of the code as it stands (bundles of format v2 since ``tests/vectors/v2``).

The vectors are files that need no Python of ours to read: keys, envelopes, event hashes,
proofs, checkpoints, a store (a SQLite file with its transparency log), a case bundle, a person
bundle, and tampered copies of the store and the bundles, each beside the report ``verify``
gives for it. They are written once, from the code as it stands, reviewed, and committed; tests
read them and never write them, so a change of the code that changes a verdict fails a test
instead of regenerating an expectation. A later change of format adds a new set beside the old
(``v2/`` beside ``v1/``).

What each file holds is written in the set's ``README.md``.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization

from api.cli import main
from api.settings import Database
from api.signer import Signer
from api.store.opening import open_ledger, open_projector
from domain import clock
from domain.evidence.canonical import canonical_bytes
from domain.evidence.hashing import genesis_hash, jsonable
from domain.evidence.merkle import root_of
from domain.evidence.signing import SigningKey, b64encode, pae
from domain.service.records import LedgerRecords
from projections.export import Exporter
from tests.integration.conftest import Store
from tests.integration.insider import (
    edit_intent,
    flip_signature,
    reseal,
    stored_events,
    write_back,
)
from tests.support import NXScript, World
from tests.vectors.enrolment_edits import ENROLMENT_EDITS

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
STEP = timedelta(minutes=7)


def _seed(key: SigningKey) -> str:
    raw = key.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return raw.hex()


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _verify(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["verify", *args, "--json"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    report: dict[str, Any] = json.loads(result.stdout)
    report["exit_code"] = result.exit_code
    # a note naming a file of this run names it relative to the set, not where it was generated
    report["notes"] = [re.sub(r"/\S*/([^/\s]+\.keys/)", r"\1", note) for note in report.get("notes", [])]
    return report


class Stepping:
    """A clock that moves on by :data:`STEP` before every signed act, so that every event has a
    time of its own (business dates inside the acts are those of the scripts)."""

    def __init__(self, manual: clock.ManualClock) -> None:
        self.manual = manual

    def wrap(self, world: World) -> None:
        original = world.do

        def do(signer: Signer, action: str, target: UUID, args: dict[str, Any]) -> Any:
            self.manual.advance(STEP)
            return original(signer, action, target, args)

        world.do = do  # type: ignore[method-assign]


def build_store(out: Path) -> dict[str, Any]:
    """The vector ledger: an NX case from opening to publication, an entrusted agency's attempt to
    hand its work on (refused, kept as a finding with the attempt), a key rotation, a key
    revocation, and acts under the rotated key. Returns what later vectors need."""
    path = out / "store.sqlite"
    database = Database.parse(f"sqlite:///{path}")
    manual = clock.ManualClock(START)
    people: dict[str, SigningKey] = {}
    with clock.using(manual):
        ledger = open_ledger(database, create=True)
        world = World(ledger)
        Stepping(manual).wrap(world)
        script = NXScript(world)
        script.advance_to("collect_material")
        manual.advance(STEP)
        refused = None
        try:
            world.do(script.agency_staff, "case.hand_over_work", script.case_id, {
                "tasks": ["survey"], "to": "银川某咨询公司", "arrangement": "问卷调查转交该公司完成",
            })
        except Exception as error:  # noqa: BLE001 — the refusal is the point
            refused = error
        if refused is None:
            raise RuntimeError("the hand-over was not refused")
        # the lead unit's staff member rotates his key and acts on with the new one
        new_key = SigningKey.generate()
        world.do(script.lead, "principal.rotate_key", script.lead.principal_id, {
            "old_keyid": script.lead.key.keyid, "public_key": new_key.public_key.jwk,
            "proof": world.proof(new_key, script.lead.principal_id),
        })
        people["马晓东 (rotated out)"] = script.lead.key
        script.lead = Signer(script.lead.principal_id, new_key, script.lead.name)
        script.run_all()
        # the expert's key is revoked after the review (a lost laptop)
        world.do(script.expert, "principal.revoke_key", script.expert.principal_id, {
            "keyid": script.expert.key.keyid, "reason": "笔记本电脑遗失",
        })
        projector = open_projector(database, ledger)
        projector.catch_up()
        projector.sign_checkpoint(world.ledger_key)
        first_size, first_note = projector.reader.latest_checkpoint() or (0, "")
        # one act more after the first checkpoint, so a consistency proof has two sizes
        manual.advance(STEP)
        added = SigningKey.generate()
        world.do(script.organ, "principal.add_key", script.organ.principal_id,
                 {"public_key": added.public_key.jwk, "proof": world.proof(added, script.organ.principal_id)})
        projector.catch_up()
        projector.sign_checkpoint(world.ledger_key)
        exporter = Exporter(ledger, projector, world.ledger_key)
        case_bundle = exporter.case(str(script.case_id))
        person_bundle = exporter.person(str(script.agency_staff.principal_id))
        reader = projector.reader
        size, note = reader.latest_checkpoint() or (0, "")
        proofs = {
            "tree_size": size,
            "root": base64.b64decode(note.split("\n")[2]).hex(),
            "inclusion": [reader.inclusion_proof(e["aggregate_id"], e["version"])
                          for e in case_bundle["events"][:: max(1, len(case_bundle["events"]) // 6)]],
            "consistency": [reader.consistency_proof(old, size) for old in (1, 2, 7, first_size)],
        }
        decode = LedgerRecords(ledger).decode
        rows = ledger.recorder.select_notifications(start=None, limit=10_000)
        stored = [(str(r.originator_id), r.originator_version, r.topic, decode(bytes(r.state))) for r in rows]
        projector.close()
        ledger.close()
    for name, signer in script.people().items():
        people[name] = signer.key
    people["系统管理员"] = world.admin.key
    people["复核管理员"] = world.second_admin.key
    people["决策账本 (ledger key)"] = world.ledger_key
    return {
        "people": people,
        "case_bundle": case_bundle,
        "person_bundle": person_bundle,
        "first_checkpoint": first_note,
        "checkpoint": note,
        "proofs": proofs,
        "stored": stored,
        "case_id": str(script.case_id),
        "agency_staff": str(script.agency_staff.principal_id),
        "ledger_id": str(world.genesis.ledger_id),
        "admin": (str(world.admin.principal_id), world.admin.key),
        "organ": (str(script.organ.principal_id), script.organ.key),
    }


def write_keys(out: Path, people: dict[str, SigningKey]) -> None:
    _write(out / "keys.json", [
        {"name": name, "ed25519_seed": _seed(key), "public_jwk": key.public_key.jwk, "keyid": key.keyid}
        for name, key in people.items()
    ])


def write_envelopes(out: Path, stored: list[tuple[str, int, str, dict[str, Any]]], people: dict[str, SigningKey]) -> None:
    """Envelopes as stored (valid), and spellings and edits that must be refused."""
    keys = {key.keyid: key.public_key.jwk for key in people.values()}
    valid = [state["envelope"] for _, _, _, state in stored if state["envelope"]["signatures"][0]["keyid"] in keys][:6]
    cases: list[dict[str, Any]] = []
    for envelope in valid:
        payload = base64.b64decode(envelope["payload"])
        cases.append({"envelope": envelope, "public_jwk": keys[envelope["signatures"][0]["keyid"]], "valid": True,
                      "why": "as stored", "pae_hex": pae(envelope["payloadType"], payload).hex()})
    base = valid[1]
    jwk = keys[base["signatures"][0]["keyid"]]

    def variant(why: str, change: Callable[[dict[str, Any]], None]) -> None:
        envelope = copy.deepcopy(base)
        change(envelope)
        cases.append({"envelope": envelope, "public_jwk": jwk, "valid": False, "why": why})

    def flip(envelope: dict[str, Any]) -> None:
        flip_signature({"envelope": envelope})

    def repad(envelope: dict[str, Any]) -> None:  # the same bytes in unpadded base64
        envelope["payload"] = envelope["payload"].rstrip("=")

    def spaced(envelope: dict[str, Any]) -> None:  # the intent re-spelled with whitespace
        intent = json.loads(base64.b64decode(envelope["payload"]))
        envelope["payload"] = b64encode(json.dumps(intent, ensure_ascii=False, indent=1).encode())

    def reordered(envelope: dict[str, Any]) -> None:  # the intent's keys out of RFC 8785 order
        intent = json.loads(base64.b64decode(envelope["payload"]))
        envelope["payload"] = b64encode(json.dumps(dict(reversed(list(intent.items()))), ensure_ascii=False,
                                                   separators=(",", ":")).encode())

    def edited(envelope: dict[str, Any]) -> None:
        edit_intent({"envelope": envelope}, lambda i: i.update(expected_version=i["expected_version"] + 1))

    def other_type(envelope: dict[str, Any]) -> None:
        envelope["payloadType"] = "application/json"

    def two_signatures(envelope: dict[str, Any]) -> None:
        envelope["signatures"] = envelope["signatures"] * 2

    def extra_member(envelope: dict[str, Any]) -> None:
        envelope["signatures"][0]["cert"] = ""

    def urlsafe(envelope: dict[str, Any]) -> None:
        envelope["signatures"][0]["sig"] = envelope["signatures"][0]["sig"].replace("+", "-").replace("/", "_")

    variant("a bit of the signature flipped", flip)
    variant("the payload in unpadded base64", repad)
    variant("the intent with whitespace (not RFC 8785)", spaced)
    variant("the intent's members out of order (not RFC 8785)", reordered)
    variant("the intent edited after signing", edited)
    variant("another payloadType", other_type)
    variant("two signatures", two_signatures)
    variant("a member beside keyid and sig", extra_member)
    if any(c in base["signatures"][0]["sig"] for c in "+/"):
        variant("the signature in base64url", urlsafe)
    _write(out / "envelopes.json", cases)


def write_hashes(out: Path, stored: list[tuple[str, int, str, dict[str, Any]]]) -> None:
    picked = stored[:2] + stored[len(stored) // 2: len(stored) // 2 + 3] + stored[-2:]
    _write(out / "event-hashes.json", {
        "genesis": [{"aggregate_id": a, "genesis_hash": genesis_hash(a)} for a, v, _, _ in picked if v == 1],
        "events": [
            {"aggregate_id": a, "version": v, "topic": t, "state": jsonable(s),
             "hash_input": canonical_bytes({"aggregate_id": a, "version": v, "topic": t,
                                            "state": {k: jsonable(x) for k, x in s.items() if k != "hash"}}).decode(),
             "hash": s["hash"]}
            for a, v, t, s in picked
        ],
    })


def write_proofs(out: Path, proofs: dict[str, Any], stored: list[tuple[str, int, str, dict[str, Any]]]) -> None:
    leaves = [bytes.fromhex(s["hash"]) for _, _, _, s in stored]
    from domain.evidence.merkle import leaf_hash

    hashed = [leaf_hash(leaf) for leaf in leaves]
    proofs["roots_by_size"] = {str(n): root_of(hashed[:n]).hex() for n in (0, 1, 2, 3, 7, 8, len(hashed))}
    proofs["event_hashes"] = [s["hash"] for _, _, _, s in stored]
    _write(out / "proofs.json", proofs)


#: bundle tamperings: what is changed, and a function making the change
BUNDLE_EDITS: dict[str, Callable[[dict[str, Any], str], None]] = {}


def _bundle_edit(name: str) -> Callable[[Callable[[dict[str, Any], str], None]], Callable[[dict[str, Any], str], None]]:
    def register(change: Callable[[dict[str, Any], str], None]) -> Callable[[dict[str, Any], str], None]:
        BUNDLE_EDITS[name] = change
        return change

    return register


def _aggregate_events(bundle: dict[str, Any], aggregate: str) -> list[dict[str, Any]]:
    """One aggregate's events in the bundle, by version."""
    return sorted((e for e in bundle["events"] if e["aggregate_id"] == aggregate), key=lambda e: e["version"])


def _subject_events(bundle: dict[str, Any], subject: str) -> list[dict[str, Any]]:
    """The events an edit falls on, all of one aggregate, by version: a case bundle's case; in a
    person bundle, the case holding most of the events listed for the person (their acts)."""
    if bundle["subject"]["kind"] == "case":
        return _aggregate_events(bundle, subject)
    listed = [e["aggregate_id"] for e in bundle["events"] if e["why"] == "subject" and e["aggregate_id"] != subject]
    return _aggregate_events(bundle, max(set(listed), key=listed.count))


@_bundle_edit("edit-intent-bytes")
def _edit_bytes(bundle: dict[str, Any], case: str) -> None:
    event = _subject_events(bundle, case)[5]
    edit_intent(event["state"], lambda i: i.update(nonce=("1" if i["nonce"][0] == "0" else "0") + i["nonce"][1:]))


@_bundle_edit("edit-signature-resealed")
def _edit_signature(bundle: dict[str, Any], case: str) -> None:
    chain = _subject_events(bundle, case)
    flip_signature(chain[5]["state"])
    reseal(chain, 5)


@_bundle_edit("delete-event")
def _delete(bundle: dict[str, Any], case: str) -> None:
    bundle["events"].remove(_subject_events(bundle, case)[5])


@_bundle_edit("swap-events")
def _swap(bundle: dict[str, Any], case: str) -> None:
    chain = _subject_events(bundle, case)
    chain[4]["state"], chain[5]["state"] = chain[5]["state"], chain[4]["state"]


@_bundle_edit("truncate-tail")
def _truncate(bundle: dict[str, Any], case: str) -> None:
    for event in _subject_events(bundle, case)[-2:]:
        bundle["events"].remove(event)


@_bundle_edit("substitute-public-key")
def _substitute(bundle: dict[str, Any], case: str) -> None:
    signer = json.loads(base64.b64decode(_subject_events(bundle, case)[1]["state"]["envelope"]["payload"]))["actor"]
    chain = _aggregate_events(bundle, signer)
    insider = SigningKey.generate().public_key.jwk
    edit_intent(chain[0]["state"], lambda i: i["args"].update(public_keys=[insider]))
    reseal(chain)


@_bundle_edit("edit-inclusion-path")
def _edit_path(bundle: dict[str, Any], case: str) -> None:
    event = _subject_events(bundle, case)[3]
    first = event["inclusion_path"][0]
    event["inclusion_path"][0] = ("0" if first[0] != "0" else "1") + first[1:]


@_bundle_edit("checkpoint-signature")
def _edit_checkpoint(bundle: dict[str, Any], case: str) -> None:
    lines = bundle["checkpoint"].split("\n")
    signature = base64.b64decode(lines[4].split(" ")[2])
    lines[4] = " ".join(lines[4].split(" ")[:2] + [b64encode(signature[:-1] + bytes([signature[-1] ^ 1]))])
    bundle["checkpoint"] = "\n".join(lines)


@_bundle_edit("no-genesis")
def _no_genesis(bundle: dict[str, Any], case: str) -> None:
    bundle["events"] = [e for e in bundle["events"] if e["leaf_index"] != 0]


@_bundle_edit("key-list-disagrees")
def _key_list(bundle: dict[str, Any], case: str) -> None:
    bundle["keys"][1]["keys"][0]["active_until"] = "2030-01-01T00:00:00.000000Z"


@_bundle_edit("no-head")
def _no_head(bundle: dict[str, Any], case: str) -> None:
    bundle.pop("head", None)


def _other_key_verifier(bundle: dict[str, Any]) -> str:
    from domain.evidence.checkpoint import verifier_key

    return verifier_key(bundle["ledger"]["origin"], SigningKey.generate().public_key)


@_bundle_edit("edit-ledger-verifier-key")
def _verifier_key(bundle: dict[str, Any], case: str) -> None:
    bundle["ledger"]["verifier_key"] = _other_key_verifier(bundle)


@_bundle_edit("edit-ledger-keyid")
def _ledger_keyid(bundle: dict[str, Any], case: str) -> None:
    bundle["ledger"]["ledger_keyid"] = SigningKey.generate().keyid


@_bundle_edit("edit-ledger-id")
def _ledger_id(bundle: dict[str, Any], case: str) -> None:
    bundle["ledger"]["ledger_id"] = "00000000-0000-4000-8000-000000000000"


@_bundle_edit("edit-tree-size")
def _tree_size(bundle: dict[str, Any], case: str) -> None:
    bundle["tree_size"] = bundle["tree_size"] + 1


@_bundle_edit("add-a-field")
def _add_field(bundle: dict[str, Any], case: str) -> None:
    bundle["events"][3]["notification_id"] = 4


@_bundle_edit("edit-key-jwk")
def _key_jwk(bundle: dict[str, Any], case: str) -> None:
    bundle["keys"][1]["keys"][0]["jwk"] = SigningKey.generate().public_key.jwk


@_bundle_edit("edit-key-name")
def _key_name(bundle: dict[str, Any], case: str) -> None:
    bundle["keys"][1]["name"] = "张冒名"


@_bundle_edit("edit-why")
def _why(bundle: dict[str, Any], case: str) -> None:
    event = next(e for e in bundle["events"] if e["why"] == "keys")
    event["why"] = "context"


@_bundle_edit("omit-key-revocation")
def _omit_revocation(bundle: dict[str, Any], case: str) -> None:
    bundle["events"] = [e for e in bundle["events"] if not e["topic"].endswith("/KeyRevoked/v1")]


def write_bundles(out: Path, built: dict[str, Any]) -> None:
    case = built["case_id"]
    for name, bundle, subject in (("case-bundle", built["case_bundle"], case),
                                  ("person-bundle", built["person_bundle"], built["agency_staff"])):
        _write(out / f"{name}.json", bundle)
        _write(out / f"{name}.report.json", _verify("--bundle", str(out / f"{name}.json")))
        tampered = out / f"{name}-tampered"
        tampered.mkdir()
        for edit, change in BUNDLE_EDITS.items():
            data = copy.deepcopy(bundle)
            change(data, subject)
            if data == bundle:
                continue  # nothing of this kind in this bundle to tamper with
            path = tampered / f"{edit}.json"
            _write(path, data)
            _write(tampered / f"{edit}.report.json", _verify("--bundle", str(path)))
    (out / "checkpoint.note").write_text(built["checkpoint"], encoding="utf-8")
    (out / "first-checkpoint.note").write_text(built["first_checkpoint"], encoding="utf-8")
    _write(out / "case-bundle.since.report.json",
           _verify("--bundle", str(out / "case-bundle.json"), "--since-checkpoint", str(out / "first-checkpoint.note")))


#: store tamperings: the insider drops the triggers, edits the rows
STORE_EDITS: dict[str, Callable[[Store, str], None]] = {}


def _store_edit(name: str) -> Callable[[Callable[[Store, str], None]], Callable[[Store, str], None]]:
    def register(change: Callable[[Store, str], None]) -> Callable[[Store, str], None]:
        STORE_EDITS[name] = change
        return change

    return register


def _chain(store: Store, aggregate: str) -> list[dict[str, Any]]:
    return stored_events(store, aggregate)


@_store_edit("edit-intent-bytes")
def _s_edit_bytes(store: Store, case: str) -> None:
    event = _chain(store, case)[5]
    edit_intent(event["state"], lambda i: i.update(nonce=("1" if i["nonce"][0] == "0" else "0") + i["nonce"][1:]))
    write_back(store, [event])


@_store_edit("edit-signature-resealed")
def _s_edit_signature(store: Store, case: str) -> None:
    chain = _chain(store, case)
    flip_signature(chain[5]["state"])
    reseal(chain, 5)
    write_back(store, chain[5:])


@_store_edit("delete-event")
def _s_delete(store: Store, case: str) -> None:
    store.delete(_chain(store, case)[5]["notification_id"])


@_store_edit("swap-events")
def _s_swap(store: Store, case: str) -> None:
    chain = _chain(store, case)
    chain[4]["state"], chain[5]["state"] = chain[5]["state"], chain[4]["state"]
    write_back(store, chain[4:6])


@_store_edit("truncate-tail")
def _s_truncate(store: Store, case: str) -> None:
    for event in _chain(store, case)[-2:]:
        store.delete(event["notification_id"])


@_store_edit("edit-log-leaf")
def _s_log_leaf(store: Store, case: str) -> None:
    store.execute("UPDATE dl_log_leaves SET event_hash = ? WHERE leaf_index = 3", ("00" * 32,))


@_store_edit("edit-checkpoint-root")
def _s_checkpoint(store: Store, case: str) -> None:
    (size, note), *_ = store.execute("SELECT tree_size, note FROM dl_log_checkpoints ORDER BY tree_size")
    store.execute("UPDATE dl_log_checkpoints SET note = ? WHERE tree_size = ?",
                  (note.replace(note.split("\n")[2], b64encode(b"\x00" * 32)), size))


def _literal(value: Any) -> str:
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class RecordingStore(Store):
    """A SQLite store that also writes down every statement run on it, its parameters inlined as
    SQL literals: the tampering, as a script any SQLite client can apply to a copy of the store."""

    statements: list[str]

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if not sql.lstrip().upper().startswith("SELECT"):
            parts = sql.split("?")
            self.statements.append(parts[0] + "".join(_literal(p) + rest for p, rest in zip(params, parts[1:],
                                                                                            strict=True)) + ";")
        return super().execute(sql, params)


def _with(change: Callable[[Store, Any], None], given: Any, store: Store) -> None:
    change(store, given)


def write_stores(out: Path, built: dict[str, Any]) -> None:
    original = out / "store.sqlite"
    _write(out / "store.report.json", _verify("--db", f"sqlite:///{original}", "--jobs", "1"))
    tampered = out / "store-tampered"
    tampered.mkdir()
    scratch = out / "scratch.sqlite"
    edits: dict[str, Callable[[Store], None]] = {
        **{name: partial(_with, change, built["case_id"]) for name, change in STORE_EDITS.items()},
        **{name: partial(_with, change, built) for name, change in ENROLMENT_EDITS.items()},
    }
    for name, edit in edits.items():
        shutil.copyfile(original, scratch)
        store = RecordingStore("sqlite", f"sqlite:///{scratch}", path=scratch)
        store.statements = []
        store.drop_triggers()
        edit(store)
        (tampered / f"{name}.sql").write_text("\n".join(store.statements) + "\n", encoding="utf-8")
        _write(tampered / f"{name}.report.json", _verify("--db", store.url, "--jobs", "1"))
        for leftover in out.glob("scratch.sqlite*"):
            leftover.unlink()


def main_(out: Path) -> None:
    if out.exists():
        sys.exit(f"{out} exists: vectors are written once, into a new directory (a new format version)")
    out.mkdir(parents=True)
    built = build_store(out)
    with sqlite3.connect(out / "store.sqlite") as conn:  # one file, no write-ahead log beside it
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("VACUUM")
    write_keys(out, built["people"])
    write_envelopes(out, built["stored"], built["people"])
    write_hashes(out, built["stored"])
    write_proofs(out, built["proofs"], built["stored"])
    write_bundles(out, built)
    write_stores(out, built)
    print(f"wrote {sum(1 for _ in out.rglob('*'))} files under {out}")


def rewrite_reports(out: Path) -> None:
    """Every report of an existing set, written again from its committed inputs."""
    bundles = [p for p in sorted(out.glob("*-bundle.json")) + sorted(out.glob("*-bundle-tampered/*.json"))
               if not p.name.endswith(".report.json")]
    for path in bundles:
        _write(path.with_name(path.stem + ".report.json"), _verify("--bundle", str(path)))
    _write(out / "case-bundle.since.report.json",
           _verify("--bundle", str(out / "case-bundle.json"), "--since-checkpoint", str(out / "first-checkpoint.note")))
    scratch = out / "scratch.sqlite"
    for script in [None, *sorted((out / "store-tampered").glob("*.sql"))]:
        shutil.copyfile(out / "store.sqlite", scratch)
        if script is not None:
            with sqlite3.connect(scratch) as conn:
                conn.executescript(script.read_text(encoding="utf-8"))
        report = _verify("--db", f"sqlite:///{scratch}", "--jobs", "1")
        _write(out / "store.report.json" if script is None else script.with_suffix(".report.json"), report)
        for leftover in out.glob("scratch.sqlite*"):
            leftover.unlink()
    print(f"wrote the reports of {len(bundles)} bundles and the store under {out}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--reports":
        rewrite_reports(Path(sys.argv[2]))
    elif len(sys.argv) == 2:
        main_(Path(sys.argv[1]))
    else:
        sys.exit(__doc__)
