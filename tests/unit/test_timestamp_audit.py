"""What `verify --db` checks of ``dl_log_timestamps`` (docs/spec.md §21.1): every row kept. A row
whose reply is not even base64 — written past the triggers by someone holding the database — is a
`timestamp` break of the log, not a reason to skip the table as if it did not exist."""

from __future__ import annotations

from pathlib import Path

from api.settings import Database
from api.store.opening import open_ledger, open_projector
from domain.evidence.report import LOG, VerificationReport
from projections.timestamps import TimestampStore, audit_timestamps
from tests.support import NXScript, World
from tests.tsa_support import Authority


def test_a_garbled_row_of_the_timestamps_table_is_a_break(tmp_path: Path) -> None:
    database = Database.parse(f"sqlite:///{tmp_path / 'ledger.db'}")
    ledger = open_ledger(database, create=True)
    world = World(ledger)
    projector = open_projector(database, ledger)
    try:
        NXScript(world).advance_to("form_team")
        projector.catch_up()
        projector.sign_checkpoint(world.ledger_key)
        store = TimestampStore(projector.reader)
        kept = store.stamp("https://tsa.example/", Authority().reply)
        assert kept is not None
        clean = VerificationReport()
        audit_timestamps(clean, projector.reader)
        assert not clean.breaks and "1 timestamp tokens" in " ".join(clean.notes), clean.notes
        size, note = kept[0].tree_size, kept[0].note
        with store.views.writing() as c:  # a second TSA's row, its reply not base64
            c.execute("INSERT INTO {dl_log_timestamps} VALUES (?,?,?,?,?,?)",
                      (size, "https://other.example/", note, "not base64 at all!", kept[0].gen_time, kept[0].gen_time))
        report = VerificationReport()
        audit_timestamps(report, projector.reader)
        assert [(b.aggregate_id, b.version, b.kind) for b in report.breaks] == [(LOG, size, "timestamp")], report.notes
        assert "other.example" in report.breaks[0].detail
    finally:
        projector.close()
        ledger.close()
