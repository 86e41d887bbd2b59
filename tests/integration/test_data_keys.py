"""Data keys within limits (issue 16, point 6; attack M6), on both stores: at most QUOTA unused
keys a person (429 with a problem body beyond), unused keys expire after UNUSED_LIFETIME and are
destroyed, a claimed key is kept, and a material sealed with an expired key is refused."""

from __future__ import annotations

from datetime import timedelta

from api.store.data_keys import QUOTA, UNUSED_LIFETIME, KeyExpired
from domain import clock
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
