"""The same assertions on every store: what the ledger records, replays and refuses does not
depend on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eventsourcing.persistence import IntegrityError

from api.settings import Database
from api.store.opening import open_ledger
from domain.evidence.intent import SignedIntent
from domain.evidence.verifier import Verifier
from domain.model.acts import Act
from domain.model.aggregate import Context
from domain.model.case import Phase
from domain.model.commands.principal import GrantRole
from domain.service.ledger import Ledger
from domain.service.records import LedgerRecords
from tests.integration.conftest import Store
from tests.support import NXScript, World, XXScript


@pytest.fixture
def opened(store: Store, manual_clock) -> Iterator[Ledger]:  # type: ignore[no-untyped-def]
    ledger = open_ledger(Database.parse(store.url), create=True)
    yield ledger
    ledger.close()


def test_both_procedures_record_replay_and_verify(opened: Ledger, store: Store) -> None:
    world = World(opened)
    nx = NXScript(world).run_all()
    xx = XXScript(world).run_all()
    reopened = open_ledger(Database.parse(store.url))
    try:
        assert reopened.get_case(nx.case_id).phase is Phase.PUBLISHED
        assert reopened.get_case(xx.case_id).phase is Phase.PUBLISHED
        assert reopened.get_case(nx.case_id, version=3).phase is Phase.AWAITING_APPROVAL
        report = Verifier(LedgerRecords(reopened).decode).run(LedgerRecords(reopened, batch=7).all())
        assert report.ok and report.events == reopened.recorder.max_notification_id()
    finally:
        reopened.close()


def test_two_writers_on_one_version_record_it_once(opened: Ledger, store: Store) -> None:
    world = World(opened)
    person = world.person("王强", ["lead_unit"])
    other_process = open_ledger(Database.parse(store.url))
    try:
        stale = other_process.get_principal(person.principal_id)
        world.do(world.admin, "principal.grant_role", person.principal_id, {"role": "expert"})
        envelope = world.admin.sign("principal.grant_role", person.principal_id, stale.version, {"role": "discipline_inspector"})
        signed = SignedIntent.open(envelope.to_json())
        act = Act(signed.envelope, signed.intent, GrantRole.parse(signed.intent.args))
        admin = other_process.get_principal(world.admin.principal_id)
        stale.grant_role(act, Context(admin, other_process, signed.intent.signed_at))
        with pytest.raises(IntegrityError):
            other_process.save(stale)  # the database refuses the second version 3
    finally:
        other_process.close()
    principal = opened.get_principal(person.principal_id)
    assert principal.roles == ["lead_unit", "expert"] and principal.version == 3  # registered, confirmed, granted
