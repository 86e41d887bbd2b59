"""The fast paths verify takes (canonical parse without hooks, the one-walk event hash, slim
hand-over between processes) decide exactly as the full paths do: same value, same hash, same
refusal with the same message."""

import hashlib
import json
import pickle
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.verification_pool import parallel_opener, worker_context
from domain.evidence.canonical import MAX_DEPTH, canonical_bytes, parse_canonical, reference_bytes
from domain.evidence.hashing import event_hash, jsonable
from domain.evidence.intent import sign_intent
from domain.evidence.signing import PublicKey, SigningKey, b64url
from domain.evidence.verifier import OpenedEvent, Verifier, open_event
from domain.model.acts import new_intent
from domain.service.records import LedgerRecords
from tests.support import NXScript, World


def outcome(parse: Any, data: bytes) -> Any:
    try:
        return ("value", parse(data))
    except Exception as error:  # noqa: BLE001 — the refusal itself is what is compared
        return ("refused", type(error).__name__, str(error))


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({key for key, _ in pairs}) != len(pairs):
        raise ValueError("duplicate key")
    return dict(pairs)


def _refuse(text: str) -> Any:
    raise ValueError(f"{text} is not allowed")


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def by_the_spec(data: bytes) -> Any:
    """The canonical-form rule as docs/spec.md states it, written with the standard library and
    the reference RFC 8785 encoder: UTF-8, JSON without duplicate keys, floats or constants,
    nested at most MAX_DEPTH levels, and exactly the RFC 8785 bytes of its value."""
    value = json.loads(data.decode("utf-8"), object_pairs_hook=_unique, parse_float=_refuse,
                       parse_constant=_refuse)
    if _depth(value) > MAX_DEPTH or reference_bytes(value) != data:
        raise ValueError("not canonical")
    return value


def verdict(parse: Any, data: bytes) -> Any:
    """Accepted with its value, or refused."""
    try:
        return ("value", parse(data))
    except Exception:  # noqa: BLE001 — the refusal itself is what is compared
        return ("refused",)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


TRICKY = [
    b'{"a":1,"b":[true,false,null,"x"]}',
    b'{"a":1,"a":1}',  # duplicate keys: the C parser keeps one, the encoder writes one
    b'{"a":{"b":1,"b":2}}',
    b'{"a":1.0}',
    b'{"a":1e2}',
    b'{"a":-0}',
    b'{"a":9007199254740991}',
    b'{"a":9007199254740992}',  # 2^53: outside the domain
    b'{"a":-9007199254740992}',
    b'{"a":NaN}',
    b'{"a":Infinity}',
    b'{"a":"\\u00e9"}',
    b'{"a":"\\ud800"}',  # a lone surrogate, escaped
    b'{"a":"\\n\\u0001"}',
    b'{"a":"\\u000a"}',
    b'{"a":"\\/"}',
    '{"\U0001f600":2,"\uff61":1}'.encode(),  # RFC 8785 order (UTF-16 code units)
    '{"\uff61":1,"\U0001f600":2}'.encode(),  # code point order: not canonical
    '{"名":"张伟"}'.encode(),
    "\ufeff{}".encode(),
    b'{"a":1} ',
    b'{"a":1}{}',
    b" {}",
    b'{"a":"\xff"}',
    b"",
    b'"x"',
    b"123",
    nested(64),
    nested(65),
    nested(2000),
    b"[" + b",".join(b"[]" for _ in range(70)) + b"]",  # many brackets, shallow
]


@pytest.mark.parametrize("data", TRICKY)
def test_the_parse_decides_as_the_spec_says(data: bytes) -> None:
    assert verdict(parse_canonical, data) == verdict(by_the_spec, data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=True) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(json_values, st.booleans(), st.sampled_from([(",", ":"), (", ", ": ")]), st.booleans())
def test_any_spelling_is_decided_as_the_spec_says(
    value: Any, sort: bool, separators: tuple[str, str], ascii_only: bool
) -> None:
    data = json.dumps(value, sort_keys=sort, separators=separators, ensure_ascii=ascii_only).encode()
    assert verdict(parse_canonical, data) == verdict(by_the_spec, data)


def hashed_as_documented(aggregate_id: Any, version: Any, topic: Any, state: dict[str, Any]) -> Any:
    """The hash rule as written before the fast path: jsonable, then canonical bytes."""
    try:
        body = {"aggregate_id": str(aggregate_id), "version": version, "topic": topic,
                "state": {key: jsonable(value) for key, value in state.items() if key != "hash"}}
        return ("hash", hashlib.sha256(canonical_bytes(body)).hexdigest())
    except Exception as error:  # noqa: BLE001
        return ("refused", type(error).__name__, str(error))


class Moment(datetime):
    """A datetime subclass: the fast path leaves it to the full one."""


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
STATES = [
    {"envelope": {"payload": "eA==", "signatures": [{"keyid": "k", "sig": "c2ln"}]}, "timestamp": NOW,
     "prev_hash": "p", "hash": "ignored"},
    {"timestamp": NOW.astimezone(timezone(timedelta(hours=8))), "id": uuid4(), "t": ("a", 1)},
    {"timestamp": datetime(2026, 1, 1)},  # naive: refused
    {"x": 1.5},
    {"x": 2**53},
    {"x": {1: "a"}},
    {"x": {UUID(int=1): "a"}},
    {"x": Moment(2026, 1, 1, tzinfo=UTC)},
    {"x": "名称 \U0001f600", "y": {"\uff61": 1, "\U0001f600": 2}},
    {"x": b"bytes"},
    {"x": True, "y": None},
    {1: "non-string key"},
    {"t": datetime(2026, 1, 1, tzinfo=UTC)},  # no fraction in its ISO spelling
    {"t": datetime(999, 1, 1, 1, 1, 1, 5, tzinfo=UTC)},  # a year below 1000
    {"t": datetime(2026, 1, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(0)))},
    {"t": datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=timezone(timedelta(microseconds=1)))},
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("version", [1, True, 2**53])
def test_the_one_walk_hash_is_the_documented_hash(state: dict[Any, Any], version: Any) -> None:
    try:
        found: Any = ("hash", event_hash("a", version, "topic", state))
    except Exception as error:  # noqa: BLE001
        found = ("refused", type(error).__name__, str(error))
    assert found == hashed_as_documented("a", version, "topic", state)


def test_deep_state_is_hashed_or_refused_as_before() -> None:
    for depth in (60, 61, 62, 63, 64, 70):
        value: Any = "leaf"
        for _ in range(depth):
            value = {"k": value}
        state = {"x": value}
        try:
            found: Any = ("hash", event_hash("a", 1, "t", state))
        except Exception as error:  # noqa: BLE001
            found = ("refused", type(error).__name__, str(error))
        assert found == hashed_as_documented("a", 1, "t", state), depth


def test_a_key_id_is_the_rfc7638_thumbprint_every_time() -> None:
    key = SigningKey.generate().public_key
    thumbprint = b64url(hashlib.sha256(
        b'{"crv":"Ed25519","kty":"OKP","x":"' + b64url(key.raw).encode() + b'"}').digest())
    assert key.keyid == thumbprint and PublicKey(key.raw).keyid == thumbprint


def opened(topic: str, keys: dict[str, bytes] | None, tamper: bool = False) -> OpenedEvent:
    signer, target = SigningKey.generate(), uuid4()
    envelope = sign_intent(signer, new_intent(uuid4(), "case.collect_material", target, 0, {"n": 1}))
    data = envelope.to_json()
    if tamper:
        data["signatures"][0]["sig"] = sign_intent(signer, new_intent(uuid4(), "x", target, 0, {})).to_json()[
            "signatures"][0]["sig"]
    state = {"envelope": data, "timestamp": datetime.now(UTC), "prev_hash": "p", "hash": "h"}
    known = {signer.keyid: signer.public_key.raw} if keys is not None else None
    return open_event(str(target), 1, topic, state, known)


def test_slim_drops_the_envelope_only_where_the_ordered_checks_cannot_need_it() -> None:
    case_topic, principal_topic = "decision-ledger/Case/MaterialCollected", "decision-ledger/Principal/KeyAdded"
    held = opened(case_topic, {})
    assert held.signature is True and held.slim(case_topic).envelope is None
    assert held.slim(case_topic).intent is None and held.slim(case_topic).keyid == held.keyid
    assert held.slim(principal_topic).intent is not None  # key changes are learnt from it
    unchecked = opened(case_topic, None)
    assert unchecked.signature is None and unchecked.slim(case_topic).envelope is not None
    failed = opened(case_topic, {}, tamper=True)
    assert failed.signature is False and failed.slim(case_topic).envelope is not None


def test_an_opened_event_crosses_processes_intact() -> None:
    for event in (opened("t", {}), opened("t", {}).slim("t"), opened("t", None)):
        assert pickle.loads(pickle.dumps(event)) == event


def test_on_a_store_only_this_process_sees_the_workers_check_the_records_handed_in(world: World) -> None:
    """The library's in-memory store cannot be opened by a worker: the parent reads the records
    (here with an edited one among them) and the workers prepare them; the report is the one
    a single process writes."""
    NXScript(world).run_all()
    records = list(LedgerRecords(world.ledger).all())
    edited = json.loads(records[5].state)
    edited["prev_hash"] = "0" * 64
    records[5] = replace(records[5], state=json.dumps(edited).encode())
    reports = [
        Verifier(LedgerRecords(world.ledger).decode).run(records, opener=opener).to_json()
        for opener in (None, parallel_opener(world.ledger, 2, chunk=3))
    ]
    assert reports[0]["breaks"] and reports[0] == reports[1]
    assert reports[1]["events"] == len(records)


def test_workers_fork_only_from_a_process_running_one_thread() -> None:
    """A fork copies every lock another thread holds, held: beside a running thread (a server's
    projector, a test's app) workers start from a forkserver, which never holds them."""
    stop = threading.Event()
    beside = threading.Thread(target=stop.wait, daemon=True)
    beside.start()
    try:
        assert worker_context().get_start_method() == "forkserver"
    finally:
        stop.set()
        beside.join()
