"""Registering people over HTTP, as the administrators do, for tests that need
someone the demo does not have."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from api.signer import Signer
from domain.evidence.keys import make_proof
from domain.evidence.signing import SigningKey
from tests.integration.http_support import Served


def enrol(served: Served, handle: str, name: str, unit: str, organisation: str | None, roles: list[str]) -> Signer:
    """A person the administrators register now (one proposes, a second confirms), with one key, in the organisation of that name
    (a demo organisation); signs as ``handle``."""
    key = SigningKey.generate()
    person = uuid4()
    proof = make_proof(key, str(served.ledger.genesis().ledger_id), str(person))
    args: dict[str, Any] = {"name": name, "kind": "person", "unit": unit, "roles": roles,
                            "public_keys": [key.public_key.jwk], "proofs": [proof]}
    if organisation is not None:
        args["organisation_id"] = served.demo.organisations[organisation]
    recorded = served.client.post("/v1/principals",
                                  json=served.sign("admin", "principal.register", person, args).to_json())
    assert recorded.status_code == 201, recorded.text
    confirmed = served.client.post(f"/v1/principals/{person}/key-confirmations", json=served.sign(
        "second_admin", "principal.confirm_key", person, {"keyid": key.keyid}).to_json())
    assert confirmed.status_code == 201, confirmed.text  # dual control: a second administrator confirms
    signer = Signer(person, key, name)
    served.people[handle] = signer
    return signer


def principal_id(served: Served, handle: str) -> UUID:
    return served.people[handle].principal_id
