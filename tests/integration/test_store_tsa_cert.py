"""`verify --db … --tsa-cert PEM` checks each RFC 3161 token the store keeps against the TSA's
certificate, not only its imprint (issue 20; docs/spec.md §21.1); without the certificate the
report says the tokens' signatures were not checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import DemoLedger
from tests.tsa_support import Authority, serving


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_the_store_s_tokens_are_checked_against_the_tsa_certificate(cli, projected_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                                    tmp_path: Path) -> None:
    store = projected_ledger.store
    tsa, other = Authority(), Authority(name="另一时间戳机构")
    pem, wrong = tsa.write_pem(tmp_path / "tsa.pem"), other.write_pem(tmp_path / "other.pem")
    assert cli("checkpoint", "--db", store.url).code == 0
    with serving(tsa) as url:
        assert cli("timestamp", "--db", store.url, "--tsa-url", url).code == 0

    def verify(*extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        run = cli("verify", "--db", store.url, "--jobs", "1", *extra, "--json")
        return run.code, json.loads(run.out)

    code, report = verify()
    assert code == 0 and any("TSA signatures not checked (give --tsa-cert)" in n for n in report["notes"])
    code, report = verify("--tsa-cert", str(pem))
    assert code == 0, report["breaks"]
    assert any("signatures verified under the TSA certificate given" in n for n in report["notes"]), report["notes"]
    # a token that does not chain to the certificate given is a break of the log at its size
    code, report = verify("--tsa-cert", str(wrong))
    assert code == 1 and [(b["aggregate_id"], b["kind"]) for b in report["breaks"]] == [("transparency-log",
                                                                                          "timestamp")]
    assert "does not verify under the TSA certificate" in report["breaks"][0]["detail"]
    # usage: only where a store's tokens or a bundle's are checked
    since = tmp_path / "since.note"
    since.write_text(cli("checkpoint", "--db", store.url).out, encoding="utf-8")
    run = cli("verify", "--db", store.url, "--since-checkpoint", str(since), "--tsa-cert", str(pem))
    assert run.code == 2 and "--tsa-cert" in run.err


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_a_store_with_no_token_does_not_pass_a_tsa_check(cli, projected_ledger: DemoLedger,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    """As for a bundle (§21.4 step 4): asked to check the store's tokens against a TSA, a store
    that keeps none — never stamped, or its tokens gone — shows nothing of when its tree existed."""
    store = projected_ledger.store
    pem = Authority().write_pem(tmp_path / "tsa.pem")
    assert cli("checkpoint", "--db", store.url).code == 0
    run = cli("verify", "--db", store.url, "--jobs", "1", "--tsa-cert", str(pem), "--json")
    report = json.loads(run.out)
    assert run.code == 1 and [(b["aggregate_id"], b["kind"]) for b in report["breaks"]] == [("transparency-log",
                                                                                             "timestamp")]
    assert "no timestamp token" in report["breaks"][0]["detail"]
    assert cli("verify", "--db", store.url, "--jobs", "1").code == 0  # without a TSA certificate nothing is asked
