"""docs/spec.md §21 from the text alone: C2SP tlog-proof text, and RFC 3161 timestamps of
checkpoints (bundle format v3), for verifier.py.

Imports nothing of the product. Beside the standard library and ``cryptography`` it uses
``asn1crypto`` to read the DER structures (RFC 3161 TimeStampResp and TSTInfo, RFC 5652 CMS
SignedData, RFC 5035 ESS signing-certificate-v2) — a reader independent of the product's
``rfc3161-client``: the CMS signature and the certificate chain are checked here by hand.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

TLOG_PROOF = "c2sp.org/tlog-proof@v1"
TIME_STAMPING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.8")


class Bad(Exception):
    """Not what §21 says; the message says why."""


# §21.2 tlog-proof --------------------------------------------------------------------------------

def parse_tlog_proof(text: Any) -> tuple[int, list[bytes], str]:
    """(index, path, checkpoint note) of a C2SP tlog-proof."""
    if not isinstance(text, str):
        raise Bad("a tlog-proof is text")
    head, blank, checkpoint = text.partition("\n\n")
    lines = head.split("\n")
    if not blank or not checkpoint or lines[0] != TLOG_PROOF:
        raise Bad("not a c2sp.org/tlog-proof@v1 text")
    rest = lines[1:]
    if rest and rest[0].startswith("extra "):
        rest = rest[1:]
    if not rest or not rest[0].startswith("index "):
        raise Bad("no index line")
    number = rest[0][6:]
    if not number.isascii() or not number.isdigit() or (number != "0" and number[0] == "0"):
        raise Bad("the index is not a decimal without leading zeroes")
    path = []
    for line in rest[1:]:
        try:
            raw = base64.b64decode(line, validate=True)
        except binascii.Error:
            raise Bad("a proof line is not base64") from None
        if len(raw) != 32 or base64.b64encode(raw).decode() != line:
            raise Bad("a proof line is not one SHA-256 hash in base64")
        path.append(raw)
    return int(number), path, checkpoint


# §21.1 RFC 3161 ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    gen_time: datetime
    imprint_algorithm: str
    imprint: bytes


def read_reply(reply: bytes) -> tuple[Token, cms.SignedData]:
    """A granted TimeStampResp's TSTInfo (and its SignedData), read with asn1crypto."""
    try:
        response = tsp.TimeStampResp.load(reply)
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise Bad(f"the TSA's status is {status}")
        signed = response["time_stamp_token"]["content"]
        info = signed["encap_content_info"]["content"].parsed
        imprint = info["message_imprint"]
        token = Token(info["gen_time"].native.astimezone(UTC), imprint["hash_algorithm"]["algorithm"].native,
                      imprint["hashed_message"].native)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise Bad(f"not a DER TimeStampResp with a token: {error}") from None
    return token, signed


def check_signature(signed: cms.SignedData, pem: bytes, when: datetime) -> None:
    """RFC 5652 §5.4 and RFC 3161 §2.3: the signer's attributes bind the TSTInfo and the signer's
    certificate, the signature over them verifies, the signer's certificate has critical EKU
    timeStamping, and it chains to the last certificate of ``pem`` (the first, if it is not a CA's,
    must be the signer's), each valid at ``when``."""
    trusted = x509.load_pem_x509_certificates(pem)
    signers = signed["signer_infos"]
    if len(signers) != 1:
        raise Bad("a token has one signer")
    signer = signers[0]
    if signer["digest_algorithm"]["algorithm"].native != "sha256":
        raise Bad("only SHA-256 signer digests are read here")  # GUESS: what the vectors' TSA uses
    embedded = [x509.load_der_x509_certificate(c.chosen.dump()) for c in signed["certificates"] or []]
    sid = signer["sid"].chosen
    leaf = next((c for c in embedded + trusted
                 if c.serial_number == sid["serial_number"].native and c.issuer.public_bytes() == sid["issuer"].dump()),
                None)
    if leaf is None:
        raise Bad("the signer's certificate is neither in the token nor given")
    attributes = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    content = signed["encap_content_info"]["content"].contents
    if attributes.get("content_type") is None or attributes["content_type"].native != "tst_info":
        raise Bad("the signed content type is not TSTInfo")
    if attributes.get("message_digest") is None or attributes["message_digest"].native != hashlib.sha256(content).digest():
        raise Bad("the signed message digest is not SHA-256 of the TSTInfo")
    ess = attributes.get("signing_certificate_v2")
    der = leaf.public_bytes(Encoding.DER)
    if ess is None or not any(c["cert_hash"].native == hashlib.sha256(der).digest() for c in ess["certs"]):
        raise Bad("the ESS signing-certificate-v2 attribute does not name the signer's certificate")
    signed_attributes = signer["signed_attrs"].untag().dump()  # the SET OF, as signed (RFC 5652 §5.4)
    _verify(leaf, signer["signature"].native, signed_attributes)
    try:
        eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise Bad("the signer's certificate has no extendedKeyUsage") from None
    if not eku.critical or TIME_STAMPING not in eku.value:
        raise Bad("the signer's certificate's extendedKeyUsage is not critical timeStamping")
    if not _is_ca(trusted[0]) and trusted[0] != leaf:
        raise Bad("the token is not signed by the TSA certificate given")
    chain, current = [leaf], leaf
    pool = trusted + embedded
    while current != trusted[-1]:
        issuer = next((c for c in pool if c.subject == current.issuer and c != current), None)
        if issuer is None:
            raise Bad("the signer's certificate does not chain to the certificate given")
        _verify(issuer, current.signature, current.tbs_certificate_bytes, current.signature_hash_algorithm)
        chain.append(issuer)
        current = issuer
        if len(chain) > 8:
            raise Bad("the chain is too long")
    for certificate in chain:
        if not certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc:
            raise Bad(f"a certificate of the chain is not valid at the token's time ({certificate.subject.rfc4514_string()})")


def _verify(certificate: x509.Certificate, signature: bytes, data: bytes,
            algorithm: hashes.HashAlgorithm | None = None) -> None:
    key = certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algorithm or hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithm or hashes.SHA256())
        else:
            raise Bad("only ECDSA and RSA signers are read here")
    except InvalidSignature:
        raise Bad(f"a signature by {certificate.subject.rfc4514_string()} does not verify") from None


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False
