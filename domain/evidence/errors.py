"""The root of the product's one error tree, and the two errors the evidence formats raise.

Every failure a person can cause is a :class:`LedgerError` whose message says what to fix;
``domain.errors`` adds the ledger's own refusals under it. The verifier reports what it finds as
breaks (:mod:`domain.evidence.verifier`), never as exceptions.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every error the ledger reports to a person."""

    kind = "ledger-error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MalformedInput(LedgerError):
    """The input cannot be read: bad JSON, wrong types, unknown fields, bad encodings, text the
    text rule refuses. ``pointer``, where known, is the RFC 6901 JSON pointer of the field at
    fault in the signed intent (``/args/title``)."""

    kind = "malformed-input"

    def __init__(self, detail: str, *, pointer: str | None = None) -> None:
        super().__init__(detail)
        self.pointer = pointer


class SignatureInvalid(LedgerError):
    """The signature does not verify over the signed bytes."""

    kind = "signature-invalid"
