"""The HTTP app over a real store holding the demo, driven in-process with Starlette's test
client; tokens are signed with the demo people's own keys, as a client does."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api.demo import Demo, DemoResult
from api.http.app import create_app
from api.http.auth import make_token
from api.http.service import Service
from api.keyfiles import read_key
from api.settings import Database
from api.signer import Signer
from api.store.opening import open_ledger, open_projector
from api.store.secrets import Keystore
from domain.evidence.signing import Envelope, SigningKey
from domain.service.ledger import Ledger, NewPrincipal

if TYPE_CHECKING:
    from tests.integration.stores import DemoLedger

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@dataclass
class Served:
    client: TestClient
    service: Service
    ledger: Ledger
    demo: DemoResult
    people: dict[str, Signer]  # demo handle → signer (with "admin")
    url: str

    def headers(self, handle: str) -> dict[str, str]:
        """A Bearer token signed by this person's own key."""
        signer = self.people[handle]
        return {"Authorization": f"Bearer {make_token(signer.key, signer.principal_id)}"}

    def get(self, path: str, handle: str | None = None, **params: Any) -> Any:
        return self.client.get(path, headers=self.headers(handle) if handle else {}, params=params or None)

    def stored(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0

    def sign(self, handle: str, action: str, target: UUID, args: dict[str, Any],
             expected: int | None = None) -> Envelope:
        signer = self.people[handle]
        return signer.sign(action, target, self.ledger.version_of(target) if expected is None else expected, args)

    def sign_in(self, handle: str) -> str:
        """Sign in on the web as this person (a token of theirs exchanged on ``/signin``): the test
        client holds the session cookie from now on, which is also returned."""
        signer = self.people[handle]
        self.client.cookies.clear()
        answer = self.client.post("/signin", data={"token": make_token(signer.key, signer.principal_id, lifetime=600)},
                                  follow_redirects=False)
        assert answer.status_code == 303, answer.text
        cookie: str = answer.cookies["dl_session"]
        return cookie

    def session(self, handle: str) -> dict[str, str]:
        """Headers carrying a web session of this person's, the test client's own cookies left empty."""
        cookie = self.sign_in(handle)
        self.client.cookies.clear()
        return {"cookie": f"dl_session={cookie}"}

    def case_ids(self) -> dict[str, str]:
        """The demo's cases by jurisdiction and title keyword."""
        return {c["title"]: str(c["id"]) for c in self.demo.cases}


@contextmanager
def serve_demo(url: str, directory: Path) -> Iterator[Served]:
    database = Database.parse(url)
    ledger_key = SigningKey.generate()
    ledger = open_ledger(database, create=True, ledger_key=ledger_key)
    admin_key, second_key = SigningKey.generate(), SigningKey.generate()
    genesis = ledger.initialise(ledger_key, NewPrincipal.holding("系统管理员", "信息中心", admin_key, title="管理员"),
                                NewPrincipal.holding("复核管理员", "信息中心", second_key, title="管理员"))
    admin = Signer(genesis.administrator_id, admin_key, "administrator")
    second_admin = Signer(genesis.administrator_ids[1], second_key, "second administrator")
    keystore = Keystore(directory / "secrets")
    ledger.keyring = keystore
    demo = Demo(ledger, admin, directory / "demo-keys", secrets=keystore, confirmer=second_admin)
    result = demo.run()
    projector = open_projector(database, ledger)
    service = Service(ledger, projector, ledger_key, interval=0.2, keystore=keystore)
    with TestClient(create_app(service)) as client:
        yield Served(client, service, ledger, result, {**demo.people, "admin": admin, "second_admin": second_admin},
                     url)
    projector.close()
    ledger.close()


@contextmanager
def serve_ledger(copied: DemoLedger) -> Iterator[Served]:
    """The app over a ledger `init` and `demo` made (tests/integration/stores.py): its ledger key,
    its data keys beside its keys directory, and the demo's people signing with their own key
    files, as `serve` and the signing client run it."""
    database = Database.parse(copied.store.url)
    info = json.loads((copied.keys / "ledger.json").read_text())  # what init wrote
    ledger_key = read_key(Path(info["ledger_key_file"]))
    admin = Signer.from_key_file(UUID(info["administrator_id"]), Path(info["administrator_key_file"]), "administrator")
    second = info["administrators"][1]
    second_admin = Signer.from_key_file(UUID(second["id"]), Path(second["key_file"]), "second administrator")
    ledger = open_ledger(database, ledger_key=ledger_key)
    keystore = Keystore.beside(copied.keys)
    ledger.keyring = keystore
    demo = copied.demo
    result = DemoResult(Path(demo["keys_dir"]), demo["cases"], demo["people"], demo["handles"], demo["events"],
                        demo.get("organisations", {}))
    names = {principal: name for name, principal in demo["people"].items()}
    people = {handle: Signer.from_key_file(UUID(principal), result.keys_dir / f"{handle}.pem", names[principal])
              for handle, principal in demo["handles"].items()}
    projector = open_projector(database, ledger)
    service = Service(ledger, projector, ledger_key, interval=0.2, keystore=keystore)
    with TestClient(create_app(service)) as client:
        yield Served(client, service, ledger, result, {**people, "admin": admin, "second_admin": second_admin},
                     copied.store.url)
    projector.close()
    ledger.close()
