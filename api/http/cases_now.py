"""Cases decoded once per version for the pages that read them (issue 19 point 7: the case page,
its story, its timeline and its version pages, of a case of 10,000 events).

A case's state at a version is fixed by its events up to that version: the same version with the
same head hash (the hash of its last event, which the chain links every earlier event into) is
the same state, whoever reads it. So the pages keep the last few states they decoded and, on each
request, read one stored event — the case's last for the case now, the one at the version asked
otherwise — to tell whether the state kept is still that one; if a later event was recorded, or
the state kept is of another chain, the case is read again from the ledger (its snapshot and the
events after it: for 10,000 materials, ~3 MB decoded).

The states kept are shared by concurrent requests, so they are only read: a page that shows the
case otherwise (the materials a reader may see) makes a copy (:func:`projections.timeline.readable_case`).
Access is still judged on every request, against the case now (:func:`api.http.reads.readable`).
A state kept outlives the request's pause of the garbage collector (:mod:`projections.gc_pause`),
so the collector promotes its containers through its generations once, at the reading that
decoded it: that reading costs more than one that frees the state, the ones after it far less.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from uuid import UUID

from domain.model.aggregate import LedgerEvent
from domain.model.case import EvaluationCase
from domain.service.ledger import Ledger

#: how many cases are kept decoded (a case of 10,000 materials is some tens of MB of objects)
KEPT = 4


class CasesNow:
    """The states of cases last read (the case now, or at a version), each checked against the
    stored chain when asked."""

    def __init__(self, ledger: Ledger, kept: int = KEPT) -> None:
        self.ledger = ledger
        self.kept = kept
        self._cases: OrderedDict[tuple[UUID, int | None], EvaluationCase] = OrderedDict()
        self._lock = threading.Lock()
        #: how many cases were read from the ledger, and how many answered from those kept
        self.decoded = self.reused = 0

    def _stored(self, case_id: UUID, version: int | None) -> LedgerEvent | None:
        """The case's last stored event (``version`` None), or its event at ``version``."""
        events = (self.ledger.events.get(case_id, desc=True, limit=1) if version is None
                  else self.ledger.events.get(case_id, gt=version - 1, lte=version))
        for event in events:
            return event if isinstance(event, LedgerEvent) else None
        return None

    def find(self, case_id: UUID) -> EvaluationCase | None:
        """The case now (None if there is no such case): the state kept if the last stored event is
        still its head, else read from the ledger and kept."""
        return self._state(case_id, None)

    def at(self, case_id: UUID, version: int) -> EvaluationCase | None:
        """The case at ``version`` (None if it has no such version), as :meth:`find`."""
        return self._state(case_id, version) if version >= 1 else None

    def _state(self, case_id: UUID, version: int | None) -> EvaluationCase | None:
        head = self._stored(case_id, version)
        if head is None:
            return None
        key = (case_id, version)
        with self._lock:
            kept = self._cases.get(key)
            if kept is not None and kept.version == head.originator_version and kept.head_hash == head.hash:
                self._cases.move_to_end(key)
                self.reused += 1
                return kept
        case = self.ledger.find_case(case_id, version)
        if case is None or (version is not None and case.version != version):
            return None
        with self._lock:
            self.decoded += 1
            held = self._cases.get(key)
            if held is None or held.version <= case.version:
                self._cases[key] = case
                self._cases.move_to_end(key)
            while len(self._cases) > self.kept:
                self._cases.popitem(last=False)
        return case

    def clear(self) -> None:
        with self._lock:
            self._cases.clear()
