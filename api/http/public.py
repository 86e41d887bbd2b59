"""What anyone may read without signing in: published, redacted results (XX-17), the log's
checkpoints, its verifier key, and proofs; and the operations endpoints (health, readiness,
metrics)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.http.problems import ApiError, Problem
from api.http.reads import MAX_POSITION, Offset, Page, Svc
from api.http.service import log
from domain.evidence.checkpoint import Checkpoint, NoteError, SignedNote
from domain.evidence.merkle import ProofError
from projections import queries
from projections.signed import WITNESSED_FILE
from projections.tlog import LogError

NOTE = "text/plain; charset=utf-8"
MAX_LAG = 1000  # events; more than this behind and the service is not ready
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": text}
    for code, text in {400: "a path or query parameter holding text the text rule refuses (a control, "
                            "bidirectional control or lone surrogate)",
                       404: "not found", 422: "bad parameters"}.items()
}
EVENT_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[1-9][0-9]{0,9}$"


def _note(text: str) -> PlainTextResponse:
    return PlainTextResponse(text, media_type=NOTE)


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/public", tags=["public"], responses=ERRORS)

    @api.get("/results", response_model=Page, summary="Published evaluation results, redacted (XX-17)")
    def results(svc: Svc, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                offset: Offset = 0) -> Page:
        rows = queries.published_results(svc.current().views, svc.ledger, limit=limit, offset=offset)
        return Page(items=rows, limit=limit, offset=offset)

    @api.get("/checkpoint", response_class=PlainTextResponse, summary="The latest signed checkpoint (C2SP note)",
             responses={200: {"content": {NOTE: {"example": "decision-ledger/…\n42\nBASE64ROOT=\n\n— decision-ledger/… AbCd…\n"}}}})
    def checkpoint(svc: Svc) -> PlainTextResponse:
        published = svc.published_checkpoint()  # issue 20 — with a witness policy: the newest witnessed
        if published is None:
            raise ApiError("not-found", "尚无检查点：日志为空、账本密钥不在手边，或见证人未达法定数 — "
                                        "no checkpoint yet: the log is empty, the ledger key is not at hand, or "
                                        "no quorum of witnesses has cosigned one")
        if svc.witnessing is not None:
            _witnessed_readable(published)  # served verbatim before, whatever the file held
        return _note(published)

    @api.get("/checkpoints/{size}", response_class=PlainTextResponse, summary="The checkpoint of a tree size",
             responses={200: {"content": {NOTE: {}}}})
    def checkpoint_at(size: Annotated[int, Path(ge=1, le=MAX_POSITION)], svc: Svc) -> PlainTextResponse:
        note = svc.current().reader.checkpoint_at(size)
        if note is None:
            raise ApiError("not-found", f"没有大小为 {size} 的检查点 — no checkpoint of size {size}")
        return _note(note)

    @api.get("/vkey", response_class=PlainTextResponse, summary="The ledger's note verifier key (name+id+key)",
             responses={200: {"content": {NOTE: {}}}})
    def vkey(svc: Svc) -> PlainTextResponse:
        return _note(svc.verifier_key() + "\n")

    @api.get("/proofs/inclusion", summary="RFC 9162 inclusion proof of one event under a checkpoint")
    def inclusion(
        svc: Svc,
        event: Annotated[str, Query(pattern=EVENT_PATTERN, description="AGGREGATE_ID:VERSION",
                                    examples=["0b5a0c0e-3f1d-4a57-9c39-7f4e9e3c1a2b:3"])],
        size: Annotated[int | None, Query(ge=1, le=MAX_POSITION, description="a checkpoint's tree size (default: the latest)")] = None,
    ) -> dict[str, Any]:
        aggregate, _, version = event.rpartition(":")
        try:
            return svc.checkpointed().reader.inclusion_proof(str(UUID(aggregate)), int(version), size)
        except (LogError, ProofError) as error:
            raise ApiError("not-found", str(error)) from None

    @api.get("/proofs/consistency", summary="RFC 9162 consistency proof between two tree sizes")
    def consistency(svc: Svc, old: Annotated[int, Query(ge=0, le=MAX_POSITION)],
                    new: Annotated[int, Query(ge=1, le=MAX_POSITION)]) -> dict[str, Any]:
        if old > new:
            raise ApiError("invalid-request", "old 不得大于 new — old must not exceed new")
        try:
            return svc.current().reader.consistency_proof(old, new)
        except (LogError, ProofError) as error:
            raise ApiError("not-found", str(error)) from None

    return api


def operations() -> APIRouter:
    api = APIRouter(tags=["operations"], responses={400: ERRORS[400]})

    @api.get("/healthz", summary="The process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz", summary="The store answers and takes writes, and the projections are no more than 1000 "
                                "events behind",
             responses={503: {"model": Problem, "content": {"application/problem+json": {}}}})
    def readyz(svc: Svc) -> JSONResponse:
        try:
            stored = svc.ledger.recorder.max_notification_id() or 0
            lag = svc.projector.pending()
        except Exception as error:  # noqa: BLE001 — any store failure means not ready
            raise ApiError("unavailable", f"存储无响应 — the store does not answer: {type(error).__name__}") from None
        svc.metrics.lag.set(lag)
        cannot_write = svc.storage.problem()  # a full disk, a read-only store (issue 16, point 7)
        if cannot_write is not None:
            raise ApiError("unavailable", cannot_write, stored=stored)
        if lag > MAX_LAG:
            raise ApiError("unavailable", f"读取模型落后 {lag} 个事件 — the projections are {lag} events behind", lag=lag, stored=stored)
        ready: dict[str, Any] = {"status": "ready", "stored_events": stored, "projection_lag": lag}
        # issue 20 — witnesses: the published checkpoint's size and how long a newer one has waited
        try:
            witnessed = svc.witness_state()
        except NoteError as error:  # witnessed.note edited beside the key: named, not a 500
            raise _unwitnessed(error, stored=stored) from None
        if witnessed is not None:
            ready.update(witnessed)
        stamped = svc.timestamp_state()  # issue 20 — stamps: with `serve --tsa-url`
        if stamped is not None:
            ready.update(stamped)
        return JSONResponse(ready)

    @api.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics (text format 0.0.4)")
    def metrics(svc: Svc) -> Response:
        try:
            svc.metrics.lag.set(svc.projector.pending())
            svc.witness_state()  # issue 20 — witnesses: sets dl_witnessed_tree_size, dl_witness_lag_seconds
            svc.timestamp_state()  # issue 20 — stamps: sets dl_timestamped_tree_size, dl_timestamp_lag_seconds
        except Exception:  # noqa: BLE001 — report what is known; /readyz says why
            log.warning("projection lag unknown", exc_info=True)
        return Response(generate_latest(svc.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return api


def _unwitnessed(error: NoteError, **extra: Any) -> ApiError:
    return ApiError("unavailable", f"{WITNESSED_FILE} beside the ledger key is not a signed checkpoint ({error}): "
                                   "nothing witnessed can be published", **extra)


def _witnessed_readable(note: str) -> None:
    try:
        Checkpoint.from_text(SignedNote.parse(note).text)
    except NoteError as error:
        raise _unwitnessed(error) from None
