"""`check-deadlines --as-of DATE --dry-run` (issue 18 point 5): what the sweep would find on a day,
storing and signing nothing; `--as-of` without `--dry-run` is refused (exit 2), since stored
findings take the server's time only; the JSON output as docs/operations.md describes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import DemoLedger


def events(cli, db: str) -> int:  # type: ignore[no-untyped-def]
    return int(json.loads(cli("verify", "--db", db, "--json").out)["events"])


@pytest.mark.parametrize("demo_ledger", ["sqlite"], indirect=True)
def test_as_of_needs_dry_run_and_a_dry_run_stores_nothing(cli, demo_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    db = demo_ledger.store.url  # a copy of `init` and `demo`, its keys where `init` here would put them
    before = events(cli, db)

    refused = cli("check-deadlines", "--db", db, "--as-of", "2027-06-01")
    assert refused.code == 2
    assert "--as-of 只能与 --dry-run 同用" in refused.err and "server's time only" in refused.err

    later = cli("check-deadlines", "--db", db, "--as-of", "2027-06-01", "--dry-run", "--json",
                "--keys", str(tmp_path / "nokeys"))  # a dry run signs nothing: no ledger key needed
    assert later.code == 0, later.err
    preview = json.loads(later.out)
    assert preview["as_of"] == "2027-06-01" and preview["dry_run"] is True and preview["stored"] is False
    assert preview["would_raise"] or preview["undetermined"], "the demo's unsubmitted report is late by then"
    for found in preview["would_raise"]:
        assert {"case_id", "rule", "articles", "persons", "summary_zh", "summary_en", "figures"} <= set(found)
        assert found["figures"]["calendar"]
    for item in preview["undetermined"]:
        assert item["year"] >= 2027 and "节假日安排尚未采用" in item["summary_zh"]
    assert events(cli, db) == before, "a dry run stores nothing"

    today = json.loads(cli("check-deadlines", "--db", db, "--dry-run", "--json").out)
    stored = cli("check-deadlines", "--db", db, "--json")
    assert stored.code == 0, stored.err
    swept = json.loads(stored.out)
    assert swept["dry_run"] is False and swept["stored"] is True
    assert len(swept["raised"]) == len(today["would_raise"]), "the dry run today shows what the sweep stores"
    assert swept["undetermined"] == today["undetermined"]
    assert events(cli, db) == before + len(swept["raised"])
    assert cli("verify", "--db", db).code == 0


def test_help_documents_as_of_and_dry_run(cli) -> None:  # type: ignore[no-untyped-def]
    helped = cli("check-deadlines", "--help")
    assert helped.code == 0
    text = " ".join(helped.out.split())
    assert "--as-of" in text and "--dry-run" in text
    assert "--as-of without --dry-run is refused (exit 2)" in text
    assert "民法典" in text and "undetermined" in text
