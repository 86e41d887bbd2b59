"""The insider's workbench: what someone with rights over the database (or over an exported
bundle) can do to stored events without the signers' private keys.

An insider can decode a stored state, edit it, and *reseal* it — recompute its hash and every
later link of its aggregate's chain with the product's own public hash rule
(:func:`domain.evidence.hashing.event_hash`) — so the hash and chain checks pass, and only what the insider
cannot forge (a person's Ed25519 signature, a published checkpoint, the transparency log) gives
the edit away. The same functions work on the store's rows and on a bundle's events: both are
``{"aggregate_id", "version", "topic", "state"}``, with the recording time as the store's
transcoded datetime or as bundle text.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.evidence.canonical import canonical_bytes, parse_canonical
from domain.evidence.hashing import event_hash
from domain.evidence.times import format_time
from tests.integration.conftest import Store

Event = dict[str, Any]  # {"aggregate_id", "version", "topic", "state", ["notification_id"]}


def _hash_input(state: dict[str, Any]) -> dict[str, Any]:
    """The state as the ledger hashes it: the store's transcoded time back to a datetime."""
    stamp = state["timestamp"]
    if isinstance(stamp, dict):
        return {**state, "timestamp": datetime.fromisoformat(stamp["_data_"])}
    return state


def recording_time(state: dict[str, Any], moment: datetime) -> Any:
    """`moment` spelled as this state spells its recording time."""
    if isinstance(state["timestamp"], dict):
        return {"_type_": "datetime_iso", "_data_": moment.isoformat()}
    return format_time(moment)


def reseal(chain: list[Event], start: int = 0) -> None:
    """Recompute the hash of ``chain[start]`` and the links and hashes of every event after it
    (an aggregate's events in version order); ``chain[start]`` keeps its own ``prev_hash``."""
    previous = chain[start]["state"]["prev_hash"]
    for event in chain[start:]:
        state = event["state"]
        state["prev_hash"] = previous
        state["hash"] = event_hash(event["aggregate_id"], event["version"], event["topic"], _hash_input(state))
        previous = state["hash"]


def intent_of(state: dict[str, Any]) -> dict[str, Any]:
    """The signed intent inside a state's envelope, as JSON."""
    parsed: dict[str, Any] = parse_canonical(base64.b64decode(state["envelope"]["payload"]))
    return parsed


def edit_intent(state: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> None:
    """Change the signed intent's bytes (keeping them canonical), leaving the signature as it was."""
    intent = intent_of(state)
    change(intent)
    state["envelope"]["payload"] = base64.b64encode(canonical_bytes(intent)).decode()


def flip_signature(state: dict[str, Any]) -> None:
    signature = state["envelope"]["signatures"][0]
    raw = bytearray(base64.b64decode(signature["sig"]))
    raw[10] ^= 0x01
    signature["sig"] = base64.b64encode(bytes(raw)).decode()


# --- the store -------------------------------------------------------------------------------


def stored_events(store: Store, aggregate_id: str | None = None) -> list[Event]:
    """Every stored event (or one aggregate's) in notification order, decoded."""
    rows = store.execute(
        f"SELECT {store.id_column}, originator_id, originator_version, topic, state "
        f"FROM {store.table} ORDER BY {store.id_column}"
    )
    events = []
    for nid, originator, version, topic, state in rows:
        aggregate = str(uuid.UUID(str(originator)))
        if aggregate_id is None or aggregate == aggregate_id:
            events.append({"notification_id": nid, "aggregate_id": aggregate, "version": version,
                           "topic": topic, "state": json.loads(bytes(state))})
    return events


def stored_bytes(state: dict[str, Any]) -> bytes:
    """A state spelled as the ledger's transcoder writes it."""
    return json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode()


def write_back(store: Store, events: list[Event]) -> None:
    """Overwrite each event's row with its (edited) state; the triggers must be gone."""
    for event in events:
        store.set_state(event["notification_id"], stored_bytes(event["state"]))


# --- the log's memory of what it signed ----------------------------------------------------------


def drop_signed_triggers(store: Store) -> None:
    """What an insider does before deleting from ``dl_log_signed`` (append-only like the events)."""
    if store.kind == "sqlite":
        for name in ("no_update", "no_delete"):
            store.execute(f"DROP TRIGGER dl_log_signed_{name}")
    else:
        for name in ("append_only", "no_truncate"):
            store.execute(f"DROP TRIGGER dl_log_signed_{name} ON dl_log_signed")


def forget_checkpoints(store: Store, keys: Path | None = None) -> None:
    """Every signed checkpoint removed from the store — and, for an insider who also holds the key
    files (``keys``), from ``checkpoint.note`` beside the ledger key."""
    drop_signed_triggers(store)
    store.execute("DELETE FROM dl_log_checkpoints")
    store.execute("DELETE FROM dl_log_signed")
    if keys is not None:
        (keys / "checkpoint.note").unlink(missing_ok=True)
