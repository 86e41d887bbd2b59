"""Read models built incrementally equal read models rebuilt from zero, for random sequences
of actions on several cases (hypothesis), and each event is applied exactly once."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.settings import Database
from api.store.opening import open_ledger, open_projector
from domain import clock
from domain.evidence.merkle import Frontier
from projections.runner import Projector
from projections.signed import CheckpointRefused
from tests.conftest import START
from tests.support import NXScript, World, XXScript

SKIP = {"dl_log_checkpoints"}  # signed when asked, kept across rebuilds


def snapshot(projector: Projector) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for views in (projector.views, projector.log):
        with views.reading() as c:
            for name in views.TABLES:
                if name not in SKIP:
                    rows = c.execute(f"SELECT * FROM {{{name}}}").fetchall()
                    tables[name] = sorted(tuple(str(v) for v in row.values()) for row in rows)
    return tables


def build(directory: Path) -> tuple[Any, Projector, World]:
    database = Database.parse(f"sqlite:///{directory / 'ledger.db'}")
    ledger = open_ledger(database, create=True)
    world = World(ledger)
    return ledger, open_projector(database, ledger), world


scripts = st.lists(st.sampled_from(["NX", "XX", "XX-simple"]), min_size=1, max_size=3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=scripts, order=st.lists(st.integers(min_value=0, max_value=2), max_size=40),
       batches=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=10))
def test_rebuild_equals_incremental(kinds: list[str], order: list[int], batches: list[int]) -> None:
    fixed = clock.ManualClock(START)
    with tempfile.TemporaryDirectory() as directory, clock.using(fixed):
        ledger, projector, world = build(Path(directory))
        cases = [NXScript(world) if k == "NX" else XXScript(world, simplified=k == "XX-simple") for k in kinds]
        progress = [0] * len(cases)
        batch_sizes = iter(batches * 50)
        since_catch_up = 0
        for pick in order:
            index = pick % len(cases)
            steps = cases[index].steps()
            if progress[index] >= len(steps):
                continue
            steps[progress[index]].run()
            progress[index] += 1
            fixed.advance(timedelta(hours=7))
            since_catch_up += 1
            if since_catch_up >= next(batch_sizes):
                projector.catch_up()
                since_catch_up = 0
        projector.catch_up()
        projector.sign_checkpoint(ledger.ledger_key)
        incremental = snapshot(projector)
        projector.rebuild()
        assert snapshot(projector) == incremental
        assert projector.reader.size() == ledger.recorder.max_notification_id()
        projector.sign_checkpoint(ledger.ledger_key)  # the rebuilt tree extends the kept checkpoint
        projector.close()
        ledger.close()


def test_an_event_is_applied_exactly_once(tmp_path: Path, manual_clock: clock.ManualClock) -> None:
    ledger, projector, world = build(tmp_path)
    NXScript(world).advance_to("collect_material")
    projector.catch_up()
    before = snapshot(projector)
    row = ledger.recorder.select_notifications(start=1, limit=1)[0]
    item = (ledger.mapper.to_domain_event(row), Tracking(ledger.name, row.id))
    for projection in projector.projections:
        with pytest.raises(IntegrityError):
            projection.process_batch([item])  # type: ignore[attr-defined]
    assert snapshot(projector) == before
    assert projector.catch_up() == 0


def test_a_failed_batch_leaves_nothing_behind(tmp_path: Path, manual_clock: clock.ManualClock) -> None:
    ledger, projector, world = build(tmp_path)
    NXScript(world).advance_to("collect_material")
    views = projector.projections[0]
    rows = ledger.recorder.select_notifications(start=1, limit=1000)
    items = [(ledger.mapper.to_domain_event(r), Tracking(ledger.name, r.id)) for r in rows]
    broken = [*items[:5], (items[5][0], Tracking(ledger.name, items[4][1].notification_id))]  # duplicate row
    with pytest.raises(Exception):  # noqa: B017 — the store's own constraint error
        views.process_batch(broken)  # type: ignore[attr-defined]
    with projector.views.reading() as c:
        assert c.execute("SELECT COUNT(*) AS n FROM {dl_actions}").fetchone() == {"n": 0}
    assert views.view.max_tracking_id(ledger.name) is None
    projector.catch_up()
    assert projector.reader.size() == len(rows)


def test_checkpoints_refuse_a_tree_that_does_not_extend_them(tmp_path: Path, manual_clock: clock.ManualClock) -> None:
    ledger, projector, world = build(tmp_path)
    NXScript(world).advance_to("collect_material")
    projector.catch_up()
    note = projector.sign_checkpoint(ledger.ledger_key)
    assert projector.sign_checkpoint(ledger.ledger_key) == note  # nothing new: the same checkpoint
    level, index = Frontier.levels(projector.reader.size())[0]  # a node every later proof reads
    with projector.log.writing() as c:
        c.execute("UPDATE {dl_log_nodes} SET hash = ? WHERE level = ? AND idx = ?", ("00" * 32, level, index))
    world.person("新人", ["expert"], "某大学")
    projector.catch_up()
    with pytest.raises(CheckpointRefused, match="is not the root the ledger signed then"):
        projector.sign_checkpoint(ledger.ledger_key)

