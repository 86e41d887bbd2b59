"""Properties of the envelope parser (``SignedIntent.open``) and the signature check, for any
intent: a validly signed envelope opens to the very intent that was signed, and ANY change to it —
a flipped bit in the payload or the signature, another key id or payload type, base64 spelled
another way, a field added anywhere — is refused with the product's errors
(:class:`MalformedInput` or :class:`SignatureInvalid`): never accepted, never another exception."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import MalformedInput, SignatureInvalid
from domain.evidence.canonical import MAX_SAFE_INTEGER, canonical_bytes
from domain.evidence.intent import Intent, SignedIntent, sign_intent
from domain.evidence.signing import INTENT_PAYLOAD_TYPE, SigningKey, pae
from domain.model.actions import ACTIONS
from tests.unit.test_canonical_properties import values

pytestmark = pytest.mark.fuzz  # generated inputs

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None)
KEY = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))

intents = st.builds(
    Intent,
    actor=st.uuids(),
    action=st.sampled_from(sorted(ACTIONS)),
    target=st.uuids(),
    expected_version=st.integers(0, MAX_SAFE_INTEGER),
    args=st.dictionaries(st.text(max_size=12), values, max_size=4),
    signed_at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)),
    nonce=st.text(min_size=16, max_size=64),
)


def accepted(envelope: Any) -> Intent:
    """What the ledger does before it looks anything up: open, then check the signature."""
    signed = SignedIntent.open(envelope)
    signed.envelope.verify(KEY.public_key)
    return signed.intent


def refused(envelope: Any) -> None:
    with pytest.raises((MalformedInput, SignatureInvalid)):
        accepted(envelope)


def flip(data: bytes, at: int, bit: int) -> bytes:
    at %= len(data)
    return data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1:]


@PROPERTY
@given(intents)
def test_a_signed_envelope_opens_to_the_intent_that_was_signed(intent: Intent) -> None:
    envelope = sign_intent(KEY, intent).to_json()
    assert accepted(envelope) == intent
    over_the_wire = json.loads(json.dumps(envelope))
    assert accepted(over_the_wire) == intent
    assert SignedIntent.open(over_the_wire).envelope.to_json() == envelope


@PROPERTY
@given(intents, st.integers(0, 2**16), st.integers(0, 7))
def test_a_flipped_bit_in_the_payload_is_refused(intent: Intent, at: int, bit: int) -> None:
    envelope = sign_intent(KEY, intent).to_json()
    payload = flip(base64.b64decode(envelope["payload"]), at, bit)
    refused({**envelope, "payload": base64.b64encode(payload).decode()})


@PROPERTY
@given(intents, st.integers(0, 63), st.integers(0, 7))
def test_a_flipped_bit_in_the_signature_is_refused(intent: Intent, at: int, bit: int) -> None:
    envelope = sign_intent(KEY, intent).to_json()
    sig = flip(base64.b64decode(envelope["signatures"][0]["sig"]), at, bit)
    refused({**envelope, "signatures": [{**envelope["signatures"][0], "sig": base64.b64encode(sig).decode()}]})


@PROPERTY
@given(intents, st.text(max_size=200) | st.integers() | st.none())
def test_another_key_id_is_refused(intent: Intent, keyid: Any) -> None:
    envelope = sign_intent(KEY, intent).to_json()
    if keyid == KEY.keyid:
        return
    refused({**envelope, "signatures": [{**envelope["signatures"][0], "keyid": keyid}]})


@PROPERTY
@given(intents, st.text(max_size=80) | st.integers() | st.none())
def test_another_payload_type_is_refused(intent: Intent, payload_type: Any) -> None:
    envelope = sign_intent(KEY, intent).to_json()
    if payload_type == envelope["payloadType"]:
        return
    refused({**envelope, "payloadType": payload_type})


def respellings(text: str) -> st.SearchStrategy[str]:
    """The same bytes, or nearly, in base64 spelled otherwise than canonically."""
    def unused_bits(t: str) -> str:
        body = t.rstrip("=")
        if len(body) == len(t):
            return t
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        return body[:-1] + alphabet[alphabet.index(body[-1]) | 1] + t[len(body):]
    at = st.integers(0, len(text))
    return st.one_of(
        st.just(text.rstrip("=")),
        st.just(text + "="),
        st.just(text.replace("+", "-").replace("/", "_")),
        st.just(unused_bits(text)),
        st.just(" " + text),
        at.map(lambda i: text[:i] + "\n" + text[i:]),
        st.just(base64.encodebytes(base64.b64decode(text)).decode()),
    )


@PROPERTY
@given(intents, st.sampled_from(["payload", "sig"]), st.data())
def test_base64_spelled_any_other_way_is_refused(intent: Intent, where: str, data: st.DataObject) -> None:
    envelope = sign_intent(KEY, intent).to_json()
    original = envelope["payload"] if where == "payload" else envelope["signatures"][0]["sig"]
    spelled = data.draw(respellings(original))
    if spelled == original:
        return
    if where == "payload":
        changed = {**envelope, "payload": spelled}
    else:
        changed = {**envelope, "signatures": [{**envelope["signatures"][0], "sig": spelled}]}
    with pytest.raises(MalformedInput, match="base64"):
        accepted(changed)


@PROPERTY
@given(intents, st.text(min_size=1, max_size=12), values)
def test_a_field_added_to_the_envelope_or_its_signature_is_refused(intent: Intent, name: str, value: Any) -> None:
    envelope = sign_intent(KEY, intent).to_json()
    signature = envelope["signatures"][0]
    if name not in envelope:
        with pytest.raises(MalformedInput, match="unknown envelope fields"):
            accepted({**envelope, name: value})
    if name not in signature:
        with pytest.raises(MalformedInput, match="nothing else"):
            accepted({**envelope, "signatures": [{**signature, name: value}]})
    with pytest.raises(MalformedInput, match="exactly one signature"):
        accepted({**envelope, "signatures": [signature, signature]})


@PROPERTY
@given(intents, st.text(min_size=1, max_size=12), values)
def test_a_field_added_to_a_validly_signed_intent_is_refused(intent: Intent, name: str, value: Any) -> None:
    """Even signed by the right key: the intent's fields are fixed."""
    body = intent.to_json()
    if name in body:
        return
    envelope = sign_intent(KEY, intent).to_json()
    payload = canonical_bytes({**body, name: value})
    resigned = {**envelope, "payload": base64.b64encode(payload).decode(), "signatures": [
        {"keyid": KEY.keyid, "sig": base64.b64encode(KEY.sign(pae(INTENT_PAYLOAD_TYPE, payload))).decode()}]}
    with pytest.raises(MalformedInput, match="unknown"):
        accepted(resigned)


anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
envelope_shaped = st.fixed_dictionaries({
    "payload": anything | st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode()),
    "payloadType": st.just(INTENT_PAYLOAD_TYPE) | anything,
    "signatures": st.lists(st.fixed_dictionaries({"keyid": st.just(KEY.keyid) | anything,
                                                  "sig": anything}), max_size=2) | anything,
})


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(anything | envelope_shaped)
def test_anything_else_posted_as_an_envelope_is_refused_never_a_crash(anything: Any) -> None:
    refused(anything)
