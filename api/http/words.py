"""How the pages say things (issue 19 — words): times in China time to the minute with the exact
UTC time on hover, key fingerprints, rule names, a deadline's state in a sentence, and what the
"at a moment" box accepts. Written once; :mod:`api.http.web` registers them with Jinja."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from markupsafe import Markup

from domain.errors import MalformedInput
from domain.evidence.times import in_utc
from domain.model.rules import rulebook_for
from projections.views import DEADLINES

CHINA = timezone(timedelta(hours=8), "CST")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")

#: every rule of both rulebooks: its id → (Chinese name, English name)
RULES: dict[str, tuple[str, str]] = {
    rule.id: (rule.title, rule.title_en) for text in ("NX", "XX") for rule in rulebook_for(text).rules
} | {f"{text}/accountability": ("纪检监察认定", "an inspector's finding") for text in ("NX", "XX")}


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and len(value) > 10:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment if moment.tzinfo else None
    return None


def day_words(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def when(value: Any, lang: str) -> Markup | str:
    """A time as China time to the minute (``2026年12月6日 13:54`` / ``6 Dec 2026 13:54 CST
    (UTC+8)``) in a ``<time>`` whose ``datetime`` and ``title`` hold the exact UTC time; a date
    (``2026-12-06``) as a date; anything else as it is."""
    if value in (None, ""):
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return Markup('<time datetime="{0}">{1}</time>').format(value.isoformat(), day_words(value, lang))
    if isinstance(value, str) and _DATE.match(value):
        try:
            return when(date.fromisoformat(value), lang)
        except ValueError:
            return value
    moment = _instant(value)
    if moment is None:
        return str(value)
    utc = moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    local = moment.astimezone(CHINA)
    shown = f"{day_words(local.date(), lang)} {local:%H:%M}" + ("" if lang == "zh" else " CST (UTC+8)")
    return Markup('<time datetime="{0}" title="{0}">{1}</time>').format(utc, shown)


def fingerprint(keyid: Any, groups: int = 4) -> str:
    """A key id's first characters in groups of four (``Ab3d 9fK2 …``): enough to compare by eye."""
    text = str(keyid or "")
    return " ".join(text[i: i + 4] for i in range(0, min(len(text), 4 * groups), 4)) + (" …" if text else "")


def rule_name(rule_id: Any, lang: str) -> str:
    pair = RULES.get(str(rule_id))
    if pair is None:
        return str(rule_id or "")
    return pair[0] if lang == "zh" else pair[1]


def rule_mark(rule_id: Any, lang: str) -> Markup:
    """The rule's name, its id only on hover."""
    return Markup('<span class="rule" title="{0}">{1}</span>').format(rule_id or "", rule_name(rule_id, lang))


def deadline_rule(article: str, lang: str) -> str:
    """What a deadline is (NX-11: 90 days …), from the rules' own table of days."""
    days = dict(DEADLINES).get(article)
    if article == "NX-11":  # ARTICLE: NX-11 应当在确定评估开始之日起九十日内完成评估工作
        return (f"自确定的评估开始之日起{days}日内完成评估工作（宁夏办法第十一条）" if lang == "zh"
                else f"the evaluation is finished within {days} days of its set start (Ningxia Art. 11)")
    if article == "NX-12b":  # ARTICLE: NX-12b 评估工作完成之日起十五日内……提请审议
        return (f"评估工作完成（报告正式形成）之日起{days}日内，承办处室向厅决策机关提请审议（宁夏办法第十二条）"
                if lang == "zh" else f"within {days} days of the report being finalised, the lead unit submits it "
                "to the decision organ (Ningxia Art. 12)")
    return f"{article}: {days}日" if lang == "zh" else f"{article}: {days} days"


def deadline_state(status: str, days: int, lang: str) -> str:
    """A deadline's state in a sentence (:func:`projections.queries.deadlines`: ``days`` is
    before (negative) or after the last day for a done deadline, days left for an open one, days
    past for an overdue one, days past the bare count for an undetermined one)."""
    zh = lang == "zh"
    if status == "met":
        ahead = -days
        if ahead > 0:
            return f"已完成，提前{ahead}日" if zh else f"done, {ahead} days before the last day"
        return "已于最后一日完成" if zh else "done on the last day"
    if status == "late":
        return f"已完成，但逾期{days}日" if zh else f"done, {days} days late"
    if status == "open":
        return (f"进行中，尚余{days}日" if days else "进行中，今日为最后一日") if zh else (
            f"running, {days} days left" if days else "running, today is the last day")
    if status == "overdue":
        return f"未完成，已逾期{days}日" if zh else f"not done, {days} days overdue"
    if status == "undetermined":
        return (f"已超过自然日计数{days}日；该年度的法定节假日安排尚未确认，无法确定是否逾期" if zh
                else f"{days} days past the bare count of days; the year's holiday notice is not confirmed, "
                     "so whether it is late cannot yet be said")
    return status


def parse_moment(text: str) -> int | datetime:
    """What the page's "at a moment" box accepts: a version number; a date (``2026-12-06``: the
    END of that day in China time, so the case as it stood when the day was over); a date and a
    time without a zone (``2026-12-06T13:54``: China time); or an ISO 8601 time with its zone.
    Anything else is refused with the page's own words (never a command-line option's)."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        version = int(text)
        if version < 1 or version > 2**53 - 1:
            raise _bad(text)
        return version
    try:
        if _DATE.match(text):
            return datetime.combine(date.fromisoformat(text), time.max, CHINA)
        moment = datetime.fromisoformat(text)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=CHINA)
        in_utc(moment)  # 0001-01-01T07:00 China time is year 0 in UTC: a 500 when replayed
    except ValueError:
        raise _bad(text) from None
    return moment


def moment_of(day: str | None, at: str | None) -> str:
    """The box's two fields (a date, an optional time of day) as one entry for :func:`parse_moment`."""
    day, at = (day or "").strip(), (at or "").strip()
    return f"{day}T{at}" if day and at else day or at


class MomentError(MalformedInput):
    zh: str
    en: str


def _bad(text: str) -> MomentError:
    error = MomentError(f"not a date, a time or a version: {text!r}")
    error.zh = (f"无法识别“{text}”。请选择一个日期（如 2026-12-06，表示该日北京时间结束时的状态），"
                "可再填写时刻（如 13:54，北京时间），或填写版本号（如 12）。")
    error.en = (f"“{text}” is not understood. Pick a date (e.g. 2026-12-06: the case as it stood at the end of that "
                "day, China time), optionally a time (e.g. 13:54, China time), or give a version number (e.g. 12).")
    return error


#: what an error page says, by kind: a title and what to do next (Chinese, English)
ERRORS: dict[str, tuple[str, str, str, str]] = {
    "malformed-input": ("无法识别您填写的内容", "请检查填写的内容后重试。",
                        "What you entered cannot be read", "Check what you entered and try again."),
    "invalid-request": ("请求的地址或参数不正确", "请从页面上的链接进入，或检查地址后重试。",
                        "The address or its parameters are not right", "Follow a link on the pages, or check the address."),
    "unauthenticated": ("请先登录", "请用您本人的密钥签署令牌后登录。", "Sign in first", "Sign in with a token signed by your own key."),
    "signature-invalid": ("签名无法验证", "请用您本人当前有效的密钥重新签署。",
                          "The signature does not verify", "Sign again with your own current key."),
    "key-not-active": ("签名密钥不是有效状态", "请使用当前有效的密钥，或请管理员为您登记新密钥。",
                       "The signing key is not active", "Use your current key, or ask the administrator to enrol a new one."),
    "not-permitted": ("您无权查看此页面", "此内容不在您所在机构的监督或参与范围之内；如需查看，请联系有权限的人员。",
                      "You may not see this page", "It lies outside your organisation's scope; ask someone who may see it."),
    "not-found": ("找不到该页面或记录", "请返回案件列表，从链接进入。", "Not found", "Go back to the case list and follow a link."),
    "method-not-allowed": ("该地址不接受此操作", "请从页面上的按钮操作。",
                           "This address does not take that action", "Use the buttons on the pages."),
    "conflict": ("记录已被他人更新", "请刷新页面后重新操作。", "The record changed meanwhile", "Reload the page and try again."),
    "too-many": ("请求过多", "请稍后再试。", "Too many requests", "Try again in a little while."),
    "refused": ("依规定不予办理", "请按所引条款的要求办理后重试。",
                "Refused under the regulation", "Do what the cited article requires, then try again."),
    "unavailable": ("服务暂时不可用", "请稍后再试；如持续出现，请联系系统管理员。",
                    "The service is not available", "Try again later; if it persists, tell the administrator."),
    "internal": ("系统出错", "请稍后再试；如持续出现，请联系系统管理员。",
                 "Something went wrong", "Try again later; if it persists, tell the administrator."),
}
STATUS_KINDS = {400: "malformed-input", 401: "unauthenticated", 403: "not-permitted", 404: "not-found",
                405: "method-not-allowed", 409: "conflict", 422: "invalid-request", 429: "too-many", 503: "unavailable"}


def error_words(kind: str | None, status: int, lang: str) -> tuple[str, str]:
    """An error page's title and next step in the page's language."""
    found = ERRORS.get(kind or "") or ERRORS.get(STATUS_KINDS.get(status, "internal"), ERRORS["internal"])
    return (found[0], found[1]) if lang == "zh" else (found[2], found[3])


NOT_YET = ("所选时刻案件尚未启动，或没有这个版本。请选择启动之后的日期，或填写 1 至最新版本之间的版本号。",
           ("The case had not been opened at that moment, or has no such version. Pick a later date, or a version "
           "between 1 and the latest."))
SIGNIN_PROBLEM = ("令牌无法识别、签名不符或已过期。请用您本人的私钥重新生成令牌（有效期较短），完整粘贴后再登录。",
                  ("The token cannot be read, does not verify, or has expired. Make a new one with your own key "
                  "and paste all of it."))

