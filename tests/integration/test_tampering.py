"""The tampering catalogue: every way an insider can change the ledger behind
its back, on SQLite and on PostgreSQL, checked both ways a third party checks it — `verify --db`
on the store, and `verify --bundle` on an exported case bundle tampered the same way. Each must
exit 1 and name the aggregate, the version and the kind of break, with `--json` agreeing and no
traceback.

The insider drops the append-only triggers and recomputes hashes and chains with the product's
own hash rule (tests/integration/insider.py); what they cannot forge is a person's signature, the
transparency log the store keeps, and a checkpoint published earlier. One pristine ledger per
store kind (init, demo, project, a published checkpoint, a case bundle) is made once for the run
(tests/integration/stores.py) and copied for each test.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.keyfiles import read_key
from api.settings import Database
from api.store.opening import open_projector
from api.verification_pool import parallel_opener
from domain import clock
from domain.evidence.bundle import BUNDLE
from domain.evidence.checkpoint import SignedNote
from domain.evidence.intent import Intent, sign_intent
from domain.evidence.signing import Envelope, SigningKey
from domain.evidence.store import verify_store
from domain.evidence.verifier import LOG
from domain.service.records import LedgerRecords
from tests.integration.conftest import STORES, Pristines, Run, Store, invoke, require_postgres
from tests.integration.insider import (
    Event,
    edit_intent,
    flip_signature,
    intent_of,
    recording_time,
    reseal,
    stored_bytes,
    stored_events,
    write_back,
)
from tests.integration.writers import ledger_at

EDITED = 6  # the version of the case an edit falls on (mid-history: events before and after it)


@dataclass
class Pristine:
    store: Store
    keys: Path
    case_id: str  # the demo's misconduct case: 25 versions, the last events of the store
    bundle: Path  # its case bundle
    checkpoint: str  # the checkpoint published once the demo was projected


@pytest.fixture(scope="module", params=STORES)
def pristine(request: pytest.FixtureRequest, pristines: Pristines) -> Pristine:
    """The run's projected demo ledger, read only here; tests tamper with copies of it."""
    if request.param == "postgres":
        require_postgres()
    made = pristines.get("projected", request.param)
    case_id = made.demo["cases"][2]["id"]
    bundle: Path = made.extra["bundle"]
    assert invoke("verify", "--bundle", str(bundle), cwd=bundle.parent).code == 0
    assert stored_events(made.store)[-1]["aggregate_id"] == case_id, "the case ends the store"
    return Pristine(made.store, made.keys, case_id, bundle, made.extra["checkpoint"])


@pytest.fixture
def insider_store(pristine: Pristine, pristines: Pristines, tmp_path: Path) -> Store:
    """A copy of the pristine ledger whose append-only triggers an insider has dropped."""
    store = pristines.copy("projected", pristine.store.kind, tmp_path).store
    store.drop_triggers()
    return store


# --- the two things an insider tampers with, behind one interface ------------------------------


class Target(ABC):
    """The events as the insider sees them, and how an edit is made to stick."""

    bundle = False
    events: list[Event]

    def chain(self, aggregate_id: str) -> list[Event]:
        return sorted((e for e in self.events if e["aggregate_id"] == aggregate_id), key=lambda e: e["version"])

    def event(self, aggregate_id: str, version: int) -> Event:
        return next(e for e in self.chain(aggregate_id) if e["version"] == version)

    @abstractmethod
    def changed(self, events: list[Event]) -> None:
        """Make this edit stick in the store or the bundle."""

    @abstractmethod
    def remove(self, event: Event) -> None:
        """Make this edit stick in the store or the bundle."""

    @abstractmethod
    def append(self, event: Event) -> None:
        """Make this edit stick in the store or the bundle."""


class StoreTarget(Target):
    def __init__(self, store: Store) -> None:
        self.store = store
        self.events = stored_events(store)

    def changed(self, events: list[Event]) -> None:
        write_back(self.store, events)

    def remove(self, event: Event) -> None:
        self.store.delete(event["notification_id"])

    def append(self, event: Event) -> None:
        self.store.insert(event["aggregate_id"], event["version"], event["topic"], stored_bytes(event["state"]))


class BundleTarget(Target):
    bundle = True

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.events = data["events"]

    def changed(self, events: list[Event]) -> None:
        return None  # the events are the bundle's own dicts

    def remove(self, event: Event) -> None:
        self.events.remove(event)

    def append(self, event: Event) -> None:
        # a forged leaf beyond the checkpoint's tree: no inclusion proof can exist for it
        self.events.append({**event, "leaf_index": self.data["tree_size"], "notification_id": None,
                            "why": "subject", "inclusion_path": []})


Expected = list[tuple[str, int, set[str]]]  # (aggregate, version, kinds every one of which is named)


# --- the catalogue ----------------------------------------------------------------------------


def edit_bytes(target: Target, case: str) -> Expected:
    """One character of a signed intent changed; the hash and signature are left as they were."""
    event = target.event(case, EDITED)
    edit_intent(event["state"], lambda i: i.update(nonce=("1" if i["nonce"][0] == "0" else "0") + i["nonce"][1:]))
    target.changed([event])
    return [(case, EDITED, {"hash", "signature"})]


def edit_signature(target: Target, case: str) -> Expected:
    """A signature changed, and the hash and every later link recomputed to hide it."""
    chain = target.chain(case)
    flip_signature(chain[EDITED - 1]["state"])
    reseal(chain, EDITED - 1)
    target.changed(chain[EDITED - 1:])
    # the resealed hashes are not the ones the log (or the bundle's proofs) hold
    return [(case, EDITED, {"signature", "log"}), (case, EDITED + 1, {"log"})]


def delete_event(target: Target, case: str) -> Expected:
    """The store names the version after the hole; a bundle's signed head names the hole itself."""
    target.remove(target.event(case, EDITED))
    return [(case, EDITED if target.bundle else EDITED + 1, {"gap"})]


def swap_events(target: Target, case: str) -> Expected:
    first, second = target.event(case, EDITED - 1), target.event(case, EDITED)
    first["state"], second["state"] = second["state"], first["state"]
    target.changed([first, second])
    return [(case, EDITED - 1, {"hash", "chain", "signature"}), (case, EDITED, {"hash", "chain", "signature"})]


def forge_event(target: Target, case: str) -> Expected:
    """A new last event with a self-consistent hash and link, its intent signed by a key the
    insider made (they do not hold the inspector's)."""
    last = target.chain(case)[-1]
    now = clock.now()
    intent = dataclasses.replace(
        Intent.decode(Envelope.from_json(last["state"]["envelope"]).payload),
        expected_version=last["version"], signed_at=now, nonce=secrets.token_hex(16),
    )
    state = copy.deepcopy(last["state"])
    state.update(timestamp=recording_time(state, now), envelope=sign_intent(SigningKey.generate(), intent).to_json(),
                 prev_hash=last["state"]["hash"])
    forged = {"aggregate_id": case, "version": last["version"] + 1, "topic": last["topic"], "state": state}
    reseal([forged])
    target.append(forged)
    expected = {"key", "log"} if target.bundle else {"key"}
    return [(case, last["version"] + 1, expected)]


def truncate_tail(target: Target, case: str) -> Expected:
    """The last two events removed: the chain that is left is whole, and shorter. The store's
    log still holds them; a bundle's signed head still names the last version."""
    chain = target.chain(case)
    for event in chain[-2:]:
        target.remove(event)
    return [(case, e["version"], {"gap"} if target.bundle else {"log"}) for e in chain[-2:]]


def substitute_key(target: Target, case: str) -> Expected:
    """The public key in a person's registration replaced by the insider's, hash and chain
    recomputed: the administrator's signature over the registration no longer holds, and the
    person's own acts no longer verify under any key the ledger knows."""
    signer = intent_of(target.event(case, 2)["state"])["actor"]
    chain = target.chain(signer)
    insider = SigningKey.generate().public_key.jwk
    edit_intent(chain[0]["state"], lambda i: i["args"].update(public_keys=[insider]))
    reseal(chain)
    target.changed(chain)
    return [(signer, 1, {"signature", "log"}), (case, 2, {"key"})]


CATALOGUE: dict[str, Callable[[Target, str], Expected]] = {
    "edit an event's bytes": edit_bytes,
    "edit a signature": edit_signature,
    "delete an event": delete_event,
    "swap two events": swap_events,
    "append a forged event": forge_event,
    "truncate the tail": truncate_tail,
    "substitute a public key": substitute_key,
}


def verify(*args: str) -> Run:
    """`verify` in this process (the catalogue runs it ~60 times)."""
    return invoke("verify", *args)


def assert_named(text: Run, as_json: Run, expected: Expected) -> None:
    """Exit 1, no traceback, and every expected kind on the BROKEN line of its event, in both
    the text and the JSON report."""
    assert text.code == 1 and as_json.code == 1, text.out + text.err
    assert "Traceback" not in text.err + as_json.err
    lines = [line for line in text.out.splitlines() if line.startswith("BROKEN aggregate ")]
    assert text.out.splitlines()[-1].startswith("BROKEN: ")
    report = json.loads(as_json.out)
    assert report["ok"] is False
    for aggregate, version, kinds in expected:
        named = {line.split(": ")[1] for line in lines if line.startswith(f"BROKEN aggregate {aggregate} version {version} ")}
        assert kinds <= named, (aggregate, version, kinds, text.out)
        in_json = {b["kind"] for b in report["breaks"] if (b["aggregate_id"], b["version"]) == (aggregate, version)}
        assert in_json == named, (aggregate, version, report["breaks"])
    touched = {aggregate for aggregate, _, _ in expected} | {LOG, BUNDLE}
    elsewhere = {(b["aggregate_id"], b["kind"]) for b in report["breaks"] if b["aggregate_id"] not in touched}
    assert not elsewhere, f"breaks named where nothing was tampered: {elsewhere}"


@pytest.mark.parametrize("tampering", list(CATALOGUE.values()), ids=list(CATALOGUE))
def test_verify_names_what_was_tampered_in_the_store(
    pristine: Pristine, insider_store: Store, tampering: Callable[[Target, str], Expected]
) -> None:
    expected = tampering(StoreTarget(insider_store), pristine.case_id)
    assert_named(verify("--db", insider_store.url), verify("--db", insider_store.url, "--json"), expected)


@pytest.mark.parametrize("tampering", list(CATALOGUE.values()), ids=list(CATALOGUE))
def test_verify_names_what_was_tampered_in_a_bundle(
    pristine: Pristine, tmp_path: Path, tampering: Callable[[Target, str], Expected]
) -> None:
    data = json.loads(pristine.bundle.read_text(encoding="utf-8"))
    expected = tampering(BundleTarget(data), pristine.case_id)
    bundle = tmp_path / "tampered.json"
    bundle.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert_named(verify("--bundle", str(bundle)), verify("--bundle", str(bundle), "--json"), expected)


def test_a_consistent_rewrite_is_caught_against_an_earlier_checkpoint(  # type: ignore[no-untyped-def]
    cli, pristine: Pristine, insider_store: Store, tmp_path: Path
) -> None:
    """An operator who also holds the ledger key softens the ledger's findings on a case,
    re-signs them, gives the whole case a fresh chain (every recording time a second later),
    rebuilds the log and signs a new checkpoint. The store, and a bundle exported from it, then
    verify on their own; against the checkpoint published before, the consistency proof fails."""
    trusted = tmp_path / "published.note"
    trusted.write_text(pristine.checkpoint, encoding="utf-8")
    ledger_key = read_key(pristine.keys / "ledger.pem")
    chain = [e for e in stored_events(insider_store) if e["aggregate_id"] == pristine.case_id]
    softened = 0
    for event in chain:
        state = event["state"]
        stamp = state["timestamp"]["_data_"]
        state["timestamp"] = recording_time(state, datetime.fromisoformat(stamp) + timedelta(seconds=1))
        if event["topic"].endswith("/FindingRaised/v1"):
            intent = Intent.decode(Envelope.from_json(state["envelope"]).payload)
            args = {**intent.args, "summary_en": "No finding.", "summary_zh": "未发现问题。"}
            state["envelope"] = sign_intent(ledger_key, dataclasses.replace(intent, args=args)).to_json()
            softened += 1
    assert softened >= 3
    reseal(chain)
    write_back(insider_store, chain)
    insider_store.execute("DELETE FROM dl_log_checkpoints")
    keys = ("--keys", str(pristine.keys))
    assert cli("rebuild", "--db", insider_store.url, *keys).code == 0
    assert cli("project", "--db", insider_store.url, *keys).code == 0
    assert cli("checkpoint", "--db", insider_store.url, *keys).out != pristine.checkpoint

    alone = verify("--db", insider_store.url)
    assert alone.code == 0, alone.out + alone.err
    text = verify("--db", insider_store.url, "--since-checkpoint", str(trusted))
    as_json = verify("--db", insider_store.url, "--since-checkpoint", str(trusted), "--json")
    assert text.code == as_json.code == 1 and "Traceback" not in text.err + as_json.err
    assert ": checkpoint: the log is not consistent with the trusted checkpoint" in text.out
    assert text.out.startswith(f"BROKEN aggregate {LOG} version ")
    breaks = json.loads(as_json.out)["breaks"]
    assert [(b["aggregate_id"], b["kind"]) for b in breaks] == [(LOG, "checkpoint")]

    # The same holds for a bundle of the case: exported plainly, it verifies on its own, not against
    # the checkpoint; exported with a consistency proof from the published checkpoint, the proof it
    # carries fails even without the recipient's checkpoint.
    assert verify("--bundle", str(pristine.bundle), "--since-checkpoint", str(trusted)).code == 0
    plain = tmp_path / "rewritten-plain.json"
    assert invoke("export", "--db", insider_store.url, *keys, "--case", pristine.case_id, "--out", str(plain)).code == 0
    assert verify("--bundle", str(plain)).code == 0
    assert verify("--bundle", str(plain), "--since-checkpoint", str(trusted)).code == 1
    bundle = tmp_path / "rewritten.json"
    exported = invoke("export", "--db", insider_store.url, *keys, "--case", pristine.case_id, "--out", str(bundle),
                      "--since-checkpoint", str(trusted))
    assert exported.code == 0, exported.err
    alone = verify("--bundle", str(bundle), "--json")
    assert alone.code == 1
    assert [(b["aggregate_id"], b["kind"]) for b in json.loads(alone.out)["breaks"]] == [("bundle", "checkpoint")]
    text = verify("--bundle", str(bundle), "--since-checkpoint", str(trusted))
    as_json = verify("--bundle", str(bundle), "--since-checkpoint", str(trusted), "--json")
    assert text.code == as_json.code == 1
    assert text.out.startswith("BROKEN aggregate bundle version 0 (notification None): checkpoint: the bundle's "
                               "checkpoint (107) is not consistent with the trusted checkpoint (107)"), text.out
    assert [(b["aggregate_id"], b["kind"]) for b in json.loads(as_json.out)["breaks"]] == [("bundle", "checkpoint")]


def test_a_case_bundle_stands_by_its_signed_head(pristine: Pristine, tmp_path: Path) -> None:
    """Cutting the tail off a bundle and dropping (or swapping) the head that would show it does
    not help: a case bundle without its own head, signed by the ledger key, is not trusted."""
    original = json.loads(pristine.bundle.read_text(encoding="utf-8"))
    other = dict(original, subject={"kind": "case", "id": original["events"][0]["aggregate_id"]})
    for name, change in {
        "no head": lambda data: data.pop("head"),
        "a checkpoint for a head": lambda data: data.update(head=data["checkpoint"]),
        "the head under another subject": lambda data: data.update(subject=other["subject"]),
        "a head re-signed by another key": lambda data: data.update(
            head=SignedNote(SignedNote.parse(data["head"]).text).signed(SigningKey.generate(),
                                                                         data["ledger"]["origin"]).render()),
    }.items():
        data = copy.deepcopy(original)
        change(data)
        bundle = tmp_path / "headless.json"
        bundle.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result = verify("--bundle", str(bundle), "--json")
        assert result.code == 1, name
        kinds = {(b["aggregate_id"], b["kind"]) for b in json.loads(result.out)["breaks"]}
        assert ("bundle", "checkpoint") in kinds, (name, kinds)
    # the ledger key signs the head: where it is not at hand, no case bundle is made
    unsigned = invoke("export", "--db", pristine.store.url, "--keys", str(tmp_path / "no-keys"), "--case",
                      pristine.case_id, "--out", str(tmp_path / "unsigned.json"), cwd=tmp_path)
    assert unsigned.code == 2 and "ledger key" in unsigned.err
    assert not (tmp_path / "unsigned.json").exists()


@pytest.mark.parametrize("tampering", list(CATALOGUE.values()), ids=list(CATALOGUE))
def test_verify_on_several_cores_names_the_same_breaks_in_the_same_order(
    pristine: Pristine, insider_store: Store, tampering: Callable[[Target, str], Expected]
) -> None:
    """Hashes and signatures checked by worker processes, a few records per chunk so that chunks
    finish out of order: the report is the one a single process writes, break for break."""
    tampering(StoreTarget(insider_store), pristine.case_id)
    with ledger_at(insider_store.url) as ledger:
        projector = open_projector(Database.parse(insider_store.url), ledger, create=False)
        try:
            reports = [
                verify_store(LedgerRecords(ledger), projector.reader,
                                opener=opener).to_json()
                for opener in (None, parallel_opener(ledger, 3, chunk=7))
            ]
        finally:
            projector.close()
    assert reports[0]["breaks"] and reports[0] == reports[1]
    assert verify("--db", insider_store.url, "--json", "--jobs", "2").out == verify(
        "--db", insider_store.url, "--json", "--jobs", "1").out
