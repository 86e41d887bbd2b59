"""A bundle's JSON text has one reading (part D of the review). ``verify --bundle`` read it with
Python's ``json.loads``, which keeps the LAST of two members of one name and takes ``NaN``: a
bundle could verify intact while a reader taking the first member (or a viewer showing the file)
saw another value. And a bundle nested thousands deep ended ``verify`` with a RecursionError
traceback. Each is now one ``hash`` break of the bundle, and verification stops (spec §13.2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.evidence.bundle_verifier import verify_bundle_json
from domain.evidence.report import BUNDLE

BUNDLE_FILE = Path(__file__).resolve().parents[1] / "vectors" / "v3" / "case-bundle.json"


def _text() -> str:
    return BUNDLE_FILE.read_text(encoding="utf-8")


def _one_break(text: str, says: str) -> None:
    report = verify_bundle_json(text)
    assert [(b.aggregate_id, b.kind) for b in report.breaks] == [(BUNDLE, "hash")], report.breaks
    assert says in report.breaks[0].detail, report.breaks[0].detail


def test_the_vector_verifies_as_it_is() -> None:
    assert not verify_bundle_json(_text()).breaks


def test_a_member_named_twice_is_not_a_bundle() -> None:
    """The first ``format`` says v1 (which names no members and checks no ``why``), the last v3."""
    text = _text()
    assert text.startswith("{")
    _one_break('{"format": "decision-ledger/bundle/v1", ' + text[1:], "duplicate object key 'format'")


def test_a_member_named_twice_inside_an_event_is_not_a_bundle() -> None:
    data = json.loads(_text())
    event = json.dumps(data["events"][1], ensure_ascii=False)
    doubled = '{"why": "keys", ' + event[1:]
    text = json.dumps(data, ensure_ascii=False).replace(event, doubled, 1)
    _one_break(text, "duplicate object key 'why'")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_number_json_has_not_is_not_a_bundle(constant: str) -> None:
    data = json.loads(_text())
    text = json.dumps(data).replace(f'"tree_size": {data["tree_size"]}', f'"tree_size": {constant}', 1)
    _one_break(text, f"{constant} is not JSON")


def test_a_bundle_nested_past_any_parser_is_named_not_a_traceback() -> None:
    _one_break("[" * 100_000 + "]" * 100_000, "nested")


WITNESSED = BUNDLE_FILE.parents[1] / "witnesses" / "case-bundle.json"


@pytest.mark.parametrize("spell", [str.upper, lambda h: h + " ", lambda h: h[:2] + " " + h[2:]])
def test_a_hash_of_a_proof_has_one_spelling(spell: object) -> None:
    """spec §1: hex is lowercase. ``bytes.fromhex`` also read upper case and spaces, so a proof's
    hash had many spellings — in an event's inclusion path (v2) and a v4 bundle's witnessed
    consistency path — and a verifier written from the spec refused what this one passed."""
    assert callable(spell)
    data = json.loads(_text())
    data["events"][1]["inclusion_path"][0] = spell(data["events"][1]["inclusion_path"][0])
    report = verify_bundle_json(json.dumps(data))
    assert [b.kind for b in report.breaks] == ["log"], report.breaks
    witnessed = json.loads(WITNESSED.read_text(encoding="utf-8"))
    assert not verify_bundle_json(json.dumps(witnessed)).breaks
    witnessed["witnessed"]["consistency_path"][0] = spell(witnessed["witnessed"]["consistency_path"][0])
    assert verify_bundle_json(json.dumps(witnessed)).breaks, "a witnessed path of another spelling passed"
