"""The table of who may sign beyond the standing roles (domain/model/signers.py) matches the checks
the aggregates' methods make: each condition it names is checked by the action's method (or a
helper it calls), and a method it names no condition for checks no membership."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from domain.model.actions import ACTIONS, ActionSpec
from domain.model.signers import CONDITIONS, MEMBERSHIP, MEMBERSHIP_CHECKS


def code_of(spec: ActionSpec) -> str:
    """The source of the action's method and of every function of the domain it calls, on
    ``self`` or through a module, a few calls deep."""
    seen: set[Any] = set()
    parts: list[str] = []

    def visit(function: Callable[..., Any], owner: type | None, depth: int) -> None:
        if function in seen or depth > 4:
            return
        seen.add(function)
        source = textwrap.dedent(inspect.getsource(function))
        parts.append(source)
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            base, name = node.func.value, node.func.attr
            target: Any = None
            if isinstance(base, ast.Name) and base.id == "self" and owner is not None:
                target = getattr(owner, name, None)
            elif isinstance(base, ast.Name):
                module = function.__globals__.get(base.id)
                target = getattr(module, name, None) if inspect.ismodule(module) else None
            if inspect.isfunction(target) and target.__module__.startswith("domain."):
                visit(target, owner, depth + 1)

    visit(getattr(spec.aggregate, spec.method), spec.aggregate, 0)
    return "\n".join(parts)


def test_every_condition_is_checked_by_the_actions_method() -> None:
    assert set(MEMBERSHIP) <= set(ACTIONS)
    for name, conditions in MEMBERSHIP.items():
        code = code_of(ACTIONS[name])
        for condition in conditions:
            checks = CONDITIONS[condition].checks
            assert any(check in code for check in checks), f"{name}: nothing checks {condition} ({checks})"


def test_no_method_checks_membership_the_table_does_not_name() -> None:
    checks = MEMBERSHIP_CHECKS - set(CONDITIONS["nobody"].checks)
    for name, spec in ACTIONS.items():
        if name in MEMBERSHIP:
            continue
        found = sorted(check for check in checks if check in code_of(spec))
        assert not found, f"{name} checks {found}, but signers.MEMBERSHIP names no condition for it"


def test_every_action_says_who_may_sign() -> None:
    for name, spec in ACTIONS.items():
        assert spec.roles or name in MEMBERSHIP, f"{name}: neither a role nor a membership"
