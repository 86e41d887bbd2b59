"""The read models' audit in a process of its own (api/derived_audit.py): what it finds is what
the audit in one process finds; a failure in it is raised in the parent, never lost; a
cancelled one leaves no process behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.derived_audit import DerivedAudit
from api.settings import Database
from api.store.opening import open_ledger, open_projector
from domain.evidence.report import VerificationReport
from projections.views_audit import audit_snapshots, audit_views
from tests.integration.conftest import DemoLedger, Pristines


@pytest.fixture
def ledger(pristines: Pristines, tmp_path: Path) -> DemoLedger:
    return pristines.copy("projected", "sqlite", tmp_path)


def test_it_finds_what_the_audit_in_one_process_finds(ledger: DemoLedger) -> None:
    case_id = next(c["id"] for c in ledger.demo["cases"] if c["phase"] != "published")
    ledger.store.execute("UPDATE dl_cases SET phase = 'published' WHERE case_id = ?", (case_id,))
    database = Database.parse(ledger.store.url)
    here = VerificationReport()
    opened = open_ledger(database)
    projector = open_projector(database, opened, create=False)
    try:
        audit_views(here, opened, projector.views)
        audit_snapshots(here, opened)
    finally:
        projector.close()
        opened.close()
    beside = VerificationReport()
    DerivedAudit(database).merge(beside)
    assert beside.breaks == here.breaks and beside.notes == here.notes
    assert any(b.kind == "view" and case_id in b.detail for b in beside.breaks)


def test_a_failure_in_its_process_is_raised_in_the_parent(tmp_path: Path) -> None:
    audit = DerivedAudit(Database.parse(f"sqlite:///{tmp_path}/no-ledger-here.db"))
    with pytest.raises(RuntimeError, match="failed in its process"):
        audit.merge(VerificationReport())


def test_a_cancelled_audit_leaves_no_process(ledger: DemoLedger) -> None:
    audit = DerivedAudit(Database.parse(ledger.store.url))
    audit.cancel()
    assert not audit._process.is_alive() and audit._process.exitcode is not None
