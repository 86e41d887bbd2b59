"""The ledger's stored events as the verifier reads them (:class:`domain.evidence.store.Records`):
raw rows in log order, and the one decoder of their stored bytes — the library's mapper, in
reverse: decrypt (if the store has a cipher), decompress (if a compressor), then transcode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from domain.evidence import topics
from domain.evidence.verifier import StoredRecord


class LedgerRecords:
    """A ledger application's events table, read raw."""

    def __init__(self, ledger: Application[UUID], batch: int = 500) -> None:
        self.ledger = ledger
        self.batch = batch
        self._mapper = ledger.mapper

    def decode(self, state: bytes) -> dict[str, Any]:
        """Stored state bytes, decoded exactly as the ledger's mapper wrote them."""
        if self._mapper.cipher:
            state = self._mapper.cipher.decrypt(state)
        if self._mapper.compressor:
            state = self._mapper.compressor.decompress(state)
        decoded: dict[str, Any] = self._mapper.transcoder.decode(state)
        return decoded

    def all(self, after: int = 0, topic_names: tuple[str, ...] = ()) -> Iterator[StoredRecord]:
        """Every stored event after a notification id, in notification order."""
        last = after
        while True:
            rows = self.ledger.recorder.select_notifications(start=last, limit=self.batch, topics=topic_names,
                                                             inclusive_of_start=False)
            if not rows:
                return
            for row in rows:
                yield StoredRecord(row.id, str(row.originator_id), row.originator_version, row.topic, bytes(row.state))
            last = rows[-1].id

    def one(self, aggregate_id: str, version: int) -> StoredRecord | None:
        """One stored event, by its place (its notification id is not read)."""
        rows = self.ledger.events.recorder.select_events(UUID(aggregate_id), gt=version - 1, lte=version)
        for row in rows:
            return StoredRecord(None, aggregate_id, row.originator_version, row.topic, bytes(row.state))
        return None

    def principals(self) -> Iterator[StoredRecord]:
        """Every principal event, in notification order (for key histories)."""
        return self.all(topic_names=tuple(t for t in topics.EVENT_OF_ACTION.values()
                                          if t.startswith(topics.PRINCIPAL_EVENTS)))
