"""The texts the pages quote (:mod:`api.http.article_texts`): every article the catalogue lists
for NX and XX is found in its published text, items with their article's opening words, and
NX's two articles numbered 第十二条 kept apart."""

from __future__ import annotations

from api.http.article_texts import number, quote, texts
from domain.model.articles import CATALOGUE


def test_numerals() -> None:
    assert [number(n) for n in ("一", "十", "十二", "二十", "二十六")] == [1, 10, 12, 20, 26]


def test_every_catalogued_article_of_both_texts_is_quoted() -> None:
    missing = [key for key in CATALOGUE if key[:3] in ("NX-", "XX-") and quote(key) is None]
    assert missing == []


def test_items_and_the_two_twelfths() -> None:
    item = quote("NX-10(2)")
    assert item is not None and item.startswith("第十条 评估工作按照下列程序进行") and "提请厅决策机关研究审议" in item
    assert "重要依据" in texts()["NX-12a"] and "十五日内" in texts()["NX-12b"]
    assert "报司法行政等部门审核" in (quote("XX-13(4)") or "")
    assert "协助做好跟踪反馈与后评估工作" in texts()["XX-6"], "a sentence broken across lines is joined"
