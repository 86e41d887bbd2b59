"""The text rule (issue 16 point 3, "bad input never reaches the store"): what text a person may
put into the ledger, checked once at the edge — in every command's arguments (:meth:`Command.parse`,
which the HTTP API, the signing client and the ledger's own acts share) and in every query
parameter the service is sent (:class:`api.http.service.RequestGuard`).

What is signed is kept for good and shown to others, so text is refused when it holds:

- U+0000 and the other C0 controls, DEL and the C1 controls (U+0080–U+009F): a PostgreSQL text
  column cannot hold U+0000, and ESC sequences drive terminals. Free text keeps tab, line feed
  and carriage return; a name (:data:`~domain.model.commands.base.Name`) and a query parameter
  are one line and keep none of them;
- a lone surrogate (U+D800–U+DFFF), which is not a Unicode character and which UTF-8 cannot
  carry (the canonical form refuses it too, :mod:`domain.evidence.canonical`);
- a bidirectional embedding, override or isolate control (U+202A–U+202E, U+2066–U+2069), which
  makes text display in another order than it is read and signed ("Trojan Source",
  CVE-2021-42574);
- text that shows nothing yet is not blank: invisible characters (zero-width spaces and joiners,
  the word joiner, the byte-order mark, soft hyphens, fillers) with nothing visible (blank text
  is each field's own rule: a required text must not be blank).

Text recorded before the rule (or written around it) is still read: replay skips the rule
(``recorded``), projections store what PostgreSQL cannot hold as U+FFFD (:mod:`projections.store`),
and the pages show controls as visible escapes (:mod:`api.http.labels`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: what free text may not hold (tab, line feed and carriage return allowed)
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
#: what a single line (a name, a query parameter) may not hold
_NOT_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
#: a character that shows something (not a space, not an invisible format character or filler)
_VISIBLE = re.compile(
    "[^\\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
#: names of the characters Unicode leaves unnamed
_CONTROL_NAMES = {0x00: "NULL", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN",
                  0x1B: "ESCAPE", 0x7F: "DELETE"}


def character_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character as a person can look it up."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        name = "lone surrogate"
    else:
        name = _CONTROL_NAMES.get(code, "") or unicodedata.name(char, "control character")
    return f"U+{code:04X} {name}"


def text_problem(text: str, *, single_line: bool = False) -> tuple[str, str] | None:
    """Why ``text`` is refused, in Chinese and in English, or ``None`` when it is acceptable."""
    found = (_NOT_IN_LINE if single_line else _NOT_IN_TEXT).search(text)
    if found is not None:
        where = found.start() + 1
        what = character_name(found.group())
        return (f"第 {where} 个字符 {what} 是控制字符、双向控制字符或代理项，不得出现在文本中，请删除",
                f"character {where}, {what}, is a control, bidirectional control or surrogate character, "
                + "which text may not hold: remove it")
    if text.strip() and _VISIBLE.search(text) is None:  # blank text is each field's own rule
        return ("文本只有空白或不可见字符，请填写可见的内容",
                "the text shows nothing (only spaces and invisible characters): write visible text")
    return None


#: what a page shows as an escape: the controls (tab and line breaks aside), lone surrogates and
#: bidirectional controls
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text as a page shows it: each control, lone surrogate or bidirectional control the rule
    refuses is written as a visible ``[U+202E]``, so text recorded before the rule can neither
    reorder nor hide what is around it nor drive a terminal."""
    if _HIDDEN.search(text) is None:
        return text
    return _HIDDEN.sub(lambda found: f"[U+{ord(found.group()):04X}]", text)


def pointer_of(parts: tuple[str | int, ...]) -> str:
    """An RFC 6901 JSON pointer: ``("args", "members", 0, "name")`` → ``/args/members/0/name``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts).encode(
        "utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate in a key, written as its escape


def refused_text(value: Any, at: tuple[str | int, ...] = ()) -> tuple[str, str, str] | None:
    """The first string in a JSON value (object keys too) the rule refuses: its JSON pointer and
    the reason in Chinese and in English; ``None`` when every string is acceptable."""
    if isinstance(value, str):
        problem = text_problem(value)
        return None if problem is None else (pointer_of(at), *problem)
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (problem := text_problem(key)) is not None:
                return (pointer_of((*at, key)), "键名" + problem[0], "the key: " + problem[1])
            if (found := refused_text(item, (*at, key))) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := refused_text(item, (*at, index))) is not None:
                return found
    return None
