"""Sealed content: a classified material's content, encrypted before it is signed (NX-15, XX-22).

Each stored event keeps its signer's envelope verbatim and its hash covers it, so whatever a
person signs is kept forever in the events table. Classified content (工作秘密, 商业秘密, 个人隐私,
国家秘密) is therefore sealed *before* it is signed: the signature and the chain hash cover the
ciphertext, the database never holds the plaintext, and destroying the data key (crypto-shredding
on a lawful request) leaves every signature and hash intact.

A sealed value is a JSON object inside the signed ``args``::

    {"alg": "A256GCM", "kid": "<data key id, a UUID>", "iv": "<base64, 12 bytes>",
     "ct": "<base64, AES-256-GCM ciphertext ‖ 16-byte tag>"}

base64 is standard, padded, in its canonical spelling. The plaintext is the RFC 8785 canonical
JSON of the sealed fields (for a material: ``{"digest", "source", "summary", "title"}``). The
additional authenticated data binds the ciphertext to its place, so it cannot be moved to
another material or case, or re-labelled with another key id::

    AAD = RFC8785({"alg": "A256GCM", "case_id": "<uuid>", "format": "decision-ledger/sealed/v1",
                   "kid": "<uuid>", "material_id": "<uuid>"})

Data keys are 32 random bytes, one per sealed material, and live outside the database (see
``api/store/secrets.py``); this module only needs a :class:`KeyRing` to ask for one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import LedgerError, MalformedInput
from domain.evidence.canonical import canonical_bytes, parse_canonical
from domain.evidence.signing import b64decode, b64encode
from domain.model import sealing_sm4  # issue 20 — sm4: SM4-GCM as an option (docs/spec.md §22.3)

FORMAT = "decision-ledger/sealed/v1"
ALG = "A256GCM"
KEY_BYTES = 32
IV_BYTES = 12
TAG_BYTES = 16
#: The fields of a material that are sealed when it is classified; the rest stay in clear
#: because the rules judge them (classification NX-15/XX-22, stance NX-9/XX-7, period XX-12(1)).
MATERIAL_FIELDS = ("title", "source", "digest", "summary")
SHREDDED = "〔已销毁 shredded〕"


class SealBroken(LedgerError):
    """A sealed value does not open: wrong key, moved to another place, or altered."""

    kind = "malformed-input"


class KeyShredded(LedgerError):
    """The data key was destroyed (crypto-shredded): the content is gone for good."""

    kind = "not-found"


class KeyRing(Protocol):
    """Where data keys are kept, outside the database."""

    def data_key(self, kid: str) -> bytes | None:
        """The key, or None when there is none (never created, or shredded)."""
        ...

    def is_shredded(self, kid: str) -> bool: ...

    def destroy(self, kid: str) -> bool:
        """Destroy the key for good (crypto-shredding); False if it was already gone."""
        ...


@dataclass(frozen=True)
class Place:
    """Where a sealed value belongs: the case and the material it describes."""

    case_id: UUID
    material_id: UUID


def additional_data(kid: str, place: Place, alg: str = ALG) -> bytes:
    return canonical_bytes({
        "alg": alg,
        "case_id": str(place.case_id),
        "format": FORMAT,
        "kid": kid,
        "material_id": str(place.material_id),
    })


def seal(key: bytes, kid: str, content: dict[str, Any], place: Place, iv: bytes | None = None,
         alg: str = ALG) -> dict[str, str]:
    """Encrypt ``content`` (a JSON object) for ``place`` under the data key ``kid``, with
    AES-256-GCM or (``alg`` ``"SM4GCM"``, issue 20) SM4-GCM."""
    if alg not in (ALG, sealing_sm4.ALG):  # issue 20 — sm4
        raise MalformedInput(f"a sealed value's alg is {ALG} or {sealing_sm4.ALG}, not {alg!r}")
    if len(key) != KEY_BYTES:
        raise MalformedInput(f"a data key is {KEY_BYTES} bytes, not {len(key)}")
    nonce = iv if iv is not None else os.urandom(IV_BYTES)
    if len(nonce) != IV_BYTES:
        raise MalformedInput(f"an iv is {IV_BYTES} bytes")
    if alg == sealing_sm4.ALG:  # issue 20 — sm4
        ciphertext = sealing_sm4.encrypt(key, nonce, canonical_bytes(content), additional_data(kid, place, alg))
    else:
        ciphertext = AESGCM(key).encrypt(nonce, canonical_bytes(content), additional_data(kid, place))
    return {"alg": alg, "kid": kid, "iv": b64encode(nonce), "ct": b64encode(ciphertext)}


def unseal(key: bytes, sealed: dict[str, Any], place: Place) -> dict[str, Any]:
    """Decrypt a sealed value for ``place``; raise :class:`SealBroken` if it does not open."""
    alg = sealed.get("alg")
    if alg not in (ALG, sealing_sm4.ALG):  # issue 20 — sm4
        raise SealBroken(f"a sealed value's alg must be {ALG} or {sealing_sm4.ALG}")
    kid = sealed.get("kid")
    if not isinstance(kid, str):
        raise SealBroken("a sealed value names its data key in kid")
    nonce = b64decode(sealed.get("iv"), "sealed iv")
    ciphertext = b64decode(sealed.get("ct"), "sealed ct")
    if len(nonce) != IV_BYTES or len(ciphertext) < TAG_BYTES or len(key) != KEY_BYTES:
        raise SealBroken("a sealed value has a 12-byte iv and a ciphertext ending in its 16-byte tag")
    try:
        if alg == sealing_sm4.ALG:  # issue 20 — sm4
            plaintext = sealing_sm4.decrypt(key, nonce, ciphertext, additional_data(kid, place, alg))
        else:
            plaintext = AESGCM(key).decrypt(nonce, ciphertext, additional_data(kid, place))
    except InvalidTag:
        raise SealBroken(
            f"the sealed value does not open under data key {kid} for material {place.material_id}: "
            "altered, moved from another material, or sealed with another key"
        ) from None
    content = parse_canonical(plaintext)
    if not isinstance(content, dict):
        raise SealBroken("sealed content must be a JSON object")
    return content


def open_with(keyring: KeyRing, sealed: dict[str, Any], place: Place) -> dict[str, Any]:
    """Decrypt with the key the keyring holds; :class:`KeyShredded` once it is destroyed."""
    kid = str(sealed.get("kid"))
    key = keyring.data_key(kid)
    if key is None:
        if keyring.is_shredded(kid):
            raise KeyShredded(f"data key {kid} was destroyed (crypto-shredded)")
        raise SealBroken(f"no data key {kid} in the key store")
    return unseal(key, sealed, place)
