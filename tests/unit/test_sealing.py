"""Sealed content (NX-15, XX-22): a classified material's content is encrypted before it is
signed, bound to its case and material, and opens only under its own data key."""

from __future__ import annotations

import base64
import json
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import MalformedInput, NotPermitted, Refused
from domain.model.sealing import KeyShredded, Place, SealBroken, open_with, seal, unseal
from domain.service.ledger import Ledger
from tests.support import MemoryKeyRing, NXScript, World, XXScript, seal_material

KEY = bytes(range(32))
KID = "00000000-0000-4000-8000-0000000000e1"
PLACE = Place(UUID("00000000-0000-4000-8000-0000000000c1"), UUID("00000000-0000-4000-8000-0000000000d1"))
CONTENT = {"title": "县长热线登记表", "source": "12345热线", "digest": "0" * 64, "summary": "诉求43件"}
#: A golden vector: CONTENT sealed under KEY with an all-zero iv for PLACE (regression, and a
#: test vector for third parties).
VECTOR_CT = (
    "dZ7Rt9JJ8MkqkosFKByhqeJzZmMYsVAfsK6Ds/XPbWZ+b9aMGsKINgPzQcXx/ll+mTdx1klBdpVghg8WelB+1NlfDjqh4WDS47nj5ToGO/Yo"
    "Z1X8ApJncAaVIHYZ3HxXbe5sKw4smcR0GBRNoR6YtYM0tNpqSCJ4a6QF1kZQUvYS27S2ycyBxvXzZxzDCmGAnr/UxDYEcw4molsvg9P+PnAl"
    "yyTYFLS4vD9vuw=="
)


def test_the_golden_vector_seals_and_opens() -> None:
    sealed = seal(KEY, KID, CONTENT, PLACE, iv=bytes(12))
    assert sealed == {"alg": "A256GCM", "kid": KID, "iv": "AAAAAAAAAAAAAAAA", "ct": VECTOR_CT}
    assert unseal(KEY, sealed, PLACE) == CONTENT


def test_a_third_party_opens_it_with_only_aes_gcm_and_json() -> None:
    """The documented recipe: AAD is the RFC 8785 JSON of alg, case_id, format, kid, material_id
    (ASCII only, so sorted compact JSON is canonical); the plaintext is RFC 8785 JSON."""
    aad = json.dumps({"alg": "A256GCM", "case_id": str(PLACE.case_id), "format": "decision-ledger/sealed/v1",
                      "kid": KID, "material_id": str(PLACE.material_id)}, sort_keys=True, separators=(",", ":"))
    plaintext = AESGCM(KEY).decrypt(bytes(12), base64.b64decode(VECTOR_CT), aad.encode())
    assert json.loads(plaintext) == CONTENT
    assert plaintext == json.dumps(CONTENT, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_a_sealed_value_moved_to_another_place_does_not_open() -> None:
    sealed = seal(KEY, KID, CONTENT, PLACE)
    for elsewhere in (Place(PLACE.case_id, uuid4()), Place(uuid4(), PLACE.material_id)):
        with pytest.raises(SealBroken, match="moved from another material"):
            unseal(KEY, sealed, elsewhere)
    with pytest.raises(SealBroken):
        unseal(KEY, {**sealed, "kid": str(uuid4())}, PLACE)  # re-labelled with another key id
    with pytest.raises(SealBroken):
        unseal(bytes(32), sealed, PLACE)  # another key


def test_any_flipped_bit_of_iv_or_ciphertext_is_caught_by_the_tag() -> None:
    sealed = seal(KEY, KID, CONTENT, PLACE)
    for field in ("iv", "ct"):
        raw = base64.b64decode(sealed[field])
        for position in range(0, len(raw), max(1, len(raw) // 16)):
            for bit in (0, 7):
                mutated = bytearray(raw)
                mutated[position] ^= 1 << bit
                with pytest.raises(SealBroken):
                    unseal(KEY, {**sealed, field: base64.b64encode(bytes(mutated)).decode()}, PLACE)
    with pytest.raises(SealBroken):
        unseal(KEY, {**sealed, "ct": base64.b64encode(base64.b64decode(sealed["ct"])[:-1]).decode()}, PLACE)
    with pytest.raises(SealBroken):
        unseal(KEY, {**sealed, "alg": "A128GCM"}, PLACE)


def test_a_shredded_key_reads_as_shredded_and_an_unknown_one_as_broken() -> None:
    keyring = MemoryKeyRing()
    kid, key = keyring.create()
    sealed = seal(key, kid, CONTENT, PLACE)
    assert open_with(keyring, sealed, PLACE) == CONTENT
    keyring.destroy(kid)
    with pytest.raises(KeyShredded):
        open_with(keyring, sealed, PLACE)
    with pytest.raises(SealBroken, match="no data key"):
        open_with(MemoryKeyRing(), sealed, PLACE)


# --- the case: a classified material is recorded sealed, or not at all ------------------------


@pytest.mark.parametrize(("script", "article"), [(NXScript, "NX-15"), (XXScript, "XX-22")])
def test_a_classified_material_in_clear_is_refused_with_its_article(ledger: Ledger, script: type, article: str) -> None:
    world = World(ledger)
    case = script(world).advance_to("collect_material")
    clear = {**_plain(), "classification": "personal_privacy"}
    before = ledger.recorder.max_notification_id()
    with pytest.raises(Refused) as refused:
        world.do(case.lead, "case.collect_material", case.case_id, clear)
    assert refused.value.article == article and refused.value.rule == "procedure/classified-material-sealed"
    assert ledger.recorder.max_notification_id() == before
    world.do(case.lead, "case.collect_material", case.case_id, seal_material(world.keyring, case.case_id, clear))
    assert "sealed" in ledger.get_case(case.case_id).materials[clear["material_id"]]


def test_an_unclassified_material_is_recorded_in_clear_and_a_mix_is_malformed(ledger: Ledger) -> None:
    world = World(ledger)
    case = NXScript(world).advance_to("collect_material")
    lead = case.lead
    sealed = seal_material(world.keyring, case.case_id, {**_plain(), "classification": "work_secret"})
    with pytest.raises(Refused) as refused:
        world.do(lead, "case.collect_material", case.case_id, {**sealed, "classification": "none"})
    assert refused.value.rule == "procedure/unclassified-material-in-clear" and refused.value.article == "NX-15"
    with pytest.raises(MalformedInput, match="no content in clear"):
        world.do(lead, "case.collect_material", case.case_id, {**sealed, "title": "明文标题"})
    with pytest.raises(MalformedInput, match="missing"):
        world.do(lead, "case.collect_material", case.case_id, {k: v for k, v in _plain().items() if k != "title"})


def test_a_sealed_value_that_does_not_open_under_its_key_is_refused(ledger: Ledger) -> None:
    world = World(ledger)
    case = NXScript(world).advance_to("collect_material")
    args = seal_material(world.keyring, case.case_id, {**_plain(), "classification": "work_secret"})
    moved = {**args, "material_id": str(uuid4())}
    before = ledger.recorder.max_notification_id()
    with pytest.raises(SealBroken):
        world.do(case.lead, "case.collect_material", case.case_id, moved)
    kid, key = world.keyring.create()
    bad_content = seal(key, kid, {"title": "只有标题"}, Place(case.case_id, UUID(args["material_id"])))
    with pytest.raises(MalformedInput, match="sealed material content"):
        world.do(case.lead, "case.collect_material", case.case_id, {**args, "sealed": bad_content})
    assert ledger.recorder.max_notification_id() == before


def _plain() -> dict[str, str]:
    return {"material_id": str(uuid4()), "title": "企业来函", "source": "某企业", "stance": "opposing",
            "classification": "none", "period": "during", "digest": "a" * 64, "summary": "反映问题"}


def test_only_an_administrator_shreds_and_only_a_sealed_material_of_the_case(ledger: Ledger) -> None:
    world = World(ledger)
    case = XXScript(world).advance_to("collect_material")
    plain, secret = _plain(), {**_plain(), "classification": "personal_privacy"}
    world.do(case.lead, "case.collect_material", case.case_id, plain)
    sealed = seal_material(world.keyring, case.case_id, secret)
    world.do(case.lead, "case.collect_material", case.case_id, sealed)
    kid = sealed["sealed"]["kid"]
    request = {"material_id": secret["material_id"], "kid": kid, "request_ref": "息县〔2026〕删字1号",
               "basis": "《个人信息保护法》第四十七条"}
    with pytest.raises(NotPermitted):
        world.do(case.lead, "case.record_shredding", case.case_id, request)
    for wrong in ({**request, "material_id": plain["material_id"]}, {**request, "kid": str(uuid4())}):
        with pytest.raises(Refused) as refused:
            world.do(world.admin, "case.record_shredding", case.case_id, wrong)
        assert refused.value.rule == "procedure/shredding-of-sealed-material" and refused.value.article == "XX-22"
    world.do(world.admin, "case.record_shredding", case.case_id, request)
    shredded = ledger.get_case(case.case_id).materials[secret["material_id"]]["shredded"]
    assert shredded["kid"] == kid and shredded["by"] == world.admin.principal_id
    assert shredded["request_ref"] == request["request_ref"]
