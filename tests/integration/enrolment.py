"""Registering people over HTTP, as the administrators do, for tests that need
someone the demo does not have."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from api.signer import Signer
from domain.evidence.signing import SigningKey
from tests.integration.http_support import Served


def enrol(served: Served, handle: str, name: str, unit: str, organisation: str | None, roles: list[str]) -> Signer:
    """A person the administrators register now, with one key, in the organisation of that name
    (a demo organisation); signs as ``handle``."""
    key = SigningKey.generate()
    person = uuid4()
    args: dict[str, Any] = {"name": name, "kind": "person", "unit": unit, "roles": roles,
                            "public_keys": [key.public_key.jwk]}
    if organisation is not None:
        args["organisation_id"] = served.demo.organisations[organisation]
    recorded = served.client.post("/v1/principals",
                                  json=served.sign("admin", "principal.register", person, args).to_json())
    assert recorded.status_code == 201, recorded.text
    signer = Signer(person, key, name)
    served.people[handle] = signer
    return signer


def principal_id(served: Served, handle: str) -> UUID:
    return served.people[handle].principal_id
