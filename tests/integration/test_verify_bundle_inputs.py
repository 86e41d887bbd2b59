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
