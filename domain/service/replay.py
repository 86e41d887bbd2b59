"""A case as it stood: now, at a version, or at a moment (the last event recorded then) —
replayed from its events (from its latest sealed snapshot at or below, where there is one)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.errors import NotFound
from domain.evidence.times import format_time
from domain.model.case import EvaluationCase
from domain.service.ledger import Ledger


def case_at(ledger: Ledger, case_id: UUID, at: int | datetime | None = None,
            hint: int | None = None) -> EvaluationCase:
    """The case now (``None``), at a version (an ``int``) or at a moment (a ``datetime``: the
    last event recorded then; ``hint``: that version as a read model says, :func:`version_at`);
    :class:`NotFound` if it did not exist yet or has no such version."""
    version: int | None
    if isinstance(at, datetime):
        version = version_at(ledger, case_id, at, hint)
        if version == 0:
            raise NotFound(f"案件 {case_id} 在 {format_time(at)} 尚不存在 / case {case_id} did not exist yet at {format_time(at)}")
    else:
        version = at
    case = ledger.get_case(case_id, version)
    if version is not None and case.version != version:
        raise NotFound(f"案件 {case_id} 没有第 {version} 版，现为第 {case.version} 版 / "
                       f"case {case_id} has no version {version}; it is at version {case.version}")
    return case


def version_at(ledger: Ledger, case_id: UUID, moment: datetime, hint: int | None = None) -> int:
    """The version of the case's last event recorded at or before ``moment`` (0: none was).

    A case's recorded times never go backwards (the ledger's clock), so the answer is where its
    events cross the moment. ``hint`` (issue 19 — perf2: the version the actions read model gives,
    one query) is taken only once the stored events confirm it — the event at ``hint`` recorded by
    the moment and the next one after it, one read of two events; otherwise (no hint, or a read
    model behind the events) the stored events are bisected, one event read per step, never all
    of them."""
    if hint is not None and hint >= 0:
        around = {int(e.originator_version): e.timestamp  # type: ignore[attr-defined]
                  for e in ledger.events.get(case_id, gt=max(hint - 1, 0), lte=hint + 1)}
        before = hint == 0 or (hint in around and around[hint] <= moment)
        after = hint + 1 not in around or around[hint + 1] > moment
        if before and after:
            return hint
    low = 0  # recorded by the moment (0: before the first event)
    high = None  # the first version known to be recorded after it
    for event in ledger.events.get(case_id, desc=True, limit=1):
        if event.timestamp <= moment:  # type: ignore[attr-defined]
            return int(event.originator_version)
        high = int(event.originator_version)
    if high is None:
        return 0
    while high - low > 1:
        middle = (low + high) // 2
        stored = ledger.stored_event(case_id, middle)
        if stored is None:
            raise NotFound(f"案件 {case_id} 没有第 {middle} 版的事件 / case {case_id} has no stored event at version {middle}")
        if stored.timestamp <= moment:
            low = middle
        else:
            high = middle
    return low

