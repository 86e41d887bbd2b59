"""The tests' stores are what they stand for (tests/integration/stores.py): a copy of a pristine
ledger holds its rows, byte for byte, and — on PostgreSQL — its schema, functions and triggers,
so the copy's stored events are append-only to every session as `init` made them; its keys are
where `init` would have written them for the copy; and an empty store is empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import DemoLedger, Pristines, Store, invoke
from tests.integration.stores import snapshot


def test_a_copy_is_the_pristine_ledger_and_stays_append_only(  # type: ignore[no-untyped-def]
        cli, pristines: Pristines, demo_ledger: DemoLedger, tmp_path: Path) -> None:
    copy = demo_ledger.store
    original = pristines.get("demo", copy.kind).store
    assert copy.url != original.url
    assert copy.rows() == original.rows()
    if copy.kind == "postgres":
        assert snapshot(copy.dbname) == snapshot(original.dbname), "the same schema, functions, triggers and rows"
    nid = copy.rows()[0][0]
    statements = [f"UPDATE {copy.table} SET state = state WHERE {copy.id_column} = {nid}",
                  f"DELETE FROM {copy.table} WHERE {copy.id_column} = {nid}"]
    if copy.kind == "postgres":
        statements.append(f"TRUNCATE {copy.table}")
    for sql in statements:
        with pytest.raises(Exception, match="append-only"):
            copy.execute(sql)

    info = json.loads((demo_ledger.keys / "ledger.json").read_text())
    assert info["keys_dir"] == str(demo_ledger.keys) and info["database"] == copy.url
    assert Path(demo_ledger.demo["keys_dir"]).parent.parent == demo_ledger.keys
    verified = invoke("verify", "--db", copy.url, "--json")
    assert verified.code == 0 and json.loads(verified.out)["events"] == 3 + 104, verified.out
    again = cli("demo", "--db", copy.url, "--json")  # the keys init wrote, found where init wrote them
    assert again.code == 0, again.err
    assert copy.rows()[: len(pristines.get("demo", copy.kind).store.rows())] == original.rows()


def test_a_new_store_is_empty(store: Store) -> None:
    if store.kind == "sqlite":
        assert store.path is not None and not store.path.exists()
        return
    assert store.execute("SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = 'public'") == [(0,)]
    assert store.execute("SELECT COUNT(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                         "WHERE n.nspname = 'public'") == [(0,)]
