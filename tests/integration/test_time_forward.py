"""Time only moves forward (issue 16 point 8): an aggregate's recorded times never go backwards —
a write on a clock that reads earlier than the aggregate's last recorded time is refused, and
`verify` names a stored event recorded earlier than its predecessor — and findings are stored at
the ledger's time only.

The attack: the deadline sweep runs on a clock set 20 days ahead and records an NX-12b finding;
the clock is set right and the report is submitted "on time". Before this change the submission
was stored, `verify` said intact, and /v1/deadlines (``queries.deadlines``) showed NX-12b met
while the overdue finding stayed open. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.http.problems import STATUS
from api.settings import Database
from api.store.opening import open_ledger, open_projector
from domain import clock
from domain.errors import ClockBehind
from domain.evidence.verifier import Verifier
from domain.model import aggregate
from domain.model.calendar import china_date
from domain.service.records import LedgerRecords
from projections import queries
from tests.integration.conftest import STORES, new_store
from tests.integration.http_support import Served
from tests.integration.test_http_reads import problem_of
from tests.integration.test_http_writes import new_case, nothing_stored, post, team
from tests.support import NXScript, World


@pytest.fixture(params=STORES)
def setup(request: pytest.FixtureRequest, tmp_path: Path, manual_clock: clock.ManualClock) -> Any:
    database = Database.parse(new_store(request.param, tmp_path).url)
    ledger = open_ledger(database, create=True)
    world = World(ledger)
    projector = open_projector(database, ledger)
    yield ledger, world, projector, manual_clock
    projector.close()
    ledger.close()


def _sweep_ahead_then_submit(setup: Any) -> tuple[NXScript, Any]:
    """The report finalised today; a sweep on a clock 20 days ahead; the clock set right (two
    days after the finalisation) and the report submitted."""
    ledger, world, _, fixed = setup
    nx = NXScript(world)
    nx.advance_to("finalise_report")
    nx.step("finalise_report").run()
    finalised = clock.now()
    fixed.set(finalised + timedelta(days=20))
    [raised] = ledger.check_deadlines()
    assert ledger.get_case(nx.case_id).findings[-1]["rule"] == "NX/submission-deadline", raised
    fixed.set(finalised + timedelta(days=2))
    try:
        return nx, nx.step("submit_report").run()
    except ClockBehind as error:
        return nx, error


def _nx12b(projector: Any, nx: NXScript) -> str:
    projector.catch_up()
    rows = queries.deadlines(projector.views, china_date(clock.now()))
    return next(r["status"] for r in rows if (r["case_id"], r["article"]) == (str(nx.case_id), "NX-12b"))


def test_a_write_on_a_clock_set_back_is_refused_and_the_overdue_finding_stands(setup: Any) -> None:
    ledger, _, projector, fixed = setup
    nx, outcome = _sweep_ahead_then_submit(setup)
    assert isinstance(outcome, ClockBehind), outcome
    assert "时间只能向前" in str(outcome) and "Time only moves forward" in str(outcome)
    assert STATUS[outcome.kind] == 503
    case = ledger.get_case(nx.case_id)
    assert case.phase == "report_finalised", "nothing was stored"
    assert _nx12b(projector, nx) != "met"
    assert [f for f in queries.findings(projector.views, open_only=True) if f["case_id"] == str(nx.case_id)]
    # once the clock has passed the finding's time, the submission is taken, and it is late
    fixed.advance(timedelta(days=19))
    nx.step("submit_report").run()
    assert _nx12b(projector, nx) == "late"
    report = Verifier(LedgerRecords(ledger).decode).run(LedgerRecords(ledger).all())
    assert report.ok, report.breaks


def test_a_store_written_before_the_refusal_is_named_by_verify(setup: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same attack on the code as it was (no refusal at write): verify names the submission,
    recorded earlier than the finding before it, as a `time` break — and nothing else."""
    ledger, _, projector, _ = setup
    monkeypatch.setattr(aggregate, "not_before", lambda _aggregate, now: now)
    nx, outcome = _sweep_ahead_then_submit(setup)
    assert not isinstance(outcome, ClockBehind)
    assert _nx12b(projector, nx) == "met", "the attack as reported: NX-12b shown met"
    report = Verifier(LedgerRecords(ledger).decode).run(LedgerRecords(ledger).all())
    version = ledger.get_case(nx.case_id).version
    assert [(b.aggregate_id, b.version, b.kind) for b in report.breaks] == [(str(nx.case_id), version, "time")]
    assert "earlier than version" in report.breaks[0].detail


def test_the_sweep_takes_no_time_from_its_caller(setup: Any) -> None:
    """Findings are stored at the ledger's time only: the sweep reads the clock itself."""
    ledger, _, _, _ = setup
    with pytest.raises(TypeError):
        ledger.findings.sweep_deadlines(clock.now() + timedelta(days=30))  # type: ignore[call-arg]


def test_over_http_a_write_on_a_clock_set_back_is_a_503_naming_the_times_and_stores_nothing(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's own clock (the one the app's threads read) set back to before the case was
    opened: the signed write is refused with a `clock-behind` problem, 503, and nothing is stored."""
    before = clock.now()
    case = new_case(served)
    monkeypatch.setattr(clock, "_SYSTEM", clock.ManualClock(before))
    with nothing_stored(served):
        answer = post(served, f"/v1/cases/{case}/team",
                      served.sign("ma_xiaodong", "case.form_team", UUID(case), team(served)))
    problem = problem_of(answer, 503)
    assert problem["type"] == "urn:decision-ledger:problem:clock-behind", problem
    assert "时间只能向前" in problem["detail"] and "Time only moves forward" in problem["detail"]
    monkeypatch.undo()
    formed = post(served, f"/v1/cases/{case}/team", served.sign("ma_xiaodong", "case.form_team", UUID(case),
                                                                team(served)))
    assert formed.status_code == 201, formed.text
