"""Answers reused between requests: one computation per key at a time, dropped when a write touches their communities.

- Single flight: while one request computes a key, the others asking for it wait for that answer
  instead of computing it again (a stampede after every write made 16 readers recompute one summary).
- Each answer is tagged with its topic (what kind of data it reads: "coverage") and the communities
  it covers (None = all of them); a write reports the topics and communities it touched (None =
  unknown, so all), and only the answers of a touched topic that cover a touched community go.
- An answer lives `ttl_s` from when its computation ENDED, so a slow computation is still reused.
  Writes by another process (a CLI import beside `serve`) show after at most `ttl_s`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 512
Covers = Collection[str] | Callable[[T], Collection[str] | None] | None


def _overlaps(covered: frozenset[str] | None, touched: frozenset[str] | None) -> bool:
    return covered is None or touched is None or not covered.isdisjoint(touched)


@dataclass
class _Flight:
    """One computation under way; followers wait on `done`."""

    topic: str
    covers: frozenset[str] | None
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    ok: bool = False
    stale: bool = False  # a write touched what it covers meanwhile: hand it to those waiting, do not keep it


@dataclass
class _Entry:
    expires: float
    topic: str
    covers: frozenset[str] | None
    value: Any


class AnswerCache:
    def __init__(self, ttl_s: float, wait_s: float = 120.0) -> None:
        self.ttl_s, self.wait_s = ttl_s, wait_s
        self._lock = threading.Lock()
        self._entries: dict[Hashable, _Entry] = {}
        self._flights: dict[Hashable, _Flight] = {}

    def get(self, key: Hashable, compute: Callable[[], T], covers: Covers[T] = None, topic: str = "graph") -> T:
        """compute()'s answer for `key`, computed once however many ask at the same time.

        `covers`: the communities the answer depends on (None = all), or a function of the answer
        that says so (asked once the answer is there, so a cache hit costs no query). The key must
        hold everything else the answer depends on, the caller's scope included.
        """
        if self.ttl_s <= 0:
            return compute()
        # Until the answer says what it covers, a computation counts as covering everything.
        tag = None if covers is None or callable(covers) else frozenset(covers)
        while True:
            with self._lock:
                hit = self._entries.get(key)
                if hit and hit.expires > time.monotonic():
                    return hit.value
                flight = self._flights.get(key)
                leader = flight is None
                if flight is None:
                    flight = self._flights[key] = _Flight(topic, tag)
            if leader:
                return self._lead(key, flight, compute, covers)
            if flight.done.wait(self.wait_s) and flight.ok:
                return flight.value
            # the leader failed (its error went to its own caller) or took too long: try again

    def _lead(self, key: Hashable, flight: _Flight, compute: Callable[[], T], covers: Covers[T]) -> T:
        try:
            value = compute()
            flight.value, flight.ok = value, True
            if callable(covers):
                said = covers(value)
                flight.covers = None if said is None else frozenset(said)
            with self._lock:
                if not flight.stale:
                    if len(self._entries) >= MAX_ENTRIES:
                        self._entries.clear()
                    self._entries[key] = _Entry(time.monotonic() + self.ttl_s, flight.topic, flight.covers, value)
            return value
        finally:
            with self._lock:
                if self._flights.get(key) is flight:
                    del self._flights[key]
            flight.done.set()

    def invalidate(self, touched: Collection[str] | None = None, topic: str | None = None) -> None:
        """Drop the answers of `topic` (None: every topic) covering any of `touched` (None: all),
        and keep none computed meanwhile."""
        tag = None if touched is None else frozenset(touched)

        def hit(t: str, covers: frozenset[str] | None) -> bool:
            return (topic is None or t == topic) and _overlaps(covers, tag)

        with self._lock:
            for key in [k for k, e in self._entries.items() if hit(e.topic, e.covers)]:
                del self._entries[key]
            for key in [k for k, f in self._flights.items() if hit(f.topic, f.covers)]:
                self._flights.pop(key).stale = True  # later askers start afresh

    def __len__(self) -> int:
        return len(self._entries)
