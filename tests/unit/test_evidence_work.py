"""What NX-9 / XX-7's checks count: a conclusion repeating the plan word for word (spaces and
punctuation aside), and a stance taken from its source or a second person, not the collector."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

from domain.model.evidence_work import (
    PRESET_MIN_CHARS,
    UNCONFIRMED,
    chosen_by,
    counted_stance,
    normalised,
    repeated_in,
)
from tests.support import World, XXScript


def test_a_sentence_of_the_conclusion_found_in_the_plan_is_repeated() -> None:
    plan = [normalised("评估目的：证明措施总体有效， 建议继续实施。")]
    assert repeated_in("措施总体有效，建议继续实施。另需补充数据。", plan) == ["措施总体有效建议继续实施"]
    assert repeated_in("措施总体有效但未达预期，建议调整。", plan) == []


def test_a_short_sentence_is_too_common_to_compare() -> None:
    plan = [normalised("目标基本实现情况评估")]
    assert len(normalised("目标基本实现")) < PRESET_MIN_CHARS
    assert repeated_in("目标基本实现。", plan) == []


def _case(opinions: list[dict[str, Any]] | None = None, requests: dict[str, Any] | None = None) -> Any:
    return SimpleNamespace(opinions={str(uuid4()): o for o in opinions or []}, supply_requests=requests or {})


def test_the_stance_counted_is_the_second_person_s_then_the_source_s_else_unconfirmed() -> None:
    forum, other = uuid4(), uuid4()
    material = {"stance": "supporting", "via": None, "confirmed": None}
    heard = _case([{"stance": "supporting", "via": forum}, {"stance": "opposing", "via": other}])
    assert counted_stance(heard, material) == UNCONFIRMED
    # via an activity: sourced only when an opinion recorded via the same activity has that stance
    assert counted_stance(heard, {**material, "via": forum}) == "supporting"
    assert counted_stance(heard, {**material, "via": other}) == UNCONFIRMED
    assert counted_stance(_case(), {**material, "via": forum}) == UNCONFIRMED  # the record holds no stance
    assert counted_stance(heard, {**material, "via": other, "confirmed": {"stance": "opposing"}}) == "opposing"
    assert counted_stance(heard, {"stance": "neutral"}) == UNCONFIRMED  # a state recorded before issue 18
    # supplied by a related unit: the unit's own statement
    assert counted_stance(_case(), {**material, "supplied_for": uuid4()}) == "supporting"


def test_a_supplied_material_is_chosen_by_the_person_who_requested_it() -> None:
    requester, signer, collector = uuid4(), uuid4(), uuid4()
    request_id = uuid4()
    case = _case(requests={str(request_id): {"by": requester}})
    assert chosen_by(case, {"collected": {"by": signer}, "supplied_for": request_id}) == requester
    assert chosen_by(case, {"collected": {"by": collector}, "via": None}) == collector


def _collect_via_forum(s: XXScript, stances: list[str]) -> list[UUID]:
    ids = []
    for stance in stances:
        ids.append(material_id := uuid4())
        s.do(s.member, "case.collect_material", s.material_args(
            material_id, classification="none", sealed=False, stance=stance, via=str(s.forum_id)))
    return ids


def test_a_label_via_a_forum_whose_record_does_not_support_it_is_unconfirmed(world: World) -> None:
    s = XXScript(world)
    s.advance_to("hold_forum")
    s.step("hold_forum").run()
    s.done.append("hold_forum")
    ids = _collect_via_forum(s, ["supporting", "neutral", "mixed", "supporting"])
    assert {counted_stance(s.case, s.case.materials[str(i)]) for i in ids} == {UNCONFIRMED}
    s.do(s.lead, "case.record_opinion", {"opinion_id": str(uuid4()), "source": "村民代表甲", "stance": "supporting",
                                         "summary": "支持", "via": str(s.forum_id)})
    counted = [counted_stance(s.case, s.case.materials[str(i)]) for i in ids]
    assert counted == ["supporting", UNCONFIRMED, UNCONFIRMED, "supporting"]
