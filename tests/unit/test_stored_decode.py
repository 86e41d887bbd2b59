"""Stored events are read for their meaning (``open_stored``, ``stored_act``): the same act as
the full checks give, what they do not re-check is left to
``verify``, and fresh submissions keep every check."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import MalformedInput
from domain.evidence.canonical import canonical_bytes
from domain.evidence.intent import SignedIntent, sign_intent
from domain.evidence.signing import SigningKey, b64encode, sign
from domain.model.acts import Act, new_intent, open_stored, stored_act
from domain.model.aggregate import LedgerEvent
from domain.model.commands.case import CloseEvidence, CollectMaterial
from domain.service.ledger import Ledger
from tests.support import NXScript, World, XXScript

AT = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)


def envelope_of(data: dict[str, Any]) -> dict[str, Any]:
    return sign(SigningKey.generate(), canonical_bytes(data)).to_json()


def intent_json(**changes: Any) -> dict[str, Any]:
    data = new_intent(uuid4(), "case.close_evidence", uuid4(), 7, {"note": "完毕"}, AT).to_json()
    data.update(changes)
    return data


def test_every_stored_event_reads_as_the_full_checks_read_it(ledger: Ledger) -> None:
    world = World(ledger)
    NXScript(world).run_all()
    XXScript(world).run_all()
    XXScript(world, simplified=True).run_all()
    actions = set()
    for record in ledger.recorder.select_notifications(start=0, limit=10_000):
        event = ledger.mapper.to_domain_event(record)
        assert isinstance(event, LedgerEvent)
        full = Act.decode(event.envelope, event.COMMAND, event.rulebook)
        act = stored_act(event)
        assert act == full and type(act.command) is type(full.command)
        assert act.intent.args == full.intent.args and type(act.intent.actor) is type(full.intent.actor)
        actions.add(act.intent.action)
    assert len(actions) >= 20, "the scripts exercise most commands"


def test_an_event_read_again_reads_the_same(ledger: Ledger) -> None:
    """Reading a stored event twice — the same event object, or the same row mapped again — gives
    the same act."""
    world = World(ledger)
    script = XXScript(world)
    script.advance_to("collect_material")
    [record] = ledger.recorder.select_notifications(start=0, limit=1)
    first, again = ledger.mapper.to_domain_event(record), ledger.mapper.to_domain_event(record)
    assert isinstance(first, LedgerEvent) and isinstance(again, LedgerEvent)
    assert stored_act(first) == stored_act(first) == stored_act(again)


@pytest.mark.parametrize(
    ("garble", "reason"),
    [
        (lambda e: {**e, "payload": "not base64!"}, "not standard padded base64"),
        (lambda e: {**e, "signatures": []}, "exactly one signature"),
        (lambda e: {k: v for k, v in e.items() if k != "payloadType"}, "payloadType"),
        (lambda e: {**e, "payload": b64encode(b'{"action":')}, "not JSON"),
        (lambda e: {**e, "payload": b64encode(canonical_bytes({**intent_json(), "nonce": 5}))}, "nonce"),
        (lambda e: {**e, "payload": b64encode(canonical_bytes({**intent_json(), "args": {"note": 3}}))},
         "case.close_evidence args"),
    ],
)
def test_a_garbled_stored_envelope_fails_as_the_full_checks_do(garble: Any, reason: str) -> None:
    """What the fast reading cannot read goes through the full checks: the same error."""
    garbled = garble(envelope_of(intent_json()))
    with pytest.raises(MalformedInput, match=reason):
        open_stored(garbled, CloseEvidence)
    with pytest.raises(MalformedInput, match=reason):
        Act.decode(garbled, CloseEvidence)


def test_what_is_left_to_verify_and_still_refused_on_submission() -> None:
    """A payload in another spelling than RFC 8785's (only a rewritten store can hold one: the
    ledger records canonical payloads only, and ``verify`` checks every stored one) reads as its
    meaning; a fresh submission of it is refused."""
    intent = new_intent(uuid4(), "case.close_evidence", uuid4(), 7, {"note": "完毕"}, AT)
    spelled = json.dumps(intent.to_json(), indent=1).encode()  # whitespace, non-canonical
    envelope = sign(SigningKey.generate(), spelled).to_json()
    _, read, command = open_stored(envelope, CloseEvidence)
    assert read == intent and command == CloseEvidence.parse({"note": "完毕"})
    with pytest.raises(MalformedInput, match="canonical"):
        SignedIntent.open(envelope)
    with pytest.raises(MalformedInput, match="canonical"):
        Act.decode(envelope, CloseEvidence)


def test_the_command_is_parsed_strictly_as_on_submission() -> None:
    """The stored reading validates the command with its own strict JSON-mode validator."""
    key = SigningKey.generate()
    args = {"material_id": str(uuid4()), "title": "t", "source": "s", "stance": "neutral",
            "classification": "none", "period": "during", "digest": "0" * 64, "summary": "s"}
    intent = new_intent(uuid4(), CollectMaterial.ACTION, uuid4(), 3, args, AT)
    _, _, command = open_stored(sign_intent(key, intent).to_json(), CollectMaterial)
    assert command == CollectMaterial.parse(args)
    bad = new_intent(uuid4(), CollectMaterial.ACTION, uuid4(), 3, {**args, "title": None, "source": None}, AT)
    with pytest.raises(MalformedInput, match="missing title, source"):
        open_stored(sign_intent(key, bad).to_json(), CollectMaterial)
