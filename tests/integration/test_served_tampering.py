"""Nothing served that `verify` cannot vouch for (issue 16, point 4): an insider with the database
alone changes what the service serves beside the events — the read models, the log's nodes and
tracking, the signed checkpoints — on SQLite and on PostgreSQL. Plain `verify --db` (the keys
directory where `init` put it, never a checkpoint the auditor brings) names each change; public
results come from the events; `rebuild` repairs what is derived, and the ledger refuses to sign a
log that drops what it signed before.

Each test takes a copy of the run's projected demo ledger (tests/integration/stores.py), run in
the test's directory so that its keys directory is the default one.
"""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest

from api.settings import Database
from api.store.opening import open_projector
from domain.evidence.report import LOG
from projections import queries
from projections.views_audit import VIEWS
from tests.integration.conftest import STORES, DemoLedger, Pristines, Run, invoke, require_postgres
from tests.integration.demo_counts import DEMO_STORE
from tests.integration.http_support import serve_ledger
from tests.integration.insider import drop_signed_triggers, stored_events
from tests.integration.writers import enrol, ledger_at


@pytest.fixture(params=STORES)
def ledger(request: pytest.FixtureRequest, pristines: Pristines, tmp_path: Path) -> DemoLedger:
    """A copy of the projected demo ledger (a published checkpoint remembered beside its key)."""
    if request.param == "postgres":
        require_postgres()
    return pristines.copy("projected", request.param, tmp_path)


def run(ledger: DemoLedger, *args: str) -> Run:
    """A command on the copy, in its directory (its default keys directory), never crashing."""
    directory = ledger.store.path.parent if ledger.store.path else ledger.keys.parent.parent
    return invoke(*args, "--db", ledger.store.url, cwd=directory)


def verify(ledger: DemoLedger) -> tuple[Run, dict[str, object]]:
    text, as_json = run(ledger, "verify", "--jobs", "1"), run(ledger, "verify", "--jobs", "1", "--json")
    assert text.code == as_json.code and "Traceback" not in text.err + as_json.err
    return text, json.loads(as_json.out)


def broken(ledger: DemoLedger) -> list[str]:
    """The BROKEN lines of plain `verify`, which must exit 1 and agree with its JSON."""
    text, report = verify(ledger)
    assert text.code == 1 and report["ok"] is False, text.out + text.err
    lines = [line for line in text.out.splitlines() if line.startswith("BROKEN aggregate ")]
    assert len(lines) == len(report["breaks"])  # type: ignore[arg-type]
    return lines


def intact(ledger: DemoLedger) -> None:
    text, _ = verify(ledger)
    assert text.code == 0, text.out + text.err


def trackers(ledger: DemoLedger, table: str, change: str) -> None:
    ledger.store.execute(f"UPDATE {table} SET notification_id = {change} WHERE application_name <> '__migration__'")


# --- the read models (M2) ------------------------------------------------------------------------


def test_a_case_set_to_published_by_hand_is_not_public_and_verify_names_it(ledger: DemoLedger) -> None:
    store = ledger.store
    case_id, phase = next((c["id"], c["phase"]) for c in ledger.demo["cases"] if c["phase"] != "published")
    store.execute("UPDATE dl_cases SET phase = 'published' WHERE case_id = ?", (case_id,))
    with ledger_at(store.url) as opened:
        projector = open_projector(Database.parse(store.url), opened, create=False)
        try:
            public = queries.published_results(projector.views, opened)
        finally:
            projector.close()
    assert public and case_id not in {row["case_id"] for row in public}
    assert (f"BROKEN aggregate {VIEWS} version 0 (notification None): view: dl_cases [case_id={case_id}] phase: "
            f"stored 'published', the events give '{phase}'") in broken(ledger)


def test_a_finding_closed_by_hand_is_named(ledger: DemoLedger) -> None:
    finding = ledger.store.execute("SELECT finding_id FROM dl_findings WHERE closed_at IS NULL ORDER BY finding_id")[0][0]
    ledger.store.execute("UPDATE dl_findings SET closed_at = '2026-01-01T00:00:00Z', outcome = 'rectified' "
                         "WHERE finding_id = ?", (finding,))
    lines = broken(ledger)
    assert (f"BROKEN aggregate {VIEWS} version 0 (notification None): view: dl_findings [finding_id={finding}] "
            "closed_at: stored '2026-01-01T00:00:00Z', the events give None") in lines
    assert any(f"[finding_id={finding}] outcome: stored 'rectified'" in line for line in lines)


def test_the_read_models_audited_beside_the_workers_give_the_report_of_one_process(ledger: DemoLedger) -> None:
    """With --jobs 2 the read models' audit runs in a process of its own while the events are
    checked: the same breaks, notes and exit code as all in one process."""
    case_id, phase = next((c["id"], c["phase"]) for c in ledger.demo["cases"] if c["phase"] != "published")
    ledger.store.execute("UPDATE dl_cases SET phase = 'published' WHERE case_id = ?", (case_id,))
    one, two = run(ledger, "verify", "--jobs", "1", "--json"), run(ledger, "verify", "--jobs", "2", "--json")
    assert one.code == two.code == 1 and "Traceback" not in one.err + two.err
    report = json.loads(two.out)
    assert report == json.loads(one.out)
    assert [b["detail"] for b in report["breaks"] if b["kind"] == "view"] == [
        f"dl_cases [case_id={case_id}] phase: stored 'published', the events give '{phase}'"]


def test_skipping_the_read_models_is_asked_for_and_named_in_the_report(ledger: DemoLedger) -> None:
    finding = ledger.store.execute("SELECT finding_id FROM dl_findings WHERE closed_at IS NULL ORDER BY finding_id")[0][0]
    ledger.store.execute("UPDATE dl_findings SET outcome = 'rectified' WHERE finding_id = ?", (finding,))
    assert broken(ledger)  # by default the read models are compared
    for jobs in ("1", "2"):
        skipped = run(ledger, "verify", "--jobs", jobs, "--skip-read-models", "--json")
        assert skipped.code == 0, skipped.out + skipped.err
        report = json.loads(skipped.out)
        assert report["ok"] is True and report["breaks"] == []
        assert "the read models and snapshots were not compared: --skip-read-models" in report["notes"]
        assert not any("compared with a replay" in note for note in report["notes"])
    refused = run(ledger, "verify", "--skip-read-models", "--witness", "http://127.0.0.1:9")
    assert refused.code == 2 and "--skip-read-models" in refused.err


def test_moving_the_views_tracking_is_named_and_rebuild_repairs_it(ledger: DemoLedger) -> None:
    """The tracking row moved five events ahead: the next five events are never applied to the
    read models. Moved past the last event, it claims events that do not exist."""
    top = max(e["notification_id"] for e in stored_events(ledger.store))
    trackers(ledger, "dl_views_tracking", "notification_id + 5")
    enrol(ledger.store.url, ledger.keys, people=2, cases=2)  # eight events, in less than the demo
    assert run(ledger, "project").code == 0
    lines = broken(ledger)
    for skipped in range(top + 1, top + 6):
        assert any(f"view: dl_actions [notification_id={skipped}]: missing" in line for line in lines), lines
    assert run(ledger, "rebuild").code == 0
    intact(ledger)
    trackers(ledger, "dl_views_tracking", "notification_id + 3")
    assert any("the read models' tracking position" in line and "is past the last event" in line
               for line in broken(ledger))
    assert run(ledger, "rebuild").code == 0
    intact(ledger)


# --- the log (L7, M3) ----------------------------------------------------------------------------


def test_a_changed_node_of_the_log_is_named_and_rebuild_repairs_it(ledger: DemoLedger) -> None:
    ledger.store.execute("UPDATE dl_log_nodes SET hash = ? WHERE level = 2 AND idx = 3", ("00" * 32,))
    assert broken(ledger) == [(f"BROKEN aggregate {LOG} version {DEMO_STORE} (notification None): log: the log's node (2, 3) "
                              "is not the hash of the leaves under it: proofs served from it fail")]
    assert run(ledger, "rebuild").code == 0
    intact(ledger)


@pytest.mark.parametrize("move", ["notification_id + 5", "notification_id - 5"], ids=["forward", "back"])
def test_a_moved_log_tracking_is_named_and_rebuild_repairs_it_never_wedged(ledger: DemoLedger, move: str,
                                                                             tmp_path: Path) -> None:
    """M3: one UPDATE of the log's tracking row. The projection refuses to go on (it would skip
    events, or take some twice) with a message, not a traceback; `verify` names the row; `rebuild`
    repairs the log, after which checkpoints and exports work and everything verifies."""
    trackers(ledger, "dl_log_tracking", move)
    enrol(ledger.store.url, ledger.keys, people=2, cases=2)  # eight events, which the log cannot take past the moved row
    projected = run(ledger, "project")
    assert projected.code == 1 and "Traceback" not in projected.err
    assert "decision-ledger rebuild" in projected.err, projected.err
    assert any(": log: the log's tracking position is notification " in line for line in broken(ledger))
    with serve_ledger(ledger) as served:  # the service keeps answering from what is projected
        for path in ("/v1/public/checkpoint", "/v1/public/results", f"/v1/public/checkpoints/{DEMO_STORE}"):
            assert served.client.get(path).status_code == 200, path
    rebuilt = run(ledger, "rebuild")
    assert rebuilt.code == 0, rebuilt.err
    assert run(ledger, "checkpoint").code == 0
    case_id = ledger.demo["cases"][0]["id"]
    assert run(ledger, "export", "--case", case_id, "--out", str(tmp_path / "case.json")).code == 0
    assert invoke("verify", "--bundle", str(tmp_path / "case.json")).code == 0
    with serve_ledger(ledger) as served:
        answer = served.client.get("/v1/public/checkpoint")
        assert answer.status_code == 200 and answer.text.splitlines()[1] == str(len(stored_events(ledger.store)))
    intact(ledger)


# --- what the ledger signed (M1) -----------------------------------------------------------------


def test_deleting_every_checkpoint_is_named(ledger: DemoLedger) -> None:
    """The store's checkpoints deleted (dl_log_checkpoints has no trigger: a witness's co-signature
    is added to its rows); every checkpoint the ledger signed is still in dl_log_signed, whose
    triggers refuse the same DELETE, and in checkpoint.note beside the ledger key."""
    ledger.store.execute("DELETE FROM dl_log_checkpoints")
    with pytest.raises(Exception, match="append-only"):
        ledger.store.execute("DELETE FROM dl_log_signed")
    lines = broken(ledger)
    assert (f"BROKEN aggregate {LOG} version {DEMO_STORE} (notification None): checkpoint: checkpoint {DEMO_STORE}, "
            "signed earlier "
            "(dl_log_signed), is missing from dl_log_checkpoints: it was deleted") in lines
    assert any(f"checkpoint: the checkpoint of size {DEMO_STORE} the ledger remembers (" in line and "it was deleted" in line
               for line in lines)


def test_an_event_deleted_and_the_log_re_signed_is_caught_without_an_auditors_checkpoint(
    ledger: DemoLedger,
) -> None:
    """M1: with the database alone, an insider deletes an aggregate's last event, deletes the log,
    its checkpoints and the append-only record of them (triggers dropped), resets the log's
    tracking and lets the service's own projector catch up. The projector refuses to sign a log
    that lacks what it signed before; plain `verify` names the checkpoint remembered beside the
    ledger key, which the database does not hold."""
    store = ledger.store
    store.drop_triggers()
    drop_signed_triggers(store)
    last = stored_events(store)[-1]
    store.delete(last["notification_id"])
    for table in ("dl_log_leaves", "dl_log_nodes", "dl_log_checkpoints", "dl_log_signed"):
        store.execute(f"DELETE FROM {table}")
    trackers(ledger, "dl_log_tracking", "0")
    projected = run(ledger, "project", "--keys", str(ledger.keys))
    assert projected.code == 1 and "Traceback" not in projected.err
    assert f"fewer than the checkpoint of size {DEMO_STORE} the ledger signed" in projected.err, projected.err
    assert store.execute("SELECT COUNT(*) FROM dl_log_checkpoints") == [(0,)]
    lines = broken(ledger)
    assert any(line.startswith(f"BROKEN aggregate {LOG} version {DEMO_STORE} (notification None): checkpoint: the "
                               f"checkpoint of size {DEMO_STORE} signed earlier (")
               and f"is larger than the log ({DEMO_STORE - 1} leaves)" in line
               for line in lines), lines
    assert UUID(last["aggregate_id"])  # the deleted event's case: its read-model rows outlive it
    assert any(f"[case_id={last['aggregate_id']}] version: stored {last['version']}" in line for line in lines)
