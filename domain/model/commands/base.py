"""Base of every command: the typed arguments of one signed intent.

A command is parsed from the ``args`` of a signed intent and from nothing else, strictly: unknown
fields are refused, types are never coerced (``"3"`` is not ``3``), text must not be blank, and
every string in the arguments keeps the text rule (:mod:`domain.model.text`: no NUL, controls,
lone surrogates or bidirectional controls; a name is one line). A refusal names the field by its
JSON pointer into the signed intent (``/args/title``). Stored events are read without the text
rule (``recorded``): what was recorded before it keeps replaying.
The concrete commands live beside the aggregate they address (``domain/case_commands.py``, …);
each names its action with ``ACTION`` (``"case.exclude_material"``).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)

from domain.errors import MalformedInput
from domain.model.text import pointer_of, refused_text, text_problem
from domain.model.words import action_words

#: the validation context of a stored event's arguments: read as recorded, without the text rule
RECORDED = {"recorded": True}


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


def _one_line(text: str, info: ValidationInfo) -> str:
    """A name is one line (issue 16 point 3); events recorded before the rule are read as they are."""
    if not (info.context or {}).get("recorded") and (problem := text_problem(text, single_line=True)):
        raise ValueError(f"{problem[0]} / {problem[1]}")
    return text


def _iso_date(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError("must be a date YYYY-MM-DD")
    date.fromisoformat(text)
    return text


Text = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_not_blank)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_not_blank),
                 AfterValidator(_one_line)]
LongText = Annotated[
    str, StringConstraints(min_length=1, max_length=20000), AfterValidator(_not_blank)
]
#: a calendar date as the day falls in China (北京时间); what the document says of it (issue 19 point 6)
IsoDate = Annotated[str, AfterValidator(_iso_date), WithJsonSchema({
    "type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$", "examples": ["2026-03-02"],
    "description": "a calendar date, YYYY-MM-DD, as the day falls in China (Beijing time, UTC+8); no time, no "
                   "zone (公历日期，按北京时间)",
})]
Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""Lowercase hex SHA-256 of a document's bytes: the ledger records what was read, not the file."""
KeyId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")]


class Command(BaseModel):
    """Arguments of one action, as signed."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    ACTION: ClassVar[str]

    @classmethod
    def parse(cls, args: dict[str, Any], *, recorded: bool = False) -> Self:
        """Validate in JSON mode (strings for enums, UUIDs and dates; no coercion); the text rule
        first, unless the arguments are a stored event's (``recorded``)."""
        if not recorded and (refused := refused_text(args, ("args",))) is not None:
            pointer, zh, en = refused
            raise MalformedInput(f"{cls.ACTION} {pointer}: {zh} / {en}", pointer=pointer)
        try:
            return cls.model_validate_json(json.dumps(args, ensure_ascii=False),
                                           context=RECORDED if recorded else None)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'args'}: {e['msg']}"
                for e in error.errors()
            )
            first = error.errors()[0]["loc"] if error.errors() else ()
            pointer = pointer_of(("args", *first))
            raise MalformedInput(f"「{action_words(cls.ACTION)[0]}」的参数不符合要求（{pointer}）/ "
                                 f"{cls.ACTION} args: {problems}", pointer=pointer) from None


class Ed25519Jwk(BaseModel):
    """An Ed25519 public key as an RFC 8037 JWK."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    kty: Annotated[str, StringConstraints(pattern=r"^OKP$")]
    crv: Annotated[str, StringConstraints(pattern=r"^Ed25519$")]
    x: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")]


# issue 20 — sm2: a person's key may be SM2 (国密, docs/spec.md §22)
class Sm2Jwk(BaseModel):
    """An SM2 public key (GB/T 32918) as a JWK: ``{"kty": "EC", "crv": "SM2", "x", "y"}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    kty: Annotated[str, StringConstraints(pattern=r"^EC$")]
    crv: Annotated[str, StringConstraints(pattern=r"^SM2$")]
    x: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")]
    y: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")]


#: a public key a principal may hold: Ed25519, or SM2 (issue 20)
Jwk = Ed25519Jwk | Sm2Jwk


def unique(items: list[Any]) -> list[Any]:
    if len(set(items)) != len(items):
        raise ValueError("items must not repeat")
    return items



