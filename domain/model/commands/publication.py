"""Argument types of issue 18's binding of the report (NX-10(4); XX-17): the digest of the
全过程记录, and the channels through which results are published."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.model.vocabulary import PublicationChannel

ProcessDigest = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
"""``sha256:`` and the lowercase hex SHA-256 of a 全过程记录's canonical bytes (docs/spec.md §18)."""

Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)]


class Channel(BaseModel):
    """One place where results are published (XX-17: 县政府门户网站 and 本单位网站)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    channel: PublicationChannel
    url: Url
