"""An article's own words, for a page that cites it (issue 19 point 2: a refusal quotes its
article): the two texts as published (``api/http/regulations/``), cut into articles (``NX-10``)
and items (``NX-10(2)``: the article's opening words and the item). NX numbers 第十二条 twice;
the first is ``NX-12a``, the second ``NX-12b`` (the citation keys of the rulebooks)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

FILES = {"NX": "ningxia-commerce-2021.txt", "XX": "xixian-2021.md"}
#: an article's heading; the published XX text drops 条 from its last two (**第二十六**)
_HEAD = re.compile(r"^(?:第([一二三四五六七八九十百]+)条|\*\*第([一二三四五六七八九十百]+)条?\*\*)\s*(.*)$")
_ITEM = re.compile(r"^(?:-\s*)?[（(]([一二三四五六七八九十]+)[）)]\s*(.*)$")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_ENDS = tuple("。；：！？;:")


def number(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23."""
    if "十" not in numeral:
        return _DIGITS[numeral]
    tens, _, units = numeral.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)


def parse(jurisdiction: str, text: str) -> dict[str, str]:
    """Every article and item of one text, by citation key."""
    articles: dict[str, list[str]] = {}
    current: list[str] | None = None
    seen: set[int] = set()
    for raw in text.splitlines():
        line = raw.strip()
        head = _HEAD.match(line)
        line = line.replace("**", "")
        if not line or line.startswith("#") or re.match(r"^第[一二三四五六七八九十]+章", line):
            continue
        if head:
            numeral = head.group(1) or head.group(2)
            n = number(numeral)
            key = f"{jurisdiction}-{n}"
            if jurisdiction == "NX" and n == 12:
                key = "NX-12b" if n in seen else "NX-12a"
            seen.add(n)
            current = articles.setdefault(key, [])
            current.append(f"第{numeral}条 {head.group(3)}".strip())
        elif current is not None:
            if not _ITEM.match(line) and current and not current[-1].endswith(_ENDS):
                current[-1] += line  # a sentence broken across lines in the published file
            else:
                current.append(line)
    out: dict[str, str] = {}
    for key, paragraphs in articles.items():
        out[key] = "\n".join(paragraphs)
        for paragraph in paragraphs[1:]:
            item = _ITEM.match(paragraph)
            if item:
                out[f"{key}({number(item.group(1))})"] = f"{paragraphs[0]}……\n{paragraph.lstrip('- ')}"
    return out


@cache
def texts() -> dict[str, str]:
    """Both texts' articles and items, by citation key."""
    folder = Path(__file__).parent / "regulations"
    out: dict[str, str] = {}
    for jurisdiction, name in FILES.items():
        out.update(parse(jurisdiction, (folder / name).read_text(encoding="utf-8")))
    return out


def quote(key: str) -> str | None:
    """The words of an article or item (an item's own, else its article's)."""
    found = texts()
    return found.get(key) or found.get(re.sub(r"\(.*$", "", key))
