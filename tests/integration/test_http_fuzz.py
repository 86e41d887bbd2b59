"""Schemathesis against the service's own OpenAPI document, on SQLite and PostgreSQL.

Every documented operation gets generated requests — paths, queries and bodies that fit the
schema (with the demo's real ids as well as random ones) and ones that do not — sent in-process to
the app that serves the demo. The properties: no answer is a 5xx, and every answer is documented —
its status code, its content type and its body's schema (a problem is RFC 9457
``application/problem+json``). Reads carry an inspector's token, so the handlers behind
authentication are exercised, not only the 401. Writes end in a 4xx (a generated envelope carries
no valid signature), which is the point: whatever arrives, the answer is a precise, documented
refusal and never an error of the server. Bounded: a fixed number of derandomized examples per
operation and mode, so CI runs the same requests every time, in about a minute per store.

The operations are driven one by one through ``APIOperation.as_strategy`` rather than
schemathesis's pytest plugin, whose lazy loader reaches into pytest internals this pytest lacks.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.python.asgi import get_client
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.integration.http_support import Served

#: Examples per operation and generation mode (68 operations, two modes, per store).
EXAMPLES = 10
BASE_URL = "http://testserver"


def _client(served: Served) -> Any:
    """A schemathesis session on the app the fixture already runs (its lifespan, its projections),
    in-process; not entered, so schemathesis starts no second lifespan."""
    return get_client(cast(Any, served.client.app))


def _real_ids(served: Served) -> dict[str, list[str]]:
    """Path parameters that name what the demo stored, so generated requests reach found objects."""
    cases = served.demo.cases
    principals = [str(signer.principal_id) for signer in served.people.values()]
    return {
        "case_id": [c["id"] for c in cases],
        "decision_id": [c["decision_id"] for c in cases],
        "principal_id": principals,
        "aggregate_id": [c["id"] for c in cases] + principals,
    }


def _cases(operation: Any, mode: GenerationMode, real: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    strategy = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters] if hasattr(operation, "path_parameters") else []
    if mode is not GenerationMode.POSITIVE or not names or not all(n in real for n in names):
        return strategy
    found = st.fixed_dictionaries({n: st.sampled_from(real[n]) for n in names}).flatmap(
        lambda params: operation.as_strategy(generation_mode=mode, path_parameters=params))
    return st.one_of(strategy, found)


def _failures(served: Served, operation: Any, mode: GenerationMode) -> str | None:
    client = _client(served)
    real = _real_ids(served)

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate))
    @given(case=_cases(operation, mode, real))
    def run(case: Any) -> None:
        # the reader's own credentials, except where a negative case made up an Authorization header
        # of its own (the document declares bearer tokens): that invalid header is then the point
        made_up = mode is GenerationMode.NEGATIVE and "Authorization" in (case.headers or {})
        case.call_and_validate(
            base_url=BASE_URL,
            session=client,
            headers=None if made_up else served.headers("kong_deming"),
            # A schema-valid write is still refused without a valid signature: a 4xx is right.
            excluded_checks=[positive_data_acceptance],
        )

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.NEGATIVE:
            return None  # no parameters and no body: there is nothing to make invalid
        return f"{operation.label}: no request can be generated"
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 — an app error surfaces raw here
        return f"{operation.label} ({mode.value}): {error}"
    return None


@pytest.mark.fuzz
@pytest.mark.slow
def test_every_operation_answers_as_documented_and_never_with_a_5xx(served: Served) -> None:
    operations = [result.ok() for result in _schema(served).get_all_operations()]
    assert len(operations) >= 60, "the document lists every write, read, public and operations path"
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := _failures(served, operation, mode)) is not None
    ]
    assert not failures, "\n\n".join(failures)


def _schema(served: Served) -> Any:
    schema = schemathesis.openapi.from_dict(served.client.get("/openapi.json").json())
    # issue 19 — apidoc: the document declares securitySchemes, so schemathesis's ignored_auth
    # check probes each authenticated operation again without credentials and with invalid ones;
    # the probes reach the same app in-process (not a network host), with no second lifespan
    schema.app = _without_lifespan(served.client.app)
    return schema


def _without_lifespan(app: Any) -> Any:
    """The app, answering the lifespan protocol without starting anything (the fixture's test
    client already runs the app's lifespan)."""
    async def serve(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    return serve


def _call(served: Served, path: str, **parts: Any) -> Any:
    """One request built from the document's operation, answered and checked as the fuzzer does."""
    case = _schema(served)[path]["GET"].Case(**parts)
    response = case.call(base_url=BASE_URL, session=_client(served),
                         headers=served.headers("kong_deming"))
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    return response


@pytest.mark.parametrize("at", ["}\u00fbÇãí2", "\u00b2", "9" * 40])
def test_a_case_at_an_unreadable_moment_is_a_documented_400(served: Served, at: str) -> None:
    """The fuzzer found that ``?at=`` answered 400, which reads did not document; reading the
    parser then showed a superscript digit (``str.isdigit`` but not ``int``) was a 500 and a
    version past 2^53−1 reached the store."""
    response = _call(served, "/v1/cases/{case_id}", path_parameters={"case_id": served.demo.cases[0]["id"]},
                     query={"at": at})
    assert response.status_code == 400
    assert response.json()["type"] == "urn:decision-ledger:problem:malformed-input"


@pytest.mark.parametrize(("path", "query"), [
    ("/v1/public/results", {"offset": 2**64}),
    ("/v1/findings", {"offset": 2**63}),
    ("/v1/public/proofs/consistency", {"old": 1, "new": 2**64}),
])
def test_an_offset_or_size_beyond_what_a_store_holds_is_a_documented_422(
        served: Served, path: str, query: dict[str, int]) -> None:
    """Found by the fuzzer: ``/v1/public/results?offset=2**64`` reached SQLite and was a 500."""
    response = _call(served, path, query=query)
    assert response.status_code == 422
    assert response.json()["type"] == "urn:decision-ledger:problem:invalid-request"
