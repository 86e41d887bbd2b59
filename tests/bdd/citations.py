"""Articles as a legal reader cites them in a scenario, and the keys the ledger cites them by.

A scenario says 依据宁夏商务厅办法第十条第（二）项 where an error carries ``NX-10(2)``:
宁夏商务厅办法 is NX, 息县办法 is XX, 《重大行政决策程序暂行条例》 is Decree 713 (``713-30``). The
Ningxia text numbers two articles 第十二条; the ledger keys them ``NX-12a`` and ``NX-12b``, and a
scenario names them 前一个第十二条 and 后一个第十二条.
"""

from __future__ import annotations

import re

TEXTS = {"宁夏商务厅办法": "NX", "息县办法": "XX", "《重大行政决策程序暂行条例》": "713"}
DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUMERAL = "[一二三四五六七八九十]+"
CITATION = re.compile(
    rf"^(?P<text>{'|'.join(map(re.escape, TEXTS))})(?P<which>前一个|后一个)?第(?P<article>{NUMERAL})条"
    rf"(?:第（(?P<item>{NUMERAL})）项)?$"
)


def number(numeral: str) -> int:
    """一 … 九十九."""
    tens, _, units = numeral.rpartition("十")
    if "十" not in numeral:
        return DIGITS[numeral]
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[units] if units else 0)


def article_key(citation: str) -> str:
    """``宁夏商务厅办法第十条第（二）项`` → ``NX-10(2)``; a key given as it is stays as it is."""
    match = CITATION.match(citation)
    if match is None:
        raise ValueError(f"not a citation a scenario can use: {citation!r} (e.g. 息县办法第十三条第（四）项)")
    text, article = TEXTS[match["text"]], number(match["article"])
    which = match["which"]
    if (which is not None) != (text == "NX" and article == 12):
        raise ValueError(f"{citation!r}: only the Ningxia text's two 第十二条 are told apart (前一个/后一个)")
    key = f"{text}-{article}" + {"前一个": "a", "后一个": "b", None: ""}[which]
    return key + (f"({number(match['item'])})" if match["item"] else "")


NUMERALS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """1 … 99 → 一 … 九十九."""
    tens, units = divmod(n, 10)
    if not tens:
        return NUMERALS[units]
    return (NUMERALS[tens] if tens > 1 else "") + "十" + (NUMERALS[units] if units else "")


KEY = re.compile(r"^(?P<text>NX|XX|713)-(?P<article>\d+)(?P<which>[ab])?(?:\((?P<item>\d+)\))?$")


def citation(key: str) -> str:
    """``NX-10(2)`` → ``宁夏商务厅办法第十条第（二）项``: the inverse of :func:`article_key`."""
    match = KEY.match(key)
    if match is None:
        raise ValueError(f"not an article key: {key!r}")
    text = next(name for name, short in TEXTS.items() if short == match["text"])
    which = {"a": "前一个", "b": "后一个", None: ""}[match["which"]]
    item = f"第（{numeral(int(match['item']))}）项" if match["item"] else ""
    return f"{text}{which}第{numeral(int(match['article']))}条{item}"


def article_keys(citations: str) -> list[str]:
    """``宁夏商务厅办法第六条第（一）项、第（五）项、息县办法第八条第（三）项`` →
    ``["NX-6(1)", "NX-6(5)", "XX-8(3)"]``: a later item or article of the same text may leave out
    what it shares with the one before it, as a legal reader writes a list."""
    keys: list[str] = []
    text = article = ""
    for part in citations.split("、"):
        if part.startswith("第（"):
            part = text + article + part
        elif part.startswith("第"):
            part = text + part
        match = CITATION.match(part)
        if match is None:
            raise ValueError(f"not a citation a scenario can use: {part!r} (e.g. 息县办法第十三条第（四）项)")
        text = match["text"] + (match["which"] or "")
        article = f"第{match['article']}条"
        keys.append(article_key(part))
    return keys

