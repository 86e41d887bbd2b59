"""Pausing Python's cyclic garbage collector while a read builds, and drops, a large case.

A case of 10,000 materials replayed from its snapshot is some 30,000 tracked containers
(dicts, UUIDs), and rendering it as JSON as many again. Allocating them trips the collector's
young generations, which promote the still-live state to the oldest one, and that soon trips a
full collection of the whole heap: 60-170 ms measured, several times the 25 ms the replay itself
takes. None of those objects is part of a reference cycle, and all of them are freed by
reference counting when the answer is sent.

So a read of a whole case runs with automatic collection paused: the state is allocated,
rendered and freed before collection resumes, and freeing it gives the allocation count back
(CPython counts deallocations against it), so the pause leaves no debt for the next request.
Cyclic garbage made by other threads meanwhile is collected after the pause; pauses nest and
overlap across threads, and collection resumes when the last one ends, only if it was enabled
before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collection_paused() -> Iterator[None]:
    """Run the body with automatic garbage collection off (see the module's docstring)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def freeze_startup_heap() -> None:
    """Move every object alive now (modules, the app, its caches) out of the collector's reach,
    so that later full collections scan only what requests allocate (:func:`gc.freeze`). Called
    once a server process has started; frozen objects are still freed by reference counting."""
    gc.collect()
    gc.freeze()
