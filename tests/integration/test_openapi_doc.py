"""The API document says how each operation is authenticated, the format of every date and time,
the plan's part names, and who may sign each action (issue 19 point 6) — and what it says is what
the service does."""

from __future__ import annotations

from typing import Any

import pytest

from api.http.labels import ROLE_LABELS
from api.http.writes import NOT_OVER_HTTP
from domain.model.actions import ACTIONS
from domain.model.signers import CONDITIONS, MEMBERSHIP
from domain.model.vocabulary import PLAN_PARTS
from tests.integration.http_support import Served
from tests.integration.read_examples_gen import requests

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


def document(served: Served) -> dict[str, Any]:
    answer = served.client.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()]


def intent_of(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    return doc["components"]["schemas"][ref]["properties"]["payload"]["contentSchema"]  # type: ignore[no-any-return]


def test_each_operation_declares_how_it_is_authenticated_and_the_service_agrees(served: Served) -> None:
    doc = document(served)
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["session"] == {**schemes["session"], "type": "apiKey", "in": "cookie", "name": "dl_session"}
    declared = {(path, method): op["security"] for path, method, op in operations(doc)}
    assert all(s in ([], [{"bearer": []}, {"session": []}]) for s in declared.values())
    assert all(declared[(path, "post")] == [] for path, method, op in operations(doc) if op["tags"] == ["writes"])
    asked = 0
    served.client.cookies.clear()
    for template, concrete, params in requests(served):  # every GET, with real ids
        anonymous = served.client.get(concrete, params=params)
        if declared[(template, "get")]:
            assert anonymous.status_code == 401, template
            assert served.get(concrete, "kong_deming", **(params or {})).status_code == 200, template
            asked += 1
        else:
            assert anonymous.status_code == 200, template  # public: no token needed
    assert asked >= 15


def test_every_date_and_time_says_its_format(served: Served) -> None:
    doc = document(served)
    writes = [(path, op) for path, method, op in operations(doc) if op["tags"] == ["writes"]]
    dates = 0

    def walk(node: Any, name: str, where: str) -> None:
        nonlocal dates
        if isinstance(node, dict):
            if node.get("format") == "date":
                dates += 1
                assert "China" in node["description"] and "北京时间" in node["description"], where
                assert node.get("examples") or node.get("pattern") or name, where
            if name.endswith(("_on", "_date")) and node.get("type") == "string":
                assert node.get("format") == "date", f"{where}: {name} is a date without its format"
            for key, value in node.items():
                walk(value, key if key not in ("properties", "items") else name, f"{where}.{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, name, where)

    for path, op in writes:
        intent = intent_of(doc, op)
        signed_at = intent["properties"]["signed_at"]
        assert signed_at["format"] == "date-time" and "UTC" in signed_at["description"], path
        walk(intent["properties"]["args"], "", path)
    assert dates >= 15
    decided_on = intent_of(doc, doc["paths"]["/v1/decisions"]["post"])["properties"]["args"]["properties"]["decided_on"]
    assert decided_on["format"] == "date" and decided_on["examples"] == ["2026-03-02"]
    recorded = doc["components"]["schemas"]["Recorded"]["properties"]["recorded_at"]
    assert recorded["format"] == "date-time" and "UTC" in recorded["description"]
    at = next(p for p in doc["paths"]["/v1/cases/{case_id}"]["get"]["parameters"] if p["name"] == "at")
    assert "+08:00" in at["description"] and "北京时间" in at["description"]


def test_the_plan_part_names_are_enumerated(served: Served) -> None:
    doc = document(served)
    parts = intent_of(doc, doc["paths"]["/v1/cases/{case_id}/plan"]["post"])["properties"]["args"]["properties"]["parts"]
    assert parts["propertyNames"]["enum"] == sorted({k for names in PLAN_PARTS.values() for k in names})
    for names in PLAN_PARTS.values():
        assert all(f"`{key}` {zh}" in parts["description"] for key, zh in names.items())
    assert "NX-10(1)" in parts["description"] and "XX-11(2)" in parts["description"]


def test_who_may_sign_is_the_ledgers_own_tables_for_every_action(served: Served) -> None:
    doc = document(served)
    by_id = {op["operationId"]: op for _, method, op in operations(doc) if method == "post"}
    for name, spec in ACTIONS.items():
        if name in NOT_OVER_HTTP:
            assert name.replace(".", "_") not in by_id
            continue
        op = by_id[name.replace(".", "_")]
        who = op["x-who-may-sign"]
        assert [r["role"] for r in who["roles"]] == sorted(r.value for r in spec.roles or ()), name
        assert all((r["zh"], r["en"]) == ROLE_LABELS[r["role"]] for r in who["roles"]), name
        assert [m["condition"] for m in who["membership"]] == list(MEMBERSHIP.get(name, ())), name
        assert all((m["zh"], m["en"]) == (CONDITIONS[m["condition"]].zh, CONDITIONS[m["condition"]].en)
                   for m in who["membership"]), name
        assert who["roles"] or who["membership"], f"{name}: nobody may sign?"
        assert who["zh"] in op["description"] and who["en"] in op["description"], name
        assert op["description"].count("Who may sign") == 1, name
    team = by_id["case_close_evidence"]["x-who-may-sign"]
    assert "本案评估小组组长" in team["zh"] and "team leader" not in team["zh"]
    assert "leader of this case's evaluation team" in team["en"]
