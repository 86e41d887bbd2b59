"""init, demo and verify on SQLite and on PostgreSQL, and an insider's tampering caught on both.

The commands run in this process (``cli``); the installed script itself, in a new process, in
``test_the_installed_script_exits_0_1_and_2``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.integration.conftest import DemoLedger, Store
from tests.integration.demo_counts import DEMO_EVENTS, GENESIS_EVENTS


def test_init_demo_verify(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    init = cli("init", "--db", store.url, "--json")
    assert init.code == 0, init.err
    info = json.loads(init.out)
    keys = Path(info["keys_dir"])
    assert stat.S_IMODE(os.stat(info["ledger_key_file"]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(info["administrator_key_file"]).st_mode) == 0o600

    first = cli("demo", "--db", store.url, "--json")
    second = cli("demo", "--db", store.url, "--json")
    assert first.code == second.code == 0, first.err + second.err
    cases = json.loads(first.out)["cases"] + json.loads(second.out)["cases"]
    assert len({c["id"] for c in cases}) == 8, "a second demo adds a second set"
    assert [c["phase"] for c in cases] == ["ruled", "published", "report_finalised", "report_finalised"] * 2
    assert [c["findings"] for c in cases[:2]] == [[], []]
    assert cases[2]["findings"] == [
        "NX/no-hand-over", "NX/demonstrators-excluded", "NX/preset-conclusion",
        "NX/conclusion-without-opinion", "NX/conclusion-without-stakeholders",  # issue 18 — evidence
        "NX/skewed-exclusions", "NX/completion-deadline", "NX/accountability",
    ]
    assert [c["jurisdiction"] for c in cases] == ["NX", "XX", "NX", "XX"] * 2
    assert cases[3]["findings"] == ["XX/decision-fault"]  # the evaluation confirmed the decision's fault (XX-18)
    assert json.loads(first.out)["events"] == DEMO_EVENTS
    demo_dirs = list((keys / "demo").iterdir())
    assert len(demo_dirs) == 2 and len(list(demo_dirs[0].glob("*.pem"))) == 21  # one key file per demo person

    verify = cli("verify", "--db", store.url)
    assert verify.code == 0, verify.out + verify.err
    assert verify.out.startswith("intact: ")
    report = json.loads(cli("verify", "--db", store.url, "--json").out)
    assert report["ok"] and report["events"] == GENESIS_EVENTS + 2 * DEMO_EVENTS and report["breaks"] == []
    assert report["ledger_keyid"] == info["ledger_keyid"]
    assert cli("verify", "--db", store.url, "--ledger-key", info["ledger_keyid"]).code == 0
    pinned = cli("verify", "--db", store.url, "--ledger-key", info["administrator_keyid"])
    assert pinned.code == 1 and "key" in pinned.out


def test_init_refuses_a_second_genesis(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--db", store.url).code == 0
    again = cli("init", "--db", store.url, "--keys", "other-keys")
    assert again.code == 1 and "already holds a ledger" in again.err


def case_event(store: Store, demo: dict, offset: int) -> tuple[int, str, int, bytes]:
    """A stored event of the demo's NX case, `offset` events after its opening."""
    case_id = demo["cases"][0]["id"]
    rows = [r for r in store.rows() if r[1] == case_id]
    return rows[offset]


def edit_bytes(store: Store, demo: dict) -> tuple[str, int, set[str]]:
    nid, aggregate, version, state = case_event(store, demo, 5)
    i = state.index(b'"payload":"') + 60
    flipped = state[:i] + (b"B" if state[i : i + 1] != b"B" else b"C") + state[i + 1 :]
    store.set_state(nid, flipped)
    return aggregate, version, {"hash", "signature"}


def delete_one(store: Store, demo: dict) -> tuple[str, int, set[str]]:
    nid, aggregate, version, _ = case_event(store, demo, 5)
    store.delete(nid)
    return aggregate, version + 1, {"gap"}


def swap_two(store: Store, demo: dict) -> tuple[str, int, set[str]]:
    a = case_event(store, demo, 5)
    b = case_event(store, demo, 6)
    store.set_state(a[0], b[3])
    store.set_state(b[0], a[3])
    return a[1], a[2], {"hash", "chain", "signature"}


def garble(store: Store, demo: dict) -> tuple[str, int, set[str]]:
    nid, aggregate, version, _ = case_event(store, demo, 5)
    store.set_state(nid, b"\x00\xff not even json \xfe")
    return aggregate, version, {"hash"}


@pytest.mark.parametrize("tamper", [edit_bytes, delete_one, swap_two, garble])
def test_verify_catches_an_insider(cli, demo_ledger: DemoLedger, tamper) -> None:  # type: ignore[no-untyped-def]
    store, demo = demo_ledger.store, demo_ledger.demo  # init and demo, as `init` and `demo` leave it
    store.drop_triggers()
    aggregate, version, expected = tamper(store, demo)
    result = cli("verify", "--db", store.url)
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err
    lines = [line for line in result.out.splitlines() if line.startswith("BROKEN aggregate")]
    named = {line.split(": ")[1] for line in lines if f"{aggregate} version {version} " in line}
    assert expected <= named, result.out
    report = json.loads(cli("verify", "--db", store.url, "--json").out)
    assert not report["ok"]
    assert {b["kind"] for b in report["breaks"] if b["version"] == version} >= expected


def test_triggers_refuse_update_delete_truncate(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--db", store.url).code == 0
    before = store.rows()
    nid = before[0][0]
    statements = [
        f"UPDATE {store.table} SET state = state WHERE {store.id_column} = {nid}",
        f"DELETE FROM {store.table} WHERE {store.id_column} = {nid}",
    ]
    if store.kind == "postgres":
        statements.append(f"TRUNCATE {store.table}")
    else:  # INSERT OR REPLACE deletes without firing delete triggers; it is refused too
        statements.append(
            f"INSERT OR REPLACE INTO {store.table} SELECT * FROM {store.table} WHERE rowid = {nid}"
        )
    for sql in statements:
        with pytest.raises(Exception, match="append-only"):
            store.execute(sql)
    assert store.rows() == before


def test_verify_shows_progress_on_request(cli, demo_ledger: DemoLedger) -> None:  # type: ignore[no-untyped-def]
    store = demo_ledger.store
    result = cli("verify", "--db", store.url, "--progress")
    assert result.code == 0 and "verifying" in result.err


def test_usage_errors_exit_2_and_create_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = cli("verify", "--db", "sqlite:///missing.db")
    assert missing.code == 2 and "init" in missing.err
    assert not (tmp_path / "missing.db").exists()
    assert cli("verify", "--db", "mysql://somewhere/db").code == 2
    assert cli("verify", "--no-such-option").code == 2
    assert cli("demo", "--db", "sqlite:///missing.db").code == 2


@pytest.mark.postgres
def test_a_missing_postgres_database_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.conftest import Store, require_postgres

    require_postgres()
    url = Store.admin_url("dl_no_such_database")
    result = cli("verify", "--db", url)
    assert result.code == 2 and "does not exist" in result.err


def test_default_database_and_environment(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("init").code == 0
    assert (tmp_path / "decision-ledger.db").exists()
    assert (tmp_path / "decision-ledger.db.keys" / "ledger.pem").exists()
    elsewhere = tmp_path / "elsewhere.db"
    env = {"DECISION_LEDGER_DB": f"sqlite:///{elsewhere}"}
    assert cli("init", env=env).code == 0 and elsewhere.exists()
    assert cli("demo", env=env).code == 0
    assert cli("verify", env=env).code == 0
    assert cli("verify", "--db", "sqlite:///decision-ledger.db", env=env).code == 0


COMMANDS = ["init", "demo", "verify", "keygen", "articles", "check-deadlines", "project", "rebuild", "cases",
            "case", "person", "trace-decision", "findings", "deadlines", "agencies", "annual", "checkpoint",
            "cosign", "prove", "export", "serve", "client", "grant", "shred", "backup", "key-proof",
            "keys",  # issue 19 — forms2
            "unit"]  # 713-39: a unit's record


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_every_command_has_help(cli, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = cli(*command, "--help")
    assert result.code == 0 and "Usage: decision-ledger" in result.out
    assert "--db" in result.out or command in ([], ["keygen"], ["articles"], ["client"], ["key-proof"], ["keys"])
    if not command:
        assert all(name in result.out for name in COMMANDS), "every command is listed"


def test_an_administrator_brings_their_own_key(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keygen = cli("keygen", "--out", "admin.pem", "--json")
    assert keygen.code == 0
    made = json.loads(keygen.out)
    assert stat.S_IMODE(os.stat(tmp_path / "admin.pem").st_mode) == 0o600
    assert cli("keygen", "--out", "admin.pem").code == 2, "key files are never overwritten"
    assert cli("init", "--db", "sqlite:///one.db", "--admin", "孤身管理员").code == 2, "dual control needs two"
    init = cli("init", "--db", "sqlite:///own.db", "--admin", "王管理", "--admin", "李复核",
               "--admin-key", "admin.pem", "--json")
    info = json.loads(init.out)
    assert info["administrator_keyid"] == made["keyid"] and info["administrator_key_file"] is None
    assert [a["name"] for a in info["administrators"]] == ["王管理", "李复核"]
    assert not (tmp_path / "own.db.keys" / "administrator.pem").exists()
    assert (tmp_path / "own.db.keys" / "administrator-2.pem").exists()
    assert cli("demo", "--db", "sqlite:///own.db").code == 2  # no key file to sign with
    demo = cli("demo", "--db", "sqlite:///own.db", "--admin-key", "admin.pem",
               "--admin-id", info["administrator_id"])
    assert demo.code == 0, demo.err
    assert cli("verify", "--db", "sqlite:///own.db").code == 0


def test_keygen_with_a_passphrase(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("keygen", "--out", "sealed.pem", "--passphrase-env", "PASS", env={"PASS": "秘密口令"})
    assert result.code == 0
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "sealed.pem").read_bytes()
    assert cli("keygen", "--out", "x.pem", "--passphrase-env", "UNSET_VAR").code == 2


def test_articles_lists_every_article(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("articles", "--json")
    assert result.code == 0, result.err
    entries = json.loads(result.out)
    keys = [e["article"] for e in entries]
    assert keys[:13] == [f"NX-{n}" for n in range(1, 12)] + ["NX-12a", "NX-12b"]
    assert keys[46] == "XX-27" and keys[47:] == ["713-30", "713-33", "713-36", "713-37", "713-38", "713-39",
                                                  "713-40", "713-41"]
    by_key = {e["article"]: e for e in entries}
    assert by_key["NX-9"]["status"] == "enforced" and "NX/preset-conclusion" in by_key["NX-9"]["rules"]
    assert by_key["NX-1"]["status"] == "declaratory" and by_key["NX-1"]["reason"]
    assert all(s["feature"].endswith(".feature") for s in by_key["XX-19"]["scenarios"])
    table = cli("articles")
    assert table.code == 0 and "NX-12b" in table.out and "declaratory" in table.out
    assert cli("articles", "--features", "/nonexistent").code == 2
    one = cli("articles", "XX-18")
    assert one.code == 0 and one.out.splitlines()[0].startswith("XX-18 ")
    assert "    rule      XX-18/accountability-procedure" in one.out
    assert "    scenario  nx_16_xx_23_18_责任追究.feature › " in one.out
    assert not any(line.startswith(("NX-", "XX-1 ", "713-")) for line in one.out.splitlines())
    pair = json.loads(cli("articles", "713-38", "XX-18", "--json").out)
    assert [e["article"] for e in pair] == ["XX-18", "713-38"]
    assert cli("articles", "XX-99").code == 2


def test_check_deadlines_signs_with_the_ledger_key(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--db", "sqlite:///d.db").code == 0
    assert cli("demo", "--db", "sqlite:///d.db").code == 0
    first = cli("check-deadlines", "--db", "sqlite:///d.db", "--json")
    assert first.code == 0, first.err
    assert json.loads(first.out)["raised"] == []  # the demo's overdue case was flagged when it finished
    assert cli("check-deadlines", "--db", "sqlite:///d.db", "--keys", str(tmp_path / "nokeys")).code == 2
    assert cli("verify", "--db", "sqlite:///d.db").code == 0


@pytest.mark.slow
def test_the_installed_script_exits_0_1_and_2(cli, process_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The console script the package installs, in a new process (the other tests run its
    commands in-process): its help, success 0, a broken ledger 1, a usage error 2."""
    helped = process_cli("--help")
    assert helped.code == 0 and "Usage: decision-ledger" in helped.out
    missing = process_cli("verify", "--db", "sqlite:///missing.db")
    assert missing.code == 2 and "init" in missing.err and "Traceback" not in missing.err
    assert not (tmp_path / "missing.db").exists()
    assert cli("init", "--db", "sqlite:///ledger.db").code == 0
    store = Store("sqlite", "sqlite:///ledger.db", path=tmp_path / "ledger.db")
    store.drop_triggers()
    store.set_state(store.rows()[-1][0], b"\x00\xff not even json \xfe")
    broken = process_cli("verify", "--db", "sqlite:///ledger.db")
    assert broken.code == 1 and "BROKEN" in broken.out and "Traceback" not in broken.err
