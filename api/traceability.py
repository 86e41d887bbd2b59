"""Which scenarios of `features/` specify which articles: read from the feature files' tags.

A feature's tags (``@NX-9 @XX-7``) name the articles all its scenarios specify; a scenario's
own tags add to them. Item keys (``@NX-10(2)``) count for their article (``NX-10``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from domain.model.articles import article_root

ENV_FEATURES = "DECISION_LEDGER_FEATURES"


@dataclass(frozen=True)
class Scenario:
    feature: str  # file name
    name: str
    tags: tuple[str, ...]  # article keys, "@" stripped


def features_dir() -> Path:
    """``$DECISION_LEDGER_FEATURES``, else ``features/`` beside the installed packages (the
    source tree)."""
    configured = os.environ.get(ENV_FEATURES)
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "features"


def read_scenarios(directory: Path) -> list[Scenario]:
    found: list[Scenario] = []
    for path in sorted(directory.glob("*.feature")):
        document = cast(dict[str, Any], Parser().parse(TokenScanner(path.read_text(encoding="utf-8"))))
        feature = document.get("feature") or {}
        shared = tuple(t["name"].lstrip("@") for t in feature.get("tags", []))
        for child in feature.get("children", []):
            scenario = child.get("scenario")
            if scenario is None:
                continue
            own = tuple(t["name"].lstrip("@") for t in scenario.get("tags", []))
            found.append(Scenario(path.name, scenario["name"], shared + own))
    return found


def scenarios_by_article(scenarios: list[Scenario]) -> dict[str, list[dict[str, str]]]:
    index: dict[str, list[dict[str, str]]] = {}
    for scenario in scenarios:
        for article in dict.fromkeys(article_root(tag) for tag in scenario.tags):
            index.setdefault(article, []).append(
                {"feature": scenario.feature, "scenario": scenario.name}
            )
    return index
