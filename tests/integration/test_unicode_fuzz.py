"""Arbitrary Unicode through every route, on SQLite and PostgreSQL (issue 16 point 3).

The routes are enumerated from the app itself — the OpenAPI document, and the web pages the
document leaves out — so a route added later is driven too, and one this test cannot drive
fails it. Writes are *validly signed* intents, each with one string of the action's example
arguments (or one object key) replaced by arbitrary text: any code point, lone surrogates (sent
as JSON escapes), NUL, ESC, C1 and bidirectional controls, zero-width characters. Reads get
arbitrary text in their path and query parameters, with an inspector's token or session. The
properties: no answer is a 5xx; text the rule refuses (:mod:`domain.model.text`) is a 400; and
afterwards the projections have kept up with everything that was stored and the reads answer.
The store already holds text recorded before the rule (NUL, an override), so the reads run over
it too. Bounded: a few derandomized examples per route.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID, uuid4

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from api.http import writes
from api.http.examples import example_args
from domain import clock
from domain.evidence.intent import INTENT_TYPE
from domain.evidence.signing import INTENT_PAYLOAD_TYPE, Envelope, pae
from domain.evidence.times import format_time
from domain.model.actions import ACTIONS
from domain.model.text import text_problem
from projections.runner import wait_for
from tests.integration.http_support import Served
from tests.integration.test_http_writes import decision_of, post
from tests.integration.test_text_input import escaped, rule_switched_off

#: examples per route and store
EXAMPLES = 6
NASTY = ["\x00", "\x1b", "\x85", "\x7f", "\u202e", "\u2066", "\u200b", "\ufeff", "\ud800", "\udfff", "\n", "\t",
         "\u2028", "\U0001f600", "%", "/", "?", "#", "&", "=", "'", '"', "\\", "<", ">", "{", "}"]
TEXT = st.text(st.one_of(st.characters(exclude_categories=()), st.sampled_from(NASTY)), max_size=12)
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate))


def received(text: str) -> str:
    """Text as the service reads it from a URL (a lone surrogate, which UTF-8 cannot carry, is
    sent as its CESU bytes and read as U+FFFD)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def in_url(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def leaves(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], bool]]:
    """Where a string is in a JSON value: (path, whether the string is an object key)."""
    if isinstance(value, str):
        return [(at, False)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in [((*at, key), True), *leaves(item, (*at, key))]]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in leaves(item, (*at, index))]
    return []


def replaced(value: Any, at: tuple[Any, ...], is_key: bool, text: str) -> Any:
    """``value`` with the string at ``at`` (or that key) replaced by ``text``; ``()`` as a key: a
    field named ``text`` added (for arguments with no string)."""
    if not at:
        return {**value, text: "x"} if is_key else text
    head, rest = at[0], at[1:]
    if isinstance(value, dict):
        if is_key and not rest:
            return {(text if key == head else key): item for key, item in value.items()}
        return {key: replaced(item, rest, is_key, text) if key == head else item for key, item in value.items()}
    return [replaced(item, rest, is_key, text) if index == head else item for index, item in enumerate(value)]


def real_ids(served: Served) -> dict[str, list[str]]:
    cases = served.demo.cases
    principals = [str(signer.principal_id) for signer in served.people.values()]
    return {"case_id": [c["id"] for c in cases], "decision_id": [c["decision_id"] for c in cases],
            "principal_id": principals, "aggregate_id": [c["id"] for c in cases] + principals,
            "size": ["1", "2"], "version": ["1", "2"],
            "unit_id": list(served.demo.organisations.values())}  # 713-39: a unit's record


def assert_answered(response: Any, refused: bool, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if refused:
        assert response.status_code == 400, f"{what}: refused text answered {response.status_code} {response.text}"


def drive_write(served: Served, path: str, action: str) -> None:
    spec = ACTIONS[action]
    args = example_args(spec)
    places = leaves(args) + [((), True)]
    _, parameter = writes.ROUTES[action]
    ids = real_ids(served)
    signer = served.people["ma_xiaodong"]  # any active key: the arguments are read before the role

    @SETTINGS
    @given(place=st.sampled_from(places), text=TEXT, data=st.data())
    def run(place: tuple[tuple[Any, ...], bool], text: str, data: st.DataObject) -> None:
        at, is_key = place
        if parameter is None:
            target = str(uuid4())
        else:
            target = data.draw(st.sampled_from(ids.get(parameter, [str(uuid4())])))
        intent = {"action": action, "actor": str(signer.principal_id), "args": replaced(args, at, is_key, text),
                  "expected_version": served.ledger.version_of(UUID(target)), "nonce": uuid4().hex,
                  "signed_at": format_time(clock.now()), "target": target, "type": INTENT_TYPE}
        payload = escaped(intent)
        envelope = Envelope(INTENT_PAYLOAD_TYPE, payload, signer.key.keyid,
                            signer.key.sign(pae(INTENT_PAYLOAD_TYPE, payload)))
        response = post(served, path.replace("{" + (parameter or "") + "}", target), envelope)
        assert_answered(response, text_problem(text) is not None, f"POST {path} {at} = {text!r}")

    run()


def drive_read(client: TestClient, path: str, query: list[str], headers: dict[str, str],
               ids: dict[str, list[str]], method: str = "GET", body: tuple[str, list[str]] | None = None) -> None:
    """Arbitrary text in the path and query parameters (and, for a route taking a JSON or form
    body other than a signed intent, in each of its fields: ``(media type, field names)``)."""
    names = re.findall(r"{(\w+)}", path)

    @SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        filled, refused = path, False
        for name in names:
            value = data.draw(st.one_of(st.sampled_from(ids.get(name, ["1"])), TEXT))
            filled = filled.replace("{" + name + "}", in_url(value))
            refused |= text_problem(received(value), single_line=True) is not None
        params = data.draw(st.dictionaries(st.sampled_from(query) if query else st.nothing(), TEXT, max_size=3)
                           if query else st.just({}))
        if data.draw(st.booleans()):
            params[data.draw(TEXT)] = data.draw(TEXT)  # a parameter the route does not know
        for name, value in params.items():
            refused |= any(text_problem(received(part), single_line=True) is not None for part in (name, value))
        url = filled + ("?" + "&".join(f"{in_url(k)}={in_url(v)}" for k, v in params.items()) if params else "")
        sent: dict[str, Any] = {}
        if body is not None:
            media, fields = body
            values = data.draw(st.fixed_dictionaries({field: TEXT for field in fields}))
            if media == "application/json":
                sent = {"content": json.dumps(values).encode(), "headers": {**headers, "content-type": media}}
            else:
                form = "&".join(f"{in_url(k)}={in_url(v)}" for k, v in values.items()).encode()
                sent = {"content": form, "headers": {**headers, "content-type": media}}
        response = client.request(method, url, follow_redirects=False, **({"headers": headers} | sent))
        assert_answered(response, refused, f"{method} {url}")

    run()


def body_fields(document: dict[str, Any], operation: dict[str, Any]) -> tuple[str, list[str]] | None:
    """A JSON or form body's media type and field names (``None``: a body this test cannot fill)."""
    for media, content in operation["requestBody"].get("content", {}).items():
        if media not in ("application/json", "application/x-www-form-urlencoded"):
            continue
        schema = content.get("schema", {})
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        if schema.get("type") == "object" and schema.get("properties"):
            return media, list(schema["properties"])
    return None


def routes_of(routes: list[Any]) -> list[APIRoute]:
    """The app's routes, through the routers it includes (FastAPI wraps each in a router of its own)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif (included := getattr(route, "original_router", None)) is not None:
            found.extend(routes_of(included.routes))
    return found


@pytest.mark.fuzz
def test_arbitrary_unicode_through_every_route_never_5xx_and_the_projections_keep_up(served: Served) -> None:
    with rule_switched_off():  # text an older release recorded: the reads run over it too
        older = post(served, "/v1/decisions", served.sign("ma_xiaodong", "decision.register", uuid4(),
                                                          {**decision_of(served), "title": "旧\x00文本\u202e\x1b"}))
    assert older.status_code == 201, older.text
    document = served.client.get("/openapi.json").json()
    write_ops = {action.replace(".", "_"): action for action in writes.ROUTES}
    inspector = served.headers("kong_deming")
    ids = real_ids(served)
    pages = TestClient(served.client.app)  # a browser of its own, signed in as the inspector
    assert pages.post("/signin", data={"token": inspector["Authorization"].split()[1]}).status_code == 200
    drivers: dict[tuple[str, str], Callable[[], None]] = {}
    left_out = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            if method == "post" and operation.get("operationId") in write_ops:
                action = write_ops[operation["operationId"]]
                drivers[("POST", path)] = partial(drive_write, served, path, action)
            elif "requestBody" not in operation:
                drivers[(method.upper(), path)] = partial(drive_read, served.client, path, query, inspector, ids,
                                                          method.upper())
            elif (body := body_fields(document, operation)) is not None:
                drivers[(method.upper(), path)] = partial(drive_read, served.client, path, query, inspector, ids,
                                                          method.upper(), body)
            else:
                left_out.append(f"{method.upper()} {path}")
    app = cast(FastAPI, served.client.app)
    for route in routes_of(app.routes):  # the pages, which the document leaves out
        if route.include_in_schema:
            continue
        for method in route.methods or ():
            query = [p.name for p in route.dependant.query_params]
            drivers[(method, route.path)] = partial(drive_read, pages, route.path, query, {}, ids, method)
    assert not left_out, f"routes this test cannot drive: {left_out}"
    assert len(drivers) >= 70 and {("POST", "/v1/decisions"), ("GET", "/v1/cases"), ("GET", "/cases")} <= set(drivers)
    failures = []
    for (method, path), drive in sorted(drivers.items()):
        try:
            drive()
        except AssertionError as error:
            failures.append(f"{method} {path}: {error}")
    assert not failures, "\n\n".join(failures)
    wait_for(served.service.projector, timeout=30)
    assert not served.service.projector.pending(), "the projections keep up with what was stored"
    ready = served.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["stored_events"] == served.stored()
    for path in ("/v1/cases", "/v1/decisions", "/v1/findings", "/v1/public/results"):
        assert served.client.get(path, headers=inspector).status_code == 200, path
    assert pages.get("/cases").status_code == 200 and pages.get("/").status_code == 200
    assert json.loads(served.client.get("/v1/decisions?limit=1", headers=inspector).text)
