"""The chain hash rule, recomputed from its written definition with nothing but hashlib and
an RFC 8785 encoder, over what the store holds for real events."""

import hashlib
import json
from datetime import datetime

import rfc8785

from domain.evidence.hashing import event_hash, genesis_hash
from domain.service.ledger import Ledger
from tests.support import NXScript, World, XXScript


def test_genesis_hash_is_the_documented_string() -> None:
    aggregate = "6b3a0f3c-1d2e-4f50-8a9b-0c1d2e3f4a5b"
    expected = hashlib.sha256(f"decision-ledger/aggregate/v1\n{aggregate}".encode()).hexdigest()
    assert genesis_hash(aggregate) == expected


def stored(ledger: Ledger) -> list:
    return list(ledger.recorder.select_notifications(start=1, limit=10_000))


def test_every_stored_event_hashes_to_its_stored_hash(world: World) -> None:
    NXScript(world).run_all()
    XXScript(world, simplified=True).run_all()
    rows = stored(world.ledger)
    assert len(rows) > 40
    previous: dict[str, str] = {}
    for row in rows:
        state = json.loads(row.state)  # the stored bytes, read with no library
        timestamp = state["timestamp"]
        assert timestamp["_type_"] == "datetime_iso"
        body_state = {k: v for k, v in state.items() if k != "hash"}
        # The documented spelling of a time in the hash input: UTC, six digits, Z.
        moment = datetime.fromisoformat(timestamp["_data_"])
        body_state["timestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body = {
            "aggregate_id": str(row.originator_id),
            "version": row.originator_version,
            "topic": row.topic,
            "state": body_state,
        }
        assert hashlib.sha256(rfc8785.dumps(body)).hexdigest() == state["hash"], row.topic
        aggregate = str(row.originator_id)
        assert state["prev_hash"] == previous.get(aggregate, genesis_hash(aggregate))
        previous[aggregate] = state["hash"]


def test_hash_changes_with_any_stored_field() -> None:
    state = {"timestamp": "t", "envelope": {"payload": "x"}, "prev_hash": "p"}
    base = event_hash("a", 1, "topic", state)
    assert event_hash("a", 2, "topic", state) != base
    assert event_hash("b", 1, "topic", state) != base
    assert event_hash("a", 1, "other", state) != base
    assert event_hash("a", 1, "topic", {**state, "prev_hash": "q"}) != base
    assert event_hash("a", 1, "topic", {**state, "hash": "ignored"}) == base
