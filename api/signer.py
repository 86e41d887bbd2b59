"""A signer: one person's principal id and key, signing intents as a client does.

The key is loaded from the person's own key file; the ledger only ever sees the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from api.keyfiles import read_key
from domain.evidence.intent import sign_intent
from domain.evidence.signing import Envelope, SigningKey
from domain.model.acts import new_intent
from domain.service.ledger import Ledger, Recorded


@dataclass(frozen=True)
class Signer:
    principal_id: UUID
    key: SigningKey
    name: str = ""

    @classmethod
    def from_key_file(cls, principal_id: UUID, path: Path, name: str = "") -> Signer:
        return cls(principal_id, read_key(path), name)

    def sign(self, action: str, target: UUID, expected_version: int, args: dict[str, Any]) -> Envelope:
        return sign_intent(self.key, new_intent(self.principal_id, action, target, expected_version, args))

    def act(self, ledger: Ledger, action: str, target: UUID, args: dict[str, Any]) -> Recorded:
        """Sign an intent against the target's current version and submit it in-process."""
        envelope = self.sign(action, target, ledger.version_of(target), args)
        return ledger.submit(envelope.to_json())
