"""Case snapshots (快照) are derived data: a case replayed from its latest snapshot at or below a
version, plus the events after it, is exactly the case replayed from its first event — and a
snapshot that cannot stand for that state (garbled, moved, or constructing anything but plain
values) is ignored, never trusted."""

from __future__ import annotations

import pickle
from typing import Any
from uuid import UUID

import pytest

from domain.evidence.signing import SigningKey
from domain.model.case import EvaluationCase
from domain.service.ledger import Ledger
from domain.service.snapshots import (
    FORMAT,
    TOPIC,
    SnapshotUnusable,
    decode_case,
    encode_case,
    seal_key,
)
from tests.integration.writers import material
from tests.support import NXScript, World, XXScript

INTERVAL = 7


def state(case: EvaluationCase) -> dict[str, Any]:
    """Everything a case holds, as compared between two replays."""
    return {key: value for key, value in vars(case).items() if key != "_pending_events"}


def from_events(ledger: Ledger, case_id: UUID, version: int | None = None) -> EvaluationCase:
    """The case replayed from its first event (the library's own repository, no snapshots)."""
    case: object = ledger.repository.get(case_id, version=version)
    assert isinstance(case, EvaluationCase)
    return case


def key_of(ledger: Ledger) -> bytes:
    """The ledger's snapshot seal key (derived from the ledger key the world initialised)."""
    key = ledger.case_snapshots.key
    assert key is not None
    return key


def sealed(ledger: Ledger, body: bytes) -> bytes:
    """Snapshot bytes around ``body`` with a seal that holds: what only the ledger key's holder can make."""
    import hashlib
    import hmac

    return FORMAT + hmac.new(key_of(ledger), FORMAT + body, hashlib.sha256).digest() + body


def snapshot_versions(ledger: Ledger, case_id: UUID) -> list[int]:
    recorder = ledger.case_snapshots.recorder
    assert recorder is not None
    return [row.originator_version for row in recorder.select_events(case_id)]


def long_case(world: World, events: int) -> XXScript:
    """An XX case on the simplified procedure (XX-15) with ``events`` events: material collected
    over and over (XX-12(1)), each act signed by the team member."""
    script = XXScript(world, simplified=True)
    script.step("open").run()
    for n in range(events - 1):
        script.do(script.member, "case.collect_material", material(str(n)))
    return script


def test_a_case_replays_from_its_snapshots_exactly_as_from_its_events(ledger: Ledger, world: World) -> None:
    ledger.case_snapshots.interval = INTERVAL
    script = long_case(world, 40)
    taken = snapshot_versions(ledger, script.case_id)
    assert taken == [7, 14, 21, 28, 35]  # taken as each multiple of the interval was recorded
    for version in range(1, 41):
        assert state(ledger.get_case(script.case_id, version)) == state(from_events(ledger, script.case_id, version))
    assert state(ledger.get_case(script.case_id)) == state(from_events(ledger, script.case_id))


@pytest.mark.parametrize("script_class", [NXScript, XXScript])
def test_every_kind_of_case_state_survives_a_snapshot(ledger: Ledger, world: World, script_class: Any) -> None:
    """Every step of both texts, sealed material and findings included: each version's state
    round-trips through a snapshot of its own."""
    script = script_class(world)
    script.run_all()
    case_id = script.case_id
    final = from_events(ledger, case_id)
    for version in range(1, final.version + 1):
        case = from_events(ledger, case_id, version)
        restored = decode_case(encode_case(case, key_of(ledger)), case_id, version, key_of(ledger))
        assert state(restored) == state(case)
        assert restored.phase == case.phase


def test_a_long_replay_leaves_a_snapshot_for_the_next(ledger: Ledger, world: World) -> None:
    """A case recorded before snapshots existed (or whose snapshot write failed) gets one from
    the first replay that had to apply a whole interval of events."""
    script = long_case(world, 30)  # under the default interval: no snapshot on the way
    assert snapshot_versions(ledger, script.case_id) == []
    ledger.case_snapshots.interval = INTERVAL
    assert ledger.get_case(script.case_id, 20).version == 20
    assert snapshot_versions(ledger, script.case_id) == [20]
    assert state(ledger.get_case(script.case_id, 24)) == state(from_events(ledger, script.case_id, 24))


def _put_raw(ledger: Ledger, case_id: UUID, version: int, data: bytes) -> None:
    from eventsourcing.persistence import StoredEvent

    recorder = ledger.case_snapshots.recorder
    assert recorder is not None
    recorder.insert_events([StoredEvent(case_id, version, TOPIC, data)])


class _Evil:
    def __reduce__(self) -> Any:
        import os

        return (os.system, ("echo pwned",))


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda ledger, real: b"garbage", id="not a snapshot"),
        pytest.param(lambda ledger, real: sealed(ledger, b"\x80\x05garbled"), id="garbled pickle"),
        pytest.param(lambda ledger, real: sealed(ledger, pickle.dumps({"x": _Evil()})), id="constructs a callable"),
        pytest.param(lambda ledger, real: sealed(ledger, pickle.dumps([1, 2])), id="not a state"),
        pytest.param(lambda ledger, real: real[:-40] + bytes(40), id="seal broken"),
        pytest.param(lambda ledger, real: FORMAT + bytes(32) + real[len(FORMAT) + 32 :], id="no seal"),
        pytest.param(lambda ledger, real: FORMAT + pickle.dumps({"x": _Evil()}), id="unsealed callable"),
    ],
)
def test_a_snapshot_that_cannot_stand_for_the_state_is_ignored(ledger: Ledger, world: World, forge: Any) -> None:
    script = long_case(world, 12)
    case_id = script.case_id
    _put_raw(ledger, case_id, 10, forge(ledger, encode_case(from_events(ledger, case_id, 10), key_of(ledger))))
    assert state(ledger.get_case(case_id, 11)) == state(from_events(ledger, case_id, 11))
    assert state(ledger.get_case(case_id)) == state(from_events(ledger, case_id))


def test_a_snapshot_of_another_chain_or_version_is_ignored(ledger: Ledger, world: World) -> None:
    """A snapshot is bound to the stored event at its version by the head hash it records."""
    script = long_case(world, 12)
    case_id = script.case_id
    at_five = from_events(ledger, case_id, 5)
    moved = dict(vars(at_five), _version=9, _pending_events=[])  # version 5's state claiming version 9
    _put_raw(ledger, case_id, 9, sealed(ledger, pickle.dumps(moved, protocol=5)))
    assert state(ledger.get_case(case_id, 9)) == state(from_events(ledger, case_id, 9))
    assert ledger.get_case(case_id, 9).materials.keys() == from_events(ledger, case_id, 9).materials.keys()


def test_decoding_refuses_a_snapshot_of_another_case_or_version(ledger: Ledger, world: World) -> None:
    script = long_case(world, 3)
    data = encode_case(from_events(ledger, script.case_id, 3), key_of(ledger))
    with pytest.raises(SnapshotUnusable):
        decode_case(data, script.case_id, 2, key_of(ledger))
    with pytest.raises(SnapshotUnusable):
        decode_case(data, world.genesis.ledger_id, 3, key_of(ledger))
    with pytest.raises(SnapshotUnusable, match="sealed"):
        decode_case(data, script.case_id, 3, seal_key(SigningKey.generate().sign))


def test_a_forged_state_at_the_right_chain_position_is_not_believed(ledger: Ledger, world: World) -> None:
    """Someone with rights on the snapshot table writes a state the events never gave, bound to
    the right head hash but not sealed by the ledger key: replays still show what the events give."""
    script = long_case(world, 12)
    case_id = script.case_id
    real = from_events(ledger, case_id, 10)
    forged = dict(vars(real), _pending_events=[], materials={})  # every collected material gone
    _put_raw(ledger, case_id, 10, FORMAT + bytes(32) + pickle.dumps(forged, protocol=5))
    assert ledger.get_case(case_id, 11).materials.keys() == from_events(ledger, case_id, 11).materials.keys()
    assert len(ledger.get_case(case_id, 11).materials) == 10


def test_without_the_ledger_key_snapshots_are_neither_read_nor_written(ledger: Ledger, world: World) -> None:
    ledger.case_snapshots.interval = INTERVAL
    script = long_case(world, 10)
    assert snapshot_versions(ledger, script.case_id) == [7]
    key = ledger.ledger_key
    ledger.ledger_key = None
    assert ledger.case_snapshots.key is None
    assert state(ledger.get_case(script.case_id, 8)) == state(from_events(ledger, script.case_id, 8))
    for n in range(7):
        script.do(script.member, "case.collect_material", material(f"late-{n}"))
    assert snapshot_versions(ledger, script.case_id) == [7], "no snapshot without the seal key"
    ledger.ledger_key = key


def test_a_snapshot_taken_before_a_field_was_added_is_not_used(ledger: Ledger, world: World) -> None:
    """issue 18: the case keeps its acts (the 全过程记录); a snapshot written by the code before
    holds none, so a replay takes the events instead of failing, and the case still records."""
    script = NXScript(world)
    script.advance_to("submit_plan")
    case = script.case
    old = {k: v for k, v in state(case).items() if k != "acts"}
    data = sealed(ledger, pickle.dumps(old, protocol=5))
    with pytest.raises(SnapshotUnusable, match="acts"):
        decode_case(data, script.case_id, case.version, key_of(ledger))
    recorder = ledger.case_snapshots.recorder
    assert recorder is not None
    from eventsourcing.persistence import StoredEvent

    recorder.insert_events([StoredEvent(script.case_id, case.version, TOPIC, data)])
    replayed = ledger.get_case(script.case_id)
    assert [a["version"] for a in replayed.acts] == list(range(1, case.version + 1))
    script.step("submit_plan").run()

