"""The steps of `features/` read as a Chinese legal reader writes them: no English words, keys or
machine names inside them, articles cited as 宁夏商务厅办法第十条第（二）项 (issue 17, point 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bdd.citations import article_key, article_keys, citation

FEATURES = Path(__file__).resolve().parents[2] / "features"
STEP = re.compile(r"^\s*(?:假如|假设|假定|当|那么|而且|并且|同时|但是)\s+(?P<text>.+)$")
ROW = re.compile(r"^\s*\|(?P<text>.+)\|\s*$")
PLACEHOLDER = re.compile(r"<[^>]+>")


def steps_and_rows(path: Path) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = STEP.match(line) or ROW.match(line)
        if match:
            found.append((number, PLACEHOLDER.sub("", match["text"])))
    return found


@pytest.mark.parametrize("path", sorted(FEATURES.glob("*.feature")), ids=lambda p: p.name)
def test_steps_have_no_english_keys_or_machine_names(path: Path) -> None:
    for number, text in steps_and_rows(path):
        where = f"{path.name}:{number}: {text}"
        assert not re.search(r"[A-Za-z]", text), f"English or a key inside a Chinese step: {where}"
        assert not re.search(r'(进行到|完成|执行)"[^"]+"', text), f"a step named in quotes: {where}"


def test_a_citation_and_its_key_are_one_another() -> None:
    for key in ("NX-10(2)", "XX-13(4)", "NX-12a", "NX-12b", "713-38", "XX-27"):
        assert article_key(citation(key)) == key
    assert citation("NX-12b") == "宁夏商务厅办法后一个第十二条"
    assert citation("713-30") == "《重大行政决策程序暂行条例》第三十条"


def test_a_list_of_citations_leaves_out_what_an_item_shares_with_the_one_before() -> None:
    assert article_keys("宁夏商务厅办法第六条第（一）项、第（五）项、息县办法第八条第（三）项、第十一条") == [
        "NX-6(1)", "NX-6(5)", "XX-8(3)", "XX-11",
    ]
    with pytest.raises(ValueError):
        article_keys("第（一）项")
    with pytest.raises(ValueError):
        article_keys("NX-6(1)")


@pytest.mark.parametrize("path", sorted(FEATURES.glob("*.feature")), ids=lambda p: p.name)
def test_prose_cites_the_texts_by_name_not_by_key(path: Path) -> None:
    """A feature's description cites 宁夏商务厅办法第十条第（二）项, never NX-10(2) or "NX 第十条"
    (issue 18): tags alone carry the keys."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if text.startswith(("@", "#")):
            continue
        where = f"{path.name}:{number}: {text[:60]}"
        assert not re.search(r"\b(NX|XX|713)-\d", text), f"an article key in prose: {where}"
        assert not re.search(r"\b(NX|XX) 第", text), f"a text named by its key: {where}"
