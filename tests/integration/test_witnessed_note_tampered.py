"""``witnessed.note`` edited beside the ledger key while the service is stopped (part D of the
review): the checkpoint the service publishes and every v4 bundle carries. ``verify --db`` did
not read it at all, and ``export`` failed with a bare parse error naming no file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from api.witness.submitter import Witnessing
from domain.evidence.checkpoint import SignedNote
from tests.integration.conftest import DemoLedger, Run
from tests.integration.http_support import serve_ledger
from tests.integration.test_witnessed_bundles import _witnessed


def _garbage(note: str) -> str:
    return "not a signed note\n"


def _other_size(note: str) -> str:
    """The text says another size; the ledger's signature and the cosignatures are kept."""
    parsed = SignedNote.parse(note)
    lines = parsed.text.split("\n")
    lines[1] = str(int(lines[1]) + 1)
    return note.replace(parsed.text, "\n".join(lines), 1)


@pytest.mark.parametrize("edit", [_garbage, _other_size])
@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_an_edited_witnessed_note_is_named(cli: Callable[..., Run], projected_ledger: DemoLedger,
                                           tmp_path: Path, edit: Callable[[str], str]) -> None:
    _witnessed(cli, projected_ledger)
    store, keys = projected_ledger.store, projected_ledger.keys
    note = keys / "witnessed.note"
    assert cli("verify", "--db", store.url, "--keys", str(keys)).code == 0
    note.write_text(edit(note.read_text(encoding="utf-8")), encoding="utf-8")

    verified = cli("verify", "--db", store.url, "--keys", str(keys))
    assert verified.code == 1, verified.out + verified.err
    assert "witnessed.note" in verified.out and "checkpoint" in verified.out, verified.out

    out = tmp_path / "case.bundle.json"
    exported = cli("export", "--db", store.url, "--keys", str(keys), "--case",
                   projected_ledger.demo["cases"][2]["id"], "--out", str(out))
    assert exported.code != 0 and not out.exists(), exported.out
    assert "witnessed.note" in exported.err, exported.err


@pytest.mark.parametrize("projected_ledger", ["sqlite"], indirect=True)
def test_the_service_names_an_edited_witnessed_note(cli: Callable[..., Run], projected_ledger: DemoLedger) -> None:
    """/readyz was a 500 (a NoteError reading the published size) and so was /v1/exports; both are
    a 503 naming the file now."""
    _witnessed(cli, projected_ledger)
    (projected_ledger.keys / "witnessed.note").write_text("not a signed note\n", encoding="utf-8")
    with serve_ledger(projected_ledger) as served:
        served.service.witnessing = Witnessing.beside(projected_ledger.keys, served.service.projector.reader.origin)
        ready = served.client.get("/readyz")
        assert ready.status_code == 503 and "witnessed.note" in ready.json()["detail"], ready.text
        case = served.demo.cases[2]["id"]
        exported = served.get(f"/v1/exports/cases/{case}", "kong_deming")
        assert exported.status_code == 503 and "witnessed.note" in exported.json()["detail"], exported.text
        published = served.client.get("/v1/public/checkpoint")  # served verbatim, garbage and all, before
        assert published.status_code == 503 and "witnessed.note" in published.json()["detail"], published.text
