"""Every refusal a person meets for want of a role speaks Chinese and English and cites the article
that says who takes the step (the action spec's ``article``), in the error and in its problem
document; and every other NotPermitted the domain raises is written in both languages."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pytest

from api.http.problems import from_error
from domain.errors import NotPermitted
from domain.model.actions import ACTIONS, ActionSpec
from domain.model.principal import Principal
from domain.model.vocabulary import Role
from domain.model.words import ACTION_WORDS, ROLE_WORDS
from domain.service.judging import Judge

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3,}")
DOMAIN = Path(__file__).resolve().parents[2] / "domain"


@dataclass
class Signer:
    """A signer as the judge sees it: a name and standing roles."""

    name: str
    roles: list[str] = field(default_factory=list)

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles


def refusals() -> list[tuple[ActionSpec, Role | None]]:
    """Each action that needs a role, with each role that is not one of them (and no role)."""
    return [(spec, role) for spec in ACTIONS.values() if spec.roles is not None
            for role in [None, *sorted(set(Role) - spec.roles)]]


@pytest.mark.parametrize(("spec", "held"), refusals(), ids=lambda v: str(getattr(v, "name", v)))
def test_a_person_lacking_the_role_is_told_in_chinese_and_english_with_the_article(
        spec: ActionSpec, held: Role | None) -> None:
    signer = Signer("王芳", [held.value] if held else [])
    with pytest.raises(NotPermitted) as caught:
        Judge.authorise(spec, cast(Principal, signer))
    error = caught.value
    assert CJK.search(error.zh) and not LATIN.search(error.zh.replace(signer.name, "")), error.zh
    assert ACTION_WORDS[spec.name][0] in error.zh  # the step in the regulations' words
    assert all(ROLE_WORDS[role][0] in error.zh for role in spec.roles or ())  # who takes it
    assert (ROLE_WORDS[held][0] if held else "无") in error.zh  # what the signer holds
    assert LATIN.search(error.en) and not CJK.search(error.en.replace(signer.name, "")), error.en
    assert spec.name in error.en and all(role.value in error.en for role in spec.roles or ())
    assert error.article == spec.article
    assert error.detail == (f"{spec.article}: " if spec.article else "") + f"{error.zh} / {error.en}"
    body = json.loads(from_error(error).body)
    assert body["status"] == 403 and body["type"].endswith(":not-permitted")
    assert (body["message_zh"], body["message_en"], body["detail"]) == (error.zh, error.en, error.detail)
    assert body.get("article") == spec.article


def _first_strings(call: ast.Call, skip: int) -> list[str]:
    """The text of the call's positional arguments after ``skip`` (f-strings by their literal parts)."""
    texts = []
    for arg in call.args[skip:skip + 2]:
        parts = [n.value for n in ast.walk(arg) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        texts.append("".join(parts))
    return texts


def test_every_not_permitted_the_domain_raises_has_chinese_then_english() -> None:
    seen = 0
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            skip = {"NotPermitted": 0, "require": 1}.get(name)
            if skip is None or path.name == "aggregate.py" and name == "NotPermitted":
                continue  # Context.require passes its own zh and en on
            seen += 1
            texts = _first_strings(node, skip)
            where = f"{path.relative_to(DOMAIN.parent)}:{node.lineno}"
            if node.args[skip:] and all(isinstance(a, ast.Name) for a in node.args[skip:]):
                continue  # passed on: the key rules' own words (KeyHistory.authority_refusal_words)
            assert len(texts) == 2 and CJK.search(texts[0]), f"{where}: no Chinese"
            assert LATIN.search(texts[1]) and not CJK.search(texts[1]), f"{where}: no English"
    assert seen > 30
