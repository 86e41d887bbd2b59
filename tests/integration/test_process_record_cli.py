"""`decision-ledger process-record CASE [--json]` on the demo's ledger, on both stores (issue 18,
NX-10(4)): the demo's finalised reports bind the record of their cases, the later acts are listed
after it, and an unknown case is a usage error."""

from __future__ import annotations

import json
from uuid import uuid4

from tests.integration.conftest import DemoLedger


def test_the_demo_reports_bind_their_process_records(cli, demo_ledger: DemoLedger) -> None:  # type: ignore[no-untyped-def]
    store = demo_ledger.store
    for case in demo_ledger.demo["cases"]:
        run = cli("process-record", str(case["id"]), "--db", store.url, "--json")
        assert run.code == 0, run.err
        document = json.loads(run.out)
        record = document["record"]
        assert record["case_id"] == str(case["id"])
        assert [a["version"] for a in record["acts"]] == list(range(1, record["through_version"] + 1))
        assert document["binding"] is not None and document["binding"]["matches"] is True
        assert document["later"][0]["action"] == "case.finalise_report"
    text = cli("process-record", str(demo_ledger.demo["cases"][1]["id"]), "--db", store.url)
    assert text.code == 0 and "matches" in text.out and "later" in text.out and "case.publish_results" in text.out
    unknown = cli("process-record", str(uuid4()), "--db", store.url)
    assert unknown.code == 2
