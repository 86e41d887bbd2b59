"""Base of every command: the typed arguments of one signed intent.

A command is parsed from the ``args`` of a signed intent and from nothing else, strictly: unknown
fields are refused, types are never coerced (``"3"`` is not ``3``), and text must not be blank.
The concrete commands live beside the aggregate they address (``domain/case_commands.py``, …);
each names its action with ``ACTION`` (``"case.exclude_material"``).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError

from domain.errors import MalformedInput


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


def _iso_date(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError("must be a date YYYY-MM-DD")
    date.fromisoformat(text)
    return text


Text = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_not_blank)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_not_blank)]
LongText = Annotated[
    str, StringConstraints(min_length=1, max_length=20000), AfterValidator(_not_blank)
]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""Lowercase hex SHA-256 of a document's bytes: the ledger records what was read, not the file."""
KeyId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")]


class Command(BaseModel):
    """Arguments of one action, as signed."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    ACTION: ClassVar[str]

    @classmethod
    def parse(cls, args: dict[str, Any]) -> Self:
        """Validate in JSON mode (strings for enums, UUIDs and dates; no coercion)."""
        try:
            return cls.model_validate_json(json.dumps(args, ensure_ascii=False))
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'args'}: {e['msg']}"
                for e in error.errors()
            )
            raise MalformedInput(f"{cls.ACTION} args: {problems}") from None


class Jwk(BaseModel):
    """An Ed25519 public key as an RFC 8037 JWK."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    kty: Annotated[str, StringConstraints(pattern=r"^OKP$")]
    crv: Annotated[str, StringConstraints(pattern=r"^Ed25519$")]
    x: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")]


def unique(items: list[Any]) -> list[Any]:
    if len(set(items)) != len(items):
        raise ValueError("items must not repeat")
    return items



