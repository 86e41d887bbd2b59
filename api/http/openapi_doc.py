"""What the API document says beyond what FastAPI derives (issue 19 point 6): how a request is
authenticated, the format of every date and time, the plan's part names, and who may sign each
action.

* ``securitySchemes``: ``bearer`` (a JWT the reader signs with their own Ed25519 key,
  :mod:`api.http.auth`) and ``session`` (the ``dl_session`` cookie of a web sign-in,
  :mod:`api.http.sessions`). Each operation's ``security`` says which it accepts: the reads
  that need a reader (those depending on :func:`api.http.reads.reader`) either; every other
  operation none (``[]``) — the writes are authenticated by the signature of the intent they
  carry, not by a token. Declared in the document only: a ``Security`` dependency would change
  how requests are parsed (and how the fuzz test sends them).
* Dates and times: the signing time of an intent and the recording times are UTC
  (``date-time``, ``Z``); an ``at`` parameter takes a time with its zone; a date argument
  (:data:`domain.model.commands.base.IsoDate`) is a calendar day in China.
* ``case.submit_plan``'s ``parts``: ``propertyNames`` enumerates the part names of both texts
  (:data:`domain.model.vocabulary.PLAN_PARTS`, the table rule ``plan-complete`` checks).
* ``x-who-may-sign`` on every write, with the same words in its description: the standing roles
  (:data:`domain.model.actions.ACTIONS`, checked by the ledger before the aggregate) and the
  membership conditions (:data:`domain.model.signers.MEMBERSHIP`, checked by the aggregate).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from api.http import reads
from api.http.labels import ROLE_LABELS
from api.http.sessions import SESSION_COOKIE
from domain.model.actions import ACTIONS, ActionSpec
from domain.model.signers import CONDITIONS, MEMBERSHIP
from domain.model.vocabulary import PLAN_PARTS, Jurisdiction

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearer": {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "A JWT (RFC 7519) the reader signs with their own registered Ed25519 key: header "
                       "`{\"alg\": \"EdDSA\", \"kid\": <RFC 7638 key id>}`, claims `sub` (the principal id), `aud` "
                       "`decision-ledger`, `iat`, `exp` (at most 15 minutes after `iat`), `jti`. Refused once the "
                       "key is no longer active or a role of the reader was revoked after it was issued. "
                       "`decision-ledger client token` makes one. 读者用本人密钥签署的令牌（15分钟内有效）。",
    },
    "session": {
        "type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
        "description": "The web session the sign-in page (`POST /signin` with a token) sets: kept on the server, "
                       "ended by `POST /signout`, for at most 4 hours. 网页登录后服务器保存的会话。",
    },
}
READERS: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]

UTC_TIME = {
    "type": "string", "format": "date-time", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$",
    "examples": ["2026-03-02T01:00:00.000000Z"],
}
SIGNED_AT = "UTC (Z), to the microsecond: when the signer signed, by their clock (签名时间，协调世界时)"
RECORDED_AT = "UTC (Z), to the microsecond: when the ledger recorded the event (记录时间，协调世界时)"
DATE = ("a calendar date, YYYY-MM-DD, as the day falls in China (Beijing time, UTC+8); no time, no zone "
        "(公历日期，按北京时间)")
AT = ("a version number (1, 2, …), or an ISO 8601 time with its zone: `Z` for UTC or `+08:00` for Beijing time "
      "(北京时间), e.g. `2026-03-02T09:00:00+08:00` (版本号，或带时区的时间)")


def who_may_sign(spec: ActionSpec) -> dict[str, Any]:
    """The ``x-who-may-sign`` of an action: its roles (any one) and its membership conditions
    (any one), each in Chinese and English, and one sentence in each language."""
    roles = [{"role": role.value, "zh": ROLE_LABELS[role][0], "en": ROLE_LABELS[role][1]}
             for role in sorted(spec.roles or ())]
    members = [{"condition": name, "zh": CONDITIONS[name].zh, "en": CONDITIONS[name].en}
               for name in MEMBERSHIP.get(spec.name, ())]
    zh, en = [], []
    if roles:
        zh.append("持有以下角色之一：" + "、".join(r["zh"] for r in roles))
        en.append("one of the roles " + ", ".join(f"{r['en']} (`{r['role']}`)" for r in roles))
    if members:
        zh.append(("并且是" if roles else "") + "以下之一：" + "；".join(m["zh"] for m in members))
        en.append(("and " if roles else "") + "one of: " + "; ".join(m["en"] for m in members))
    return {
        "roles": roles,
        "membership": members,
        "zh": "；".join(zh) + "。",
        "en": "; ".join(en) + ".",
        "article": spec.article,
    }


def _reader_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every operation that needs a reader (depends on reads.reader)."""
    found: set[tuple[str, str]] = set()

    def depends(dependant: Any) -> bool:
        return any(d.call is reads.reader or depends(d) for d in dependant.dependencies)

    def walk(routes: Any) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                walk(included.routes)
            elif isinstance(route, APIRoute) and depends(route.dependant):
                found.update((method.lower(), route.path) for method in route.methods or ())

    walk(app.routes)
    return found


def _plan_parts() -> dict[str, Any]:
    names = sorted({name for parts in PLAN_PARTS.values() for name in parts})
    listed = {j: "、".join(f"`{k}` {v}" for k, v in PLAN_PARTS[j].items()) for j in (Jurisdiction.NX, Jurisdiction.XX)}
    return {
        "propertyNames": {"enum": names},
        "description": "The plan's parts, by name (评估方案的组成部分), each with its text: every part the case's "
                       f"text requires and no other (rule plan-complete). NX-10(1): {listed[Jurisdiction.NX]}. "
                       f"XX-11(2): {listed[Jurisdiction.XX]}.",
    }


def _describe_dates(node: Any) -> None:
    """Every date without a description of its own gets the one of IsoDate (a pydantic ``date``
    argument: a holiday notice's days, a credit record's validity)."""
    if isinstance(node, dict):
        if node.get("format") == "date" and "description" not in node:
            node["description"] = DATE
        for value in node.values():
            _describe_dates(value)
    elif isinstance(node, list):
        for value in node:
            _describe_dates(value)


def enrich(app: FastAPI, schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    readers = _reader_routes(app)
    operations = {op.get("operationId"): op for item in schema.get("paths", {}).values() for op in item.values()}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            operation["security"] = READERS if (method, path) in readers else []
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "at" and parameter.get("in") == "query":
                    parameter["description"] = AT
    schemas = components.get("schemas", {})
    _describe_dates(schemas)
    if "Recorded" in schemas:
        schemas["Recorded"]["properties"]["recorded_at"].update(UTC_TIME, description=RECORDED_AT)
    for name, spec in ACTIONS.items():
        operation = operations.get(name.replace(".", "_"))
        if operation is None:
            continue
        who = who_may_sign(spec)
        operation["x-who-may-sign"] = who
        operation["description"] = (operation.get("description", "").split("\n\nWho may sign:")[0]
                                    + f"\n\n**Who may sign (谁可以签署):** {who['zh']} {who['en']}")
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        intent = schemas[ref]["properties"]["payload"]["contentSchema"]
        intent["properties"]["signed_at"].update(UTC_TIME, description=SIGNED_AT)
        if name == "case.submit_plan":
            intent["properties"]["args"]["properties"]["parts"].update(_plan_parts())


def attach(app: FastAPI) -> None:
    """Enrich the app's OpenAPI document once, when it is first built."""
    original = app.openapi
    done: list[int] = []

    def openapi() -> dict[str, Any]:
        schema = original()
        if id(schema) not in done:
            enrich(app, schema)
            done.append(id(schema))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
