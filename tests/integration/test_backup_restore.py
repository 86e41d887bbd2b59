"""Backup and restore: a ledger copied while in use and restored elsewhere is
the same ledger — `verify` passes, the latest signed checkpoint is byte for byte the one before,
and the restored store keeps working: it projects, records a further demo, checks it against the
checkpoint kept from before the backup, and still refuses an UPDATE of a stored event.

PostgreSQL: `pg_dump --format=custom` and `pg_restore` into a fresh database (the commands the
README documents). SQLite: `decision-ledger backup` (the online backup API), the copy put in place.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.integration.conftest import DemoLedger, Run, Store, invoke, new_store
from tests.integration.writers import enrol

PG_DUMP, PG_RESTORE = "/usr/bin/pg_dump", "/usr/bin/pg_restore"


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or (PG_DUMP if name == "pg_dump" else PG_RESTORE)
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed: PostgreSQL backups are made with it")
    return found


@contextmanager
def backed_up_and_restored(store: Store, directory: Path) -> Iterator[Store]:
    """Back the store up and restore the backup as a new store, as the README says."""
    if store.kind == "sqlite":
        backup = directory / "backup" / "ledger-backup.db"
        result = invoke("backup", "--db", store.url, "--out", str(backup), "--json")
        assert result.code == 0, result.err
        assert json.loads(result.out)["file"] == str(backup)
        restored = directory / "restored" / "ledger.db"
        restored.parent.mkdir()
        shutil.copyfile(backup, restored)
        yield Store("sqlite", f"sqlite:///{restored}", path=restored)
        return
    dump = directory / "ledger.dump"
    subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--file", str(dump), "--dbname", store.url],
                   check=True, capture_output=True, timeout=120)
    fresh = new_store("postgres", directory, slot="restored")  # an empty database, as new
    subprocess.run([_pg_tool("pg_restore"), "--dbname", fresh.url, "--no-owner", "--exit-on-error",
                    "--single-transaction", str(dump)], check=True, capture_output=True, timeout=120)
    yield fresh


def test_a_restored_backup_is_the_same_ledger_and_keeps_working(
        demo_ledger: DemoLedger, tmp_path: Path) -> None:
    store = demo_ledger.store  # `init` and `demo` made it
    keys = ("--keys", str(demo_ledger.keys))
    published = invoke("checkpoint", "--db", store.url, *keys).out  # projects and signs first
    before = json.loads(invoke("verify", "--db", store.url, "--json").out)
    assert before["ok"] and published.split("\n")[1] == str(before["events"])
    trusted = tmp_path / "published.note"
    trusted.write_text(published, encoding="utf-8")

    with backed_up_and_restored(store, tmp_path) as restored:
        after = json.loads(invoke("verify", "--db", restored.url, "--json").out)
        assert after["ok"], after["breaks"]
        assert (after["events"], after["aggregates"], after["ledger_keyid"]) == (
            before["events"], before["aggregates"], before["ledger_keyid"])
        assert invoke("checkpoint", "--db", restored.url, *keys).out == published
        assert restored.rows() == store.rows(), "every event, byte for byte, in the same order"

        # it keeps working: new events continue the chains and the log, from the same checkpoint
        enrol(restored.url, demo_ledger.keys, people=1, cases=1)  # signed as the ledger's own people
        assert invoke("project", "--db", restored.url, *keys).code == 0
        grown = json.loads(invoke("verify", "--db", restored.url, "--json").out)
        assert grown["ok"] and grown["events"] > before["events"], grown["breaks"]
        since = invoke("verify", "--db", restored.url, "--since-checkpoint", str(trusted))
        assert since.code == 0, since.out + since.err
        # a bundle from the restored store proves it extends the checkpoint published before
        case_id = json.loads(invoke("cases", "--db", restored.url, "--json").out)[0]["case_id"]
        bundle = tmp_path / "case.json"
        exported = invoke("export", "--db", restored.url, *keys, "--case", case_id, "--out", str(bundle),
                          "--since-checkpoint", str(trusted))
        assert exported.code == 0, exported.err
        checked = invoke("verify", "--bundle", str(bundle), "--since-checkpoint", str(trusted), "--json")
        assert checked.code == 0, checked.out
        assert f"consistency proof {before['events']} → {grown['events']} verified" in json.loads(checked.out)["notes"]
        data = json.loads(bundle.read_text(encoding="utf-8"))
        data["consistency"]["consistency_path"][0] = "00" * 32
        bundle.write_text(json.dumps(data), encoding="utf-8")
        assert invoke("verify", "--bundle", str(bundle), "--since-checkpoint", str(trusted)).code == 1
        del data["consistency"]
        bundle.write_text(json.dumps(data), encoding="utf-8")
        unproven = invoke("verify", "--bundle", str(bundle), "--since-checkpoint", str(trusted))
        assert unproven.code == 1 and "carries no consistency proof" in unproven.out

        nid = restored.rows()[0][0]
        for sql in (f"UPDATE {restored.table} SET state = state WHERE {restored.id_column} = {nid}",
                    f"DELETE FROM {restored.table} WHERE {restored.id_column} = {nid}"):
            with pytest.raises(Exception, match="append-only"):
                restored.execute(sql)


def test_backup_usage_errors_exit_2_and_write_nothing(tmp_path: Path) -> None:
    def backup(*args: str) -> Run:
        return invoke("backup", *args)

    postgres = backup("--db", "postgresql://postgres@127.0.0.1:5432/ledger", "--out", str(tmp_path / "x.db"))
    assert postgres.code == 2 and "pg_dump --format=custom" in postgres.err and "pg_restore" in postgres.err
    missing = backup("--db", f"sqlite:///{tmp_path / 'missing.db'}", "--out", str(tmp_path / "x.db"))
    assert missing.code == 2 and not (tmp_path / "missing.db").exists()
    ledger = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert invoke("init", "--db", ledger, "--keys", str(tmp_path / "keys")).code == 0
    (tmp_path / "taken.db").write_bytes(b"mine")
    taken = backup("--db", ledger, "--out", str(tmp_path / "taken.db"))
    assert taken.code == 2 and "never overwrites" in taken.err
    assert (tmp_path / "taken.db").read_bytes() == b"mine"
    assert not (tmp_path / "x.db").exists()
    assert backup("--db", ledger).code == 2
    fresh = backup("--db", ledger, "--out", str(tmp_path / "copy.db"))
    assert fresh.code == 0 and "no checkpoint yet" in fresh.out
    assert invoke("verify", "--db", f"sqlite:///{tmp_path / 'copy.db'}").code == 0
