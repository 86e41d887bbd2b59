"""Read models written a batch at a time (rows gathered, one ``executemany`` per table, each
key's first and last row only) are exactly the read models written one event at a time, on
both stores: the same rows, and on SQLite in the same physical order."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import Tracking

from api.settings import Database
from api.store.opening import open_ledger, open_projector
from domain import clock
from domain.evidence.signing import SigningKey
from domain.service.ledger import Ledger
from projections import queries
from projections.runner import Projector
from tests.integration.conftest import Store
from tests.integration.writers import DERIVED_TABLES
from tests.support import NXScript, World, XXScript


def read_models(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every derived table's rows; on SQLite in their physical (rowid) order, which only the
    order of first inserts decides."""
    if store.kind == "sqlite":
        return {table: store.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid") for table in DERIVED_TABLES}
    return {table: sorted(store.execute(f"SELECT * FROM {table}"), key=repr) for table in DERIVED_TABLES}


def grow(world: World, fixed: clock.ManualClock) -> None:
    """Cases interleaved with findings raised, closed and naming people, key rotations and role
    changes: every kind of row, several events of one aggregate in one batch."""
    nx, other, xx = NXScript(world), NXScript(world), XXScript(world, simplified=True)
    nx.advance_to("close_evidence")
    other.advance_to("collect_material")
    xx.advance_to("collect_material")
    staff = nx.agency_staff
    world.do(staff, "case.draw_conclusion", nx.case_id, {"conclusion": "预设结论"})  # a finding (NX-9)
    for n in range(3):
        world.do(xx.lead, "case.collect_material", xx.case_id, xx.material_args(uuid4()))
        fixed.advance(timedelta(hours=5 + n))
    inspector = world.person("孔德明", ["discipline_inspector"], "纪检监察组")
    [finding] = world.ledger.get_case(nx.case_id).findings
    world.do(inspector, "case.close_finding", nx.case_id, {
        "finding_id": str(finding["finding_id"]), "outcome": "rectified", "statement": "已整改",
    })
    other.run_all()
    nx.run_all()
    new_key = SigningKey.generate()
    world.do(staff, "principal.rotate_key", staff.principal_id, {
        "old_keyid": staff.key.keyid, "public_key": new_key.public_key.jwk,
        "proof": world.proof(new_key, staff.principal_id),
    })
    fixed.advance(timedelta(days=1))
    world.do(world.admin, "principal.revoke_role", staff.principal_id, {"role": "agency_staff", "reason": "离职"})
    world.do(xx.lead, "case.collect_material", xx.case_id, xx.material_args(uuid4()))


@pytest.fixture
def projected(store: Store, manual_clock: clock.ManualClock) -> Iterator[tuple[Ledger, Projector]]:
    database = Database.parse(store.url)
    ledger = open_ledger(database, create=True)
    grow(World(ledger), manual_clock)
    projector = open_projector(database, ledger)
    try:
        yield ledger, projector
    finally:
        projector.close()
        ledger.close()


def test_batched_rows_are_the_rows_of_one_event_at_a_time(store: Store, projected: tuple[Ledger, Projector]) -> None:
    ledger, projector = projected
    events = ledger.recorder.max_notification_id() or 0
    assert projector.catch_up(batch=1) == 2 * events  # one event per transaction: each event's rows in turn
    one_by_one = read_models(store)
    assert one_by_one["dl_findings"] and one_by_one["dl_finding_persons"] and one_by_one["dl_deadlines"]
    assert [f["outcome"] for f in queries.findings(projector.views)] == ["rectified"]

    assert projector.rebuild() == 2 * events  # every event in one batch
    assert read_models(store) == one_by_one

    for batch in (2, 3, 7):  # batches that cut through each aggregate's events anywhere
        projector.REBUILD_BATCH = batch
        projector.rebuild()
        assert read_models(store) == one_by_one, f"batches of {batch}"


def test_catching_up_reads_each_event_once_for_every_projection(
    store: Store, projected: tuple[Ledger, Projector]
) -> None:
    """The projections behind by different amounts are each given what they have not seen."""
    ledger, projector = projected
    events = ledger.recorder.max_notification_id() or 0
    log = projector.projections[1]
    head = ledger.recorder.select_notifications(start=0, limit=5, inclusive_of_start=False)
    log.process_batch([(ledger.mapper.to_domain_event(r), Tracking(ledger.name, r.id)) for r in head])  # type: ignore[attr-defined]
    assert projector.catch_up(batch=4) == 2 * events - len(head)
    assert projector.pending() == 0
    caught_up = read_models(store)
    projector.rebuild()
    assert read_models(store) == caught_up



def test_a_rebuild_runs_with_collection_paused_and_restores_it(
    store: Store, projected: tuple[Ledger, Projector]
) -> None:
    """Full collections over the projection's cached aggregates halved the rebuild's speed; the
    rebuild pauses them and resumes them when it ends, also when it fails."""
    _, projector = projected
    seen: list[bool] = []
    assert gc.isenabled()
    projector.rebuild(progress=lambda _: seen.append(gc.isenabled()))
    assert seen and not any(seen)
    assert gc.isenabled()

    def fail(_: int) -> None:
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        projector.rebuild(progress=fail)
    assert gc.isenabled()
