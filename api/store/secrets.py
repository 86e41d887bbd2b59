"""The data keys of sealed content, kept outside the database (NX-15, XX-22).

One AES-256 key per sealed material: 32 random bytes in ``KEYS/secrets/<kid>.key`` (mode 0600,
the directory 0700), where ``KEYS`` is the ledger's keys directory and ``kid`` a random UUID. The
database only ever holds ciphertext and the key id, so a copy of the database (a backup, a
replica, an insider's dump) discloses no secret without this directory.

Crypto-shredding destroys one key for good: the file is overwritten with random bytes, flushed,
and unlinked, and a tombstone ``<kid>.shredded`` (no key material: the time it was destroyed)
says the key existed and was destroyed on purpose, so readers see "shredded", not an error.
Back this directory up separately from the database, and never restore a shredded key.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from uuid import uuid4

from api.keyfiles import private_directory, write_private
from domain import clock
from domain.errors import MalformedInput
from domain.evidence.times import format_time
from domain.model.sealing import KEY_BYTES

SECRETS_DIR = "secrets"
KID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def secrets_dir(keys_dir: Path) -> Path:
    return keys_dir / SECRETS_DIR


class Keystore:
    """Data keys on the local file system; implements :class:`domain.model.sealing.KeyRing`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def beside(cls, keys_dir: Path) -> Keystore:
        """The key store of the ledger whose keys directory this is."""
        return cls(secrets_dir(keys_dir))

    def _path(self, kid: str, suffix: str) -> Path:
        if not KID.match(kid):
            raise MalformedInput(f"a data key id is a lowercase UUID, not {kid!r}")
        return self.directory / f"{kid}{suffix}"

    def create(self) -> tuple[str, bytes]:
        """A new data key and its id, written before it is handed out."""
        private_directory(self.directory)
        kid, key = str(uuid4()), os.urandom(KEY_BYTES)
        descriptor = os.open(self._path(kid, ".key"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        return kid, key

    def data_key(self, kid: str) -> bytes | None:
        try:
            key = self._path(kid, ".key").read_bytes()
        except (FileNotFoundError, MalformedInput):
            return None
        return key if len(key) == KEY_BYTES else None

    def discard(self, kid: str) -> bool:
        """Destroy a key that never sealed anything recorded (it expired unused: see
        :mod:`api.store.data_keys`): overwritten, flushed, unlinked, and no tombstone. True if
        there was a key."""
        path = self._path(kid, ".key")
        try:
            with path.open("r+b") as handle:
                handle.write(os.urandom(max(KEY_BYTES, path.stat().st_size)))
                handle.flush()
                os.fsync(handle.fileno())
        except FileNotFoundError:
            return False
        path.unlink(missing_ok=True)
        return True

    def is_shredded(self, kid: str) -> bool:
        try:
            return self._path(kid, ".shredded").exists()
        except MalformedInput:
            return False

    def destroy(self, kid: str) -> bool:
        """Crypto-shred one key: overwrite, flush, unlink, leave a tombstone. True if a key was
        destroyed now; False if it was already gone (destroying is idempotent)."""
        path = self._path(kid, ".key")
        destroyed = False
        if path.exists():
            with path.open("r+b") as handle:
                handle.write(os.urandom(max(KEY_BYTES, path.stat().st_size)))
                handle.flush()
                os.fsync(handle.fileno())
            path.unlink()
            destroyed = True
        tombstone = self._path(kid, ".shredded")
        if not tombstone.exists():
            write_private(tombstone, (json.dumps({"kid": kid, "shredded_at": format_time(clock.now())}) + "\n").encode())
        return destroyed
