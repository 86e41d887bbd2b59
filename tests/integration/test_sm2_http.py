"""SM2 persons over HTTP (国密, issue 20 point 4; docs/spec.md §22): the administrators register
an SM2 key and confirm it through the service, and an EdDSA read token naming an SM2 key is
refused with a reason (an SM2 key signs SM2SM3 tokens: test_sm2_tokens.py), never a failure of the
service."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import jwt
import pytest

from api.http.auth import AUDIENCE
from domain import clock
from domain.evidence.signing import SigningKey
from domain.evidence.sm2_keys import Sm2SigningKey
from tests.integration import enrolment
from tests.integration.http_support import Served


def test_an_sm2_person_is_enrolled_over_http_and_acts(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(enrolment, "SigningKey", Sm2SigningKey)
    person = enrolment.enrol(
        served, "sm2_clerk", "国密测试员", "宁夏回族自治区商务厅办公室", None, ["lead_unit"]
    )
    assert person.key.public_key.algorithm == "sm2"
    record = served.ledger.get_principal(person.principal_id).key(person.key.keyid)
    assert record is not None and record.active_at(clock.now())
    now = int(clock.now().timestamp())
    claims: dict[str, Any] = {
        "sub": str(person.principal_id),
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 60,
    }
    forged = jwt.encode(
        claims,
        SigningKey.generate().private_key,
        algorithm="EdDSA",
        headers={"kid": person.key.keyid},
    )
    answer = served.client.get("/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401, answer.text
    assert "SM2" in answer.json()["detail"]
    decision = uuid4()
    recorded = served.client.post(
        "/v1/decisions",
        json=served.sign(
            "sm2_clerk",
            "decision.register",
            decision,
            {
                "jurisdiction": "NX",
                "title": "关于支持跨境电子商务加快发展的若干措施",
                "document_number": "宁商规发〔2026〕9号",
                "organ": "宁夏回族自治区商务厅",
                "decided_on": "2026-06-18",
                "purpose": "扩大跨境电商进出口规模",
            },
        ).to_json(),
    )
    assert recorded.status_code == 201, recorded.text
    assert served.ledger.version_of(decision) == 1
