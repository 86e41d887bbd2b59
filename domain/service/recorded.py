"""What was stored for one accepted intent: the answer to a write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Recording

from domain.evidence.times import format_time
from domain.model.aggregate import LedgerEvent


@dataclass(frozen=True)
class Recorded:
    """What was stored for one accepted intent."""

    aggregate_id: UUID
    version: int
    event: str  # the event's name, e.g. "MaterialExcluded"
    topic: str
    event_hash: str
    recorded_at: datetime
    notification_id: int | None
    findings: tuple[str, ...] = ()  # rule ids of the findings raised with it

    @classmethod
    def of(cls, event: LedgerEvent, recording: Recording[UUID] | None, findings: tuple[str, ...] = ()) -> Recorded:
        """What was stored for ``event`` (its notification id from ``recording``, if any)."""
        return cls(
            aggregate_id=event.originator_id,
            version=event.originator_version,
            event=type(event).__name__,
            topic=type(event).TOPIC,  # type: ignore[attr-defined]
            event_hash=event.hash,
            recorded_at=event.timestamp,
            notification_id=recording.notification.id if recording and recording.notification else None,
            findings=findings,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "aggregate_id": str(self.aggregate_id),
            "version": self.version,
            "event": self.event,
            "topic": self.topic,
            "hash": self.event_hash,
            "recorded_at": format_time(self.recorded_at),
            "notification_id": self.notification_id,
            "findings": list(self.findings),
        }
