"""Commands: the typed arguments of each signed action, one module per aggregate."""

from domain.model.commands.base import Command, Digest, IsoDate, Jwk, KeyId, LongText, Name, Text

__all__ = ["Command", "Digest", "IsoDate", "Jwk", "KeyId", "LongText", "Name", "Text"]
