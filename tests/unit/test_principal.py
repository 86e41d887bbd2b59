"""Principals: registration by administrators, roles, and keys over time (rotation,
revocation), with every write checked against the key active at that moment."""

from datetime import timedelta
from uuid import UUID, uuid4

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
    """A registration's arguments without its proof (``proved`` adds it for a principal id)."""
    args: dict[str, object] = {
        "kind": "person",
        "name": "张伟",
        "public_keys": [key.public_key.jwk],
        "roles": ["lead_unit"],
        "unit": "对外贸易处",
    }
    args.update(changes)
    return args


def proved(world: World, key: SigningKey, person: UUID, **changes: object) -> dict[str, object]:
    return register_args(key, proofs=[world.proof(key, person)], **changes)


def test_administrator_registers_a_person_and_a_second_confirms_the_key(world: World) -> None:
    key = SigningKey.generate()
    person = uuid4()
    recorded = world.do(world.admin, "principal.register", person, proved(world, key, person, title="处长"))
    assert (recorded.version, recorded.event) == (1, "Registered")
    principal = world.ledger.get_principal(person)
    assert (principal.name, principal.unit, principal.title, principal.roles) == (
        "张伟", "对外贸易处", "处长", ["lead_unit"]
    )
    assert not principal.key_active_at(key.keyid, clock.now())  # pending: one registrar alone
    with pytest.raises(KeyNotActive, match="pending"):
        Signer(person, key).act(world.ledger, "principal.add_key", person,
                                {"public_key": SigningKey.generate().public_key.jwk})
    with pytest.raises(NotPermitted, match="双人控制：密钥须由另一名登记人确认.* / dual control"):
        world.do(world.admin, "principal.confirm_key", person, {"keyid": key.keyid})
    world.do(world.second_admin, "principal.confirm_key", person, {"keyid": key.keyid})
    record = world.ledger.get_principal(person).key(key.keyid)
    assert record is not None and record.active_at(clock.now())
    assert (record.proposed_by, record.confirmed_by) == (str(world.admin.principal_id),
                                                          str(world.second_admin.principal_id))
    with pytest.raises(NotPermitted, match="not pending"):
        world.do(world.second_admin, "principal.confirm_key", person, {"keyid": key.keyid})


def test_an_enrolment_without_a_valid_proof_is_refused(world: World) -> None:
    key, person = SigningKey.generate(), uuid4()
    count = world.ledger.recorder.max_notification_id()
    with pytest.raises(MalformedInput, match="proof of possession"):
        world.do(world.admin, "principal.register", person, register_args(key))
    with pytest.raises(MalformedInput, match="must sign its own enrolment"):  # a proof for someone else
        world.do(world.admin, "principal.register", person, register_args(key, proofs=[world.proof(key, uuid4())]))
    other = SigningKey.generate()  # the registrar's own key cannot prove the person's
    with pytest.raises(MalformedInput, match="must sign its own enrolment"):
        world.do(world.admin, "principal.register", person,
                 register_args(key, proofs=[world.proof(other, person)]))
    person_signer = world.person("王强", ["lead_unit"])
    count = world.ledger.recorder.max_notification_id()
    with pytest.raises(MalformedInput, match="proof of possession"):
        world.do(person_signer, "principal.add_key", person_signer.principal_id,
                 {"public_key": SigningKey.generate().public_key.jwk})
    assert world.ledger.recorder.max_notification_id() == count


def test_h3_an_administrator_adding_a_key_to_the_inspector_cannot_sign_as_him(world: World) -> None:
    """H3: the administrator added a key to the inspector and signed as him. Now that key is
    pending until a second administrator confirms it; signing with it is refused."""
    inspector = world.person("孔德明", ["discipline_inspector"])
    planted = SigningKey.generate()
    world.do(world.admin, "principal.add_key", inspector.principal_id,
             {"public_key": planted.public_key.jwk, "proof": world.proof(planted, inspector.principal_id)})
    forged = Signer(inspector.principal_id, planted)
    with pytest.raises(KeyNotActive, match="pending"):
        forged.act(world.ledger, "principal.add_key", inspector.principal_id,
                   {"public_key": SigningKey.generate().public_key.jwk})
    with pytest.raises(NotPermitted, match="dual control"):
        world.do(world.admin, "principal.confirm_key", inspector.principal_id, {"keyid": planted.keyid})
    # the person withdraws the proposal they never asked for
    inspector.act(world.ledger, "principal.revoke_key", inspector.principal_id,
                  {"keyid": planted.keyid, "reason": "未经本人同意"})
    with pytest.raises(NotPermitted, match="not pending"):
        world.do(world.second_admin, "principal.confirm_key", inspector.principal_id, {"keyid": planted.keyid})


def test_a_person_adds_their_own_key_at_once(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    spare = SigningKey.generate()
    person.act(world.ledger, "principal.add_key", person.principal_id,
               {"public_key": spare.public_key.jwk, "proof": world.proof(spare, person.principal_id)})
    assert world.ledger.get_principal(person.principal_id).key_active_at(spare.keyid, clock.now())


def test_h3_an_administrator_cannot_grant_himself_a_role(world: World) -> None:
    count = world.ledger.recorder.max_notification_id()
    with pytest.raises(NotPermitted, match="grant himself"):
        world.do(world.admin, "principal.grant_role", world.admin.principal_id, {"role": "discipline_inspector"})
    with pytest.raises(NotPermitted, match="separation of duties"):  # nor have another grant it
        world.do(world.second_admin, "principal.grant_role", world.admin.principal_id,
                 {"role": "discipline_inspector"})
    assert world.ledger.recorder.max_notification_id() == count


@pytest.mark.parametrize("role", ["discipline_inspector", "lead_unit", "expert", "justice_reviewer",
                                  "government_office", "decision_organ"])
def test_administrator_is_incompatible_with_case_roles(world: World, role: str) -> None:
    person = world.person("王强", [role])
    with pytest.raises(NotPermitted, match="separation of duties"):
        world.do(world.admin, "principal.grant_role", person.principal_id, {"role": "administrator"})
    key, new = SigningKey.generate(), uuid4()
    with pytest.raises(NotPermitted, match="separation of duties"):
        world.do(world.admin, "principal.register", new, proved(world, key, new, roles=["administrator", role]))


def test_h3_the_ledger_principals_keys_are_out_of_reach(world: World) -> None:
    ledger_id, ledger_keyid = world.genesis.ledger_id, world.genesis.ledger_keyid
    count = world.ledger.recorder.max_notification_id()
    with pytest.raises(NotPermitted, match="rotate_ledger_key"):
        world.do(world.admin, "principal.revoke_key", ledger_id, {"keyid": ledger_keyid, "reason": "x"})
    spare = SigningKey.generate()
    with pytest.raises(NotPermitted, match="rotate_ledger_key"):
        world.do(world.admin, "principal.add_key", ledger_id,
                 {"public_key": spare.public_key.jwk, "proof": world.proof(spare, ledger_id)})
    with pytest.raises(NotPermitted, match="never revoked"):
        world.do(world.admin, "principal.revoke_role", ledger_id, {"role": "ledger", "reason": "x"})
    assert world.ledger.recorder.max_notification_id() == count
    assert world.ledger.get_principal(ledger_id).key_active_at(ledger_keyid, clock.now())


def test_the_ledger_key_rotates_under_dual_control(world: World, manual_clock: clock.ManualClock) -> None:
    ledger_id, old = world.genesis.ledger_id, world.genesis.ledger_keyid
    new = SigningKey.generate()
    args = {"old_keyid": old, "public_key": new.public_key.jwk, "proof": world.proof(new, ledger_id)}
    world.do(world.admin, "principal.rotate_ledger_key", ledger_id, args)
    ledger = world.ledger.get_principal(ledger_id)
    assert ledger.key_active_at(old, clock.now()) and not ledger.key_active_at(new.keyid, clock.now())
    with pytest.raises(NotPermitted, match="dual control"):
        world.do(world.admin, "principal.confirm_key", ledger_id, {"keyid": new.keyid})
    manual_clock.advance(timedelta(seconds=1))
    world.do(world.second_admin, "principal.confirm_key", ledger_id, {"keyid": new.keyid})
    ledger = world.ledger.get_principal(ledger_id)
    assert ledger.key_active_at(new.keyid, clock.now()) and not ledger.key_active_at(old, clock.now())
    assert ledger.key(old).ended_by == "rotated"  # type: ignore[union-attr]


def test_h3_a_namesake_in_the_same_unit_needs_an_identifier(world: World) -> None:
    first = world.person("孔德明", ["discipline_inspector"], unit="纪检监察室")
    key, second = SigningKey.generate(), uuid4()
    count = world.ledger.recorder.max_notification_id()
    with pytest.raises(Conflict, match=str(first.principal_id)):
        world.do(world.admin, "principal.register", second,
                 proved(world, key, second, name="孔德明", unit="纪检监察室", roles=["lead_unit"]))
    assert world.ledger.recorder.max_notification_id() == count
    world.do(world.admin, "principal.register", second,
             proved(world, key, second, name="孔德明", unit="纪检监察室", roles=["lead_unit"], identifier="GH-0417"))
    assert world.ledger.get_principal(second).identifier == "GH-0417"
    other = uuid4()  # another unit: no clash
    world.do(world.admin, "principal.register", other, proved(world, SigningKey.generate(), other,
                                                               name="孔德明", unit="办公室"))


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
        person, key = uuid4(), SigningKey.generate()
        world.do(world.admin, "principal.register", person, proved(world, key, person, **changes))
    assert world.ledger.recorder.max_notification_id() == 3  # genesis only: nothing stored


def test_registering_an_existing_id_is_a_conflict(world: World) -> None:
    person, key = uuid4(), SigningKey.generate()
    world.do(world.admin, "principal.register", person, proved(world, key, person))
    with pytest.raises(Conflict):
        other = SigningKey.generate()
        envelope = world.admin.sign("principal.register", person, 0, proved(world, other, person, name="李四"))
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
        "proof": world.proof(new_key, person.principal_id),
    })
    manual_clock.advance(timedelta(seconds=1))
    with pytest.raises(KeyNotActive, match="rotated"):
        world.do(person, "principal.grant_role", person.principal_id, {"role": "expert"})
    rotated, third = Signer(person.principal_id, new_key), SigningKey.generate()
    world.do(rotated, "principal.add_key", person.principal_id,
             {"public_key": third.public_key.jwk, "proof": world.proof(third, person.principal_id)})
    principal = world.ledger.get_principal(person.principal_id)
    assert len(principal.key_history.keys) == 3
    old = principal.key(person.key.keyid)
    assert old is not None and old.ended_by == "rotated"


def test_a_revoked_key_cannot_sign(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    spare = SigningKey.generate()  # a lost key: the administrators replace it, under dual control
    world.do(world.admin, "principal.add_key", person.principal_id,
             {"public_key": spare.public_key.jwk, "proof": world.proof(spare, person.principal_id)})
    world.do(world.second_admin, "principal.confirm_key", person.principal_id, {"keyid": spare.keyid})
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
    with pytest.raises(NotPermitted, match="只有本人或管理员可以变更其密钥 / only the principal themself or an administrator"):
        world.do(other, "principal.add_key", person.principal_id, {"public_key": SigningKey.generate().public_key.jwk})


def test_a_key_is_never_registered_twice(world: World) -> None:
    person = world.person("王强", ["lead_unit"])
    with pytest.raises(NotPermitted, match="密钥不得重复使用 / .*never reused"):
        world.do(person, "principal.add_key", person.principal_id,
                 {"public_key": person.key.public_key.jwk, "proof": world.proof(person.key, person.principal_id)})


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
    first = world.admin.sign("principal.grant_role", person.principal_id, 2, {"role": "expert"})
    second = world.admin.sign("principal.grant_role", person.principal_id, 2, {"role": "discipline_inspector"})
    world.ledger.submit(first.to_json())
    count = world.ledger.recorder.max_notification_id()
    with pytest.raises(Conflict, match="version 3"):
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
        world.ledger.initialise(SigningKey.generate(), NewPrincipal.holding("x", "y", SigningKey.generate()),
                                NewPrincipal.holding("z", "y", SigningKey.generate()))
    genesis = world.ledger.genesis()
    assert genesis == world.genesis
    ledger_principal = world.ledger.get_principal(genesis.ledger_id)
    assert ledger_principal.roles == ["ledger"] and ledger_principal.kind == "system"
