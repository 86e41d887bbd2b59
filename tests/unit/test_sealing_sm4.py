"""SM4-GCM sealing (国密, issue 20 point 4; docs/spec.md §22.3): the standards' vectors, GmSSL and
OpenSSL agreeing, and a classified material sealed with SM4-GCM recorded, opened and shredded like
an AES-256-GCM one."""

from __future__ import annotations

import base64

import gmssl_pyx
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from domain.errors import MalformedInput
from domain.evidence.canonical import canonical_bytes
from domain.model import sealing_sm4
from domain.model.sealing import SealBroken, additional_data, seal, unseal
from tests.unit.test_sealing import CONTENT, KEY, KID, PLACE

# RFC 8998 Appendix A.1 (SM4-GCM), GB/T 32907-2016 Annex A.1 (SM4)
RFC8998 = {
    "key": "0123456789ABCDEFFEDCBA9876543210",
    "iv": "00001234567800000000ABCD",
    "aad": "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2",
    "pt": "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFF"
    "EEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
    "ct": "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15"
    "A56834CBCF98C397B4024A2691233B8D",
    "tag": "83DE3541E4C2B58177E065A9BF7B62EC",
}


def test_sm4_and_sm4_gcm_are_the_standards() -> None:
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (
        encryptor.update(key) + encryptor.finalize()
    ).hex() == "681edf34d206965e86b3e94f536e4246"
    v = {name: bytes.fromhex(value) for name, value in RFC8998.items()}
    for ct, tag in (gmssl_pyx.sm4_gcm_encrypt(v["key"], v["iv"], v["aad"], v["pt"]),):
        assert (ct, tag) == (v["ct"], v["tag"]), "GmSSL"
    encryptor = Cipher(algorithms.SM4(v["key"]), modes.GCM(v["iv"])).encryptor()
    encryptor.authenticate_additional_data(v["aad"])
    assert (
        encryptor.update(v["pt"]) + encryptor.finalize() == v["ct"] and encryptor.tag == v["tag"]
    ), "OpenSSL"


def test_sm4_gcm_seals_and_opens_and_gmssl_opens_it_too() -> None:
    sealed = seal(KEY, KID, CONTENT, PLACE, alg="SM4GCM")
    assert sealed["alg"] == "SM4GCM" and unseal(KEY, sealed, PLACE) == CONTENT
    raw = base64.b64decode(sealed["ct"])
    aad = additional_data(KID, PLACE, "SM4GCM")
    assert b'"alg":"SM4GCM"' in aad
    opened = gmssl_pyx.sm4_gcm_decrypt(
        sealing_sm4.sm4_key(KEY), base64.b64decode(sealed["iv"]), aad, raw[:-16], raw[-16:]
    )
    assert opened == canonical_bytes(CONTENT)
    assert seal(KEY, KID, CONTENT, PLACE, iv=bytes(12), alg="SM4GCM") != seal(
        KEY, KID, CONTENT, PLACE, iv=bytes(12)
    )


def test_an_sm4_seal_relabelled_or_moved_does_not_open() -> None:
    sealed = seal(KEY, KID, CONTENT, PLACE, alg="SM4GCM")
    with pytest.raises(SealBroken):
        unseal(KEY, {**sealed, "alg": "A256GCM"}, PLACE)
    with pytest.raises(SealBroken):
        unseal(bytes(32), sealed, PLACE)
    with pytest.raises(SealBroken, match="alg"):
        unseal(KEY, {**sealed, "alg": "SM4CBC"}, PLACE)
    with pytest.raises(MalformedInput):
        seal(KEY, KID, CONTENT, PLACE, alg="SM4CBC")


def test_a_material_sealed_with_sm4_is_recorded_opens_and_verifies(ledger) -> None:  # type: ignore[no-untyped-def]
    from uuid import UUID, uuid4

    from domain.evidence.verifier import Verifier
    from domain.model.sealing import Place, open_with
    from domain.service.records import LedgerRecords
    from tests.support import NXScript, World

    world = World(ledger)
    case = NXScript(world).advance_to("collect_material")
    material = str(uuid4())
    content = {"title": "信访登记", "source": "县信访局", "digest": "b" * 64, "summary": "个人隐私"}
    kid, key = world.keyring.create()
    place = Place(case.case_id, UUID(material))
    args = {
        "material_id": material,
        "stance": "opposing",
        "classification": "personal_privacy",
        "period": "during",
        "sealed": seal(key, kid, content, place, alg="SM4GCM"),
    }
    moved = {**args, "material_id": str(uuid4())}
    with pytest.raises(SealBroken):
        world.do(case.lead, "case.collect_material", case.case_id, moved)
    world.do(case.lead, "case.collect_material", case.case_id, args)
    stored = ledger.get_case(case.case_id).materials[material]["sealed"]
    assert stored["alg"] == "SM4GCM" and open_with(world.keyring, stored, place) == content
    report = Verifier(LedgerRecords(ledger).decode).run(list(LedgerRecords(ledger).all()))
    assert report.ok, report.breaks
