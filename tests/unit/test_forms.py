"""Forms generated from the command models (:mod:`api.http.forms`): every field of every command a
page offers has a label in both languages, every enum value a word — a new field or value cannot
be forgotten — and each field is a form control of its type, never a JSON text area."""

from __future__ import annotations

import re

import pytest

from api.http import form_labels
from api.http.forms import FormContext, form_of, walk
from domain.service.offers import CASE_STEPS, DECISION_STEPS

OFFERED = [*CASE_STEPS, *DECISION_STEPS, "decision.register"]
KINDS = {"text", "long", "date", "int", "bool", "select", "ref", "refs", "checks", "sections", "list", "object",
         "newid", "digest", "process", "fixed"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("jurisdiction", ["NX", "XX"])
@pytest.mark.parametrize("action", OFFERED)
def test_every_field_of_every_offered_command_is_labelled_in_both_languages(action: str, jurisdiction: str) -> None:
    fixed = {"decision_id": "d"} if action == "case.open" else {}
    zh = list(walk(form_of(action, FormContext("zh", jurisdiction, fixed=fixed))))
    en = list(walk(form_of(action, FormContext("en", jurisdiction, fixed=fixed))))
    assert [f.name for f in zh] == [f.name for f in en]
    for chinese, english in zip(zh, en, strict=True):
        assert chinese.kind in KINDS, f"{action} {chinese.name}: {chinese.kind}"
        assert CJK.search(chinese.label), f"{action} {chinese.name} has no Chinese label"
        assert english.label and not CJK.search(english.label), f"{action} {english.name} has no English label"
        for (_, word_zh), (_, word_en) in zip(chinese.options, english.options, strict=True):
            assert word_zh and word_en
        if chinese.kind == "select":
            assert all(CJK.search(w) for _, w in chinese.options), f"{action} {chinese.name}: enum words"


def test_kinds_follow_the_model() -> None:
    forum = {f.name: f for f in form_of("case.hold_forum", FormContext())}
    assert forum["meeting_id"].kind == "newid" and forum["held_on"].kind == "date"
    assert forum["participants"].kind == "list"
    row = forum["participants"].children[0]
    assert row.kind == "object" and [c.kind for c in row.children] == ["text", "text", "bool"]
    plan = {f.name: f for f in form_of("case.submit_plan", FormContext("zh", "XX"))}
    assert [k for k, _ in plan["parts"].options][:2] == ["purpose", "object_and_content"], "XX-11(2)'s parts"
    assert plan["content_items"].kind == "checks" and plan["content_items"].options[0][0] == "XX-8(1)"
    final = {f.name: f for f in form_of("case.finalise_report", FormContext())}
    assert final["digest"].kind == "digest" and final["process_record_digest"].kind == "process"
    assert final["report_id"].kind == "newid"
    opinion = {f.name: f for f in form_of("case.give_expert_opinion", FormContext(drafts=[("x", "稿")]))}
    assert opinion["draft_id"].kind == "ref" and opinion["draft_id"].options == [("x", "稿")]
    material = {f.name: f for f in form_of("case.collect_material", FormContext())}
    assert "sealed" not in material, "sealed in the browser from the clear fields"


def test_every_ui_word_in_both_languages() -> None:
    for key, (zh, en) in form_labels.UI.items():
        assert CJK.search(zh) and en and not CJK.search(en), key
