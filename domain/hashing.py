"""Hash rules of the per-aggregate chains.

Every stored event carries ``prev_hash`` and ``hash``. The hash covers everything stored for the
event except the hash itself: the aggregate id, the version, the topic, and every attribute of
the stored state (the signed envelope verbatim, the recording time, ``prev_hash``, the aggregate
topic of a creation event, and any attribute added later). Concretely::

    hash = lowercase hex SHA-256 of RFC 8785 bytes of
      {"aggregate_id": "<uuid>", "version": <int>, "topic": "<event topic>",
       "state": {<stored attributes except "hash">}}

where times in ``state`` are written as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` and UUIDs as lowercase
hyphenated strings. The first event of an aggregate links to the aggregate's genesis hash::

    prev_hash(version 1) = lowercase hex SHA-256 of UTF-8 "decision-ledger/aggregate/v1\\n<uuid>"

A changed, removed, reordered or transplanted event therefore breaks its own hash or the link
from its successor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.canonical import canonical_bytes
from domain.clock import format_time

HASH_FIELD = "hash"


def genesis_hash(aggregate_id: UUID | str) -> str:
    return hashlib.sha256(f"decision-ledger/aggregate/v1\n{aggregate_id}".encode()).hexdigest()


def jsonable(value: Any) -> Any:
    """The hash-input spelling of a stored value."""
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value


def event_hash(
    aggregate_id: UUID | str, version: int, topic: str, state: Mapping[str, Any]
) -> str:
    body = {
        "aggregate_id": str(aggregate_id),
        "version": version,
        "topic": topic,
        "state": {key: jsonable(value) for key, value in state.items() if key != HASH_FIELD},
    }
    return hashlib.sha256(canonical_bytes(body)).hexdigest()
