"""RFC 9457 problem details: the one place where errors become HTTP responses.

Every error body is ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail``; a rule's refusal adds ``article``, ``rule``, ``message_zh`` and ``message_en``; a
refusal for want of a role or of membership adds ``message_zh``, ``message_en`` and, where an article
says who takes the step, ``article``; a replay adds where the intent is already recorded. ``type`` is
``urn:decision-ledger:problem:<kind>``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import LedgerError, MalformedInput, NotPermitted, Refused, Replayed

STATUS = {
    "malformed-input": 400,
    "intent-time": 400,
    "signature-invalid": 401,
    "unauthenticated": 401,
    "key-not-active": 403,
    "not-permitted": 403,
    "not-found": 404,
    "method-not-allowed": 405,
    "conflict": 409,
    "replayed": 409,
    "too-large": 413,
    "too-many": 429,
    "refused": 422,
    "invalid-request": 422,
    "ledger-key-missing": 503,
    "clock-behind": 503,
    "unavailable": 503,
    "internal": 500,
}
#: each kind's title, in Chinese and English (the CLI prints it with the reason)
TITLES = {
    "malformed-input": "请求无法读取 / The request cannot be read",
    "intent-time": "签署时间超出允许范围 / The intent's signing time is out of range",
    "signature-invalid": "签名验证未通过 / The signature does not verify",
    "unauthenticated": "请用本人密钥签发的令牌登录 / Sign in with a token signed by your own key",
    "key-not-active": "签署密钥无效 / The signing key is not active",
    "not-permitted": "无权办理 / Not permitted",
    "not-found": "未找到 / Not found",
    "method-not-allowed": "此地址不接受该请求方法 / This path does not take that method",
    "conflict": "版本冲突：请重新读取后重新签署 / Conflict: read again and sign a new intent",
    "replayed": "此签署意图已记录 / This signed intent is already recorded",
    "too-large": "请求内容过大 / The request body is too large",
    "too-many": "超出限额 / Too many: a quota is reached",
    "refused": "依规定不予办理 / Refused by the rules of the regulation",
    "invalid-request": "请求与其格式不符 / The request does not match its schema",
    "ledger-key-missing": "账本密钥不可用 / The ledger's key is not available",
    "clock-behind": "账本时钟早于记录的最后时间 / The ledger's clock is behind the record's last recorded time",
    "unavailable": "服务暂不可用 / The service is not available",
    "internal": "内部错误 / Internal error",
}
MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """An RFC 9457 problem."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    article: str | None = None
    rule: str | None = None
    message_zh: str | None = None
    message_en: str | None = None


class ProblemResponse(JSONResponse):
    """A problem as UTF-8 JSON; one that echoes a lone surrogate the request carried (an
    ``\\ud800`` escape in a JSON key), which UTF-8 cannot encode, is written with ``\\u``
    escapes instead of failing (issue 16, L1: a 500 and a reset connection)."""

    media_type = MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def problem(kind: str, detail: str, **extra: Any) -> JSONResponse:
    status = extra.pop("status", None) or STATUS.get(kind, 400)
    body = {"type": f"urn:decision-ledger:problem:{kind}", "title": TITLES.get(kind, kind), "status": status,
            "detail": detail, **{k: v for k, v in extra.items() if v is not None}}
    return ProblemResponse(body, status_code=status, media_type=MEDIA_TYPE)


def from_error(error: LedgerError) -> JSONResponse:
    if isinstance(error, Refused):
        return problem("refused", error.detail, article=error.article, rule=error.rule,
                       message_zh=error.zh, message_en=error.en)
    if isinstance(error, Replayed):
        return problem("replayed", error.detail, aggregate_id=error.aggregate_id, version=error.version)
    if isinstance(error, NotPermitted):
        return problem("not-permitted", error.detail, article=error.article, message_zh=error.zh, message_en=error.en)
    if isinstance(error, MalformedInput):
        return problem(error.kind, error.detail, pointer=error.pointer)
    return problem(error.kind, error.detail)


class ApiError(Exception):
    """An HTTP-level refusal (authentication, authorisation, path/body mismatch)."""

    def __init__(self, kind: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.extra = extra


async def api_error_handler(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return problem(error.kind, error.detail, **error.extra)


async def validation_handler(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = error.errors()
    if any(e.get("type") in ("json_invalid", "json_type") for e in errors):
        return problem("malformed-input", "the body is not valid JSON (UTF-8): "
                       + "; ".join(str(e.get("msg")) for e in errors))
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg')}" for e in errors
    )
    return problem("invalid-request", detail, errors=[
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg")), "type": str(e.get("type"))}
        for e in errors
    ])


async def http_error_handler(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    kind = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated", 403: "not-permitted"}.get(
        error.status_code, "malformed-input")
    response = problem(kind, str(error.detail), status=error.status_code)
    response.status_code = error.status_code
    return response


async def unexpected_handler(_: Request, error: Exception) -> JSONResponse:
    return problem("internal", f"unexpected {type(error).__name__}: see the service log")
