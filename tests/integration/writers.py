"""People who write at once, and what the store must show afterwards.

Each person signs with their own key file, as a client does, and posts ``case.collect_material``
intents (收集信息资料, XX-12(1): repeatable as long as the evidence is open) to a running service
over HTTP, keeping exactly what the service acknowledged. The checks read the raw events table
and the read-model tables directly — never through a command that would catch up first — so a
lost, doubled or partial write cannot hide behind the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import psycopg
from pymerkle import InmemoryTree

from api.demo_cast import XX_UNIT
from api.http.auth import make_token
from api.http.writes import ROUTES
from api.keyfiles import read_key, write_key
from api.settings import Database
from api.signer import Signer
from api.store.opening import open_ledger
from domain.evidence.canonical import canonical_bytes
from domain.evidence.keys import make_proof
from domain.evidence.signing import SigningKey
from domain.service.ledger import Ledger
from domain.service.records import LedgerRecords
from projections.tlog import LogTables
from projections.views import LedgerViewTables
from tests.integration.conftest import Store

COLLECT = "case.collect_material"
#: read-model tables a rebuild derives from the events (signed checkpoints are kept, not derived)
DERIVED_TABLES = [t for t in [*LedgerViewTables.TABLES, *LogTables.TABLES] if t not in LogTables.KEEP]
TRACKING_TABLES = ("dl_views_tracking", "dl_log_tracking")


@contextmanager
def ledger_at(url: str, keys: Path | None = None) -> Iterator[Ledger]:
    """The ledger in-process (with its key, when ``keys`` holds it), closed afterwards."""
    key = read_key(keys / "ledger.pem") if keys is not None else None
    ledger = open_ledger(Database.parse(url), ledger_key=key)
    try:
        yield ledger
    finally:
        ledger.close()


@dataclass(frozen=True)
class Cast:
    """The people of a run, each with their own key file, and the cases they work on."""

    people: list[Signer]
    cases: list[UUID]


def enrol(url: str, keys: Path, people: int, cases: int) -> Cast:
    """After `init`: the administrator registers ``people`` staff of one XX lead unit, each with a
    key file of their own under ``keys/people``; the first registers a decision and the people
    open ``cases`` evaluations of it on XX's simplified procedure (XX-15), so material may be
    collected at once. Case *i* is opened by person *i* (modulo the people)."""
    info = json.loads((keys / "ledger.json").read_text())
    admin = Signer.from_key_file(UUID(info["administrator_id"]), Path(info["administrator_key_file"]))
    second = info["administrators"][1]
    confirmer = Signer.from_key_file(UUID(second["id"]), Path(second["key_file"]))
    signers: list[Signer] = []
    with ledger_at(url, keys) as ledger:
        for n in range(people):
            path = write_key(keys / "people" / f"writer-{n}.pem", SigningKey.generate())
            person, key = uuid4(), read_key(path)
            admin.act(ledger, "principal.register", person, {
                "kind": "person", "name": f"写入者{n}", "unit": XX_UNIT, "title": "科员", "roles": ["lead_unit"],
                "public_keys": [key.public_key.jwk], "proofs": [make_proof(key, info["ledger_id"], str(person))],
            })
            confirmer.act(ledger, "principal.confirm_key", person, {"keyid": key.keyid})
            signers.append(Signer.from_key_file(person, path, f"写入者{n}"))
        decision = uuid4()
        signers[0].act(ledger, "decision.register", decision, {
            "jurisdiction": "XX", "title": "息县农村公路养护管理办法", "document_number": "息政〔2022〕7号",
            "organ": "息县人民政府", "decided_on": "2022-03-01", "purpose": "规范农村公路养护，保障群众出行。",
        })
        signers[0].act(ledger, "decision.record_demonstrators", decision, {"none": True})  # NX-8; 713-36
        opened: list[UUID] = []
        for n in range(cases):
            case = uuid4()
            signers[n % people].act(ledger, "case.open", case, {
                "decision_id": str(decision), "jurisdiction": "XX", "title": f"农村公路养护办法后评估（{n}）",
                "lead_unit": XX_UNIT, "grounds": ["XX-9(3)"], "ground_statement": "群众反映养护不及时。",
                "scope": "whole", "procedure": "simplified",
                "simplified_reason": "社会关注点集中，采取座谈会和网上问卷即可全面了解实施情况。",
            })
            opened.append(case)
    return Cast(signers, opened)


def material(label: str) -> dict[str, Any]:
    """The arguments of one ``case.collect_material``: a fresh material each time."""
    return {
        "material_id": str(uuid4()), "title": f"养护台账{label}", "source": "息县交通运输局", "stance": "neutral",
        "classification": "none", "period": "during", "digest": hashlib.sha256(label.encode()).hexdigest(),
        "summary": f"农村公路养护台账（{label}）",
    }


@dataclass(frozen=True)
class Ack:
    """A write the service answered 201 for."""

    aggregate_id: str
    version: int
    hash: str
    notification_id: int
    envelope: dict[str, Any]


@dataclass
class Writer:
    """One person writing to one case: signs each intent against the version it knows (or reads)
    and keeps every acknowledgement, every refusal by status and problem kind, and the intent it
    sent last whose answer it did not get."""

    signer: Signer
    case_id: UUID
    version: int = 1
    acks: list[Ack] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    unanswered: dict[str, Any] | None = None  # sent, no answer: stored or not, nobody knows yet
    sent: int = 0

    @property
    def path(self) -> str:
        return ROUTES[COLLECT][0].format(case_id=self.case_id)

    def sign(self) -> dict[str, Any]:
        label = f"{self.signer.name}-{self.sent}"
        self.sent += 1
        return self.signer.sign(COLLECT, self.case_id, self.version, material(label)).to_json()

    def read_version(self, client: httpx.Client, address: str) -> int:
        token = make_token(self.signer.key, self.signer.principal_id)
        answer = client.get(f"{address}/v1/aggregates/{self.case_id}/version",
                            headers={"Authorization": f"Bearer {token}"})
        if answer.status_code != 200:
            raise AssertionError(f"reading the version: {answer.status_code} {answer.text}")
        self.version = int(answer.json()["version"])
        return self.version

    def post(self, client: httpx.Client, address: str, envelope: dict[str, Any]) -> httpx.Response:
        """Send one envelope; a transport error leaves it ``unanswered``."""
        self.unanswered = envelope
        answer = client.post(f"{address}{self.path}", json=envelope)
        self.unanswered = None
        if answer.status_code == 201:
            body = answer.json()
            self.acks.append(Ack(body["aggregate_id"], body["version"], body["hash"], body["notification_id"],
                                 envelope))
            self.version = body["version"]
        else:
            self.refusals[f"{answer.status_code} {problem_kind(answer)}"] += 1
        return answer


def problem_kind(answer: httpx.Response) -> str:
    if not answer.headers.get("content-type", "").startswith("application/problem+json"):
        return "?"
    return str(answer.json().get("type", "")).rsplit(":", 1)[-1]


@contextmanager
def running(tasks: list[Callable[[], None]], timeout: float) -> Iterator[None]:
    """Run each task in its own (daemon) thread while the block runs; afterwards wait for them,
    at most ``timeout`` seconds in all, and re-raise the first failure. The tasks bound their own
    loops too."""
    failures: list[BaseException] = []

    def guarded(task: Callable[[], None]) -> None:
        try:
            task()
        except BaseException as error:  # noqa: BLE001 — reported to the test below
            failures.append(error)

    threads = [threading.Thread(target=guarded, args=(task,), daemon=True) for task in tasks]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    try:
        yield
    finally:
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
    if failures:
        raise failures[0]
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"writers still running after {timeout} s")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


# --- what the store shows -------------------------------------------------------------------


@dataclass(frozen=True)
class StoredEvent:
    notification_id: int
    aggregate_id: str
    version: int
    state: dict[str, Any]

    @property
    def hash(self) -> str:
        return str(self.state["hash"])


def stored_events(store: Store) -> list[StoredEvent]:
    """Every row of the raw events table, decoded as the ledger's mapper writes it; a row that
    does not decode fails here (a partial or torn event)."""
    with ledger_at(store.url) as ledger:
        decode = LedgerRecords(ledger).decode
        return [StoredEvent(nid, aggregate, version, decode(state)) for nid, aggregate, version, state in store.rows()]


def assert_single_chains(events: list[StoredEvent]) -> None:
    """No forked chain: each aggregate's versions run 1..n once, in notification order, each
    ``prev_hash`` the previous event's hash; and no signed intent is stored twice."""
    by_aggregate: dict[str, list[StoredEvent]] = {}
    for event in events:
        by_aggregate.setdefault(event.aggregate_id, []).append(event)
    for aggregate, chain in by_aggregate.items():
        assert [e.version for e in chain] == list(range(1, len(chain) + 1)), f"versions of {aggregate}"
        for previous, event in pairwise(chain):
            assert event.state["prev_hash"] == previous.hash, f"{aggregate} version {event.version} forks"
    envelopes = Counter(canonical_bytes(e.state["envelope"]) for e in events)
    assert max(envelopes.values()) == 1, "a signed intent is stored twice"


def assert_acknowledged_once(events: list[StoredEvent], acks: list[Ack]) -> None:
    """Every acknowledged write is stored, at its version, with the hash and notification id the
    service answered, and carries the envelope that was sent."""
    at = {(e.aggregate_id, e.version): e for e in events}
    for ack in acks:
        stored = at.get((ack.aggregate_id, ack.version))
        assert stored is not None, f"acknowledged {ack.aggregate_id}:{ack.version} is not stored"
        assert (stored.hash, stored.notification_id) == (ack.hash, ack.notification_id)
        assert stored.state["envelope"] == ack.envelope
    assert len({(a.aggregate_id, a.version) for a in acks}) == len(acks), "one version acknowledged twice"


def read_models(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every derived read-model table, row by row, in a fixed order."""
    return {table: sorted(store.execute(f"SELECT * FROM {table}"), key=repr) for table in DERIVED_TABLES}


def tracked(store: Store) -> dict[str, int]:
    """Each projection's tracking position."""
    return {table: int(store.execute(f"SELECT MAX(notification_id) FROM {table} "
                                     "WHERE application_name <> '__migration__'")[0][0] or 0)
            for table in TRACKING_TABLES}


def wait_until_projected(store: Store, timeout: float = 60) -> None:
    top = int(store.execute(f"SELECT MAX({store.id_column}) FROM {store.table}")[0][0])
    deadline = time.monotonic() + timeout
    while set(tracked(store).values()) != {top}:
        if time.monotonic() > deadline:
            raise AssertionError(f"projections at {tracked(store)}, the store at {top}")
        time.sleep(0.1)


def assert_projected_exactly(store: Store, events: list[StoredEvent]) -> None:
    """Each projection holds exactly the events up to its tracking position — none twice, none
    from a batch that did not commit: one action row per event, one log leaf per event in
    notification order."""
    position = tracked(store)
    views = [e.notification_id for e in events if e.notification_id <= position["dl_views_tracking"]]
    actions = [row[0] for row in store.execute("SELECT notification_id FROM dl_actions ORDER BY notification_id")]
    assert actions == views, "the action rows are not exactly the tracked events"
    logged = [e for e in events if e.notification_id <= position["dl_log_tracking"]]
    leaves = store.execute("SELECT leaf_index, notification_id, event_hash FROM dl_log_leaves ORDER BY leaf_index")
    assert [tuple(row) for row in leaves] == [(i, e.notification_id, e.hash) for i, e in enumerate(logged)]


def note_root(note: str) -> tuple[int, bytes]:
    """A C2SP checkpoint's tree size and root hash, read from its text."""
    _, size, root = note.split("\n", 3)[:3]
    return int(size), base64.b64decode(root)


def assert_one_tree(store: Store, events: list[StoredEvent]) -> list[int]:
    """Every signed checkpoint's root is the RFC 9162 root (computed by pymerkle) of the first
    *size* stored events in notification order: all are views of one append-only tree, so any
    two are consistent. Returns the checkpointed sizes."""
    tree = InmemoryTree(algorithm="sha256")
    for event in events:
        tree.append_entry(bytes.fromhex(event.hash))
    sizes = []
    for size, root, note in store.execute("SELECT tree_size, root, note FROM dl_log_checkpoints ORDER BY tree_size"):
        assert note_root(note) == (size, bytes.fromhex(root))
        assert 0 < size <= len(events) and tree.get_root(size) == bytes.fromhex(root), f"checkpoint {size}"
        sizes.append(int(size))
    return sizes


def assert_verifies(cli, store: Store, keys: Path) -> None:  # type: ignore[no-untyped-def]
    """`verify` from the raw store, pinned to the ledger key `init` printed, finds nothing broken."""
    keyid = json.loads((keys / "ledger.json").read_text())["ledger_keyid"]
    verified = cli("verify", "--db", store.url, "--ledger-key", keyid, "--json")
    assert verified.code == 0, verified.out + verified.err
    assert json.loads(verified.out)["breaks"] == []


def assert_rebuild_equals(cli, store: Store, keys: Path) -> None:  # type: ignore[no-untyped-def]
    """The read models built incrementally — across crashes — equal a clean rebuild from the events."""
    incremental = read_models(store)
    rebuilt = cli("rebuild", "--db", store.url, "--keys", str(keys))
    assert rebuilt.code == 0, rebuilt.err
    after = read_models(store)
    assert after.keys() == incremental.keys()
    for table in incremental:
        assert after[table] == incremental[table], f"{table} differs from a clean rebuild"
    assert sum(len(rows) for rows in after.values()) > 0


@contextmanager
def peak_connections(store: Store) -> Iterator[list[int]]:
    """Sample how many connections the store's PostgreSQL database holds while the block runs
    (the sampler's own not counted); the list's one item is the peak seen."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(store.admin_url(store.dbname), autocommit=True) as conn:
            while not stop.is_set():
                row = conn.execute("SELECT count(*) - 1 FROM pg_stat_activity "
                                   "WHERE datname = current_database()").fetchone()
                peak[0] = max(peak[0], int(row[0]) if row else 0)
                stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join(timeout=5)
