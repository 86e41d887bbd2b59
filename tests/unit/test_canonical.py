"""RFC 8785 bytes: one spelling per value; everything else refused."""

import pytest

from domain.errors import MalformedInput
from domain.evidence.canonical import canonical_bytes, parse_canonical


def test_keys_are_sorted_and_nothing_is_spaced() -> None:
    assert canonical_bytes({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'


def test_chinese_stays_utf8_and_controls_are_escaped() -> None:
    assert canonical_bytes({"名称": "评估\n\u0001"}) == '{"名称":"评估\\n\\u0001"}'.encode()


def test_rfc8785_sorts_keys_by_utf16_code_units() -> None:
    # U+1F600 (surrogates D83D DE00) sorts before U+FF61 in UTF-16, after it in code points.
    assert canonical_bytes({"\uff61": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\uff61":1}'.encode()


@pytest.mark.parametrize("value", [1.5, {"x": 0.1}, 2**53, -(2**53), {1: "a"}, b"bytes"])
def test_values_outside_the_domain_are_refused(value: object) -> None:
    with pytest.raises(MalformedInput):
        canonical_bytes(value)


def test_round_trip() -> None:
    value = {"args": {"名": "张伟", "n": 3, "ok": False}, "list": [1, "二"]}
    assert parse_canonical(canonical_bytes(value)) == value


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"b":1,"a":2}', "canonical"),
        (b'{"a": 1}', "canonical"),
        (b'{"a":1,"a":1}', "duplicate"),
        (b'{"a":1.0}', "floating"),
        (b'{"a":NaN}', "not JSON"),
        (b'{"a":"\xff"}', "UTF-8"),
        (b'{"a":', "not JSON"),
        (b'{"a":"\\u00e9"}', "canonical"),
    ],
)
def test_non_canonical_input_is_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedInput, match=reason):
        parse_canonical(data)
