"""One error tree for the whole product (its root and the formats' errors in
:mod:`domain.evidence.errors`).

Every failure a person can cause is a :class:`LedgerError` whose message says what to fix. A
refusal grounded in a regulation carries the article key (``NX-10``, ``XX-13(4)``) and the reason
in Chinese and in English. The HTTP and CLI layers map these classes to status codes and exit
codes in one place each; nothing below them knows about either.
"""

from __future__ import annotations

from domain.evidence.errors import LedgerError, MalformedInput, SignatureInvalid

__all__ = [
    "ClockBehind", "Conflict", "IntentTimeInvalid", "KeyNotActive", "LedgerError", "LedgerKeyMissing", "MalformedInput",
    "NotFound", "NotPermitted", "Refused", "Replayed", "SignatureInvalid",
]


class KeyNotActive(LedgerError):
    """The signing key is unknown, not the actor's, revoked, or not yet (or no longer) valid."""

    kind = "key-not-active"


class NotFound(LedgerError):
    kind = "not-found"


class Conflict(LedgerError):
    """The intent was signed against a version of the aggregate that is no longer current, or
    names an aggregate that already exists. Re-read and sign again."""

    kind = "conflict"


class Replayed(Conflict):
    """The same signed intent was already recorded; it is never recorded twice."""

    kind = "replayed"

    def __init__(self, detail: str, *, aggregate_id: str, version: int) -> None:
        super().__init__(detail)
        self.aggregate_id = aggregate_id
        self.version = version


class NotPermitted(LedgerError):
    """The actor's roles or case membership do not allow this action: why, in Chinese and in
    English, and the article that says who takes the step, where one does (as :class:`Refused`).
    ``detail`` carries both languages (``NX-4: 中文 / English``)."""

    kind = "not-permitted"

    def __init__(self, zh: str, en: str, *, article: str | None = None) -> None:
        super().__init__(f"{article}: {zh} / {en}" if article else f"{zh} / {en}")
        self.article = article
        self.zh = zh
        self.en = en


class Refused(LedgerError):
    """A rule of a regulation refuses the action; nothing is stored."""

    kind = "refused"

    def __init__(self, article: str, zh: str, en: str, *, rule: str | None = None) -> None:
        super().__init__(f"{article}: {en}")
        self.article = article
        self.zh = zh
        self.en = en
        self.rule = rule

    def __str__(self) -> str:
        return f"{self.article}: {self.zh} / {self.en}"


class IntentTimeInvalid(LedgerError):
    """The signer's clock (``signed_at``) is too far from the ledger's."""

    kind = "intent-time"


class LedgerKeyMissing(LedgerError):
    """The ledger must sign a finding but was opened without its key (a set-up error)."""

    kind = "ledger-key-missing"


class ClockBehind(LedgerError):
    """The ledger's clock reads earlier than the last recorded time of the aggregate written to
    (issue 16 point 8: an aggregate's recorded times never go backwards). Nothing is stored; the
    server's clock is to be set right (or the write tried again once it has passed that time)."""

    kind = "clock-behind"
