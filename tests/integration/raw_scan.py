"""What an insider with a copy of the database sees: every byte of a store, read past the
ledger — the SQLite files (with their -wal and -shm) or every row of every table of a PostgreSQL
database — and the base64 runs in them decoded (a signed envelope carries its intent as base64),
searched for a text in each spelling a store may hold it: UTF-8, and JSON's \\uXXXX escapes."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

import psycopg

BASE64_RUN = re.compile(rb"[A-Za-z0-9+/]{24,}={0,2}")


def sqlite_bytes(directory: Path) -> bytes:
    """Every SQLite file (and journal) in the directory, as stored on disk."""
    files = sorted(p for p in directory.rglob("*") if p.is_file() and re.search(r"\.db(-wal|-shm|-journal)?$", p.name))
    if not files:
        raise AssertionError(f"no SQLite files in {directory}")
    return b"\n".join(p.read_bytes() for p in files)


def postgres_bytes(url: str) -> bytes:
    """Every row of every table of every schema but the catalogue's, values as stored."""
    chunks: list[bytes] = []
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        if not tables:
            raise AssertionError(f"no tables in {url}")
        for schema, table in tables:
            for row in conn.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall():
                for value in row:
                    chunks.append(bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode())
    return b"\n".join(chunks)


def with_base64_decoded(raw: bytes) -> bytes:
    """The bytes, followed by every base64 run in them decoded."""
    decoded = []
    for match in BASE64_RUN.finditer(raw):
        run = match.group()
        try:
            decoded.append(base64.b64decode(run + b"=" * (-len(run) % 4)))
        except (binascii.Error, ValueError):
            continue
    return raw + b"\n" + b"\n".join(decoded)


def spellings(text: str) -> list[bytes]:
    """How a store may spell a text: UTF-8, and JSON escapes of its non-ASCII characters."""
    def escaped(upper: bool) -> bytes:
        form = "\\u{:04X}" if upper else "\\u{:04x}"
        return "".join(c if ord(c) < 128 else form.format(ord(c)) for c in text).encode("ascii", "backslashreplace")
    return list(dict.fromkeys([text.encode("utf-8"), escaped(False), escaped(True)]))


def found(corpus: bytes, text: str) -> bool:
    return any(spelling in corpus for spelling in spellings(text))
