"""Asking a timestamp authority (RFC 3161 over HTTP, RFC 3161 §3.4) for tokens over checkpoints
(issue 20 point 2; docs/spec.md §21.1, docs/operations.md "Trusted timestamps").

:func:`http_ask` posts one ``application/timestamp-query`` and returns the
``application/timestamp-reply``; :class:`Timestamper` asks at a set interval from a thread of its
own, so a write never waits for the TSA: a TSA that is down is logged and asked again at the next
round, and the checkpoints signed meanwhile are stamped when it answers (the latest one then).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from threading import Event, Thread
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the TSA's formats are imported when a TSA is asked: `serve --help` stays quick
    from domain.evidence.timestamps import Trust
    from projections.runner import Projector
    from projections.timestamps import Ask
    from projections.tlog import LogReader

log = logging.getLogger("decision_ledger.timestamps")

#: the environment variable `serve` and `timestamp` read the TSA's URL from
TSA_URL_ENV = "DECISION_LEDGER_TSA_URL"
QUERY = "application/timestamp-query"
REPLY = "application/timestamp-reply"
#: seconds to wait for a TSA's answer
TIMEOUT = 10.0
#: the most a reply may weigh (a token with its certificates is a few KB)
MAX_REPLY = 1 << 20


class TsaUnreachable(OSError):
    """The TSA did not answer with a timestamp reply; the message says what happened."""


def http_ask(url: str, timeout: float = TIMEOUT) -> Ask:
    """An :data:`~projections.timestamps.Ask` that posts to ``url``."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the TSA's URL {url!r} is not http:// or https:// / 时间戳服务地址应为 http(s) 地址")

    def ask(query: bytes) -> bytes:
        sent = urllib.request.Request(url, data=query, method="POST", headers={"Content-Type": QUERY})
        try:
            with urllib.request.urlopen(sent, timeout=timeout) as answer:
                kind = answer.headers.get("Content-Type", "")
                body: bytes = answer.read(MAX_REPLY + 1)
        except urllib.error.HTTPError as error:
            raise TsaUnreachable(f"the TSA at {url} answered HTTP {error.code} {error.reason} "
                                 "/ 时间戳服务拒绝请求") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TsaUnreachable(f"the TSA at {url} did not answer: {getattr(error, 'reason', error)} "
                                 "/ 时间戳服务无应答") from None
        if kind.split(";")[0].strip() != REPLY:
            raise TsaUnreachable(f"the TSA at {url} answered {kind or 'no content type'}, not {REPLY}")
        if len(body) > MAX_REPLY:
            raise TsaUnreachable(f"the TSA at {url} answered more than {MAX_REPLY} bytes")
        return body

    return ask


def read_trust(path: Path) -> Trust:
    """A ``--tsa-cert`` PEM file: the TSA's certificate then its chain to the root, or the root."""
    from domain.evidence.timestamps import Trust

    return Trust.from_pem(path.read_bytes())


def timestamp_lag(reader: LogReader, now: datetime) -> dict[str, Any]:
    """What /readyz and the metrics say with `serve --tsa-url`: the tree size of the newest
    checkpoint a kept token covers, and the seconds since the oldest checkpoint larger than it was
    signed (0 when the latest signed checkpoint is stamped) — from the store, so every worker of
    one `serve` says the same (docs/spec.md §21.1)."""
    from api.witness.submitter import waiting_since

    with reader.views.reading() as c:
        row = c.execute("SELECT MAX(tree_size) AS n FROM {dl_log_timestamps}").fetchone()
    size = int(row["n"]) if row and row["n"] is not None else 0
    since = waiting_since(reader, size)
    return {"timestamped_size": size,
            "timestamp_lag_seconds": round((now - since).total_seconds(), 3) if since else 0.0}


class Timestamper:
    """Stamps the latest signed checkpoint every ``interval`` seconds (if it is not stamped yet)."""

    def __init__(self, projector: Projector, url: str, interval: float, trust: Trust | None = None,
                 ask: Callable[[bytes], bytes] | None = None) -> None:
        from projections.timestamps import TimestampStore

        self.store = TimestampStore(projector.reader)
        self.url = url
        self.ask = ask or http_ask(url)
        self.interval = interval
        self.trust = trust
        self._stop = Event()
        self._thread: Thread | None = None
        #: the last round's failure ("" after a round that kept or found a token)
        self.last_error = ""

    def round(self) -> bool:
        """One round: True if a new token was kept."""
        from domain.evidence.timestamps import TimestampError

        try:
            outcome = self.store.stamp(self.url, self.ask, self.trust)
        except (TsaUnreachable, TimestampError) as error:
            self.last_error = str(error)
            log.warning("timestamp not obtained", extra={"fields": {"event": "timestamp-error", "tsa": self.url,
                                                                    "error": str(error)}})
            return False
        self.last_error = ""
        if outcome is not None and outcome[1]:
            kept = outcome[0]
            log.info("checkpoint timestamped", extra={"fields": {"event": "timestamped", "tsa": self.url,
                                                                 "tree_size": kept.tree_size, "gen_time": kept.gen_time}})
            return True
        return False

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.round()
            except Exception:  # keep serving; the next round retries
                log.exception("timestamp round failed", extra={"fields": {"event": "timestamp-error"}})
            self._stop.wait(self.interval)

    def start(self) -> None:
        if self._thread is None:
            self._thread = Thread(target=self._run, name="timestamps", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT + 1)
