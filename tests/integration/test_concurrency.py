"""Many writers at once, through two server processes on one PostgreSQL store.

Several people record material on the same case at once — each signs against the version they
read, so all but one of a round lose with 409 ``conflict`` and must read again and sign again —
while others write to cases of their own; every request goes to one of two `serve` processes in
turn (reading the version from one, posting to the other). Afterwards, from the raw tables: no
chain forked, each version is recorded once, every loser got through on a later try, as many
events are stored as were acknowledged, ``verify`` passes, and the checkpoints both processes
signed are views of one RFC 9162 tree (consistency proofs between successive checkpoints,
checked by the RFC's own algorithm, and every root recomputed over the stored event hashes).
A projection worker runs beside them throughout, and all three stay within a connection budget.

Around it, the races that broke before: copies of one signed intent sent at once are stored
once and every other copy is told ``replayed``; processes opening a new store at once create
the read-model tables once; an event another processor commits while a worker waits for the
tracking row is skipped, not applied twice, and does not end the worker.
"""

from __future__ import annotations

import signal
import threading
from collections import Counter
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from eventsourcing.persistence import Tracking

from api.settings import Database
from api.store.opening import open_ledger, open_projector
from domain.evidence.checkpoint import open_checkpoint, parse_verifier_key
from domain.evidence.signing import SigningKey
from domain.service.ledger import NewPrincipal
from projections.runner import Projector
from tests.integration.conftest import Store
from tests.integration.rfc9162 import consistency_ok
from tests.integration.served_process import following, logged_errors, serving_together
from tests.integration.writers import (
    DERIVED_TABLES,
    TRACKING_TABLES,
    Writer,
    assert_acknowledged_once,
    assert_one_tree,
    assert_single_chains,
    assert_verifies,
    enrol,
    ledger_at,
    note_root,
    peak_connections,
    problem_kind,
    running,
    stored_events,
    tracked,
    wait_for,
    wait_until_projected,
)

SHARED = 8  # people writing to one case
OWN = 6  # people writing each to a case of their own
WRITES = 4  # acknowledged writes each person needs
ATTEMPTS = 80  # a bound on each person's tries; each loss is another's win: at most (SHARED - 1) * WRITES
CONNECTIONS = 60  # two servers and a worker under this load, well below PostgreSQL's default 100
COPIES, DUPLICATE_ROUNDS = 6, 5  # copies of one signed intent sent at once, and how many times
OPENERS, ROUNDS = 4, 3  # processes opening a new store at once, and how many times


def contend(writer: Writer, turn: int, servers: list[str], start: threading.Barrier,
            answers: Counter[tuple[str, str]], lock: threading.Lock) -> Callable[[], None]:
    """Read the version from one server, sign against it, post to the other; on 409 read again
    and sign again, until ``WRITES`` were acknowledged. Everyone posts their first intent at
    the same moment, so the first round on the shared case has one winner."""
    def task() -> None:
        with httpx.Client(timeout=60) as client:
            for attempt in range(ATTEMPTS):
                if len(writer.acks) == WRITES:
                    return
                reader, poster = servers[(turn + attempt) % 2], servers[(turn + attempt + 1) % 2]
                writer.read_version(client, reader)
                envelope = writer.sign()
                if attempt == 0:
                    start.wait(timeout=60)
                answer = writer.post(client, poster, envelope)
                with lock:
                    answers[(poster, f"{answer.status_code} {problem_kind(answer)}")] += 1
                if answer.status_code != 201:
                    assert (answer.status_code, problem_kind(answer)) == (409, "conflict"), answer.text
            assert len(writer.acks) == WRITES, f"{writer.signer.name} did not get through in {ATTEMPTS} tries"
    return task


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_writers_racing_through_two_servers_keep_one_chain_per_case_and_one_log(  # type: ignore[no-untyped-def]
    cli, store: Store, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    assert cli("init", "--db", store.url, "--keys", str(keys)).code == 0
    cast = enrol(store.url, keys, people=SHARED + OWN, cases=1 + OWN)
    shared_case, own_cases = cast.cases[0], cast.cases[1:]
    writers = [Writer(person, shared_case) for person in cast.people[:SHARED]]
    writers += [Writer(person, case) for person, case in zip(cast.people[SHARED:], own_cases, strict=True)]
    serve = ["--db", store.url, "--keys", str(keys), "--interval", "0.1"]

    answers: Counter[tuple[str, str]] = Counter()
    lock = threading.Lock()
    with peak_connections(store) as peak, following(tmp_path, store.url, keys) as worker, \
            serving_together(tmp_path, [serve, serve]) as served, httpx.Client(timeout=60) as client:
        servers = [address for address, _ in served]
        start = threading.Barrier(len(writers))
        with running([contend(w, n, servers, start, answers, lock) for n, w in enumerate(writers)], timeout=240):
            pass
        wait_until_projected(store)
        for address in servers:  # each signs a checkpoint of the whole log, if the other has not
            assert client.get(f"{address}/v1/public/checkpoint").status_code == 200
        checkpoints = store.execute("SELECT tree_size, note FROM dl_log_checkpoints ORDER BY tree_size")
        name, ledger_key = parse_verifier_key(client.get(f"{servers[0]}/v1/public/vkey").text.strip())
        for (old, old_note), (new, new_note) in pairwise(checkpoints):
            open_checkpoint(new_note, ledger_key, name)
            proof = client.get(f"{servers[new % 2]}/v1/public/proofs/consistency",
                               params={"old": old, "new": new}).json()
            path = [bytes.fromhex(p) for p in proof["consistency_path"]]
            assert consistency_ok(old, new, note_root(old_note)[1], note_root(new_note)[1], path), (old, new)
        assert worker.poll() is None, "the worker beside the servers died"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    for log in ("serve-0.log", "serve-1.log", "worker.log"):
        assert logged_errors(tmp_path / log) == [], log

    statuses = Counter(status for (_, status) in answers.elements())
    assert set(statuses) == {"201 ?", "409 conflict"}, statuses  # no 5xx, no other refusal
    assert statuses["201 ?"] == len(writers) * WRITES
    assert sum(w.refusals["409 conflict"] for w in writers[:SHARED]) >= SHARED - 1, "the first round had one winner"
    assert all(answers[(address, "201 ?")] > 0 for address in servers), "both servers recorded writes"

    events = stored_events(store)
    assert_single_chains(events)
    acks = [ack for w in writers for ack in w.acks]
    assert_acknowledged_once(events, acks)
    written = [e for e in events if e.aggregate_id in {str(c) for c in cast.cases} and e.version > 1]
    assert len(written) == len(acks)
    versions = Counter(e.aggregate_id for e in written)
    assert versions[str(shared_case)] == SHARED * WRITES
    assert all(versions[str(case)] == WRITES for case in own_cases)
    sizes = assert_one_tree(store, events)
    assert sizes[-1] == len(events) and len(sizes) == len(checkpoints)
    assert peak[0] <= CONNECTIONS, f"{peak[0]} connections: the pools are not bounded"
    assert_verifies(cli, store, keys)
    print(f"answers by server: {dict(answers)}; {len(checkpoints)} checkpoints; {len(events)} events; "
          f"at most {peak[0]} connections")


def opening(url: str, start: threading.Barrier, opened: list[Projector]) -> Callable[[], None]:
    """What `serve` and `project` do first: open the ledger, then its projections (creating their
    tables if absent) — all openers at the same moment."""
    def task() -> None:
        with ledger_at(url) as ledger:
            start.wait(timeout=30)
            projector = open_projector(Database.parse(url), ledger)
            opened.append(projector)
            projector.close()
    return task


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_processes_opening_a_new_store_together_create_the_read_models_once(store: Store, tmp_path: Path) -> None:
    """Servers and workers started at the same moment on a store whose read-model tables do not
    exist yet each try to create them; all must open (one creates, the others find them)."""
    key = SigningKey.generate()
    ledger = open_ledger(Database.parse(store.url), create=True)
    ledger.initialise(key, NewPrincipal.holding("系统管理员", "信息中心", SigningKey.generate()),
                      NewPrincipal.holding("复核管理员", "信息中心", SigningKey.generate()))
    ledger.close()
    for _ in range(ROUNDS):
        start = threading.Barrier(OPENERS)
        opened: list[Projector] = []
        with running([opening(store.url, start, opened) for _ in range(OPENERS)], timeout=60):
            pass
        assert len(opened) == OPENERS
        assert tracked(store) == {"dl_views_tracking": 0, "dl_log_tracking": 0}
        for table in [*TRACKING_TABLES, *DERIVED_TABLES, "dl_log_checkpoints"]:
            store.execute(f"DROP TABLE {table}")


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_one_signed_intent_sent_many_times_at_once_is_stored_once_and_the_copies_told_so(  # type: ignore[no-untyped-def]
    cli, store: Store, tmp_path: Path
) -> None:
    """A client that retries before its first try was answered (through either server) must
    learn that its write is recorded — 409 ``replayed`` with where — not that another write won
    (``conflict``), which would have it sign the same act again as a new intent."""
    keys = tmp_path / "keys"
    assert cli("init", "--db", store.url, "--keys", str(keys)).code == 0
    cast = enrol(store.url, keys, people=1, cases=1)
    serve = ["--db", store.url, "--keys", str(keys)]
    with serving_together(tmp_path, [serve, serve]) as served:
        servers = [address for address, _ in served]
        for round_ in range(DUPLICATE_ROUNDS):
            writer = Writer(cast.people[0], cast.cases[0], version=1 + round_)
            envelope = writer.sign()
            start = threading.Barrier(COPIES)
            answers: Counter[str] = Counter()
            lock = threading.Lock()
            with running([send_copy(servers[n % 2], writer.path, envelope, start, answers, lock)
                          for n in range(COPIES)], timeout=60):
                pass
            assert answers == Counter({"201 ?": 1, "409 replayed": COPIES - 1}), answers
    events = stored_events(store)
    assert_single_chains(events)
    assert len([e for e in events if e.aggregate_id == str(cast.cases[0])]) == 1 + DUPLICATE_ROUNDS


def send_copy(address: str, path: str, envelope: dict[str, Any], start: threading.Barrier,
              answers: Counter[str], lock: threading.Lock) -> Callable[[], None]:
    def task() -> None:
        with httpx.Client(timeout=60) as client:
            start.wait(timeout=30)
            answer = client.post(f"{address}{path}", json=envelope)
        with lock:
            answers[f"{answer.status_code} {problem_kind(answer)}"] += 1
    return task


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_an_event_another_processor_applies_while_a_worker_waits_is_skipped_not_fatal(store: Store) -> None:
    """A worker (`project --follow`) beside `serve`: both apply new events. When the other one
    commits an event while this one waits for the tracking row, this one must skip it — not
    apply it twice, and not die (it did, with IntegrityError, ending the worker)."""
    ledger = open_ledger(Database.parse(store.url), create=True)
    try:
        ledger.initialise(SigningKey.generate(), NewPrincipal.holding("系统管理员", "信息中心", SigningKey.generate()),
                          NewPrincipal.holding("复核管理员", "信息中心", SigningKey.generate()))
        first, second = ledger.recorder.select_notifications(start=None, limit=2)
        projector = open_projector(Database.parse(store.url), ledger)
        for projection, tracking_table in zip(projector.projections, TRACKING_TABLES, strict=True):
            projection.process_event(ledger.mapper.to_domain_event(first), Tracking(ledger.name, first.id))
            event, tracking = ledger.mapper.to_domain_event(second), Tracking(ledger.name, second.id)
            with psycopg.connect(store.admin_url(store.dbname)) as other:  # the other processor, mid-batch
                other.execute(f"UPDATE {tracking_table} SET notification_id = %s WHERE application_name = %s",
                              (second.id, ledger.name))
                with running([partial(projection.process_event, event, tracking)], timeout=30):
                    wait_for(partial(waits_for_a_lock, store), 20, "the worker waiting for the tracking row")
                    other.commit()
        assert tracked(store) == {table: second.id for table in TRACKING_TABLES}
        assert store.execute("SELECT notification_id FROM dl_actions") == [(first.id,)], "not applied twice"
        assert store.execute("SELECT notification_id FROM dl_log_leaves") == [(first.id,)]
        projector.close()
    finally:
        ledger.close()


def waits_for_a_lock(store: Store) -> bool:
    rows = store.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                         "AND wait_event_type = 'Lock'")
    return bool(rows[0][0])
