"""What NX-9 / XX-7's checks count: a conclusion repeating the plan word for word (spaces and
punctuation aside), and a stance taken from its source or a second person, not the collector."""

from __future__ import annotations

from uuid import uuid4

from domain.model.evidence_work import (
    PRESET_MIN_CHARS,
    UNCONFIRMED,
    counted_stance,
    normalised,
    repeated_in,
)


def test_a_sentence_of_the_conclusion_found_in_the_plan_is_repeated() -> None:
    plan = [normalised("评估目的：证明措施总体有效， 建议继续实施。")]
    assert repeated_in("措施总体有效，建议继续实施。另需补充数据。", plan) == ["措施总体有效建议继续实施"]
    assert repeated_in("措施总体有效但未达预期，建议调整。", plan) == []


def test_a_short_sentence_is_too_common_to_compare() -> None:
    plan = [normalised("目标基本实现情况评估")]
    assert len(normalised("目标基本实现")) < PRESET_MIN_CHARS
    assert repeated_in("目标基本实现。", plan) == []


def test_the_stance_counted_is_the_second_person_s_then_the_source_s_else_unconfirmed() -> None:
    material = {"stance": "supporting", "via": None, "confirmed": None}
    assert counted_stance(material) == UNCONFIRMED
    assert counted_stance({**material, "via": uuid4()}) == "supporting"
    assert counted_stance({**material, "confirmed": {"stance": "opposing"}}) == "opposing"
    assert counted_stance({"stance": "neutral"}) == UNCONFIRMED  # a state recorded before issue 18
