"""Every article of both texts is covered by a scenario or explains why nothing is checkable,
and every scenario names articles that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.traceability import Scenario, features_dir, read_scenarios, scenarios_by_article
from domain.model.articles import AGGREGATE_RULES, ARTICLES, DECREE_713, is_known, traceability
from domain.model.rules import procedure, rulebook_for

FEATURES = Path(__file__).resolve().parents[2] / "features"
KEY = re.compile(r"^(NX|XX|713)-\d+[ab]?(\(\d+\))?$")  # 713: 国令第713号, cited by number

EXPECTED = (
    [f"NX-{n}" for n in range(1, 12)] + ["NX-12a", "NX-12b"] + [f"NX-{n}" for n in range(13, 20)]
    + [f"XX-{n}" for n in range(1, 28)]
)


@pytest.fixture(scope="module")
def scenarios() -> list[Scenario]:
    return read_scenarios(FEATURES)


def test_the_catalogue_has_every_article_of_both_texts() -> None:
    assert list(ARTICLES) == EXPECTED


def test_every_article_has_a_scenario_or_a_reason(scenarios: list[Scenario]) -> None:
    entries = traceability(scenarios_by_article(scenarios))
    bare = [e["article"] for e in entries if not e["scenarios"] and not e["reason"]]
    assert bare == [], f"articles with neither a scenario nor a reason: {bare}"
    for entry in entries:
        assert set(entry) == {"article", "title", "rules", "scenarios", "status", "reason"}
        assert entry["status"] in {"enforced", "flagged", "recorded", "declaratory", "pending"}
        if entry["status"] in {"declaratory", "pending"}:
            assert entry["reason"] and not entry["rules"] and not entry["scenarios"]
        if entry["status"] == "pending":
            assert entry["article"].startswith("713-"), "both texts' articles are carried out or declaratory"
        elif entry["rules"]:
            assert entry["scenarios"], f"{entry['article']} has rules but no scenario"


def test_every_scenario_names_articles_that_exist(scenarios: list[Scenario]) -> None:
    assert len(scenarios) > 60
    for scenario in scenarios:
        assert scenario.tags, f"{scenario.feature}: {scenario.name} names no article"
        for tag in scenario.tags:
            assert KEY.match(tag) and is_known(tag), f"{scenario.feature}: {scenario.name}: unknown article {tag}"


def test_every_rule_cites_known_articles_and_has_a_scenario(scenarios: list[Scenario]) -> None:
    covered = scenarios_by_article(scenarios)
    for jurisdiction in ("NX", "XX"):
        for rule in rulebook_for(jurisdiction).rules:
            for article in rule.articles:
                assert is_known(article), f"{rule.id} cites unknown {article}"
            assert any(a.split("(")[0] in covered for a in rule.articles), rule.id
    for step in procedure.ALL:
        for article in step.articles():
            assert is_known(article), f"procedure/{step.id} cites unknown {article}"


def test_the_features_quote_their_articles() -> None:
    for path in FEATURES.glob("*.feature"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# language: zh-CN\n"), path.name
        assert re.search(r"(宁夏商务厅办法|息县办法)(前一个|后一个)?第[一二三四五六七八九十]+条", text), f"{path.name} quotes no article"


def test_the_default_features_directory_is_the_source_tree() -> None:
    assert features_dir().resolve() == FEATURES


def test_rulebook_digests_are_stable_and_distinct() -> None:
    nx, xx = rulebook_for("NX"), rulebook_for("XX")
    assert nx.ref.startswith("NX/v3@sha256:") and xx.ref.startswith("XX/v3@sha256:")
    assert nx.digest != xx.digest and nx.digest == rulebook_for("NX").digest


def test_decree_713s_articles_follow_both_texts_by_number(scenarios: list[Scenario]) -> None:
    entries = traceability(scenarios_by_article(scenarios))
    keys = [entry["article"] for entry in entries]
    assert keys == EXPECTED + [f"713-{n}" for n in (30, 33, 36, 37, 38, 39, 40, 41)]
    assert list(DECREE_713) == keys[len(EXPECTED):]
    by_key = {entry["article"]: entry for entry in entries}
    relief = by_key["713-38"]  # 减免责任 for recorded dissent: refused without its record
    assert relief["status"] == "enforced" and "713-38/accountability-procedure" in relief["rules"]
    assert any(s["feature"].startswith("nx_16_xx_23_18") for s in relief["scenarios"])


def test_xx_18_is_traced_to_rules_and_scenarios(scenarios: list[Scenario]) -> None:
    entry = next(e for e in traceability(scenarios_by_article(scenarios)) if e["article"] == "XX-18")
    assert entry["status"] == "enforced"
    assert [r for r in entry["rules"] if not r.startswith("permission/")], entry["rules"]
    assert entry["scenarios"] and all(set(s) == {"feature", "scenario"} for s in entry["scenarios"])


def test_an_article_checked_only_for_who_may_act_is_not_enforced(scenarios: list[Scenario]) -> None:
    for entry in traceability(scenarios_by_article(scenarios)):
        if entry["rules"] and all(rule.startswith("permission/") for rule in entry["rules"]):
            assert entry["status"] == "recorded" and "权限" in entry["reason"], entry


def test_the_rules_aggregates_enforce_are_the_refusals_they_raise() -> None:
    from domain.model.accountability import _refuser

    raised = {_refuser(article)("", "").rule: (article,) for article in ("NX-16", "XX-23", "XX-18", "713-38")}
    assert {rule: articles for rule, articles in AGGREGATE_RULES.items() if rule in raised} == raised
    assert all(is_known(article) for articles in AGGREGATE_RULES.values() for article in articles)


def test_every_refusal_an_aggregate_names_is_traced_to_its_article() -> None:
    """A refusal an aggregate raises outside the rulebooks (``Refused(…, rule="713/…")``) is
    listed in AGGREGATE_RULES, so `articles` traces its article to it."""
    import re
    from pathlib import Path

    model = Path(__file__).parents[2] / "domain" / "model"
    named = {rule for path in model.glob("*.py")
             for rule in re.findall(r'rule="([^"]+)"', path.read_text(encoding="utf-8"))}
    from domain.model.rules import rulebook_for

    in_rulebooks = {rule.id for text in ("NX", "XX") for rule in rulebook_for(text).rules}
    procedures = {f"procedure/{rule.id}" for text in ("NX", "XX") for rule in rulebook_for(text).procedure}
    traced = set(AGGREGATE_RULES) | in_rulebooks | procedures  # a rulebook's rule an aggregate also raises is traced there
    assert named and named <= traced, sorted(named - traced)
