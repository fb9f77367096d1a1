"""Python's cyclic garbage collector paused while a request builds a city-sized answer.

Building a city's answer makes millions of objects (340k suggestions, their dicts and lists), and every
few thousand of them the collector walks all that survived so far: a city's assignment spent 3–6 s of
13–20 s collecting nothing (none of it is cyclic; reference counting frees it). While any caller is inside
`paused()` the collector does not run; it runs again when the last one leaves. Memory is still freed by
reference counting meanwhile: only cycles wait.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0
_was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside (nested and concurrent callers allowed); as it was after the last leaves.

    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _inside, _was_enabled  # noqa: PLW0603 - one process-wide collector, changed under its lock
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                # What survived (a city's answer: millions of objects) goes straight to the oldest generation:
                # enabled as it was, the collector's first pass would walk all of it at once (0.7 s) to find
                # no cycle. Cycles made meanwhile wait for the next full collection.
                gc.freeze()
                gc.unfreeze()
                gc.enable()
