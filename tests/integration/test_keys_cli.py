"""`decision-ledger keys invite` and `keys invitations` (issue 19 — forms2): browser-key enrolment
invitations from the command line, signed in with the administrator's own key file against a
running service — the twin of the /keys/invitations page, under the same authority rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.keyfiles import write_key
from tests.integration.commands import Run, invoke
from tests.integration.http_support import Served

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


def _as(served: Served, address: str, handle: str, directory: Path, *args: str) -> Run:
    key_file = directory / f"{handle}.pem"
    if not key_file.exists():
        write_key(key_file, served.people[handle].key, None)
    return invoke("keys", *args, "--server", address, "--key", str(key_file),
                  "--as", str(served.people[handle].principal_id))


def test_an_administrator_invites_a_person_and_lists_what_waits(
        served: Served, address: str, tmp_path: Path) -> None:
    person = str(served.people["li_na"].principal_id)
    made = _as(served, address, "admin", tmp_path, "invite", person)
    assert made.code == 0, made.err
    answer = json.loads(made.out)
    assert answer["name"] == "李娜" and answer["principal_id"] == person
    assert answer["link"] == f"{address}/keys/enrol?code={answer['code']}" and answer["expires_at"].endswith("Z")
    page = served.client.get(f"/keys/enrol?code={answer['code']}")
    assert page.status_code == 200 and "李娜" in page.text, "the link opens the enrolment page"
    listed = _as(served, address, "admin", tmp_path, "invitations")
    assert listed.code == 0, listed.err
    waiting = json.loads(listed.out)
    assert waiting["requested"] is False
    assert any(i["principal_id"] == person and i["issuer"] == "系统管理员" and i["state"] == "none"
               for i in waiting["items"])
    assert "code" not in listed.out, "the code is shown once, when made"
    requested = json.loads(_as(served, address, "admin", tmp_path, "invitations", "--requested").out)
    assert all(i["keyid"] for i in requested["items"])


def test_only_an_administrator_invites_someone_else_and_a_person_their_own_computer(
        served: Served, address: str, tmp_path: Path) -> None:
    other = str(served.people["li_na"].principal_id)
    refused = _as(served, address, "ma_xiaodong", tmp_path, "invite", other)
    assert refused.code == 1 and "只有系统管理员可以邀请他人登记密钥" in refused.out
    assert "refused (403" in refused.err
    own = _as(served, address, "ma_xiaodong", tmp_path, "invite", str(served.people["ma_xiaodong"].principal_id))
    assert own.code == 0 and json.loads(own.out)["name"] == "马晓东"
    mine = json.loads(_as(served, address, "ma_xiaodong", tmp_path, "invitations").out)["items"]
    assert {i["principal_id"] for i in mine} == {str(served.people["ma_xiaodong"].principal_id)}, "their own only"
    assert _as(served, address, "admin", tmp_path, "invite", "not-an-id").code == 2
    unknown = _as(served, address, "admin", tmp_path, "invite", "00000000-0000-4000-8000-000000000000")
    assert unknown.code == 1 and "没有这个人员" in unknown.out
