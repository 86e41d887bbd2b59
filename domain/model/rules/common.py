"""What every rule module shares: the decorator that turns a check into a :class:`Rule` of one
rulebook, and how a list of codes reads in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from domain.model.rules.base import Judgement, Rule, Verdict
from domain.model.vocabulary import Jurisdiction
from domain.model.words import TEXT_WORDS

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


_DIGITS = "零一二三四五六七八九"
_KEY = re.compile(r"^(NX|XX)-(\d{1,2})[ab]?(?:\((\d{1,2})\))?$")


def _numeral(n: int) -> str:
    tens, units = divmod(n, 10)
    return _DIGITS[units] if not tens else (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[units] if units else "")


def article_words(key: str, *, text: bool = False) -> str:
    """``NX-4`` → 第四条, ``NX-4(8)`` → 第四条第（八）项 (with ``text``: 宁夏商务厅办法第四条第（八）项): an
    article as a Chinese reader names it. A string that is no article key stays as it is."""
    match = _KEY.match(key)
    if match is None:
        return key
    words = f"第{_numeral(int(match[2]))}条" + (f"第（{_numeral(int(match[3]))}）项" if match[3] else "")
    return (TEXT_WORDS[match[1]] if text else "") + words
