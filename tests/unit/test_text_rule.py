"""The text rule (issue 16 point 3, attacks H1, L1, L9): NUL, controls, lone surrogates,
bidirectional controls and invisible-only text are refused in every command's arguments, naming
the field by its JSON pointer; free text keeps tab and line breaks, a name does not; a stored
event's arguments are read as recorded."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from domain import clock
from domain.errors import MalformedInput
from domain.evidence.canonical import parse_canonical
from domain.evidence.intent import sign_intent
from domain.evidence.signing import SigningKey
from domain.model.acts import new_intent, open_stored, stored_act
from domain.model.commands.decision import RecordDemonstrators, RegisterDecision
from domain.model.rules import rulebook_for
from domain.model.text import refused_text, text_problem
from tests.support import NXScript, World

DECISION = {"jurisdiction": "NX", "title": "关于促进会展业发展的意见", "document_number": "宁商发〔2023〕9号",
            "organ": "宁夏回族自治区商务厅", "decided_on": "2023-05-10", "purpose": "促进会展业发展"}

REFUSED = {
    "NUL": "标题\x00",
    "ESC": "\x1b[31m红色",
    "C1": "标题\x85",
    "DEL": "标题\x7f",
    "lone surrogate": "标题\ud800",
    "RTL override": "\u202etxt.exe",
    "LTR embedding": "\u202a标题",
    "first strong isolate": "标题\u2068",
    "zero-width only": "\u200b\u200d\ufeff",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_text_the_rule_refuses_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(MalformedInput) as refused:
        RegisterDecision.parse({**DECISION, "purpose": text})
    assert refused.value.pointer == "/args/purpose"
    assert "/args/purpose" in refused.value.detail and "请" in refused.value.detail


def test_a_nested_field_and_an_object_key_are_named_by_their_pointer() -> None:
    demonstrators = {"demonstrators": [
        {"name": "张三", "kind": "expert", "work": "论证"},
        {"name": "李四", "kind": "expert", "work": "论证\x1b"},
    ]}
    with pytest.raises(MalformedInput) as refused:
        RecordDemonstrators.parse(demonstrators)
    assert refused.value.pointer == "/args/demonstrators/1/work"
    problem = refused_text({"parts": {"背景\u202e": "x"}}, ("args",))
    assert problem is not None and problem[0] == "/args/parts/背景\u202e" and "key" in problem[2]


def test_free_text_keeps_tabs_and_line_breaks_and_a_name_is_one_line() -> None:
    assert RegisterDecision.parse({**DECISION, "purpose": "一、促进发展\n二、\t规范管理\r\n"}).purpose.startswith("一")
    for name in ("标题\n第二行", "标题\t", "标题\u2028"):
        with pytest.raises(MalformedInput) as refused:
            RegisterDecision.parse({**DECISION, "title": name})
        assert refused.value.pointer == "/args/title", name
    assert text_problem("ordinary text, 中文，עברית and العربية", single_line=True) is None
    assert text_problem("") is None  # emptiness is the field's own rule


def test_a_lone_surrogate_escape_in_signed_bytes_is_unreadable_naming_where() -> None:
    with pytest.raises(MalformedInput) as refused:
        parse_canonical(b'{"args":{"title":"\\ud800"}}')
    assert refused.value.pointer == "/args/title"
    with pytest.raises(MalformedInput):
        parse_canonical(b'{"\\udfff":1}')


def test_a_stored_event_recorded_before_the_rule_is_read_as_recorded() -> None:
    """Replay and projections read what is stored: text recorded before the rule still replays."""
    key = SigningKey.generate()
    args: dict[str, Any] = {**DECISION, "title": "标题\x00\u202e\x1b", "purpose": "\u200b"}
    intent = new_intent(uuid4(), "decision.register", uuid4(), 0, args)
    _, _, command = open_stored(sign_intent(key, intent).to_json(), RegisterDecision)
    assert command.title == "标题\x00\u202e\x1b"
    assert RegisterDecision.parse(args, recorded=True).purpose == "\u200b"
    with pytest.raises(MalformedInput):
        RegisterDecision.parse(args)


def test_a_finding_quoting_text_recorded_before_the_rule_is_written_readable(world: World) -> None:
    """The ledger's own finding keeps the rule: text a rule quotes is written with visible escapes."""
    script = NXScript(world)
    script.advance_to("collect_material")
    case = world.ledger.get_case(script.case_id)
    rulebook = rulebook_for("NX")
    world.ledger.findings._raise(case, rulebook, rulebook.rules[0], "组织\x1b[2J", "organ\u202e", (world.admin.principal_id,),
                                 [], {"organ": "\x00"}, clock.now())
    [finding] = case.pending_events
    act = stored_act(finding)  # type: ignore[arg-type]
    assert (act.command.summary_zh, act.command.summary_en, act.command.figures) == (
        "组织[U+001B][2J", "organ[U+202E]", {"organ": "[U+0000]"})
