"""The one canonical encoding: RFC 8785 JSON over a restricted value domain (docs/spec.md §2).

Signatures and hashes are computed over these bytes, so a value has exactly one byte string.
Python's C encoder writes the RFC 8785 bytes of nearly every value; the reference ``rfc8785``
encoder writes the rest (object keys beyond U+FFFF, lone surrogates), and a property test holds
the two equal.
"""

from __future__ import annotations

import json
import re
from typing import Any

import rfc8785

from domain.evidence.errors import MalformedInput

JsonValue = Any  # None | bool | int | str | list[JsonValue] | dict[str, JsonValue]

MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64


#: Python's own encoder (in C) writes exactly the RFC 8785 bytes of a restricted value — same
#: separators, same escapes (the short forms and lowercase ``\u00hh`` for other controls, all
#: else literal), integers in decimal — with one difference: it sorts keys by code point, RFC 8785
#: by UTF-16 code unit, which disagree only beyond U+FFFF. Text with such a character, or a lone
#: surrogate (which UTF-8 cannot encode), goes to the reference encoder instead.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
_BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: str, path: str) -> None:
    """A lone surrogate is not a Unicode scalar value: RFC 8785 (§3.2.2.2, I-JSON) and UTF-8
    cannot carry it, so a string holding one (an ``\\ud800`` escape) has no canonical form."""
    found = _SURROGATE.search(value)
    if found is not None:
        raise MalformedInput(
            f"{path}: character {found.start() + 1} is a lone surrogate U+{ord(found.group()):04X}, which is not "
            "Unicode text: remove it / 含有孤立代理项，不是 Unicode 文本，请删除",
            pointer=_pointer(path))


def _pointer(path: str) -> str:
    """``$.args.members[0].name`` → ``/args/members/0/name`` (keys holding ``.`` or ``[`` aside)."""
    return re.sub(r"\[(\d+)\]", r".\1", path[1:]).replace(".", "/")


def _restricted(value: JsonValue, depth: int = 0) -> bool:
    """Whether a value is in the restricted domain (the fast walk; :func:`_check` says why not)."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if depth >= MAX_DEPTH:
        return False
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return False
            item_kind = type(item)
            if not (item_kind is str or item_kind is bool or item is None or _restricted(item, depth + 1)):
                return False
        return True
    if kind is list:
        for item in value:
            item_kind = type(item)
            if not (item_kind is str or item_kind is bool or item is None or _restricted(item, depth + 1)):
                return False
        return True
    return False


def _check(value: JsonValue, path: str, depth: int = 0) -> None:
    if isinstance(value, str):
        _text(value, path)
        return
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise MalformedInput(f"{path}: integer {value} is outside ±(2^53−1)")
        return
    if isinstance(value, float):
        raise MalformedInput(f"{path}: floating-point numbers are not allowed in signed data")
    if isinstance(value, (list, dict)) and depth >= MAX_DEPTH:
        raise MalformedInput(f"{path}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise MalformedInput(f"{path}: object key {key!r} is not a string")
            _text(key, f"{path}.{key.encode('utf-8', 'backslashreplace').decode('utf-8')}")
            _check(item, f"{path}.{key}", depth + 1)
        return
    raise MalformedInput(f"{path}: {type(value).__name__} is not a JSON value")


def canonical_bytes(value: JsonValue) -> bytes:
    """RFC 8785 bytes of a JSON value from the restricted domain."""
    if not _restricted(value):
        _check(value, "$")  # raises, naming where
    text = _ENCODER.encode(value)
    if text.isascii() or _BEYOND_BMP.search(text) is None:
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: the reference encoder refuses it
    return reference_bytes(value)


def encode_checked(value: JsonValue) -> bytes:
    """:func:`canonical_bytes` of a value the caller has already found in the restricted domain."""
    text = _ENCODER.encode(value)
    if text.isascii():
        return text.encode("ascii")
    return canonical_bytes(value)


def reference_bytes(value: JsonValue) -> bytes:
    """RFC 8785 bytes from the reference encoder (the ``rfc8785`` package), for the values
    :func:`canonical_bytes` does not encode itself, and for tests that hold the two equal."""
    _check(value, "$")
    return rfc8785.dumps(value)


def _refuse_float(text: str) -> float:
    raise MalformedInput(f"floating-point number {text} is not allowed in signed data")


def _refuse_constant(text: str) -> float:
    raise MalformedInput(f"{text} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedInput(f"duplicate object key {key!r}")
        result[key] = value
    return result


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """:func:`_unique_keys` at the C dict's speed when, as nearly always, no name repeats."""
    result = dict(pairs)
    return result if len(result) == len(pairs) else _unique_keys(pairs)


def parse_interchange(text: str) -> JsonValue:
    """JSON that is not signed as bytes but must have one reading: a bundle's file (docs/spec.md
    §13.2). I-JSON (RFC 7493): a member name twice (``json.loads`` keeps the last, other readers
    the first) or ``NaN``/``Infinity`` (not JSON) is refused, and so is nesting past what the
    parser can read (a ``RecursionError``), an escaped lone surrogate (I-JSON is Unicode text,
    RFC 7493 §2.1) and an integer past the digits Python converts; numbers' ranges and depth are
    left to the caller."""
    try:
        value = json.loads(text, object_pairs_hook=_unique_members, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise MalformedInput(f"{error.msg} at {error.pos}") from None
    except RecursionError:
        raise MalformedInput("nested deeper than a JSON parser reads") from None
    except ValueError as error:  # an integer of more digits than int() converts
        raise MalformedInput(str(error).split(";")[0]) from None
    if _SURROGATE_ESCAPE.search(text):  # only an escape makes one: the text itself is str from UTF-8
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedInput("a string holds a lone surrogate (\\ud800-\\udfff unpaired): not Unicode text") from None
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _Unusual(Exception):
    """Raised by the fast parse on anything it does not take itself (the full parse decides)."""


def _unusual(_text: str) -> Any:
    raise _Unusual


def _safe_int(text: str) -> int:
    value = int(text)
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise _Unusual
    return value


#: The C parser with no per-object hook: floats, constants and unsafe integers are left to the
#: full parse (their hooks run only where such a number is, so the common case costs nothing).
_FAST_DECODER = json.JSONDecoder(parse_float=_unusual, parse_int=_safe_int, parse_constant=_unusual)


def parse_canonical(data: bytes) -> JsonValue:
    """Parse bytes that must already be canonical: anything else (whitespace, key order,
    escapes, duplicate keys, floats, invalid UTF-8) is refused, so the bytes a person signed are
    the only spelling of what they meant.

    The common case is decided without a Python hook per object: the C parser reads the text
    (refusing floats, constants and unsafe integers to the full parse), and the text is canonical
    when the C encoder writes it back identically — duplicate keys, other spellings, escapes and
    lone surrogates all come back different. Anything else takes the full parse, which returns the
    same value or refuses with the same message."""
    try:
        text = data.decode("utf-8")
        value = _FAST_DECODER.decode(text)
    except Exception:  # noqa: BLE001 — any refusal: the full parse gives its exact reason
        return _parse_canonical_fully(data)
    if (
        (text.count("{") + text.count("[") <= MAX_DEPTH or _restricted(value))  # no more brackets, no deeper
        and (text.isascii() or _BEYOND_BMP.search(text) is None)  # RFC 8785's key order is the encoder's
        and _ENCODER.encode(value) == text
    ):
        return value
    return _parse_canonical_fully(data)


def _parse_canonical_fully(data: bytes) -> JsonValue:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedInput(f"not UTF-8: {error.reason} at byte {error.start}") from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_float=_refuse_float,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as error:
        raise MalformedInput(f"not JSON: {error.msg} at position {error.pos}") from None
    except RecursionError:
        raise MalformedInput(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if canonical_bytes(value) != data:
        raise MalformedInput("JSON is not in RFC 8785 canonical form")
    return value
