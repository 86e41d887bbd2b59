"""`decision-ledger articles --json`: each status means one thing (issue 18 point 6) —
``enforced`` a rule refuses; ``flagged`` a rule raises a finding; ``recorded`` an act is recorded
with the article but nothing checks it (a mere permission check is this); ``declaratory`` nothing
to check, with the reason; ``pending`` (Decree 713 only) what the ledger is yet to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.traceability import read_scenarios, scenarios_by_article
from domain.model.articles import (
    ACTION_ARTICLES,
    MAKING_ARTICLES,
    PERMISSION,
    Article,
    RuleCitation,
    _status,
    article_root,
    rules_by_article,
    traceability,
)

FEATURES = Path(__file__).resolve().parents[2] / "features"


@pytest.fixture(scope="module")
def entries() -> dict[str, dict[str, Any]]:
    return {e["article"]: e for e in traceability(scenarios_by_article(read_scenarios(FEATURES)))}


def test_each_status_follows_from_what_the_code_does(entries: dict[str, dict[str, Any]]) -> None:
    cited = rules_by_article()
    carried = ({article_root(a) for texts in ACTION_ARTICLES.values() for keys in texts.values() for a in keys}
               | {article_root(a) for keys in MAKING_ARTICLES.values() for a in keys})
    for key, entry in entries.items():
        own = [c for c in cited[key] if not c.rule.startswith(PERMISSION)]
        refusing = [c for c in own if "refuse" in c.effect]
        if entry["status"] == "enforced":
            assert refusing, f"{key} is called enforced but no rule of it refuses: {entry['rules']}"
        elif entry["status"] == "flagged":
            assert own and not refusing, key
            assert all(c.effect == "flag" for c in own), key
        elif entry["status"] == "recorded":
            assert not own, f"{key} has rules of its own yet is only recorded"
            assert cited[key] or key in carried, f"{key} is called recorded but no act carries it"
        else:
            assert entry["status"] in {"declaratory", "pending"}, entry["status"]
            assert not cited[key] and key not in carried and entry["reason"], key


def test_no_article_is_enforced_or_flagged_by_permission_checks_alone(entries: dict[str, dict[str, Any]]) -> None:
    for key, entry in entries.items():
        if entry["rules"] and all(rule.startswith(PERMISSION) for rule in entry["rules"]):
            assert entry["status"] == "recorded" and "权限" in entry["reason"], (key, entry["status"])


def test_a_scenario_alone_does_not_make_an_article_recorded() -> None:
    declared = Article("XX-1", "目的和依据", reason="制定目的与依据")
    assert _status(declared, [], carried=False) == ("declaratory", "制定目的与依据")
    assert _status(declared, [], carried=True) == ("recorded", "")
    permission = [RuleCitation(f"{PERMISSION}case.open", "refuse")]
    assert _status(declared, permission, carried=True)[0] == "recorded"
    assert _status(declared, [*permission, RuleCitation("XX/x", "flag")], carried=True) == ("flagged", "")
    assert _status(declared, [RuleCitation("XX/x", "refuse+flag")], carried=False) == ("enforced", "")


def test_this_issues_readings_are_traced(entries: dict[str, dict[str, Any]]) -> None:
    assert entries["XX-26"]["status"] == "enforced"
    assert {"XX/report-body", "XX/ruling-body"} <= set(entries["XX-26"]["rules"])
    assert entries["713-37"]["status"] == "enforced" and "XX/ruling-procedure" in entries["713-37"]["rules"]
    assert "NX/approval-body" in entries["NX-4"]["rules"] and "NX/approval-date" in entries["NX-10"]["rules"]
    assert entries["XX-3"]["status"] == "recorded"  # registering the decision carries it
