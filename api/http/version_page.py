"""What one version of a case changed, computed for a case of 10,000 events (issue 19 point 7 —
perf): the same parts as :func:`api.http.story.diff.changes` over the two whole states rendered as
the reader may see them, without rendering the whole states.

The two versions are compared on the case's own values first: an entry of a part (a material, a
member of the team…) equal in both, and — for a material — opened or withheld alike for this
reader at both versions, renders alike, so it is left unrendered; only the entries that differ
are rendered (as :func:`projections.timeline.readable_case` and :func:`projections.queries.render_case`
would) and compared as rendered. A part of more than :data:`FOLD` entries is not rendered whole:
the page says how many entries it holds (``folded``), and lists what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from api.http.story import diff
from domain.evidence.hashing import jsonable
from domain.model.case import EvaluationCase
from domain.model.principal import Principal
from domain.service.access import (
    can_read_case,
    clearance,
    disclose_material,
    is_lead_unit,
    oversees_case,
    redact_material,
)
from domain.service.ledger import Ledger
from projections.timeline import Looked

#: a part of more entries than this is shown as its count (what changed in it is still listed)
FOLD = 200

Render = Callable[[Any, Any], Any]


def _state(case: EvaluationCase) -> dict[str, Any]:
    """The case's state as :func:`projections.queries.render_case` takes it, not yet rendered."""
    state = {k: v for k, v in vars(case).items() if not k.startswith("_")}
    state.update(id=case.id, version=case.version, phase=case.phase.value, created_on=case.created_on,
                 modified_on=case.modified_on)
    return state


def _plain(_key: Any, value: Any) -> Any:
    return jsonable(value)


class _Materials:
    """A case's materials as one reader sees them (opened where cleared, else withheld), each
    rendered only when asked."""

    def __init__(self, case: EvaluationCase, reader: Principal, ledger: Ledger, looked: Looked) -> None:
        self.case, self.keyring = case, ledger.keyring
        self._clearance = clearance(reader, case, looked)
        self._cleared: dict[str, bool] = {}
        #: every fact of the case :func:`clearance` reads besides the material (issue 19 — perf2):
        #: two states alike in these clear an equal material alike
        self.standing = (can_read_case(reader, case, looked), oversees_case(reader, case, looked),
                         is_lead_unit(reader, case, looked), str(reader.id) in case.team)

    def cleared(self, material_id: str, material: dict[str, Any]) -> bool:
        if material_id not in self._cleared:
            self._cleared[material_id] = self._clearance(material)
        return self._cleared[material_id]

    def render(self, material_id: Any, material: Any) -> Any:
        shown = (disclose_material(self.keyring, self.case.id, material_id, material)
                 if self.cleared(material_id, material) else redact_material(material))
        return jsonable(shown)


def _part(key: str, before: Any, after: Any, render_before: Render, render_after: Render,
          same: Callable[[Any], bool]) -> diff.Part:
    """A mapping part compared entry by entry; ``same(k)``: entry ``k``, equal in both, renders alike."""
    old, new = before or {}, after or {}
    added = [(str(k), render_after(k, v)) for k, v in new.items() if k not in old]
    removed = [(str(k), render_before(k, v)) for k, v in old.items() if k not in new]
    changed = []
    for k, v in new.items():
        if k in old and not (old[k] == v and same(k)):
            was, now = render_before(k, old[k]), render_after(k, v)
            if was != now:
                changed.append((str(k), was, now))
    present_before, present_after = bool(old), bool(new)
    if not present_before and not present_after:
        return diff.Part(key, diff.SAME, jsonable(after))
    status = (diff.ADDED if not present_before else diff.REMOVED if not present_after
              else diff.SAME if not (added or removed or changed) else diff.CHANGED)
    part = diff.Part(key, status, None)
    if status != diff.SAME:
        part.added, part.removed, part.changed = added, removed, changed
    if present_after:
        if len(new) > FOLD:
            part.folded, part.size = True, len(new)
        else:
            part.value = {str(k): render_after(k, v) for k, v in new.items()}
    if status in (diff.REMOVED, diff.CHANGED):
        if len(old) > FOLD:
            part.folded, part.size = True, part.size or len(old)
        else:
            part.before = {str(k): render_before(k, v) for k, v in old.items()}
    return part


def changes(before_case: EvaluationCase | None, after_case: EvaluationCase, reader: Principal, ledger: Ledger,
            keys: Iterable[str], looked: Looked | None = None) -> list[diff.Part]:
    """:func:`api.http.story.diff.changes` of the two versions as the reader may see them
    (``before_case`` ``None`` at the first version), large parts folded; ``looked``: the page's
    lookups in the ledger, when it has them."""
    after = _state(after_case)
    before = _state(before_case) if before_case is not None else {}
    looked = looked or Looked(ledger)
    materials_after = _Materials(after_case, reader, ledger, looked)
    materials_before = _Materials(before_case, reader, ledger, looked) if before_case is not None else None
    parts = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if key == "materials":
            def same(k: Any, old: Any = old, new: Any = new) -> bool:
                assert materials_before is not None
                if materials_before.standing == materials_after.standing:
                    return True  # an equal material, cleared alike (issue 19 — perf2)
                return materials_before.cleared(k, old[k]) == materials_after.cleared(k, new[k])

            part = _part(key, old, new, materials_before.render if materials_before else _plain,
                         materials_after.render, same)
        elif isinstance(new, dict) and isinstance(old, dict | None) or isinstance(old, dict) and new is None:
            part = _part(key, old, new, _plain, _plain, lambda k: True)
        elif isinstance(new, list) and len(new) > FOLD and old == new:
            part = diff.Part(key, diff.SAME, None, folded=True, size=len(new))
        else:
            part = diff.compare(key, jsonable(old), jsonable(new))
        if part.status != diff.SAME or part.folded or part.value not in diff.EMPTY:
            parts.append(part)
    return parts
