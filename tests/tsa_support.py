"""A timestamp authority of the tests' own (RFC 3161), so no test reaches the network.

A self-made CA certifies a TSA key (extendedKeyUsage timeStamping, critical, as RFC 3161 §2.3
requires); the TSA answers ``application/timestamp-query`` with ``application/timestamp-reply`` over
HTTP on 127.0.0.1, each token a CMS SignedData over a TSTInfo (asn1crypto's structures, signed with
``cryptography``) carrying the ESS signing-certificate-v2 attribute. ``rfc3161-client`` verifies
but cannot issue, hence this.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

POLICY = "1.3.6.1.4.1.57264.2"  # any policy OID: the tests' TSA has one


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "测试时间戳服务"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
                 issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool, eku_critical: bool = True,
                 not_before: datetime | None = None, days: int = 3650) -> x509.Certificate:
    start = not_before or datetime(2020, 1, 1, tzinfo=UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                        critical=True)
    else:
        builder = (builder.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                                         critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=eku_critical))
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class Authority:
    """A CA and the TSA it certifies; :meth:`reply` answers one request."""

    name: str = "测试时间戳机构"
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ca_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    eku_critical: bool = True
    serials: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    requests: int = 0

    def __post_init__(self) -> None:
        root = _name(f"{self.name} 根证书")
        self.ca = _certificate(f"{self.name} 根证书", self.ca_key, root, self.ca_key, ca=True)
        self.certificate = _certificate(self.name, self.key, root, self.ca_key, ca=False,
                                        eku_critical=self.eku_critical)

    def pem(self, *, chain: bool = True) -> bytes:
        """The TSA's certificate, then (``chain``) the CA's: what `verify --tsa-cert` reads."""
        out = self.certificate.public_bytes(serialization.Encoding.PEM)
        return out + self.ca.public_bytes(serialization.Encoding.PEM) if chain else out

    def write_pem(self, path: Path, *, chain: bool = True) -> Path:
        path.write_bytes(self.pem(chain=chain))
        return path

    def reply(self, request_der: bytes) -> bytes:
        """The DER TimeStampResp to one DER TimeStampReq (status granted, a token)."""
        self.requests += 1
        request = tsp.TimeStampReq.load(request_der)
        info = {
            "version": "v1",
            "policy": POLICY,
            "message_imprint": request["message_imprint"],
            "serial_number": next(self.serials),
            "gen_time": self.clock().replace(microsecond=0),
            "ordering": False,
        }
        if request["nonce"].native is not None:
            info["nonce"] = request["nonce"].native
        return self.token_reply(tsp.TSTInfo(info))

    def token_reply(self, tst_info: tsp.TSTInfo) -> bytes:
        """Sign ``tst_info`` as this TSA and wrap it in a granted TimeStampResp."""
        content = tst_info.dump()
        certificate_der = self.certificate.public_bytes(serialization.Encoding.DER)
        certificate = asn1_x509.Certificate.load(certificate_der)
        attributes = cms.CMSAttributes([
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(content).digest()]}),
            cms.CMSAttribute({"type": "signing_certificate_v2", "values": [tsp.SigningCertificateV2({
                "certs": [tsp.ESSCertIDv2({"hash_algorithm": {"algorithm": "sha256"},
                                           "cert_hash": hashlib.sha256(certificate_der).digest()})]})]}),
        ])
        signed_attributes = attributes.dump()
        signature = self.key.sign(signed_attributes, ec.ECDSA(hashes.SHA256()))
        signer = cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
                {"issuer": certificate.issuer, "serial_number": certificate.serial_number})}),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": cms.CMSAttributes.load(signed_attributes),
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
            "signature": signature,
        })
        signed = cms.SignedData({
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "tst_info", "content": core.ParsableOctetString(content)},
            "certificates": [certificate],
            "signer_infos": [signer],
        })
        token = cms.ContentInfo({"content_type": "signed_data", "content": signed})
        return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()


class _Handler(BaseHTTPRequestHandler):
    authority: Authority
    refuse: bool = False

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.refuse or self.headers.get("Content-Type") != "application/timestamp-query":
            self.send_response(415 if not self.refuse else 503)
            self.end_headers()
            return
        reply = self.authority.reply(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serving(authority: Authority, *, refuse: bool = False) -> Iterator[str]:
    """The TSA over HTTP on 127.0.0.1 (an ephemeral port); yields its URL."""
    handler = type("Handler", (_Handler,), {"authority": authority, "refuse": refuse})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-tsa", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsr"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
