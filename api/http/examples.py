"""Examples for the OpenAPI document: for every action, valid arguments and a signed envelope.

Arguments are built from the command's own schema (so they stay valid as commands change) with
realistic values for fields whose format a schema cannot invent; the envelope is signed with a
fixed example key at a fixed time, so the document is the same on every start.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.evidence.intent import Intent, sign_intent
from domain.evidence.signing import SigningKey
from domain.model.actions import ActionSpec

EXAMPLE_KEY = SigningKey(Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"decision-ledger example").digest()))
EXAMPLE_ACTOR = UUID("00000000-0000-4000-8000-0000000000a1")
EXAMPLE_TARGET = UUID("00000000-0000-4000-8000-0000000000c1")
EXAMPLE_TIME = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

BY_NAME: dict[str, Any] = {
    "digest": hashlib.sha256(b"document").hexdigest(),
    "credit_code": "12640000455380040F",
    "old_keyid": EXAMPLE_KEY.keyid,
    "keyid": EXAMPLE_KEY.keyid,
    "public_key": EXAMPLE_KEY.public_key.jwk,
    "public_keys": [EXAMPLE_KEY.public_key.jwk],
    "grounds": ["NX-4(2)"],
    "content_items": ["NX-6(1)"],
    "addressed_items": ["NX-6(1)"],
    "jurisdiction": "NX",
    "parts": {"purpose": "评估目的", "scope": "评估范围", "methods": "评估方法",
              "procedure_and_schedule": "程序与时间安排", "budget": "经费预算"},
    "sections": {f"NX-7({i})": f"第{i}部分" for i in range(1, 5)},
    "hash": hashlib.sha256(b"event").hexdigest(),
    "period_from": "2026-02-01",
    "period_to": "2026-02-20",
    "title": "示例",
    "source": "示例",
    "summary": "示例",
    "kid": "00000000-0000-4000-8000-0000000000e1",
    "valid_from": "2026-03-01",  # H3 credit: a bad-credit record's period
    "valid_until": "2027-03-01",
    # issue 18 — a year's holiday notice (holiday_notice.adopt)
    "year": 2027,
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"],
    "workdays": [],
    "none": True,  # issue 18 — avoidance: 无承担主要论证工作的专家、机构 (decision.record_demonstrators)
    # issue 18 — the 全过程记录 a finalisation binds, the report's digest, XX-17's two channels
    "process_record_digest": "sha256:" + hashlib.sha256(b"process record").hexdigest(),
    "report_digest": hashlib.sha256(b"document").hexdigest(),
    "channels": [{"channel": "county_portal", "url": "http://www.xixian.gov.cn/zwgk/pgbg/1.html"},
                 {"channel": "unit_site", "url": "http://www.xixian.gov.cn/fgw/pgbg/1.html"}],
}


def _value(name: str, schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    if name in BY_NAME:
        return BY_NAME[name]
    if "$ref" in schema:
        return _value(name, defs[schema["$ref"].split("/")[-1]], defs)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _value(name, options[0], defs) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, defs) if schema.get("properties") else {}
    if kind == "array":
        return [_value(name, schema.get("items", {}), defs)]
    if kind == "boolean":
        return True
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if schema.get("format") == "uuid":
        return "00000000-0000-4000-8000-0000000000d1"
    if "date" in name or name.endswith("_on") or schema.get("format") == "date":  # a deadline (713-41)
        return "2026-02-20"
    if schema.get("pattern") == "^[0-9a-f]{64}$":  # a document's digest under another name (H1 making)
        return BY_NAME["digest"]
    return "示例"


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    required = set(schema.get("required", []))
    return {
        name: _value(name, prop, defs)
        for name, prop in schema.get("properties", {}).items()
        if name in required or name in BY_NAME
    }


def example_args(spec: ActionSpec) -> dict[str, Any]:
    schema = spec.command.model_json_schema()
    args = _object(schema, schema.get("$defs", {}))
    spec.command.parse(args)  # an example that does not parse would mislead
    return args


def example_envelope(spec: ActionSpec) -> dict[str, Any]:
    intent = Intent(
        actor=EXAMPLE_ACTOR,
        action=spec.name,
        target=EXAMPLE_TARGET,
        expected_version=0 if spec.creates else 3,
        args=example_args(spec),
        signed_at=EXAMPLE_TIME,
        nonce="0123456789abcdef0123456789abcdef",
    )
    return sign_intent(EXAMPLE_KEY, intent).to_json()
