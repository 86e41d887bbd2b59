"""`/readyz` and the metrics give the timestamp lag with `serve --tsa-url` (issue 20; docs/spec.md
§21.1), as they give the witness lag: the newest checkpoint a kept RFC 3161 token covers, and how
long the oldest checkpoint beyond it has waited — from the store, so every worker says the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.service import Service
from api.settings import Database
from api.store.opening import open_ledger, open_projector
from domain.evidence.checkpoint import Checkpoint, SignedNote
from tests.integration.conftest import DemoLedger
from tests.integration.writers import enrol
from tests.tsa_support import Authority, serving


def _size(note: str) -> int:
    return Checkpoint.from_text(SignedNote.parse(note).text).size


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_readyz_and_the_metrics_give_the_timestamp_lag(cli, projected_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                        tmp_path: Path) -> None:
    store = projected_ledger.store
    signed = _size(cli("checkpoint", "--db", store.url).out)
    with serving(Authority()) as url:
        ledger = open_ledger(Database.parse(store.url))
        projector = open_projector(Database.parse(store.url), ledger)
        try:
            with TestClient(create_app(Service(ledger, projector, None, projections_thread=False))) as client:
                assert "timestamp_lag_seconds" not in client.get("/readyz").json()  # no TSA, no figure
            with TestClient(create_app(Service(ledger, projector, None, projections_thread=False,
                                               tsa_url=url))) as client:
                ready = client.get("/readyz").json()
                assert ready["timestamped_size"] == 0 and ready["timestamp_lag_seconds"] > 0, ready
                assert cli("timestamp", "--db", store.url, "--tsa-url", url).code == 0
                ready = client.get("/readyz").json()
                assert (ready["timestamped_size"], ready["timestamp_lag_seconds"]) == (signed, 0.0), ready
                assert re.search(r"^dl_timestamp_lag_seconds 0\.0$", client.get("/metrics").text, re.MULTILINE)
                # a newer checkpoint waits for its token: the lag counts from when it was signed
                enrol(store.url, projected_ledger.keys, people=1, cases=1)  # a few events, in less than the demo
                newer = _size(cli("checkpoint", "--db", store.url).out)
                ready = client.get("/readyz").json()
                assert newer > signed and ready["timestamped_size"] == signed and ready["timestamp_lag_seconds"] > 0
                metrics = client.get("/metrics").text
                assert re.search(rf"^dl_timestamped_tree_size {signed}\.0$", metrics, re.MULTILINE), metrics
                assert re.search(r"^dl_timestamp_lag_seconds [0-9.e-]*[1-9]", metrics, re.MULTILINE), metrics
        finally:
            projector.close()
            ledger.close()
