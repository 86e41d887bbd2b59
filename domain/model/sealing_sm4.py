"""SM4-GCM sealing (国密, GB/T 32907; docs/spec.md §22.3): the national suite's counterpart of
AES-256-GCM for classified material (NX-15, XX-22), for a ledger assessed under GB/T 39786.

A data key is 32 random bytes whichever cipher seals with it (the key store does not change); SM4
takes 16, derived with SM3 so the two ciphers never share key bytes::

    sm4_key = SM3(data key ‖ "decision-ledger/sealed/v1/SM4GCM")[:16]

SM4 in GCM mode (NIST SP 800-38D with SM4 as the block cipher, as RFC 8998 uses it): a 12-byte iv,
a 16-byte tag after the ciphertext — the layout AES-GCM's sealed values have.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

ALG = "SM4GCM"
TAG_BYTES = 16
_LABEL = b"decision-ledger/sealed/v1/SM4GCM"


def sm4_key(data_key: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data_key + _LABEL)
    return digest.finalize()[:16]


def encrypt(data_key: bytes, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """ciphertext ‖ 16-byte tag."""
    encryptor = Cipher(algorithms.SM4(sm4_key(data_key)), modes.GCM(iv)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return body + encryptor.tag


def decrypt(data_key: bytes, iv: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    """The plaintext; raises :class:`cryptography.exceptions.InvalidTag` if it does not open."""
    if len(ciphertext) < TAG_BYTES:
        raise InvalidTag
    body, tag = ciphertext[:-TAG_BYTES], ciphertext[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(sm4_key(data_key)), modes.GCM(iv, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()
