"""What every rule module shares: the decorator that turns a check into a :class:`Rule` of one
rulebook, and how a list of codes reads in Chinese."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from domain.model.rules.base import Judgement, Rule, Verdict
from domain.model.vocabulary import Jurisdiction

Check = Callable[[Judgement], Iterable[Verdict]]


def rule_of(
    jurisdiction: Jurisdiction,
    name: str,
    articles: tuple[str, ...],
    title: str,
    title_en: str,
    effect: str,
    actions: set[str],
) -> Callable[[Check], Rule]:
    """Decorator: turn a check function into a Rule of this rulebook."""

    def make(check: Check) -> Rule:
        return Rule(
            id=f"{jurisdiction.value}/{name}",
            articles=articles,
            title=title,
            title_en=title_en,
            effect=effect,
            actions=frozenset(actions),
            check=check,
        )

    return make


def codes(items: list[str]) -> str:
    return "、".join(items)
