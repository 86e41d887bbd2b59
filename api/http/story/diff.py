"""What one version of a case changed (issue 19 point 3): the case's parts as they stood before
and after the event, compared part by part. Pure: two rendered states in, a list of parts out.

A scalar shows old → new; a list, the items added and removed; a mapping (materials, team,
activities … keyed by id), the entries added, removed and changed. Unchanged parts are kept so
the page can fold them away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"
EMPTY: tuple[Any, ...] = (None, "", [], {})


@dataclass
class Part:
    """One part of the case's state at a version, and how this version changed it."""

    key: str
    status: str  # ADDED, REMOVED, CHANGED or SAME
    value: Any  # as it stands at this version (None once removed)
    before: Any = None  # as it stood at the previous version
    added: list[Any] = field(default_factory=list)  # list items, or mapping entries (key, value)
    removed: list[Any] = field(default_factory=list)
    changed: list[tuple[str, Any, Any]] = field(default_factory=list)  # mapping entries: (key, old, new)
    # issue 19 — perf: a part too large to show whole (api/http/version_page.py): ``value`` is not
    # rendered, ``size`` says how many entries it holds
    folded: bool = False
    size: int = 0

    @property
    def scalar(self) -> bool:
        if self.folded:
            return False
        return not isinstance(self.value if self.value not in EMPTY else self.before, list | dict)


def _present(value: Any) -> bool:
    return value not in EMPTY


def compare(key: str, before: Any, after: Any) -> Part:
    """How ``key`` went from ``before`` to ``after``."""
    if not _present(before) and not _present(after):
        return Part(key, SAME, after)
    if not _present(before):
        part = Part(key, ADDED, after)
    elif not _present(after):
        part = Part(key, REMOVED, None, before=before)
    elif before == after:
        return Part(key, SAME, after)
    else:
        part = Part(key, CHANGED, after, before=before)
    old = before if _present(before) else type(after)()
    new = after if _present(after) else type(before)()
    if isinstance(new, dict) and isinstance(old, dict):
        part.added = [(k, v) for k, v in new.items() if k not in old]
        part.removed = [(k, v) for k, v in old.items() if k not in new]
        part.changed = [(k, old[k], v) for k, v in new.items() if k in old and old[k] != v]
    elif isinstance(new, list) and isinstance(old, list):
        part.added = _minus(new, old)
        part.removed = _minus(old, new)
    return part


def _minus(items: Iterable[Any], others: list[Any]) -> list[Any]:
    """The items not in ``others``, counting repeats (a list's items may be dicts: not hashable)."""
    left = list(others)
    out = []
    for item in items:
        if item in left:
            left.remove(item)
        else:
            out.append(item)
    return out


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any], keys: Iterable[str]) -> list[Part]:
    """Every part named in ``keys`` (the pages' order) present before or after, with its change;
    ``before`` is ``None`` at the first version (everything it holds was added)."""
    previous = before or {}
    parts = []
    for key in keys:
        part = compare(key, previous.get(key), after.get(key))
        if part.status != SAME or _present(part.value):
            parts.append(part)
    return parts
