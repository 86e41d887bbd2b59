"""Keys over time: when a principal's public key may sign.

A key is active from the moment it is recorded until the moment it is rotated out or revoked,
exclusive. Nothing is backdated: a revocation takes effect when it is recorded, so an event that
verified when it was written verifies for ever, and a signature made after the revocation is
refused at write time and reported by ``verify``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.evidence.signing import PublicKey


@dataclass
class KeyRecord:
    keyid: str
    jwk: dict[str, str]
    active_from: datetime
    active_until: datetime | None = None
    ended_by: str = ""  # "rotated" or "revoked"
    reason: str = ""

    @property
    def public_key(self) -> PublicKey:
        return PublicKey.from_jwk(self.jwk)

    def active_at(self, moment: datetime) -> bool:
        return self.active_from <= moment and (
            self.active_until is None or moment < self.active_until
        )

    def describe_at(self, moment: datetime) -> str:
        """Why this key may or may not sign at ``moment``, for error messages."""
        if moment < self.active_from:
            return f"key {self.keyid} is not valid before {self.active_from.isoformat()}"
        if self.active_until is not None and moment >= self.active_until:
            return f"key {self.keyid} was {self.ended_by or 'ended'} at {self.active_until.isoformat()}"
        return f"key {self.keyid} is active"


@dataclass
class KeyHistory:
    """All keys a principal ever had, keyed by key id; never shrinks."""

    keys: dict[str, KeyRecord] = field(default_factory=dict)

    def add(self, jwk: dict[str, Any], at: datetime) -> KeyRecord:
        key = PublicKey.from_jwk(jwk)
        record = KeyRecord(keyid=key.keyid, jwk=key.jwk, active_from=at)
        self.keys[record.keyid] = record
        return record

    def end(self, keyid: str, at: datetime, ended_by: str, reason: str = "") -> None:
        record = self.keys[keyid]
        record.active_until = at
        record.ended_by = ended_by
        record.reason = reason

    def active_at(self, keyid: str, moment: datetime) -> bool:
        record = self.keys.get(keyid)
        return record is not None and record.active_at(moment)

    def active_keys(self, moment: datetime) -> list[KeyRecord]:
        return [record for record in self.keys.values() if record.active_at(moment)]
