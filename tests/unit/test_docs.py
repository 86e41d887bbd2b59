"""The documentation cannot drift from the code: every test a page names exists, every source
file it names exists, every link between pages lands, the rulebook tables are what the code
says, and the README stays a front page."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest

from api.rulebook_tables import regenerate, tables

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted([ROOT / "README.md", *DOCS.glob("*.md")])
REGENERATE = ".venv/bin/python -m api.rulebook_tables --write docs/rulebooks.md"

#: ``tests/integration/test_x.py``, ``…::test_name``, ``…::TestClass::test_name``, ``…::test_name[param]``
TEST_REFERENCE = re.compile(r"\b(tests/[\w/]+\.py)((?:::\w+)*)(?:\[[^\]\s]*\])?")
#: a source file or folder named in code spans: `domain/evidence/merkle.py`, `api/http/`
SOURCE_PATH = re.compile(r"`((?:domain|api|projections|bench|tests|features)/[\w./-]*)`")
#: a Markdown link to a page or file of this repository, or to a heading: (target, anchor)
LINK = re.compile(r"\]\((?!https?:|mailto:)([^)\s#]*)(?:#([^)\s]*))?\)")
HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


@cache
def _defined(path: Path) -> frozenset[str]:
    """Every class and function a test module defines, as ``name`` and ``Class::name``."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            names.update(f"{node.name}::{item.name}" for item in node.body
                         if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef))
    return frozenset(names)


def missing_tests(text: str) -> list[str]:
    """The test references in ``text`` that name no file, or no test in their file."""
    missing = []
    for match in TEST_REFERENCE.finditer(text):
        path, names = ROOT / match.group(1), match.group(2).removeprefix("::")
        if not path.is_file():
            missing.append(f"{match.group(0)}: no such file")
        elif names and names not in _defined(path):
            missing.append(f"{match.group(0)}: {match.group(1)} defines no {names}")
    return missing


def test_the_guarantees_name_their_tests() -> None:
    """docs/guarantees.md ties each promise to tests; a renamed or removed test fails here."""
    text = (DOCS / "guarantees.md").read_text(encoding="utf-8")
    named = [m.group(0) for m in TEST_REFERENCE.finditer(text) if "::" in m.group(0)]
    assert len(named) >= 40, f"docs/guarantees.md names only {len(named)} tests: is the table still there?"
    assert missing_tests(text) == []


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_test_a_page_names_exists(page: Path) -> None:
    assert missing_tests(page.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_source_path_a_page_names_exists(page: Path) -> None:
    named = SOURCE_PATH.findall(page.read_text(encoding="utf-8"))
    assert [path for path in named if not (ROOT / path).exists()] == []


def anchors(page: Path) -> set[str]:
    """The anchors a Markdown renderer gives the page's headings (GitHub's rule: lower case,
    punctuation dropped, spaces to hyphens)."""
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
            for heading in HEADING.findall(page.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_link_lands(page: Path) -> None:
    """Relative links between the pages and to the source tree point at files that exist, and
    at headings those pages have."""
    broken = []
    for target, anchor in LINK.findall(page.read_text(encoding="utf-8")):
        resolved = (page.parent / unquote(target)).resolve() if target else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}#{anchor}: no such heading")
    assert broken == []


def test_the_rulebook_tables_are_what_the_code_says() -> None:
    page = (DOCS / "rulebooks.md").read_text(encoding="utf-8")
    assert regenerate(page, tables()) == page, (
        f"docs/rulebooks.md's generated tables differ from the code: run `{REGENERATE}`"
    )


def test_a_drifted_table_is_caught() -> None:
    page = (DOCS / "rulebooks.md").read_text(encoding="utf-8")
    drifted = page.replace("| enforced |", "| declaratory |", 1)
    assert drifted != page and regenerate(drifted, tables()) == page


def test_a_test_that_does_not_exist_is_caught() -> None:
    assert missing_tests("`tests/unit/test_docs.py::test_the_guarantees_name_their_tests[x]`") == []
    assert missing_tests("`tests/unit/test_docs.py::no_such_test`") != []
    assert missing_tests("`tests/unit/no_such_module.py`") != []


def test_the_readme_is_a_front_page() -> None:
    """What it is, two commands, a walkthrough per role, a map of docs/: under 12 KiB."""
    size = len((ROOT / "README.md").read_bytes())
    assert size < 12 * 1024, f"README.md is {size} bytes: move detail to docs/"
