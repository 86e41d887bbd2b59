"""Data keys within limits (issue 16, point 6; attack M6), on both stores: at most QUOTA unused
keys a person (429 with a problem body beyond), unused keys expire after UNUSED_LIFETIME and are
destroyed, a claimed key is kept, and a material sealed with an expired key is refused."""

from __future__ import annotations

import base64
from datetime import timedelta
from uuid import UUID, uuid4

from api.store.data_keys import QUOTA, UNUSED_LIFETIME, KeyExpired
from domain import clock
from domain.model.sealing import Place, seal
from tests.integration.http_support import Served

PROBLEM = "application/problem+json"


def test_one_person_holds_at_most_the_quota_of_unused_keys(served: Served) -> None:
    keystore = served.service.keystore
    assert keystore is not None
    before = len(list(keystore.directory.glob("*.key")))
    minted = [served.client.post("/v1/secrets/keys", headers=served.headers("sun_li")) for _ in range(QUOTA)]
    assert [m.status_code for m in minted] == [201] * QUOTA
    refused = served.client.post("/v1/secrets/keys", headers=served.headers("sun_li"))
    assert refused.status_code == 429 and refused.headers["content-type"].startswith(PROBLEM)
    body = refused.json()
    assert body["type"] == "urn:decision-ledger:problem:too-many"
    assert "unused data keys" in body["detail"] and "未使用的数据密钥" in body["detail"]
    assert len(list(keystore.directory.glob("*.key"))) == before + QUOTA, "nothing minted past the quota"
    # the quota is one person's: another collector still gets a key
    assert served.client.post("/v1/secrets/keys", headers=served.headers("chen_jianhua")).status_code == 201
    # using a key frees a place in the quota
    data_keys = served.service.data_keys
    assert data_keys is not None
    assert data_keys.claim(minted[0].json()["kid"]) is True
    assert served.client.post("/v1/secrets/keys", headers=served.headers("sun_li")).status_code == 201


def test_unused_keys_expire_and_are_destroyed_while_claimed_keys_stay(served: Served) -> None:
    data_keys = served.service.data_keys
    keystore = served.service.keystore
    assert data_keys is not None and keystore is not None
    start = clock.now()
    with clock.using(clock.ManualClock(start)):
        unused, _ = data_keys.mint("00000000-0000-4000-8000-000000000001")
        late, _ = data_keys.mint("00000000-0000-4000-8000-000000000001")
        used, _ = data_keys.mint("00000000-0000-4000-8000-000000000001")
        assert data_keys.claim(used) is True
    with clock.using(clock.ManualClock(start + UNUSED_LIFETIME - timedelta(seconds=1))):
        assert unused not in data_keys.sweep() and keystore.data_key(unused) is not None, "not yet expired"
    with clock.using(clock.ManualClock(start + UNUSED_LIFETIME + timedelta(seconds=1))):
        try:
            data_keys.claim(late)
        except KeyExpired as error:
            assert "expired unused" in error.detail and "逾期未用" in error.detail
        else:
            raise AssertionError("a key past its expiry cannot be claimed")
        swept = data_keys.sweep()
    assert unused in swept and late in swept and used not in swept
    assert keystore.data_key(unused) is None and not (keystore.directory / f"{unused}.key").exists()
    assert not keystore.is_shredded(unused), "an expired key never sealed anything recorded: no tombstone"
    assert keystore.data_key(used) is not None, "a key that sealed a material is kept"
    with data_keys.state.reading() as cursor:
        kids = {row["kid"] for row in cursor.execute("SELECT kid FROM {dl_data_keys}").fetchall()}
    assert used in kids and unused not in kids


def test_a_material_sealed_with_an_expired_key_is_refused_and_nothing_stored(served: Served) -> None:
    """The write claims its data key before it is judged: a key past its expiry is refused 400,
    saying so in both languages, and nothing is stored."""
    minted = served.client.post("/v1/secrets/keys", headers=served.headers("chen_jianhua"))
    assert minted.status_code == 201
    kid, key = minted.json()["kid"], base64.b64decode(minted.json()["key"])
    with served.service.state.writing() as cursor:  # an hour and more has passed, unswept yet
        cursor.execute("UPDATE {dl_data_keys} SET expires_at = 0 WHERE kid = ?", (kid,))
    case_id = UUID(str(served.demo.cases[1]["id"]))
    material_id = uuid4()
    content = {"title": "过期密钥加密的资料", "source": "县信访局", "digest": "d" * 64, "summary": "不应保存"}
    args = {"material_id": str(material_id), "stance": "neutral", "classification": "personal_privacy",
            "period": "during", "sealed": seal(key, kid, content, Place(case_id, material_id))}
    before = served.stored()
    answer = served.client.post(f"/v1/cases/{case_id}/materials",
                                json=served.sign("chen_jianhua", "case.collect_material", case_id, args).to_json())
    assert answer.status_code == 400, answer.text
    assert "expired unused" in answer.json()["detail"] and "逾期未用" in answer.json()["detail"]
    assert served.stored() == before
