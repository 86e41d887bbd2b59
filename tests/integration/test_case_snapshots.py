"""Case snapshots on the real stores: a long case replayed at every version from its snapshots is
the case replayed from its events; `case --at` answers the same either way; `verify` compares
every snapshot with the events (a garbled one changes neither its answer nor a replay; one forged
and sealed with the ledger key is named); a store made before snapshots gets their table on its
next opening."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from api.settings import Database
from api.store.opening import open_ledger
from domain.service.ledger import Ledger
from domain.service.snapshots import encode_case
from tests.integration.conftest import Store, invoke
from tests.integration.writers import enrol, ledger_at, material
from tests.unit.test_case_snapshots import from_events, state

EVENTS = 60
INTERVAL = 8


def snapshot_table(store: Store) -> str:
    return "stored_snapshots" if store.kind == "sqlite" else "decisionledger_snapshots"


def build(store: Store, keys: Path) -> UUID:
    """A case of EVENTS events through ``Ledger.submit``, each intent signed by a writer's key."""
    assert invoke("init", "--db", store.url, "--keys", str(keys), "--json").code == 0
    cast = enrol(store.url, keys, people=1, cases=1)
    writer, case_id = cast.people[0], cast.cases[0]
    with ledger_at(store.url, keys) as ledger:
        ledger.case_snapshots.interval = INTERVAL
        for version in range(1, EVENTS):
            ledger.submit(writer.sign("case.collect_material", case_id, version, material(str(version))).to_json())
    return case_id


def test_a_long_case_replays_from_its_snapshots_as_from_its_events(store: Store, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    case_id = build(store, keys)
    taken = [r[0] for r in store.execute(
        f"SELECT originator_version FROM {snapshot_table(store)} ORDER BY originator_version")]
    assert taken == list(range(INTERVAL, EVENTS + 1, INTERVAL))
    with ledger_at(store.url) as ledger:
        ledger.case_snapshots.interval = INTERVAL
        for version in range(1, EVENTS + 1):
            assert state(ledger.get_case(case_id, version)) == state(from_events(ledger, case_id, version))
        assert state(ledger.get_case(case_id)) == state(from_events(ledger, case_id))
    at = invoke("case", str(case_id), "--at", "43", "--db", store.url, "--json")
    assert at.code == 0 and json.loads(at.out)["as_of"]["version"] == 43
    assert len(json.loads(at.out)["case"]["materials"]) == 42

    # garble every snapshot: no replay can use one, so verify's verdict is the same, and replays
    # fall back to the events
    before = invoke("verify", "--db", store.url, "--json")
    assert "7 case snapshots compared with the events" in json.loads(before.out)["notes"]
    store.execute(f"UPDATE {snapshot_table(store)} SET state = ?", (b"garbled",))
    after = invoke("verify", "--db", store.url, "--json")
    assert before.code == after.code == 0
    assert {k: v for k, v in json.loads(before.out).items() if k != "notes"} == \
        {k: v for k, v in json.loads(after.out).items() if k != "notes"}
    assert invoke("case", str(case_id), "--at", "43", "--db", store.url, "--json").out == at.out


def test_a_snapshot_forged_with_the_ledger_key_is_named_by_verify(store: Store, tmp_path: Path) -> None:
    """M5 (issue 16): someone holding the database and the ledger key seals a snapshot of the case
    with another title and no materials. The seal holds, so a replay would start from it; `verify`
    compares every snapshot with the state the events give at its version and names this one."""
    keys = tmp_path / "keys"
    case_id = build(store, keys)
    with ledger_at(store.url, keys) as ledger:
        assert ledger.case_snapshots.key is not None
        forged = from_events(ledger, case_id, 40)
        object.__setattr__(forged, "title", "一个从未记录的标题")
        object.__setattr__(forged, "materials", {})
        data = encode_case(forged, ledger.case_snapshots.key)
    store.execute(f"UPDATE {snapshot_table(store)} SET state = ? WHERE originator_version = 40", (data,))
    text, as_json = invoke("verify", "--db", store.url), invoke("verify", "--db", store.url, "--json")
    assert text.code == as_json.code == 1, text.out + text.err
    assert f"BROKEN aggregate {case_id} version 40 (notification None): snapshot: the snapshot at version 40 is " \
        "not the state the events give (materials, title differ)" in text.out, text.out
    breaks = json.loads(as_json.out)["breaks"]
    assert [(b["aggregate_id"], b["version"], b["kind"]) for b in breaks] == [(str(case_id), 40, "snapshot")]


def test_a_store_made_before_snapshots_gets_their_table(store: Store, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    assert invoke("init", "--db", store.url, "--keys", str(keys), "--json").code == 0
    store.execute(f"DROP TABLE {snapshot_table(store)}")
    ledger: Ledger = open_ledger(Database.parse(store.url))
    try:
        assert ledger.case_snapshots.recorder is not None
    finally:
        ledger.close()
    assert store.execute(f"SELECT COUNT(*) FROM {snapshot_table(store)}") == [(0,)]
    # a rebuild deletes the snapshots with the other derived data: the forged one is gone
    assert invoke("rebuild", "--db", store.url, "--keys", str(keys)).code == 0
    assert store.execute(f"SELECT COUNT(*) FROM {snapshot_table(store)}") == [(0,)]
    assert invoke("verify", "--db", store.url, "--keys", str(keys)).code == 0
