"""Data keys for sealing a classified material before it is signed (NX-15, XX-22).

A client about to collect a classified material asks for a fresh data key, seals the content
with it (:mod:`domain.model.sealing`), signs the intent over the ciphertext, and posts it. The key stays
in the server's key store, outside the database, so cleared readers can read the content and a
lawful request can destroy it (``case.record_shredding``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.http.problems import ApiError, Problem
from api.http.reads import ERRORS, Reader, Svc
from api.store.data_keys import QUOTA, UNUSED_LIFETIME
from domain.evidence.signing import b64encode
from domain.model.sealing import ALG
from domain.model.vocabulary import Role
from domain.service.access import has_any

#: Roles whose holders collect material (the lead unit's staff, an entrusted agency's staff,
#: engaged experts); the case itself checks membership when the sealed material is recorded.
COLLECTORS = frozenset({Role.LEAD_UNIT, Role.AGENCY_STAFF, Role.EXPERT})


class DataKey(BaseModel):
    alg: Annotated[str, Field(description="always A256GCM")]
    kid: Annotated[str, Field(description="the data key's id: put it in the sealed value")]
    key: Annotated[str, Field(description="standard base64 of the 32-byte AES-256 key; use it once, then forget it")]


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/secrets", tags=["secrets"], responses=ERRORS)

    @api.post("/keys", status_code=201, response_model=DataKey,
              summary="A fresh data key to seal one classified material (NX-15, XX-22)",
              description=f"At most {QUOTA} unused keys per person (429 beyond); a key not used by a submitted "
                          f"material within {int(UNUSED_LIFETIME.total_seconds() // 60)} minutes expires and is "
                          "destroyed.",
              responses={429: {"model": Problem, "content": {"application/problem+json": {}},
                               "description": "the person's quota of unused data keys is reached"}})
    def new_key(who: Reader, svc: Svc) -> DataKey:
        if not has_any(who, COLLECTORS):
            raise ApiError("not-permitted", "数据密钥供收集资料的人使用：承办单位、受委托机构人员、专家 — "
                                            "data keys are for those who collect material: lead unit, agency staff, experts")
        if svc.data_keys is None:
            raise ApiError("unavailable", "本服务未配置密钥库 — this service keeps no key store")
        # at most QUOTA unused keys a person (429 beyond); unused ones expire (issue 16, point 6)
        kid, key = svc.data_keys.mint(str(who.id))
        return DataKey(alg=ALG, kid=kid, key=b64encode(key))

    return api
