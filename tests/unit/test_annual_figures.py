"""NX-18 / XX-25 annual figures count each event in the year it happened (issue 18 point 6):
a case opened in December and finished in January counts as opened in the one year and finished
in the other; a missed deadline counts in the year it was missed; a finding in the year it was
raised. The read model is SQL, so the same assertions run on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from api.settings import Database
from api.store.opening import open_ledger, open_projector
from domain import clock
from domain.model.calendar import china_date
from projections import queries
from tests.conftest import Projected
from tests.integration.conftest import PG_ADMIN_URL, Store, require_postgres
from tests.integration.stores import drop_database
from tests.support import NXScript, World, today

UNIT = "宁夏回族自治区商务厅对外贸易处"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def december(request: pytest.FixtureRequest, tmp_path: Path, manual_clock: clock.ManualClock) -> Iterator[Projected]:
    """A ledger on either store, its clock at noon on 2025-12-10 (China Standard Time: the same day)."""
    manual_clock.set(datetime(2025, 12, 10, 4, 0, tzinfo=UTC))
    dbname = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        require_postgres()
        dbname = f"dl_annual_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        url = Store.admin_url(dbname)
    database = Database.parse(url)
    ledger = open_ledger(database, create=True)
    projector = open_projector(database, ledger)
    try:
        yield Projected(ledger, World(ledger), projector, manual_clock)
    finally:
        projector.close()
        ledger.close()
        if dbname is not None:
            drop_database(dbname)


def test_each_event_counts_in_the_year_it_happened(december: Projected) -> None:
    world, projector, fixed = december.world, december.projector, december.clock
    on_time = NXScript(world)  # opened 2025-12-10, finished in January 2026 within its 90 days
    on_time.advance_to("finalise_report")
    late = NXScript(world)  # approved 2025-08-01: its 90 days ran out in 2025
    late.approval_date = today(-131)
    late.advance_to("finalise_report")
    fixed.advance(timedelta(days=30))  # 2026-01-09
    on_time.run_all()
    late.run_all()  # finalised late: the NX-11 finding is raised now, in 2026
    projector.catch_up()
    now = china_date(clock.now())
    assert now.year == 2026
    late_deadline = {(r["case_id"], r["article"]): r for r in queries.deadlines(projector.views, now)}
    assert late_deadline[(str(late.case_id), "NX-11")]["status"] == "late"
    assert late_deadline[(str(late.case_id), "NX-11")]["due_on"] < "2025-12-10"

    figures = {(f["unit"], f["year"]): f for f in queries.annual_figures(projector.views, now)}
    y2025, y2026 = figures[(UNIT, 2025)], figures[(UNIT, 2026)]
    assert (y2025["opened"], y2025["finished"], y2025["finished_on_time"], y2025["overdue"], y2025["findings"]) \
        == (2, 0, 0, 1, 0)
    assert (y2026["opened"], y2026["finished"], y2026["finished_on_time"], y2026["overdue"], y2026["findings"]) \
        == (0, 2, 1, 0, 1)
    # by the year of opening, as before, 2025 would have claimed the January reports and finding
    only_2026 = queries.annual_figures(projector.views, now, year=2026)
    assert [(f["year"], f["finished"], f["findings"]) for f in only_2026] == [(2026, 2, 1)]
    # a reader's scope keeps its cases only
    assert queries.annual_figures(projector.views, now, keep=lambda row: row["case_id"] == str(on_time.case_id)) == [
        {"unit": UNIT, "year": 2025, "opened": 1, "finished": 0, "finished_on_time": 0, "overdue": 0, "findings": 0},
        {"unit": UNIT, "year": 2026, "opened": 0, "finished": 1, "finished_on_time": 1, "overdue": 0, "findings": 0},
    ]


def test_a_deadline_still_running_past_new_year_counts_when_it_is_missed(december: Projected) -> None:
    world, projector, fixed = december.world, december.projector, december.clock
    pending = NXScript(world)  # approved 2025-12-10: NX-11 runs 90 days into 2026
    pending.advance_to("collect_material")
    fixed.advance(timedelta(days=120))  # 2026-04-09: missed in 2026
    projector.catch_up()
    now = china_date(clock.now())
    figures = {f["year"]: f for f in queries.annual_figures(projector.views, now)}
    assert figures[2025]["opened"] == 1 and figures[2025]["overdue"] == 0
    assert figures[2026]["overdue"] == 1 and figures[2026]["opened"] == 0
