"""Work that only its last request matters for: at most one run per key at a time, and one more after it.

A burst of accepted suggestions each asks for a coverage snapshot of the same streets; taking one per
accept kept both cores busy (each snapshot counts every rule of those streets). Here a request that
comes while the key's run is under way only marks it to run once more when it ends — with the newest
arguments — so a burst costs at most two runs and the last one sees every write of the burst.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any


class Coalescer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._again: dict[Hashable, tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None] = {}

    def run(self, key: Hashable, func: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Run func(*args, **kwargs) now, or (if `key` is running) once more after that run; True if it ran here."""
        with self._lock:
            if key in self._again:
                self._again[key] = (func, args, kwargs)  # the newest request wins
                return False
            self._again[key] = None
        try:
            while True:
                func(*args, **kwargs)
                with self._lock:
                    nxt = self._again[key]
                    if nxt is None:
                        del self._again[key]
                        return True
                    self._again[key] = None
                func, args, kwargs = nxt
        except BaseException:
            with self._lock:
                self._again.pop(key, None)
            raise
