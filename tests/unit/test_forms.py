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
         "newid", "digest", "process", "fixed", "lookup", "citations", "suggest"}
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


# issue 19 — forms2


def test_the_forms_of_supply_findings_and_faults_follow_their_models() -> None:
    ctx = FormContext("zh", "XX", requests=[("r", "财政局")], request_items=[("明细", "明细")],
                      events=[("a|1|" + "0" * 64, "第1版")])
    answer = {f.name: f for f in form_of("case.answer_request", ctx)}
    assert answer["request_id"].kind == "ref" and answer["request_id"].options == [("r", "财政局")]
    assert answer["truthful"].kind == "bool" and answer["problems_and_risks"].kind == "long"
    material = {f.name: f for f in answer["materials"].children[0].children}
    assert material["material_id"].kind == "newid", "the answer creates the material"
    assert material["digest"].kind == "digest" and material["item"].kind == "suggest"
    assert material["item"].options == [("明细", "明细")]
    assert {f.name: f for f in form_of("case.request_materials", ctx)}["request_id"].kind == "newid"
    request = {f.name: f for f in form_of("case.request_materials", ctx)}
    assert request["unit_id"].kind == "lookup" and request["unit_id"].source == "organisations"
    assert request["responsible_id"].source == "people" and request["responsible_id"].within == "unit_id"
    finding = {f.name: f for f in form_of("case.find_misconduct", ctx)}
    assert finding["finding_id"].kind == "newid" and finding["cited_events"].kind == "citations"
    assert finding["cited_events"].options == ctx.events
    person = {f.name: f for f in finding["persons"].children[0].children}
    assert person["principal_id"].kind == "lookup" and person["responsibility"].kind == "select"
    assert [w for _, w in person["responsibility"].options] == ["负有责任的领导人员", "直接责任人员"]
    fault = {f.name: f for f in form_of("case.confirm_decision_fault", ctx)}
    assert fault["fault"].options[0] == ("serious_error", "决策严重失误")
    assert {f.name: f for f in form_of("case.close_finding", ctx)}["finding_id"].kind == "ref"
    coordination = {f.name: f for f in form_of("case.coordinate_supply", ctx)}
    assert [w for _, w in coordination["measure"].options] == ["督促提供", "召开协调会", "其他协调措施"]


@pytest.mark.parametrize("action", OFFERED)
def test_no_two_fields_of_a_form_share_a_label_and_no_label_is_its_help(action: str) -> None:
    """Each field says what it is by its label alone (issue 19 — forms2): the help adds the article."""
    fixed = {"decision_id": "d"} if action == "case.open" else {}
    for lang in ("zh", "en"):
        fields = list(walk(form_of(action, FormContext(lang, "XX", fixed=fixed))))
        labels: dict[str, str] = {}
        for one in fields:
            assert one.label != one.help, f"{action} {one.name}"
            assert labels.setdefault(one.label, one.name) == one.name, f"{action}: {one.name} and {labels[one.label]}"


def test_people_organisations_and_agencies_are_looked_up_never_listed() -> None:
    """A province's directory is no list (issue 19 point 2): no form offers them as options."""
    for action in OFFERED:
        for one in walk(form_of(action, FormContext("zh", "XX", fixed={"decision_id": "d"}))):
            if one.name in {"principal_id", "responsible_id", "expert_id", "agency_id", "unit_id"}:
                assert one.kind == "lookup" and not one.options, f"{action} {one.name}"
