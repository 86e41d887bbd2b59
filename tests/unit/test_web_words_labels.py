"""The pages' words (issue 19 — words): every value of every vocabulary enum has a label in both
languages; times in China time with the UTC time on hover; what the "at a moment" box accepts;
deadlines in sentences; fingerprints; rule names."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum

import pytest
from markupsafe import Markup

from api.http import labels, labels_vocab, words
from domain.errors import MalformedInput
from domain.model import vocabulary
from domain.model.case_state import Phase
from domain.model.rules import rulebook_for

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_vocabulary_enum_has_both_words_for_every_value() -> None:
    enums = {kind for _, kind in inspect.getmembers(vocabulary, inspect.isclass)
             if issubclass(kind, StrEnum) and kind is not StrEnum and kind.__module__ == vocabulary.__name__}
    assert enums | {Phase} == set(labels_vocab.VOCABULARY), "a vocabulary enum without a table of words"
    for kind, table in labels_vocab.VOCABULARY.items():
        assert set(table) == {str(value) for value in kind}, kind.__name__
        for value, (zh, en) in table.items():
            assert CHINESE.search(zh), (kind.__name__, value, zh)
            assert en and not CHINESE.search(en), (kind.__name__, value, en)
            assert labels_vocab.of(kind, value, "zh") == zh and labels_vocab.of(kind.__name__, value, "en") == en


def test_a_value_reads_by_its_kind() -> None:
    assert labels_vocab.of("Responsibility", "leader", "zh") == "负有责任的领导人员"
    assert labels_vocab.of("TeamRole", "leader", "zh") == "组长"
    assert labels_vocab.of("Stance", "opposing", "zh") == "反对"
    assert labels_vocab.of("", "direct", "zh") == "直接责任人员"
    assert labels_vocab.of("Stance", "什么", "zh") == "什么", "what people typed stays as typed"
    assert labels_vocab.of("DeadlineStatus", "overdue", "en") == "overdue"


def test_every_rule_has_a_name_in_both_languages() -> None:
    for text in ("NX", "XX"):
        for rule in rulebook_for(text).rules:
            assert CHINESE.search(words.rule_name(rule.id, "zh")) and not CHINESE.search(words.rule_name(rule.id, "en"))
    mark = words.rule_mark("NX/preset-conclusion", "zh")
    assert 'title="NX/preset-conclusion"' in mark and ">NX/" not in mark


def test_times_in_china_time_to_the_minute_with_utc_on_hover() -> None:
    shown = words.when("2026-12-06T05:54:41.115063Z", "zh")
    assert shown == ('<time datetime="2026-12-06T05:54:41.115063Z" title="2026-12-06T05:54:41.115063Z">'
                     "2026年12月6日 13:54</time>")
    assert ">6 Dec 2026 13:54 CST (UTC+8)</time>" in words.when("2026-12-06T05:54:41Z", "en")
    assert ">2027年1月1日 07:30<" in words.when(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "zh"), "a new day in China"
    assert words.when("2026-12-06", "zh") == '<time datetime="2026-12-06">2026年12月6日</time>'
    assert words.when("not a time", "zh") == "not a time" and words.when(None, "zh") == ""
    assert not isinstance(words.when("<b>", "zh"), Markup), "text that is no time is escaped by the page"


def test_the_moment_box() -> None:
    china = timezone(timedelta(hours=8))
    assert words.parse_moment("12") == 12
    end = words.parse_moment("2026-12-06")
    assert isinstance(end, datetime) and end.astimezone(china).date().isoformat() == "2026-12-06"
    assert end.astimezone(china).hour == 23 and end.astimezone(china).minute == 59, "the end of that day"
    assert words.parse_moment(words.moment_of("2026-12-06", "13:54")) == datetime(2026, 12, 6, 13, 54, tzinfo=china)
    assert words.parse_moment("2026-12-06T05:54:00Z") == datetime(2026, 12, 6, 5, 54, tzinfo=UTC)
    for bad in ("yesterday", "2026-13-01", "0", "2026-12-06T25:00"):
        with pytest.raises(MalformedInput) as refused:
            words.parse_moment(bad)
        assert "请选择一个日期" in refused.value.zh and "--at" not in refused.value.zh  # type: ignore[attr-defined]


def test_deadlines_in_sentences() -> None:
    assert words.deadline_state("met", -10, "zh") == "已完成，提前10日"
    assert words.deadline_state("met", 0, "zh") == "已于最后一日完成"
    assert words.deadline_state("late", 3, "en") == "done, 3 days late"
    assert words.deadline_state("open", 5, "zh") == "进行中，尚余5日"
    assert words.deadline_state("overdue", 2, "zh") == "未完成，已逾期2日"
    assert "节假日" in words.deadline_state("undetermined", 1, "zh")
    assert "90日" in words.deadline_rule("NX-11", "zh") and "15 days" in words.deadline_rule("NX-12b", "en")


def test_fingerprints_and_error_words() -> None:
    assert words.fingerprint("Ab3d9fK2xY7qLm0PzzzzQQ") == "Ab3d 9fK2 xY7q Lm0P …"
    assert words.fingerprint("") == ""
    assert words.error_words("not-found", 404, "zh")[0] == "找不到该页面或记录"
    assert words.error_words(None, 403, "en")[0] == "You may not see this page"
    assert all(CHINESE.search(zh) and CHINESE.search(step) and not CHINESE.search(en + en_step)
               for zh, step, en, en_step in words.ERRORS.values())
    assert all(not CHINESE.search(en) for zh, en in labels.UI.values() if zh != "English"), "English mode"
