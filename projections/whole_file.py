"""Small files kept beside the keys and in a witness's store, written whole: a reader sees the old
text or the new, never part of one, whoever writes at the same moment.

Each write goes to a temporary file of its own (``mkstemp``: mode 0600, a unique name, so two
threads of one process never share one), is flushed to disk and renamed over the old file.
:func:`locked` serialises a read-decide-write across the threads of this process and across
processes (``flock`` on the directory: no lock file is left beside the key).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_in_process = threading.Lock()


def replace_whole(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (mode 0600) through a temporary file renamed over it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold ``directory``'s lock: a thread lock in this process, ``flock`` across processes."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _in_process:
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the flock
