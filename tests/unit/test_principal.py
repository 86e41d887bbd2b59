"""Principals: registration by administrators, roles, and keys over time (rotation,
revocation), with every write checked against the key active at that moment."""

from datetime import timedelta
from uuid import uuid4

import pytest

from api.signer import Signer
from domain import clock
from domain.errors import (
    Conflict,
    IntentTimeInvalid,
    KeyNotActive,
    MalformedInput,
    NotFound,
    NotPermitted,
    Replayed,
    SignatureInvalid,
)
from domain.evidence.intent import sign_intent
from domain.evidence.signing import SigningKey, sign
from domain.model.acts import new_intent
from tests.support import World


def register_args(key: SigningKey, **changes: object) -> dict[str, object]:
    args: dict[str, object] = {
        "kind": "person",
        "name": "张伟",
        "public_keys": [key.public_key.jwk],
        "roles": ["lead_unit"],
        "unit": "对外贸易处",
    }
    args.update(changes)
    return args


def test_administrator_registers_a_person(world: World) -> None:
    key = SigningKey.generate()
    person = uuid4()
    recorded = world.do(world.admin, "principal.register", person, register_args(key, title="处长"))
    assert (recorded.version, recorded.event) == (1, "Registered")
    principal = world.ledger.get_principal(person)
    assert principal is not None
    assert (principal.name, principal.unit, principal.title, principal.roles) == (
        "张伟", "对外贸易处", "处长", ["lead_unit"]
    )
    assert principal.key_active_at(key.keyid, clock.now())


def test_only_an_administrator_registers(world: World) -> None:
    clerk = world.person("李娜", ["lead_unit"])
    with pytest.raises(NotPermitted, match="administrator"):
        world.do(clerk, "principal.register", uuid4(), register_args(SigningKey.generate()))


@pytest.mark.parametrize(
    ("changes", "error", "reason"),
    [
        ({"roles": ["ledger"]}, NotPermitted, "ledger role"),
        ({"kind": "system"}, NotPermitted, "system"),
        ({"roles": ["agency_staff"]}, MalformedInput, "agency_id"),
        ({"roles": ["lead_unit", "lead_unit"]}, MalformedInput, "repeat"),
        ({"roles": ["emperor"]}, MalformedInput, "roles"),
        ({"name": "  "}, MalformedInput, "blank"),
        ({"unknown": 1}, MalformedInput, "unknown"),
        ({"public_keys": []}, MalformedInput, "public_keys"),
        ({"agency_id": str(uuid4()), "roles": ["agency_staff"]}, NotFound, "agency"),
    ],
)
def test_registration_refusals(world: World, changes: dict, error: type, reason: str) -> None:
    with pytest.raises(error, match=reason):
        world.do(world.admin, "principal.register", uuid4(), register_args(SigningKey.generate(), **changes))
    assert world.ledger.recorder.max_notification_id() == 2  # genesis only: nothing stored


def test_registering_an_existing_id_is_a_conflict(world: World) -> None:
    person = uuid4()
    world.do(world.admin, "principal.register", person, register_args(SigningKey.generate()))
    with pytest.raises(Conflict):
        envelope = world.admin.sign("principal.register", person, 0, register_args(SigningKey.generate()))
        world.ledger.submit(envelope.to_json())


def test_roles_are_granted_and_revoked(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    world.do(world.admin, "principal.grant_role", person.principal_id, {"role": "discipline_inspector"})
    with pytest.raises(Conflict):
        world.do(world.admin, "principal.grant_role", person.principal_id, {"role": "discipline_inspector"})
    world.do(world.admin, "principal.revoke_role", person.principal_id, {"role": "lead_unit", "reason": "调岗"})
    principal = world.ledger.get_principal(person.principal_id)
    assert principal.roles == ["discipline_inspector"]
    assert [e["role"] for e in principal.role_history if e["revoked_at"]] == ["lead_unit"]
    with pytest.raises(Conflict):
        world.do(world.admin, "principal.revoke_role", person.principal_id, {"role": "lead_unit", "reason": "x"})
    with pytest.raises(NotPermitted):
        world.do(world.admin, "principal.grant_role", person.principal_id, {"role": "ledger"})
    with pytest.raises(NotPermitted):
        world.do(person, "principal.grant_role", person.principal_id, {"role": "administrator"})


def test_a_person_rotates_their_own_key(world: World, manual_clock: clock.ManualClock) -> None:
    person = world.person("王强", ["lead_unit"])
    new_key = SigningKey.generate()
    world.do(person, "principal.rotate_key", person.principal_id, {
        "old_keyid": person.key.keyid, "public_key": new_key.public_key.jwk,
    })
    manual_clock.advance(timedelta(seconds=1))
    with pytest.raises(KeyNotActive, match="rotated"):
        world.do(person, "principal.grant_role", person.principal_id, {"role": "expert"})
    rotated = Signer(person.principal_id, new_key)
    world.do(rotated, "principal.add_key", person.principal_id, {"public_key": SigningKey.generate().public_key.jwk})
    principal = world.ledger.get_principal(person.principal_id)
    assert len(principal.key_history.keys) == 3
    old = principal.key(person.key.keyid)
    assert old is not None and old.ended_by == "rotated"


def test_a_revoked_key_cannot_sign(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    spare = SigningKey.generate()
    world.do(world.admin, "principal.add_key", person.principal_id, {"public_key": spare.public_key.jwk})
    world.do(world.admin, "principal.revoke_key", person.principal_id, {"keyid": person.key.keyid, "reason": "遗失"})
    with pytest.raises(KeyNotActive, match="revoked"):
        world.do(person, "principal.add_key", person.principal_id, {"public_key": SigningKey.generate().public_key.jwk})
    Signer(person.principal_id, spare).act(
        world.ledger, "principal.revoke_key", person.principal_id, {"keyid": spare.keyid, "reason": "停用"}
    )
    with pytest.raises(Conflict, match="revoked"):
        world.do(world.admin, "principal.revoke_key", person.principal_id, {"keyid": spare.keyid, "reason": "x"})


def test_someone_else_cannot_change_a_persons_keys(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    other = world.person("李娜", ["lead_unit"])
    with pytest.raises(NotPermitted, match="themself or an administrator"):
        world.do(other, "principal.add_key", person.principal_id, {"public_key": SigningKey.generate().public_key.jwk})


def test_a_key_is_never_registered_twice(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    with pytest.raises(Conflict, match="never reused"):
        world.do(person, "principal.add_key", person.principal_id, {"public_key": person.key.public_key.jwk})


def test_a_key_of_another_principal_is_refused(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    impostor = Signer(world.admin.principal_id, person.key)  # signs as the admin with another key
    with pytest.raises(KeyNotActive, match="not a key of"):
        world.do(impostor, "principal.register", uuid4(), register_args(SigningKey.generate()))


def test_an_unknown_signer_is_refused(world: World) -> None:
    stranger = Signer(uuid4(), SigningKey.generate())
    with pytest.raises(KeyNotActive, match="not a registered principal"):
        world.do(stranger, "principal.register", uuid4(), register_args(SigningKey.generate()))


def test_a_signature_over_other_bytes_is_refused(world: World) -> None:
    intent = new_intent(world.admin.principal_id, "principal.register", uuid4(), 0, register_args(SigningKey.generate()))
    forged = sign_intent(world.admin.key, intent).to_json()
    other = new_intent(world.admin.principal_id, "principal.register", uuid4(), 0, register_args(SigningKey.generate()))
    forged["payload"] = sign(world.admin.key, other.encode()).to_json()["payload"]
    with pytest.raises(SignatureInvalid):
        world.ledger.submit(forged)


def test_signing_time_outside_the_skew_is_refused(world: World, manual_clock: clock.ManualClock) -> None:
    late = new_intent(
        world.admin.principal_id, "principal.register", uuid4(), 0,
        register_args(SigningKey.generate()), signed_at=clock.now() - timedelta(minutes=6),
    )
    with pytest.raises(IntentTimeInvalid, match="360 s"):
        world.ledger.submit(sign_intent(world.admin.key, late).to_json())


def test_a_stale_expected_version_is_a_conflict_and_a_replay_records_nothing(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    first = world.admin.sign("principal.grant_role", person.principal_id, 1, {"role": "expert"})
    second = world.admin.sign("principal.grant_role", person.principal_id, 1, {"role": "discipline_inspector"})
    world.ledger.submit(first.to_json())
    count = world.ledger.recorder.max_notification_id()
    with pytest.raises(Conflict, match="version 2"):
        world.ledger.submit(second.to_json())
    with pytest.raises(Replayed, match="already recorded as"):
        world.ledger.submit(first.to_json())  # the same signed request again
    assert world.ledger.recorder.max_notification_id() == count


def test_unknown_actions_are_refused_with_the_list(world: World) -> None:
    with pytest.raises(MalformedInput, match="case.open"):
        world.do(world.admin, "case.delete_everything", uuid4(), {})


def test_genesis_runs_once(world: World) -> None:
    from domain.service.ledger import NewPrincipal

    with pytest.raises(Conflict, match="init runs once"):
        world.ledger.initialise(SigningKey.generate(), NewPrincipal("x", "y", [], SigningKey.generate().public_key.jwk))
    genesis = world.ledger.genesis()
    assert genesis == world.genesis
    ledger_principal = world.ledger.get_principal(genesis.ledger_id)
    assert ledger_principal.roles == ["ledger"] and ledger_principal.kind == "system"
