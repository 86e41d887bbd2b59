"""Trusted timestamps (RFC 3161, 可信时间戳) of checkpoints (docs/spec.md §21.1).

A timestamp authority (TSA) outside the operator signs that a checkpoint existed at a time: an
insider who later rewrites the log and re-signs it with the ledger key cannot get the TSA to date
the new checkpoints back. The TSA is asked for a token over the **UTF-8 bytes of the signed
checkpoint note, verbatim** (text, blank line, signature lines), hashed with SHA-256 (the
request's message imprint); the ledger keeps the TSA's whole reply, a DER ``TimeStampResp``.

A reply is checked here with ``rfc3161-client`` (Trail of Bits): status granted, imprint, the
CMS signature and its certificate chain at the token's time, the signer's certificate (critical
extendedKeyUsage timeStamping; the one pinned, if the trust file starts with it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

SHA256_OID = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")


class TimestampError(ValueError):
    """A timestamp reply is malformed, is not for the bytes it is said to be for, or does not
    verify under the TSA certificate given; the message says which."""


def imprint(note: str) -> bytes:
    """SHA-256 of the note's UTF-8 bytes: the message imprint a token carries."""
    return hashlib.sha256(note.encode("utf-8")).digest()


def request(note: str) -> tuple[bytes, int | None]:
    """A DER ``TimeStampReq`` for ``note`` (SHA-256, a random nonce, the TSA's certificate asked
    for), and the nonce the reply must echo."""
    built = (TimestampRequestBuilder().data(note.encode("utf-8")).hash_algorithm(HashAlgorithm.SHA256)
             .nonce(nonce=True).cert_request(cert_request=True).build())
    return built.as_bytes(), built.nonce


@dataclass(frozen=True)
class Stamped:
    """What a reply says once read: when, by whom (the signer certificate's subject), its serial."""

    gen_time: datetime
    tsa: str
    serial: int


def read(reply: bytes, note: str, nonce: int | None = None) -> Stamped:
    """The reply's status is granted, its imprint is SHA-256 of ``note`` (and its nonce ``nonce``,
    when given); its signature is *not* checked here (:func:`verify` does, under a trust)."""
    response = _decode(reply)
    if PKIStatus(response.status) != PKIStatus.GRANTED:
        raise TimestampError(f"the TSA did not grant the timestamp (status {response.status}: "
                             f"{' '.join(response.status_string) or 'no reason given'})")
    info = response.tst_info
    if info.message_imprint.hash_algorithm != SHA256_OID:
        raise TimestampError(f"the token's message imprint is not SHA-256 ({info.message_imprint.hash_algorithm.dotted_string})")
    if info.message_imprint.message != imprint(note):
        raise TimestampError("the token is for other bytes: its message imprint is not SHA-256 of its checkpoint note")
    if nonce is not None and info.nonce != nonce:
        raise TimestampError("the reply's nonce is not the request's: it answers another request")
    return Stamped(_utc(info.gen_time), _signer(response), info.serial_number)


@dataclass(frozen=True)
class Trust:
    """What a verifier trusts (``verify --tsa-cert PEM``): the TSA's certificate, if the file
    starts with one that is not a CA's, any intermediates, and the root — the file's last."""

    tsa: x509.Certificate | None
    intermediates: tuple[x509.Certificate, ...]
    root: x509.Certificate

    @classmethod
    def from_pem(cls, pem: bytes) -> Trust:
        try:
            certificates = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise TimestampError(f"not a PEM file of certificates: {error}") from None
        if not certificates:
            raise TimestampError("the PEM file holds no certificate")
        first = certificates[0]
        pinned = None if _is_ca(first) else first
        middle = certificates[1:-1] if pinned is not None else certificates[:-1]
        return cls(pinned, tuple(middle), certificates[-1])

    def describe(self) -> str:
        return (self.tsa or self.root).subject.rfc4514_string()


def verify(reply: bytes, note: str, trust: Trust) -> Stamped:
    """:func:`read`, and the token's signature chains, at its own time, to ``trust``'s root
    through a certificate with critical extendedKeyUsage timeStamping (the pinned TSA's, if any)."""
    stamped = read(reply, note)
    builder = VerifierBuilder(roots=[trust.root], intermediates=list(trust.intermediates),
                              tsa_certificate=trust.tsa)
    try:
        builder.build().verify(_decode(reply), imprint(note))
    except VerificationError as error:
        raise TimestampError(f"the token does not verify under the TSA certificate given ({_short(error)})") from None
    return stamped


def _decode(reply: bytes) -> TimeStampResponse:
    try:
        return decode_timestamp_response(reply)
    except (ValueError, TypeError) as error:
        raise TimestampError(f"not a DER TimeStampResp: {_short(error)}") from None


def _signer(response: TimeStampResponse) -> str:
    infos = list(response.signed_data.signer_infos)
    for der in response.signed_data.certificates:
        certificate = x509.load_der_x509_certificate(der)
        if infos and (certificate.issuer, certificate.serial_number) == (infos[0].issuer, infos[0].serial_number):
            return certificate.subject.rfc4514_string()
    return ""


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _short(error: Exception) -> str:
    """A library's message, without OpenSSL's error stack."""
    text = str(error)
    for marker in ("ErrorStack", "Unable to verify pkcs7 signature:"):
        head, _, tail = text.partition(marker)
        if tail:
            reason = tail.rsplit('data: "', 1)[-1].split('"', 1)[0] if 'data: "' in tail else ""
            return (head.rstrip(": ") + (f": {reason}" if reason else "")).strip()
    return text
