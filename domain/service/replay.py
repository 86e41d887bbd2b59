"""A case as it stood: now, at a version, or at a moment (the last event recorded then) —
replayed from its events (from its latest sealed snapshot at or below, where there is one)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.errors import NotFound
from domain.evidence.times import format_time
from domain.model.case import EvaluationCase
from domain.service.ledger import Ledger


def case_at(ledger: Ledger, case_id: UUID, at: int | datetime | None = None) -> EvaluationCase:
    """The case now (``None``), at a version (an ``int``) or at a moment (a ``datetime``: the
    last event recorded then); :class:`NotFound` if it did not exist yet or has no such version."""
    version: int | None
    if isinstance(at, datetime):
        version = 0
        for event in ledger.events.get(case_id):
            if event.timestamp > at:  # type: ignore[attr-defined]
                break
            version = event.originator_version
        if version == 0:
            raise NotFound(f"case {case_id} did not exist yet at {format_time(at)}")
    else:
        version = at
    case = ledger.get_case(case_id, version)
    if version is not None and case.version != version:
        raise NotFound(f"case {case_id} has no version {version}; it is at version {case.version}")
    return case
