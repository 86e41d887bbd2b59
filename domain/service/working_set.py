"""The writer's working set: the aggregates it holds in memory between commits.

Judging an intent needs its target and its signer as they stand now. Rebuilding them from the
store for every write cost most of a write's time (a case replays from its latest snapshot plus
up to a hundred events). The writer therefore keeps the aggregates it has loaded or written, as
they stood after its last commit, and before each batch asks the store what any other process
recorded since (one query on the notification log): an aggregate someone else advanced is
dropped and loaded again when next needed.

The working set is the writer's alone: the ledger touches it only while it holds its write
lock, and no reader ever sees it (readers rebuild their own copies). An aggregate an intent
changed is put back only once its events are committed; a batch that fails drops everything
it touched.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Protocol
from uuid import UUID

from domain.model.aggregate import LedgerAggregate

#: aggregates kept (least recently used dropped first)
MAX_AGGREGATES = 2048
#: a store that moved on by more than this many events since the last batch is not read
#: event by event: the whole working set is dropped instead
MAX_CATCH_UP = 1000


class NotificationLog(Protocol):
    """What the working set reads of the store: the library's application recorder."""

    def max_notification_id(self) -> int | None: ...

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Any = (), *, inclusive_of_start: bool = True) -> Any: ...


class WorkingSet:
    """Aggregates as they stood after the writer's last commit, and the notification id up to
    which every stored event is reflected in them."""

    def __init__(self, log: NotificationLog, maxsize: int = MAX_AGGREGATES) -> None:
        self._log = log
        self._maxsize = maxsize
        self._aggregates: OrderedDict[UUID, LedgerAggregate] = OrderedDict()
        self._seen: int | None = None  # every event up to this id is reflected here

    def __len__(self) -> int:
        return len(self._aggregates)

    def get(self, aggregate_id: UUID) -> LedgerAggregate | None:
        aggregate = self._aggregates.get(aggregate_id)
        if aggregate is not None:
            self._aggregates.move_to_end(aggregate_id)
        return aggregate

    def keep(self, aggregate: LedgerAggregate) -> None:
        """Hold ``aggregate`` (committed, or just loaded from the store)."""
        self._aggregates[aggregate.id] = aggregate
        self._aggregates.move_to_end(aggregate.id)
        while len(self._aggregates) > self._maxsize:
            self._aggregates.popitem(last=False)

    def drop(self, aggregate_ids: Iterable[UUID]) -> None:
        for aggregate_id in aggregate_ids:
            self._aggregates.pop(aggregate_id, None)

    def clear(self) -> None:
        self._aggregates.clear()
        self._seen = None

    def catch_up(self) -> None:
        """Drop every held aggregate another process has advanced since the last look."""
        top = self._log.max_notification_id() or 0
        if self._seen is None or top - self._seen > MAX_CATCH_UP or top < self._seen:
            self._aggregates.clear()
            self._seen = top
            return
        if top == self._seen:
            return
        rows = self._log.select_notifications(
            start=self._seen, limit=top - self._seen, stop=top, inclusive_of_start=False
        )
        for row in rows:
            aggregate_id = UUID(str(row.originator_id))
            held = self._aggregates.get(aggregate_id)
            if held is not None and held.version < row.originator_version:
                del self._aggregates[aggregate_id]
        self._seen = top

    def committed(self, notification_ids: list[int]) -> None:
        """The writer's own batch was stored under these ids: if nothing else was stored since
        the last look and in between, they are seen too (else the next look reads the gap)."""
        if self._seen is None or not notification_ids:
            return
        ids = sorted(notification_ids)
        if ids[0] == self._seen + 1 and ids[-1] - ids[0] == len(ids) - 1:
            self._seen = ids[-1]
