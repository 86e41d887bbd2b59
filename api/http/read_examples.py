"""Examples of every read's answer for the OpenAPI document, taken from the demo.

``read_examples.json`` holds, per GET path template, one real answer from a demo ledger (lists
cut to two items). It is regenerated with ``python -m tests.integration.read_examples_gen``
whenever an answer's shape changes; a test compares it with live answers, so it cannot drift.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI

EXAMPLES_FILE = Path(__file__).with_name("read_examples.json")
MEDIA = {"/v1/public/checkpoint": "text/plain; charset=utf-8", "/v1/public/checkpoints/{size}": "text/plain; charset=utf-8",
         "/v1/public/vkey": "text/plain; charset=utf-8", "/metrics": "text/plain; version=0.0.4; charset=utf-8"}


def load() -> dict[str, Any]:
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def shrink(value: Any, items: int = 2) -> Any:
    if isinstance(value, list):
        return [shrink(v, items) for v in value[:items]]
    if isinstance(value, dict):
        return {k: shrink(v, items) for k, v in value.items()}
    return value


def attach(app: FastAPI) -> None:
    """Put the examples into the app's OpenAPI document (200 answers without one)."""
    examples = load()
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        for path, item in schema.get("paths", {}).items():
            operation = item.get("get")
            if operation is None or path not in examples:
                continue
            ok = operation.setdefault("responses", {}).setdefault("200", {"description": "OK"})
            media = next(iter(ok.get("content", {})), MEDIA.get(path, "application/json"))
            content = ok.setdefault("content", {}).setdefault(media, {})
            content.setdefault("example", examples[path])
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
