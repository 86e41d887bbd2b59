"""``verify --bundle`` given files an attacker made (part D of the review): each is named, with
the file at fault, and gives a non-zero exit — never a traceback, never the wrong file."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.integration.commands import Run, invoke

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "v3"


def _said(done: Run) -> str:
    return done.out + done.err


def _bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "case.bundle.json"
    shutil.copyfile(VECTORS / "case-bundle.json", bundle)
    return bundle


def test_a_trusted_checkpoint_that_is_not_text_is_named_not_the_bundle(tmp_path: Path) -> None:
    """The note's UnicodeDecodeError was reported as "cannot read case.bundle.json"."""
    bundle = _bundle(tmp_path)
    note = tmp_path / "trusted.note"
    note.write_bytes(b"\xff\xfe not UTF-8")
    done = invoke("verify", "--bundle", str(bundle), "--since-checkpoint", str(note))
    assert done.code == 2, _said(done)
    assert "trusted.note" in _said(done) and "case.bundle.json" not in _said(done), _said(done)


def test_a_bundle_that_is_not_text_is_named(tmp_path: Path) -> None:
    bundle = tmp_path / "case.bundle.json"
    bundle.write_bytes(b"\xff\xfe")
    done = invoke("verify", "--bundle", str(bundle))
    assert done.code == 2 and "case.bundle.json" in _said(done), _said(done)


def test_a_bundle_nested_past_the_parser_is_a_break(tmp_path: Path) -> None:
    bundle = tmp_path / "deep.json"
    bundle.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    done = invoke("verify", "--bundle", str(bundle))
    assert done.code == 1 and "the bundle is not JSON" in _said(done), _said(done)


def test_a_lone_surrogate_or_an_endless_number_is_a_break_not_a_traceback(tmp_path: Path) -> None:
    """I-JSON (RFC 7493 §2.1) is Unicode text: an escaped lone surrogate was a UnicodeEncodeError
    traceback where the verifier hashed it; a number past Python's 4300 digits a ValueError one."""
    text = (VECTORS / "case-bundle.json").read_text(encoding="utf-8")
    topic = '"topic": "decision-ledger/Principal/Registered/v1"'
    for name, spoiled in (("surrogate", text.replace(topic, '"topic": "\\ud800"', 1)),
                          ("digits", text.replace('"tree_size": 35', '"tree_size": 1' + "0" * 5000, 1))):
        assert spoiled != text
        bundle = tmp_path / f"{name}.json"
        bundle.write_text(spoiled, encoding="utf-8")
        done = invoke("verify", "--bundle", str(bundle))
        assert "Traceback" not in _said(done), _said(done)
        assert done.code == 1 and "the bundle is not JSON" in _said(done), _said(done)
    paired = tmp_path / "paired.json"  # an escaped pair is one character, and the text stays valid
    paired.write_text(text.replace('"why": "genesis"', '"why": "\\ud83d\\ude00"', 1), encoding="utf-8")
    assert "the bundle is not JSON" not in _said(invoke("verify", "--bundle", str(paired)))
