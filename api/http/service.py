"""What the HTTP app holds: the ledger, its projections kept current in the background, the
ledger key (if at hand), sessions, metrics, and the structured request log."""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event, Thread
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from eventsourcing.persistence import IntegrityError
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.cases_now import CasesNow
from api.http.problems import TITLES, ApiError, problem
from api.http.sessions import Sessions
from api.store.data_keys import DataKeys
from api.store.health import StorageHealth
from api.store.secrets import Keystore
from api.store.service_state import ServiceState
from domain import clock
from domain.evidence.checkpoint import verifier_key
from domain.evidence.signing import SigningKey
from domain.evidence.store import LogUnavailable
from domain.model.text import text_problem
from domain.service.group_commit import GroupCommitter
from domain.service.ledger import Ledger
from projections.export import Exporter
from projections.runner import Projector
from projections.signed import CheckpointRefused
from projections.tlog import LogError

if TYPE_CHECKING:  # issue 20 — witnesses
    from api.witness.submitter import Witnessing

MAX_BODY = 256 * 1024  # bytes; a larger body is refused with 413
WITNESS_INTERVAL = 2.0  # seconds at least between two witnessing rounds (issue 20)
log = logging.getLogger("decision_ledger.http")


class JsonLines(logging.Formatter):
    """One JSON object per log line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name,
                 "pid": record.process, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger("decision_ledger")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter("dl_http_requests", "HTTP requests", ["method", "route", "status"], registry=r)
        self.latency = Histogram("dl_http_request_duration_seconds", "HTTP request latency", ["method", "route"],
                                 registry=r, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
        self.appended = Counter("dl_events_appended", "Events appended to the ledger", ["event"], registry=r)
        self.refused = Counter("dl_writes_refused", "Signed intents refused", ["kind"], registry=r)
        self.lag = Gauge("dl_projection_lag_events", "Stored events not yet projected", registry=r)
        self.batch = Histogram("dl_group_commit_intents", "Signed intents judged and stored per transaction",
                               registry=r, buckets=(1, 2, 4, 8, 16, 32, 64, 128))
        # issue 20 — witnesses: the published (witnessed) checkpoint and how long a newer one has waited
        self.witnessed = Gauge("dl_witnessed_tree_size", "Tree size of the published checkpoint, cosigned by a "
                               "quorum of the policy's witnesses", registry=r)
        self.witness_lag = Gauge("dl_witness_lag_seconds", "Seconds since the oldest checkpoint not yet "
                                 "cosigned by a quorum was signed (0: the latest is witnessed)", registry=r)
        # issue 20 — stamps: the newest RFC 3161 token's checkpoint and how long a newer one has waited
        self.timestamped = Gauge("dl_timestamped_tree_size", "Tree size of the newest checkpoint a kept RFC 3161 "
                                 "token covers (serve --tsa-url)", registry=r)
        self.timestamp_lag = Gauge("dl_timestamp_lag_seconds", "Seconds since the oldest checkpoint no kept RFC "
                                   "3161 token covers was signed (0: the latest is stamped)", registry=r)


class Service:
    def __init__(
        self,
        ledger: Ledger,
        projector: Projector,
        ledger_key: SigningKey | None,
        *,
        inline_projections: bool = True,
        projections_thread: bool = True,
        interval: float = 1.0,
        keystore: Keystore | None = None,
        sessions: Sessions | None = None,
        projecting: Projector | None = None,
        witnessing: Witnessing | None = None,  # issue 20 — witnesses
        tsa_url: str | None = None,  # issue 20 — stamps: `serve --tsa-url`, whose lag /readyz gives
    ) -> None:
        self.ledger = ledger
        #: writes are judged one by one and stored in groups (domain.service.group_commit)
        self.writer = GroupCommitter(ledger, on_batch=self._count_batch)
        self.keystore = keystore  # data keys of sealed content (outside the database)
        ledger.keyring = keystore
        #: the read models as request handlers read them (on PostgreSQL, the service role's
        #: connections, which may only read them)
        self.projector = projector
        #: the projections as they are written and checkpoints signed: a connection of their own,
        #: as the projector role where one is given (``serve --projector-db``), else ``projector``
        self.projecting = projecting or projector
        self.ledger_key = ledger_key
        #: the service's own tables (sessions, spent sign-in tokens, data keys handed out), in the
        #: ledger's database: every worker of one `serve` shares them
        self.state = ServiceState.of(ledger)
        self.state.ensure()
        self.sessions = sessions or Sessions(self.state)
        #: the cases now, decoded once per version for the pages (issue 19 point 7)
        self.cases_now = CasesNow(ledger)
        #: data keys minted for sealing, within a quota, expiring unused (api/store/data_keys.py)
        self.data_keys = DataKeys(self.state, keystore) if keystore is not None else None
        #: whether the store takes writes: /readyz asks it, a write the store refused tells it
        self.storage = StorageHealth(self.state, _sqlite_file(ledger))
        self.metrics = Metrics()
        self.inline = inline_projections
        #: whether this process keeps the projections current in the background (of the workers
        #: of one `serve`, only the first does); reads catch them up either way
        self.follows = inline_projections and projections_thread
        self.interval = interval
        self._stop = Event()
        self._thread: Thread | None = None
        # issue 20 — witnesses: checkpoints go to the policy's witnesses in the background (writes
        # never wait); with a policy, the published checkpoint is the newest a quorum cosigned
        self.witnessing = witnessing
        self._witness_thread: Thread | None = None
        self.tsa_url = tsa_url

    def start(self) -> None:
        if self.data_keys is not None:
            try:
                self.data_keys.sweep()  # keys that expired unused while the service was down
            except Exception:  # a store that cannot write serves reads, and says it is not ready
                log.exception("cannot sweep expired data keys", extra={"fields": {"event": "sweep-error"}})
        if self.follows and self._thread is None:
            self._thread = Thread(target=self._project, name="projections", daemon=True)
            self._thread.start()
        if self.follows and self.witnessing is not None and self._witness_thread is None:  # issue 20 — witnesses
            self._witness_thread = Thread(target=self._witness, name="witnessing", daemon=True)
            self._witness_thread.start()

    def _project(self) -> None:
        while not self._stop.is_set():
            try:
                self.projecting.poll(self._stop, self.ledger_key, self.interval)
            except Exception:  # keep serving; the next round retries
                log.exception("projection round failed", extra={"fields": {"event": "projection-error"}})
                self._stop.wait(self.interval)

    def _count_batch(self, size: int) -> None:
        self.metrics.batch.observe(size)

    def stop(self) -> None:
        self.writer.stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._witness_thread is not None:  # issue 20 — witnesses
            self._witness_thread.join(timeout=30)

    def current(self, *, fresh: bool = False) -> Projector:
        """The projections, caught up with every stored event (read-your-writes); once per reading
        request (:data:`READING`), which sees the ledger at one moment, unless ``fresh`` (what a
        checkpoint must cover: proofs and bundles of events read since)."""
        reading = READING.get()
        if self.inline and (fresh or not (reading is not None and reading.caught_up)):
            try:
                self.projecting.catch_up()
            except (LogUnavailable, IntegrityError):  # a log stopped by a moved tracking row (M3):
                # serve what is projected (`/readyz` shows the lag) until `rebuild` repairs it
                log.exception("projection stopped", extra={"fields": {"event": "projection-stopped"}})
            if reading is not None:
                reading.caught_up = True
        return self.projector

    def verifier_key(self) -> str:
        """The ledger's note verifier key (C2SP ``name+id+key``), which checkpoints verify under."""
        genesis = self.ledger.genesis()
        record = self.ledger.get_principal(genesis.ledger_id).key(genesis.ledger_keyid)
        if record is None:
            raise RuntimeError("the ledger principal has lost its genesis key")
        return verifier_key(self.projector.reader.origin, record.public_key)

    # issue 20 — witnesses
    def _witness(self) -> None:
        """Offer each new checkpoint to the witnesses, a round at a time (a witness that does not
        answer costs its timeout, never a write)."""
        if self.witnessing is None:
            return
        while not self._stop.is_set():
            try:
                reader = self.projecting.reader
                self.witnessing.round(reader.latest_checkpoint(), reader.consistency)
            except Exception:  # keep serving; the next round retries
                log.exception("witnessing round failed", extra={"fields": {"event": "witness-error"}})
            self._stop.wait(max(self.interval, WITNESS_INTERVAL))

    def witness_state(self) -> dict[str, Any] | None:
        """The published checkpoint's size and how long a newer one has waited (``None``
        without a policy); the metrics are set from it."""
        if self.witnessing is None:
            return None
        from api.witness.submitter import witness_lag

        state = witness_lag(self.witnessing, self.projector.reader, clock.now())
        self.metrics.witnessed.set(state["witnessed_size"])
        self.metrics.witness_lag.set(state["witness_lag_seconds"])
        return state

    def timestamp_state(self) -> dict[str, Any] | None:
        """With `serve --tsa-url`: the newest stamped checkpoint's size and how long a newer one has
        waited for a token (``None`` without a TSA); the metrics are set from it."""
        if self.tsa_url is None:
            return None
        from api.timestamping import timestamp_lag

        state = timestamp_lag(self.projector.reader, clock.now())
        self.metrics.timestamped.set(state["timestamped_size"])
        self.metrics.timestamp_lag.set(state["timestamp_lag_seconds"])
        return state

    def published_checkpoint(self) -> str | None:
        """The checkpoint the service publishes: with a witness policy, the newest a quorum
        cosigned; without one, the latest the ledger signed."""
        if self.witnessing is not None:
            self.checkpointed()
            return self.witnessing.published()
        latest = self.checkpointed().reader.latest_checkpoint()
        return latest[1] if latest is not None else None

    def exporter(self) -> Exporter:
        """Bundles under a checkpoint covering everything; with a witness policy, carrying the
        newest checkpoint a quorum cosigned (format v4, docs/spec.md §20.5)."""
        projector = self.checkpointed()
        witnessed = self.witnessing.published() if self.witnessing is not None else None
        try:
            return Exporter(self.ledger, projector, self.ledger_key, witnessed)
        except LogError as error:  # witnessed.note is not the ledger's checkpoint: named, not a 500
            raise ApiError("unavailable", str(error)) from None

    def checkpointed(self) -> Projector:
        """Caught up, with a checkpoint covering everything, if the ledger key is at hand."""
        projector = self.current(fresh=True)
        if self.ledger_key is not None and projector.reader.tree_size():  # an index lookup, not a count
            try:
                self.projecting.sign_checkpoint(self.ledger_key)
            except CheckpointRefused:  # the checkpoints signed before still stand; verify says why
                log.exception("checkpoint refused", extra={"fields": {"event": "checkpoint-refused"}})
        return projector


def _sqlite_file(ledger: Ledger) -> Path | None:
    """The ledger's SQLite file, if it is held in one."""
    datastore = getattr(ledger.recorder, "datastore", None)
    name = getattr(getattr(datastore, "pool", None), "db_name", None)
    if not isinstance(name, str) or not name or ":memory:" in name or "mode=memory" in name:
        return None
    return Path(name)


@dataclass
class Reading:
    """A request that only reads (GET, HEAD): the projections are caught up at its first reading
    and read as they are for the rest of it (issue 19 point 7: a page asked :meth:`Service.current`
    two or three times, each a round trip to the store to find nothing new). A request that
    writes catches up at every reading, after its own writes."""

    caught_up: bool = False


#: the reading request being served, if any (set by :class:`RequestGuard`; a synchronous endpoint
#: runs in a worker thread with a copy of the request's context, so sees the same :class:`Reading`)
READING: ContextVar[Reading | None] = ContextVar("READING", default=None)

READING_METHODS = frozenset({"GET", "HEAD"})
#: no page is framed, by another site or this one: a framed sign-in or key confirmation under a
#: decoy is a click the person never meant (clickjacking; the same-origin post passes same_site)
NOT_FRAMED = ((b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'"))


class RequestGuard:
    """ASGI middleware: refuses bodies over ``MAX_BODY`` (413) and a path or query parameter the
    text rule refuses (400, :func:`refused_parameter`), times and counts requests, and writes one
    JSON log line per request."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        status = {"code": 500}
        refused = refused_parameter(scope)
        if refused is not None:
            await refused(scope, receive, send)
            self._account(scope, 400, started)
            return
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            response = problem("too-large", f"bodies are limited to {MAX_BODY} bytes")
            await response(scope, receive, send)
            self._account(scope, 413, started)
            return
        # The body is read here, up to the limit, before the app sees it: raised from inside the
        # app's own reading, the refusal became the framework's 400 ("error parsing the body").
        buffered, too_large = await _read_body(receive)
        if too_large:
            response = problem("too-large", f"bodies are limited to {MAX_BODY} bytes")
            await response(scope, receive, send)
            self._account(scope, 413, started)
            return

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message = {**message, "headers": [*message.get("headers", []), *NOT_FRAMED]}
            await send(message)

        reading = READING.set(Reading() if scope.get("method") in READING_METHODS else None)
        try:
            await self.app(scope, replay, sending)
        finally:
            READING.reset(reading)
        self._account(scope, status["code"], started)

    def _account(self, scope: Scope, status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        method = scope.get("method", "")
        self.service.metrics.requests.labels(method, path, str(status)).inc()
        self.service.metrics.latency.labels(method, path).observe(elapsed)
        fields: dict[str, Any] = {"event": "request", "method": method, "route": path, "path": scope.get("path"),
                                  "status": status, "duration_ms": round(elapsed * 1000, 2)}
        fields.update(scope.get("state", {}).get("log_fields", {}))
        log.info("%s %s %s", method, scope.get("path"), status, extra={"fields": fields})


def refused_parameter(scope: Scope) -> Response | None:
    """The 400 for a request whose path or a query parameter (its name or its value) holds what
    the text rule refuses (:mod:`domain.model.text`, issue 16 point 3: ``?phase=%00`` reached
    PostgreSQL, which cannot hold U+0000, and answered 500), naming the parameter (a problem for
    the API, an error page for a page); ``None`` when every part is acceptable. A parameter is
    one line: no controls, no line breaks."""
    found = _refused_part(scope)
    if found is None:
        return None
    detail, parameter = found
    from api.http import web  # the pages import this module

    request = Request(scope)
    if web.is_page(request):
        return web.error_page(request, 400, TITLES["malformed-input"], detail)
    return problem("malformed-input", detail, parameter=parameter)


def _refused_part(scope: Scope) -> tuple[str, str] | None:
    path = scope.get("path", "")
    problem_found = text_problem(path, single_line=True)
    if problem_found is not None:
        return f"the path: {problem_found[0]} / {problem_found[1]}", "path"
    query = scope.get("query_string") or b""
    if not query:
        return None
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"):
        for part in (name, value):
            problem_found = text_problem(part, single_line=True)
            if problem_found is not None:
                return f"query parameter {name!r}: {problem_found[0]} / {problem_found[1]}", name
    return None


async def _read_body(receive: Receive) -> tuple[list[Message], bool]:
    """The request's messages up to the end of its body, and whether the body exceeds ``MAX_BODY``
    (reading stops there: at most ``MAX_BODY`` plus one chunk is ever held)."""
    messages: list[Message] = []
    received = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, False
        received += len(message.get("body", b""))
        if received > MAX_BODY:
            return messages, True
        if not message.get("more_body", False):
            return messages, False
