"""The signed intent: canonical bytes in, the same intent out; nothing else accepted."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.errors import MalformedInput
from domain.evidence.canonical import canonical_bytes
from domain.evidence.intent import SignedIntent, sign_intent
from domain.evidence.signing import SigningKey, sign
from domain.model.acts import new_intent

AT = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)


def intent_json() -> dict:
    return new_intent(uuid4(), "case.close_evidence", uuid4(), 7, {"note": "完毕"}, AT).to_json()


def test_encoding_is_canonical_and_round_trips() -> None:
    intent = new_intent(uuid4(), "case.close_evidence", uuid4(), 7, {"note": "完毕"}, AT)
    payload = intent.encode()
    assert payload == canonical_bytes(intent.to_json())
    assert b'"signed_at":"2026-03-02T09:00:00.123456Z"' in payload
    assert SignedIntent.open(sign_intent(SigningKey.generate(), intent).to_json()).intent == intent


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"extra": 1}, "unknown extra"),
        ({"type": "other/v9"}, "type"),
        ({"actor": "not-a-uuid"}, "not a UUID"),
        ({"target": "6B3A0F3C-0000-4000-8000-000000000000"}, "lowercase"),
        ({"expected_version": -1}, "non-negative"),
        ({"expected_version": True}, "non-negative"),
        ({"signed_at": "2026-03-02T09:00:00+00:00"}, "six fractional digits"),
        # regression: strptime took these other spellings of one moment
        ({"signed_at": "2026-03-02T09:00:00.5Z"}, "six fractional digits"),
        ({"signed_at": "2026-3-2T9:00:00.000000Z"}, "six fractional digits"),
        ({"signed_at": "2026-03-02T09:00:00.000000z"}, "six fractional digits"),
        ({"nonce": "short"}, "nonce"),
        ({"args": []}, "args"),
    ],
)
def test_bad_intents_are_refused(change: dict, reason: str) -> None:
    data = intent_json()
    data.update(change)
    envelope = sign(SigningKey.generate(), canonical_bytes(data)).to_json()
    with pytest.raises(MalformedInput, match=reason):
        SignedIntent.open(envelope)


def test_missing_fields_are_named() -> None:
    data = intent_json()
    del data["nonce"]
    with pytest.raises(MalformedInput, match="missing nonce"):
        SignedIntent.open(sign(SigningKey.generate(), canonical_bytes(data)).to_json())
