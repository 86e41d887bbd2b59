"""`decision-ledger serve` in a subprocess and a whole client session against it, as the README
shows it: keygen, an administrator registers a person, the person records actions (one is
refused, citing its article), an inspector reads the case. On SQLite and PostgreSQL. `serve`
runs as the installed script in a process of its own; the client's commands run in this
process (``cli``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.integration.conftest import DemoLedger
from tests.integration.served_process import serving

pytestmark = pytest.mark.slow  # every test here runs `serve` as a process of its own


def enrol(cli, info: dict[str, Any], env: dict[str, str], stem: str, *details: str) -> str:  # type: ignore[no-untyped-def]
    """docs/operations.md's enrolment: the person makes a key and its proof for the id the
    registrar chose; one administrator registers it, a second confirms it. The principal's id."""
    principal = str(uuid4())
    made = cli("keygen", "--out", f"{stem}.pem", "--principal", principal, "--ledger-id", info["ledger_id"], "--json")
    assert made.code == 0, made.err
    key = json.loads(made.out)
    assert key["public_file"].endswith(f"{stem}.jwk")
    first, second = info["administrators"][:2]
    registered = cli("client", "principal", "register", "--key", first["key_file"], "--as", first["id"],
                     "--id", principal, *details, "--public-keys", f"@{stem}.jwk", "--proofs", key["proof"],
                     env=env)
    assert registered.code == 0, registered.err
    assert json.loads(registered.out)["event"] == "Registered"
    confirmed = cli("client", "principal", "confirm-key", principal, "--keyid", key["keyid"],
                    "--key", second["key_file"], "--as", second["id"], env=env)
    assert confirmed.code == 0, confirmed.err
    assert json.loads(confirmed.out)["event"] == "KeyConfirmed"
    return principal


def session(cli, address: str, info: dict[str, Any], inspector_key: str,  # type: ignore[no-untyped-def]
            inspector_id: str) -> None:
    """The README's session, step by step."""
    env = {"DECISION_LEDGER_SERVER": address}
    first = info["administrators"][0]
    listed = cli("client", "get", "/v1/organisations", "--key", first["key_file"], "--as", first["id"], env=env)
    assert listed.code == 0, listed.err
    organisations = {o["name"]: o["organisation_id"] for o in json.loads(listed.out)["items"]}
    zhang = enrol(cli, info, env, "zhang", "--name", "张伟", "--kind", "person", "--unit", "宁夏回族自治区商务厅对外贸易处",
                  "--organisation-id", organisations["宁夏回族自治区商务厅对外贸易处"],
                  "--title", "科员", "--roles", "lead_unit")
    me = {**env, "DECISION_LEDGER_KEY": "zhang.pem", "DECISION_LEDGER_AS": zhang}

    decision = cli("client", "decision", "register", "--jurisdiction", "NX", "--title", "关于促进会展业发展的意见",
                   "--document-number", "宁商发〔2023〕9号", "--organ", "宁夏回族自治区商务厅",
                   "--organisation-id", organisations["宁夏回族自治区商务厅"],
                   "--decided-on", "2023-05-10", "--purpose", "促进会展业发展", env=me)
    assert decision.code == 0, decision.err
    decision_id = json.loads(decision.out)["aggregate_id"]
    assert cli("client", "decision", "record-demonstrators", decision_id, "--none", env=me).code == 0  # NX-8; 713-36
    opened = cli("client", "case", "open", "--decision-id", decision_id, "--jurisdiction", "NX",
                 "--title", "会展业意见实施情况后评估", "--lead-unit", "宁夏回族自治区商务厅对外贸易处",
                 "--grounds", "NX-4(2)", "--ground-statement", "实施满两年", env=me)
    assert opened.code == 0, opened.err
    case_id = json.loads(opened.out)["aggregate_id"]

    refused = cli("client", "case", "collect-material", case_id, "--material-id", "new", "--title", "统计",
                  "--source", "统计局", "--stance", "neutral", "--classification", "none", "--period", "after",
                  "--digest", "0" * 64, "--summary", "统计", env=me)
    assert refused.code == 1
    problem: dict[str, Any] = json.loads(refused.out)
    assert problem["article"] == "NX-10(2)" and problem["status"] == 422
    assert "[NX-10(2)]" in refused.err and problem["message_zh"] in refused.err

    not_allowed = cli("client", "case", "record-ruling", case_id, "--report-id", "new", "--ruling", "continue",
                      "--body", "office_meeting", "--meeting", "厅务会", env=me)
    assert not_allowed.code == 1 and json.loads(not_allowed.out)["status"] == 403
    # the reason on stderr in both languages, with the article that says who records the ruling
    assert "refused (403 无权办理 / Not permitted) [NX-12a / XX-16]: 「决策机关作出决定」须由决策机关办理" in not_allowed.err
    assert "needs one of the roles decision_organ" in not_allowed.err

    usage = cli("client", "case", "open", "--jurisdiction", "NX", env=me)
    assert usage.code == 2 and "--decision-id: Field required" in usage.err
    assert cli("client", "case", "form-team", "not-a-uuid", "--members", "{}", env=me).code == 2
    assert cli("client", "case", "form-team", case_id, "--members", "{not json", env=me).code == 2
    assert cli("client", "case", "form-team", case_id, "--members", "{}", env=me,
               ).code == 2, "checked against the command's model before signing"
    unreachable = cli("client", "get", "/v1/me", env={**me, "DECISION_LEDGER_SERVER": "http://127.0.0.1:9"})
    assert unreachable.code == 2 and "cannot reach" in unreachable.err

    dry = cli("client", "case", "form-team", case_id, "--dry-run", "--members",
              json.dumps({"principal_id": zhang, "team_role": "leader", "affiliation": "staff"}),
              env=me)
    assert dry.code == 0 and json.loads(dry.out)["payloadType"] == "application/vnd.decision-ledger.intent+json"
    formed = cli("client", "case", "form-team", case_id, "--members",
                 json.dumps({"principal_id": zhang, "team_role": "leader", "affiliation": "staff"}),
                 env=me)
    assert formed.code == 0, formed.out + formed.err
    assert json.loads(formed.out)["version"] == 2

    inspector = {**env, "DECISION_LEDGER_KEY": inspector_key, "DECISION_LEDGER_AS": inspector_id}
    timeline = cli("client", "get", f"/v1/cases/{case_id}/timeline", env=inspector)
    assert timeline.code == 0, timeline.err
    events = json.loads(timeline.out)["items"]
    assert [(e["action"], e["actor"], e["verified"]) for e in events] == [
        ("case.open", "张伟", True), ("case.form_team", "张伟", True)]
    chain = json.loads(cli("client", "get", f"/v1/persons/{zhang}", env=inspector).out)
    assert {a["event"] for a in chain["actions"]} == {"Registered", "DemonstratorsRecorded", "Opened", "TeamFormed"}
    forbidden = cli("client", "get", f"/v1/exports/cases/{case_id}", env=me)
    assert forbidden.code == 1 and json.loads(forbidden.out)["status"] == 403
    token = cli("client", "token", env=inspector)
    assert token.code == 0 and token.out.count(".") == 2
    public = cli("client", "get", "/v1/public/checkpoint", "--public", env=env)
    assert public.code == 0 and public.out.startswith("decision-ledger/")


def test_serve_demo_then_a_client_session_on_sqlite(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with serving(tmp_path, "--demo") as (address, process):
        keys = tmp_path / "decision-ledger.db.keys"
        info = json.loads((keys / "ledger.json").read_text())
        (demo_file,) = keys.glob("demo/*/demo.json")
        demo = json.loads(demo_file.read_text())
        inspector_key = str(Path(demo["keys_dir"]) / "kong_deming.pem")
        results = httpx.get(f"{address}/v1/public/results").json()["items"]
        assert [r["jurisdiction"] for r in results] == ["XX"]
        session(cli, address, info, inspector_key, demo["handles"]["kong_deming"])
    assert process.returncode == 0
    # again: the store holds the ledger; the demo is not loaded twice, the sign-in link still printed
    with serving(tmp_path, "--demo") as (address, process):
        assert len(httpx.get(f"{address}/v1/public/results").json()["items"]) == 1
        page = httpx.get(f"{address}/").text
        assert "息县农村生活垃圾治理" in page


@dataclass
class DemoServer:
    address: str
    directory: Path  # where it runs: its store, decision-ledger.db, and the keys beside it
    link: str  # the sign-in link it printed


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """One `serve --demo` for the tests that only read from it (or only need its port taken)."""
    directory = tmp_path_factory.mktemp("serve-demo")
    with serving(directory, "--demo") as (address, process):
        assert process.stdout is not None
        link = ""
        while "/signin?token=" not in link:
            link = process.stdout.readline()
            assert link, "serve --demo printed no sign-in link"
        yield DemoServer(address, directory, link.strip())


def test_serve_prints_a_sign_in_link_that_works(demo_server: DemoServer) -> None:
    address = demo_server.address
    with httpx.Client(follow_redirects=False) as browser:
        shown = browser.get(demo_server.link)  # whose session the link opens, to confirm
        assert shown.status_code == 200 and "孔德明" in shown.text and 'id="confirm-signin"' in shown.text
        token = re.search(r'name="token" value="([^"]+)"', shown.text)
        assert token is not None
        signed = browser.post(f"{address}/signin", data={"token": token.group(1), "next": "/cases"})
        assert signed.status_code == 303 and signed.headers["location"] == "/cases"
        cases = browser.get(f"{address}/cases")
        assert cases.status_code == 200 and "跨境电商若干措施实施情况后评估" in cases.text


@pytest.mark.postgres
@pytest.mark.parametrize("demo_ledger", ["postgres"], indirect=True)
def test_serve_on_postgres_and_a_client_session(cli, demo_ledger: DemoLedger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, keys, people = demo_ledger.store, demo_ledger.keys, demo_ledger.demo  # `init` and `demo` made it
    info = json.loads((keys / "ledger.json").read_text())
    with serving(tmp_path, "--db", store.url, "--keys", str(keys)) as (address, _):
        session(cli, address, info, str(Path(people["keys_dir"]) / "kong_deming.pem"), people["handles"]["kong_deming"])
    verified = cli("verify", "--db", store.url)
    assert verified.code == 0, verified.out + verified.err


def test_serve_refuses_what_it_cannot_do(cli, process_cli, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    missing = process_cli("serve", "--db", "sqlite:///nothing.db", "--port", "0")
    assert missing.code == 2 and "no ledger" in missing.err
    port = demo_server.address.rsplit(":", 1)[1]
    taken = process_cli("serve", "--port", port, cwd=demo_server.directory)  # its store, on its port
    assert taken.code == 2 and "port is taken" in taken.err
    assert "--demo" in cli("serve", "--help").out
    for group in ("client", "client case", "client principal", "client case collect-material", "client token",
                  "client get"):
        helped = cli(*group.split(), "--help")
        assert helped.code == 0 and "Usage:" in helped.out, group
