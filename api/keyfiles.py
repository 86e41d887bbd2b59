"""Private key files: PKCS#8 PEM, mode 0600, optionally encrypted with a passphrase.

They belong to their owner's machine. The server reads only the ledger's own key; a person's key
is read by the client that signs for them (the CLI, the demo).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.errors import MalformedInput
from domain.evidence.signing import PublicKey, SigningKey


class KeyFileError(ValueError):
    """A key file cannot be written or read; the message names the file."""


def private_directory(path: Path) -> Path:
    """Make ``path`` and any missing parent mode 0700 (issue 16, point 7; attack L5: the keys
    directory was 0755). A directory that exists is left as it is."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)  # whatever the umask
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write a file readable by its owner only (0600), whatever the umask."""
    private_directory(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
    return path


def write_key(path: Path, key: SigningKey, passphrase: bytes | None = None) -> Path:
    """Write a new key file (0600, in a 0700 directory if it makes one); never overwrites one."""
    private_directory(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(f"{path} already exists; key files are never overwritten") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.to_pem(passphrase))
    os.chmod(path, 0o600)
    return path


def read_key(path: Path, passphrase: bytes | None = None) -> SigningKey:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read key file {path}: {error.strerror}") from None
    try:
        key = SigningKey.from_pem(data, passphrase)
    except MalformedInput as error:
        raise KeyFileError(f"{path}: {error.detail}") from None
    companion = path.with_name("ledger-sm2.pem")  # issue 20 — sm2: the ledger's SM2 key signs beside it
    if path.name == "ledger.pem" and companion.exists():
        key.sm2_companion = read_key(companion)  # type: ignore[attr-defined]
    return key


def read_public_key(path: Path) -> PublicKey:
    """A public key from a JWK JSON file, a SubjectPublicKeyInfo PEM, or a private key file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read {path}: {error.strerror}") from None
    try:
        if data.lstrip().startswith(b"{"):
            return PublicKey.from_jwk(json.loads(data))
        if b"PUBLIC KEY" in data:
            loaded = serialization.load_pem_public_key(data)
            if not isinstance(loaded, Ed25519PublicKey):
                raise KeyFileError(f"{path} does not hold an Ed25519 public key")
            raw = loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return PublicKey(raw)
        return read_key(path).public_key
    except (ValueError, MalformedInput) as error:
        if isinstance(error, KeyFileError):
            raise
        raise KeyFileError(f"{path} holds no readable Ed25519 public key: {error}") from None
