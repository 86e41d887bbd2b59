"""The hash of a stored event and the genesis hash its chain starts from (docs/spec.md §6.2).

A changed, removed, reordered or transplanted event breaks its own hash or the link from its
successor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.evidence.canonical import MAX_DEPTH, MAX_SAFE_INTEGER, canonical_bytes, encode_checked
from domain.evidence.times import format_time

HASH_FIELD = "hash"

# issue 20 — sm3: a ledger may hash its events and chains with SM3 (docs/spec.md §22.4); the suite
# is the genesis's ``hash`` argument, set around every write and verification of that ledger
SHA256, SM3 = "sha256", "sm3"
SUITE: ContextVar[str] = ContextVar("decision_ledger_event_hash", default=SHA256)


@contextmanager
def using(suite: str) -> Iterator[None]:
    """Hash events and chains with ``suite`` ("sha256" or "sm3") inside the block."""
    if suite not in (SHA256, SM3):
        raise ValueError(f"an event hash is {SHA256} or {SM3}, not {suite!r}")
    token = SUITE.set(suite)
    try:
        yield
    finally:
        SUITE.reset(token)


def suite_of(genesis_args: object) -> str:
    """The suite a genesis's signed arguments declare: ``"event_hash": "sm3"``, else SHA-256."""
    return SM3 if isinstance(genesis_args, dict) and genesis_args.get("event_hash") == SM3 else SHA256


def digest_hex(data: bytes) -> str:
    """SHA-256, or SM3 (GB/T 32905) on a ledger that chose it, of ``data``, in hex."""
    if SUITE.get() == SM3:
        from domain.evidence.sm3 import sm3_hex

        return sm3_hex(data)
    return hashlib.sha256(data).hexdigest()


def genesis_hash(aggregate_id: UUID | str) -> str:
    return digest_hex(f"decision-ledger/aggregate/v1\n{aggregate_id}".encode())


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


class _Unusual(Exception):
    """A value :func:`_plain` does not take: :func:`jsonable` and :func:`canonical_bytes` decide."""


def _plain(value: Any, depth: int) -> Any:
    """:func:`jsonable` and the canonical domain's check in one walk, for the usual values
    (exact builtin types, ``datetime``, ``UUID``; string keys); raises :class:`_Unusual` on
    anything else, which the full path then spells or refuses."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
        raise _Unusual
    if kind is datetime:
        text = value.isoformat()  # "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" for a moment stored in UTC
        if len(text) == 32 and text.endswith("+00:00") and text[0] != "0":
            return text[:26] + "Z"  # format_time's spelling, without its conversion
        return format_time(value)
    if kind is UUID:
        return str(value)
    if depth >= MAX_DEPTH:
        raise _Unusual
    if kind is dict:
        plain = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            plain[key] = _plain(item, depth + 1)
        return plain
    if kind is list or kind is tuple:
        return [_plain(item, depth + 1) for item in value]
    raise _Unusual


def event_hash(
    aggregate_id: UUID | str, version: int, topic: str, state: Mapping[str, Any]
) -> str:
    if type(version) is int and type(topic) is str:
        try:
            plain = {key: _plain(value, 2) for key, value in state.items() if key != HASH_FIELD}
        except _Unusual:
            pass
        else:
            body = {"aggregate_id": str(aggregate_id), "version": version, "topic": topic, "state": plain}
            if -MAX_SAFE_INTEGER <= version <= MAX_SAFE_INTEGER and all(type(key) is str for key in plain):
                return digest_hex(encode_checked(body))
    body = {
        "aggregate_id": str(aggregate_id),
        "version": version,
        "topic": topic,
        "state": {key: jsonable(value) for key, value in state.items() if key != HASH_FIELD},
    }
    return digest_hex(canonical_bytes(body))
