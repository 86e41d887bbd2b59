"""Properties of the one canonical encoding (RFC 8785 over JSON without floats), for any value:
it round-trips, it is one byte string whatever the key order, it equals an RFC 8785 encoder written
here from the RFC (and the ``rfc8785`` package), and every other spelling of a value is refused
with :class:`MalformedInput` — never accepted, never another exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import MalformedInput
from domain.evidence.canonical import (
    MAX_DEPTH,
    MAX_SAFE_INTEGER,
    canonical_bytes,
    parse_canonical,
    reference_bytes,
)

pytestmark = pytest.mark.fuzz  # generated inputs

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None)

scalars = st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=25,
)


def reference(value: Any) -> str:
    """RFC 8785 for the float-free domain, from the RFC's text: members sorted by their names'
    UTF-16 code units (§3.2.3), strings as ECMAScript's JSON.stringify writes them (§3.2.2.2)."""
    if isinstance(value, dict):
        members = sorted(value.items(), key=lambda item: item[0].encode("utf-16-be"))
        return "{" + ",".join(f"{reference(k)}:{reference(v)}" for k, v in members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(reference(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # escapes only '"', '\\' and controls, as §3.2.2.2
    return json.dumps(value)  # null, true, false, integers


def reordered(value: Any) -> Any:
    """The same value with every object's members inserted in reverse order."""
    if isinstance(value, dict):
        return {k: reordered(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [reordered(item) for item in value]
    return value


@PROPERTY
@given(values)
def test_decoding_the_encoding_gives_the_value_back(value: Any) -> None:
    assert parse_canonical(canonical_bytes(value)) == value


@PROPERTY
@given(values)
def test_the_encoding_is_one_byte_string_whatever_the_key_order(value: Any) -> None:
    assert canonical_bytes(reordered(value)) == canonical_bytes(value) == canonical_bytes(value)


@PROPERTY
@given(values)
def test_the_encoding_is_rfc8785_byte_for_byte(value: Any) -> None:
    encoded = canonical_bytes(value)
    assert encoded == reference(value).encode("utf-8")
    assert encoded == rfc8785.dumps(value)


SPELLINGS = {
    "indented": lambda v: json.dumps(v, indent=1, ensure_ascii=False),
    "spaced": lambda v: json.dumps(v, separators=(", ", ": "), ensure_ascii=False),
    "ASCII escapes": lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=True),
    "members reordered": lambda v: json.dumps(reordered(v), separators=(",", ":"), ensure_ascii=False),
    "leading space": lambda v: " " + reference(v),
    "trailing newline": lambda v: reference(v) + "\n",
}


@PROPERTY
@given(values, st.sampled_from(sorted(SPELLINGS)))
def test_every_other_spelling_of_a_value_is_refused(value: Any, spelling: str) -> None:
    text = SPELLINGS[spelling](value).encode("utf-8")
    if text == canonical_bytes(value):
        return  # this value has no other spelling of that kind
    with pytest.raises(MalformedInput):
        parse_canonical(text)


@PROPERTY
@given(st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER), st.sampled_from(["{}.0", "{}e0", "{}E+0", "{}.00"]))
def test_an_integer_spelled_as_a_number_with_a_fraction_or_exponent_is_refused(n: int, form: str) -> None:
    with pytest.raises(MalformedInput):
        parse_canonical(form.format(n).encode())


@PROPERTY
@given(st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER).filter(lambda n: n != 0))
def test_leading_zeros_plus_signs_and_negative_zero_are_refused(n: int) -> None:
    for text in ("-0", f"0{abs(n)}", f"[+{abs(n)}]", f"-0{abs(n)}"):
        with pytest.raises(MalformedInput):
            parse_canonical(text.encode())


@PROPERTY
@given(st.integers(MAX_SAFE_INTEGER + 1, 2**80), st.booleans())
def test_integers_beyond_the_safe_range_are_refused(n: int, negative: bool) -> None:
    with pytest.raises(MalformedInput, match="2\\^53"):
        parse_canonical(str(-n if negative else n).encode())


@PROPERTY
@given(st.text(min_size=1, max_size=8), values, values)
def test_a_duplicate_member_name_is_refused(key: str, first: Any, second: Any) -> None:
    name = reference(key)
    with pytest.raises(MalformedInput, match="duplicate"):
        parse_canonical(f"{{{name}:{reference(first)},{name}:{reference(second)}}}".encode())


@PROPERTY
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFFFF, exclude_categories=["Cs"]),
               min_size=1, max_size=8).filter(lambda s: '"' not in s and "\\" not in s), st.data())
def test_a_character_written_as_an_escape_it_need_not_be_is_refused(text: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text) - 1))
    escaped = text[:at] + f"\\u{ord(text[at]):04x}" + text[at + 1:]
    assert parse_canonical(json.dumps(text, ensure_ascii=False).encode()) == text
    with pytest.raises(MalformedInput, match="canonical"):
        parse_canonical(f'"{escaped}"'.encode())


def _mutations(value: Any) -> st.SearchStrategy[bytes]:
    encoded = canonical_bytes(value)
    flip = st.tuples(st.integers(0, len(encoded) - 1), st.integers(0, 7)).map(
        lambda p: encoded[: p[0]] + bytes([encoded[p[0]] ^ (1 << p[1])]) + encoded[p[0] + 1:])
    cut = st.integers(0, len(encoded) - 1).map(lambda n: encoded[:n])
    insert = st.tuples(st.integers(0, len(encoded)), st.binary(min_size=1, max_size=3)).map(
        lambda p: encoded[: p[0]] + p[1] + encoded[p[0]:])
    return flip | cut | insert


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.binary(max_size=64) | values.flatmap(_mutations))
def test_any_bytes_are_either_canonical_json_or_refused_never_a_crash(data: bytes) -> None:
    try:
        value = parse_canonical(data)
    except MalformedInput:
        return
    assert canonical_bytes(value) == data, "accepted bytes are the one spelling of their value"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
def test_nesting_deeper_than_the_limit_is_refused_not_a_recursion_error(depth: int) -> None:
    """Found while writing these properties: ``[[[…`` 100 000 deep exhausted the parser's stack
    (a ``RecursionError``, a 500 over HTTP) instead of being refused."""
    for data in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        with pytest.raises(MalformedInput, match="nested"):
            parse_canonical(data)
    with pytest.raises(MalformedInput):
        parse_canonical(b"[" * depth)  # unterminated as well
    nested: Any = []
    for _ in range(depth - 1):
        nested = [nested]
    with pytest.raises(MalformedInput, match="nested"):
        canonical_bytes(nested)


def test_nesting_up_to_the_limit_round_trips() -> None:
    data = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert canonical_bytes(parse_canonical(data)) == data


#: names where code point order and UTF-16 order disagree (beyond U+FFFF against U+E000–U+FFFF),
#: and controls: where a fast encoder would part from RFC 8785 if anywhere
tricky_text = st.text(alphabet=st.sampled_from(["a", "\x00", "\x1f", "\x7f", "\u2028", "\ue000", "\uffff",
                                                "\U00010000", "\U0001f600", "中", '"', "\\"]), max_size=4)
tricky = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=5),
    max_leaves=20,
)


@PROPERTY
@given(tricky)
def test_the_fast_encoder_writes_the_reference_bytes_even_for_tricky_names(value: Any) -> None:
    """canonical_bytes encodes with Python's C encoder where that provably agrees with RFC 8785,
    and with the reference encoder elsewhere: the bytes are the RFC's either way."""
    assert canonical_bytes(value) == reference(value).encode("utf-8") == reference_bytes(value)
