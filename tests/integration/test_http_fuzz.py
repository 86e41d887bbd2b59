"""Schemathesis against the service's own OpenAPI document, on SQLite and PostgreSQL.

Every documented operation gets generated requests — paths, queries and bodies that fit the
schema (with the demo's real ids as well as random ones) and ones that do not — sent in-process to
the app that serves the demo. The properties: no answer is a 5xx, and every answer is documented —
its status code, its content type and its body's schema (a problem is RFC 9457
``application/problem+json``). Reads carry an inspector's token, so the handlers behind
authentication are exercised, not only the 401. Writes end in a 4xx (a generated envelope carries
no valid signature), which is the point: whatever arrives, the answer is a precise, documented
refusal and never an error of the server. Bounded: a fixed number of derandomized examples per
operation and mode, so CI runs the same requests every time.

Each request is generated once and sent to the demo served on SQLite and to the demo served on
PostgreSQL side by side (a real id of one store's demo sent as the same object's id in the
other's): the stores get the same requests, and generating them — most of the fuzzer's time — is
done once. The operations are split into parts, each a test of its own.

The operations are driven one by one through ``APIOperation.as_strategy`` rather than
schemathesis's pytest plugin, whose lazy loader reaches into pytest internals this pytest lacks.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator
from typing import Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.python.asgi import get_client
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.integration.conftest import STORES, Pristines, require_postgres
from tests.integration.http_support import Served, serve_ledger

#: Examples per operation and generation mode (over 100 operations, two modes, each request sent
#: to both stores).
EXAMPLES = 10
#: Examples per write and mode. The writes (78 of the 110 operations) are one handler
#: (api/http/writes.py ``_endpoint``) over the same envelope model for every action (payload,
#: payloadType, signatures; the intent's schema per action is documentation), and a generated
#: envelope carries no valid signature, so it is refused whatever its action. Fewer examples each:
#: together the writes still send that handler 78 × 2 × 3 generated requests per store. The reads,
#: where the fuzzer found its bugs, keep EXAMPLES.
WRITE_EXAMPLES = 3
#: The operations are fuzzed in this many tests, each taking every PARTS-th operation.
PARTS = 2
BASE_URL = "http://testserver"


@pytest.fixture(scope="module")
def both_stores(tmp_path_factory: pytest.TempPathFactory, pristines: Pristines) -> Iterator[list[Served]]:
    """The HTTP app over a copy of the demo ledger on SQLite and one on PostgreSQL, side by side.
    Without a PostgreSQL server (outside CI only: under ``CI=true`` that fails), SQLite alone."""
    kinds = ["sqlite"]
    try:
        require_postgres()
        kinds.append("postgres")
    except pytest.skip.Exception:
        if os.environ.get("CI") == "true":
            raise
    with serving_each(kinds, tmp_path_factory, pristines) as apps:
        yield apps


@pytest.fixture(scope="module", params=STORES)
def served(request: pytest.FixtureRequest, both_stores: list[Served]) -> Served:
    """The demo on one store, for the tests below that only read: the fuzzer's own app on that
    store (the fuzzer's writes are all refused), not an app of their own besides."""
    if request.param == "postgres":
        require_postgres()
    return next(app for app in both_stores if _kind(app) == request.param)


@contextlib.contextmanager
def serving_each(kinds: list[str], tmp_path_factory: pytest.TempPathFactory,
                 pristines: Pristines) -> Iterator[list[Served]]:
    with contextlib.ExitStack() as stack:
        apps = []
        for kind in kinds:
            directory = tmp_path_factory.mktemp(f"fuzzed-{kind}")
            apps.append(stack.enter_context(serve_ledger(pristines.copy("demo", kind, directory, slot="fuzzed"))))
        yield apps


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


def _same_ids(first: Served, other: Served) -> dict[str, str]:
    """The first store's demo ids → the ids the same objects have in the other store's demo."""
    mine, theirs = _real_ids(first), _real_ids(other)
    return {a: b for name in mine for a, b in zip(mine[name], theirs[name], strict=True)}


def _sent_to(case: Any, operation: Any, ids: dict[str, str]) -> Any:
    """The same request for another store's app: a copy of ``case`` (with its generation metadata,
    which the checks read) made for that app's operation, a real id translated. Copied slot by
    slot: a case's ``__setattr__`` reads its metadata, which ``copy`` would not have set yet."""
    moved = object.__new__(type(case))
    memo: dict[int, Any] = {id(case.operation): operation}
    for name in schemathesis.Case.__slots__:
        if hasattr(case, name):
            object.__setattr__(moved, name, copy.deepcopy(getattr(case, name), memo))
    # the case notices the changed container when it is sent, and checks it against the schema again
    object.__setattr__(moved, "path_parameters", {
        name: ids.get(value, value) if isinstance(value, str) else value
        for name, value in (case.path_parameters or {}).items()})
    return moved


def _failures(apps: list[Served], operations: list[Any], mode: GenerationMode) -> str | None:
    """Generated requests for one operation, each sent to every store's app; the first failure."""
    first = apps[0]
    targets = [(served, _client(served), operation, _same_ids(first, served))
               for served, operation in zip(apps, operations, strict=True)]

    @settings(max_examples=WRITE_EXAMPLES if _is_write(operations[0]) else EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate))
    @given(case=_cases(operations[0], mode, _real_ids(first)))
    def run(case: Any) -> None:
        # the reader's own credentials, except where a negative case made up an Authorization header
        # of its own (the document declares bearer tokens): that invalid header is then the point
        made_up = mode is GenerationMode.NEGATIVE and "Authorization" in (case.headers or {})
        sent = [case if served is first else _sent_to(case, operation, ids)
                for served, _, operation, ids in targets]
        for request, (served, client, _, _) in zip(sent, targets, strict=True):
            try:
                request.call_and_validate(
                    base_url=BASE_URL,
                    session=client,
                    headers=None if made_up else served.headers("kong_deming"),
                    # A schema-valid write is still refused without a valid signature: a 4xx is right.
                    excluded_checks=[positive_data_acceptance],
                )
            except (Exception, BaseExceptionGroup) as error:  # say which store answered so
                error.add_note(f"on the demo served on {_kind(served)}")
                raise

    label = operations[0].label
    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.NEGATIVE:
            return None  # no parameters and no body: there is nothing to make invalid
        return f"{label}: no request can be generated"
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 — an app error surfaces raw here
        notes = "; ".join(getattr(error, "__notes__", []))
        return f"{label} ({mode.value}): {error} {notes}"
    return None


def _is_write(operation: Any) -> bool:
    """A signed write: an operation of api/http/writes.py's router (tag ``writes``), whose body is
    an action's DSSE envelope."""
    return "writes" in (operation.definition.raw.get("tags") or [])


def _kind(served: Served) -> str:
    return "postgres" if served.url.startswith("postgres") else "sqlite"


@pytest.mark.fuzz
@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS), ids=[f"part{n + 1}of{PARTS}" for n in range(PARTS)])
def test_every_operation_answers_as_documented_and_never_with_a_5xx(both_stores: list[Served], part: int) -> None:
    each = [[result.ok() for result in _schema(served).get_all_operations()] for served in both_stores]
    operations = each[0]
    assert len(operations) >= 60, "the document lists every write, read, public and operations path"
    assert all([o.label for o in other] == [o.label for o in operations] for other in each), \
        "every store's app documents the same operations"
    failures = [
        failure
        for index in range(part, len(operations), PARTS)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := _failures(both_stores, [other[index] for other in each], mode)) is not None
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
