"""Regenerate ``api/http/read_examples.json`` from a demo ledger:
``python -m tests.integration.read_examples_gen``."""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from api.demo_cast import MARKET_UNIT
from api.http.read_examples import EXAMPLES_FILE, shrink
from projections import accountability
from tests.accountability_support import open_args, subject
from tests.integration.http_support import Served, serve_demo


def procedure_id(served: Served) -> str:
    """An accountability procedure the NX inspector reads (the examples are his answers): the
    ledger's first on an NX decision, else one he opens on the demo's NX case, naming its lead as
    the responsible leader (the demo's own procedure is 息县's, outside his scope)."""
    found = [p for p in accountability.procedures(served.service.current().views, limit=1000)
             if p["jurisdiction"] == "NX"]
    if found:
        return str(found[0]["accountability_id"])
    nx = served.demo.cases[0]
    first = served.ledger.stored_event(UUID(str(nx["id"])), 1)
    assert first is not None
    target = uuid4()
    served.people["kong_deming"].act(served.ledger, "accountability.open", target, open_args(
        "NX", UUID(str(nx["decision_id"])), [subject(served.people["ma_xiaodong"].principal_id, "leader")],
        events=[{"aggregate_id": str(nx["id"]), "version": 1, "hash": first.hash}], case_id=nx["id"],
        conduct="dereliction"))
    return str(target)


def requests(served: Served) -> Iterator[tuple[str, str, dict[str, str] | None]]:
    """Every GET of the API as (path template, concrete path, query), with real ids."""
    nx, _, flagged = (c["id"] for c in served.demo.cases[:3])
    size = served.stored()
    fills = {
        "{case_id}": flagged, "{principal_id}": served.demo.handles["he_jing"],
        "{decision_id}": served.demo.cases[2]["decision_id"], "{aggregate_id}": nx, "{size}": str(size),
        "{accountability_id}": procedure_id(served),  # H2 accountability
        "{source}": "people",  # issue 19 — forms2: the forms' lookups
        "{unit_id}": served.demo.organisations[MARKET_UNIT],  # 713-39: a unit's record
    }
    params: dict[str, dict[str, str]] = {
        "/v1/public/proofs/inclusion": {"event": f"{nx}:3"},
        "/v1/public/proofs/consistency": {"old": "7", "new": str(size)},
        "/v1/lookup/{source}": {"q": "孔"},  # issue 19 — forms2
    }
    for path, item in served.client.get("/openapi.json").json()["paths"].items():
        if "get" not in item:
            continue
        concrete = path
        for key, value in fills.items():
            concrete = concrete.replace(key, value)
        yield path, concrete, params.get(path)


def answer(served: Served, concrete: str, params: dict[str, str] | None) -> Any:
    response = served.client.get(concrete, params=params, headers=served.headers("kong_deming"))
    if response.status_code != 200:
        raise RuntimeError(f"GET {concrete}: {response.status_code} {response.text[:200]}")
    media = response.headers.get("content-type", "")
    return shrink(response.json()) if "json" in media else response.text[:600]


def generate(directory: Path) -> dict[str, Any]:
    """Run the demo on a scratch SQLite store and record one answer of every GET."""
    with warnings.catch_warnings(), serve_demo(f"sqlite:///{directory}/examples.db", directory) as served:
        warnings.simplefilter("ignore")
        return {path: answer(served, concrete, params) for path, concrete, params in requests(served)}


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        examples = generate(Path(scratch))
    EXAMPLES_FILE.write_text(json.dumps(examples, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(examples)} examples to {EXAMPLES_FILE}")


if __name__ == "__main__":
    main()
