"""Store tamperings of the enrolment rules (issue 16 point 2, from the v3 vector set on): one
administrator, holding the database and his own key, writes key events the service refuses.
Each appends events signed as the ledger would link and hash them; ``verify`` must name each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.evidence.signing import SigningKey
from tests.integration.conftest import Store
from tests.integration.insider import stored_events

STEP = timedelta(minutes=7)

#: enrolment forgeries (issue 16 point 2, from the v3 set on): one administrator, holding the
#: database and his own key, writes key events the service refuses
ENROLMENT_EDITS: dict[str, Callable[[Store, dict[str, Any]], None]] = {}


def _forged(store: Store, aggregate: str, action: str, signer: tuple[str, SigningKey],
            args: dict[str, Any]) -> None:
    """Append to ``aggregate`` an event signed by ``signer`` (id, key), linked and hashed as the
    ledger would, recorded one step after the store's last event."""
    from dataclasses import replace as replaced

    from domain.evidence.intent import sign_intent
    from domain.evidence.topics import EVENT_OF_ACTION
    from domain.model.acts import new_intent
    from tests.integration.insider import recording_time, reseal, stored_bytes

    last = stored_events(store, aggregate)[-1]
    newest = stored_events(store)[-1]["state"]["timestamp"]
    at = datetime.fromisoformat(newest["_data_"]) + STEP
    intent = replaced(new_intent(UUID(signer[0]), action, UUID(aggregate), last["version"], args), signed_at=at,
                      nonce=f"{last['version']:032x}")
    state = {"timestamp": recording_time(last["state"], at), "envelope": sign_intent(signer[1], intent).to_json(),
             "rulebook": "", "prev_hash": last["state"]["hash"]}
    event = {"aggregate_id": aggregate, "version": last["version"] + 1, "topic": EVENT_OF_ACTION[action],
             "state": state}
    reseal([event])
    store.insert(aggregate, event["version"], event["topic"], stored_bytes(state))


def _enrolment_edit(name: str) -> Callable[[Callable[[Store, dict[str, Any]], None]],
                                            Callable[[Store, dict[str, Any]], None]]:
    def register(change: Callable[[Store, dict[str, Any]], None]) -> Callable[[Store, dict[str, Any]], None]:
        ENROLMENT_EDITS[name] = change
        return change

    return register


@_enrolment_edit("key-added-by-one-admin")
def _one_admin(store: Store, built: dict[str, Any]) -> None:
    """The administrator proposes a key for the decision organ's 赵敏 (a valid, pending
    proposal), "confirms" it himself, and signs as her with it."""
    from domain.evidence.keys import make_proof

    organ, organ_key = built["organ"]
    planted = SigningKey.generate()
    _forged(store, organ, "principal.add_key", built["admin"],
            {"public_key": planted.public_key.jwk, "proof": make_proof(planted, built["ledger_id"], organ)})
    _forged(store, organ, "principal.confirm_key", built["admin"], {"keyid": planted.keyid})
    _forged(store, organ, "principal.revoke_key", (organ, planted), {"keyid": organ_key.keyid, "reason": "冒名"})


@_enrolment_edit("self-enrolment-without-proof")
def _no_proof(store: Store, built: dict[str, Any]) -> None:
    """赵敏 adds a key to herself, written as the old rules had it: with no proof of possession."""
    organ, _ = built["organ"]
    _forged(store, organ, "principal.add_key", built["organ"], {"public_key": SigningKey.generate().public_key.jwk})


