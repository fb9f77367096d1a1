"""Answers reused between requests: one computation per key at a time, dropped when a write touches their communities.

- Single flight: while one request computes a key, the others asking for it wait for that answer
  instead of computing it again (a stampede after every write made 16 readers recompute one summary).
  `get_many` does the same for many keys at once, computing every missing one in one call.
- Each answer is tagged with its topic (what kind of data it reads: "coverage") and the communities
  it covers (None = all of them); a write reports the topics and communities it touched (None =
  unknown, so all), and only the answers of a touched topic that cover a touched community go.
- An answer asked for with `refresh=True` is handed back by `invalidate` when a write touches it, so
  the writer computes it again (`renew`) before it returns: the next reader finds it ready. Until then
  it is kept (`keep=True`) and readers get the answer from before the write instead of waiting for it:
  a read at the same time as a write may see either side of it, a read after the write sees the write.
  Answers covering everything are never handed back: every write would recompute them.
- An answer lives `ttl_s` from when its computation ENDED, so a slow computation is still reused.
  Writes by another process (a CLI import beside `serve`) show after at most `ttl_s`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Hashable, Sequence
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
    refresh: Callable[[], Any] | None = None
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
    refresh: Callable[[], Any] | None = None


@dataclass(frozen=True)
class Refresh:
    """An answer a write touched, to compute again: `compute` under `key`, as it was asked for."""

    key: Hashable
    compute: Callable[[], Any]
    covers: frozenset[str]
    topic: str
    entry: _Entry  # the answer from before the write (kept until renewed when invalidated with keep=True)


class AnswerCache:
    def __init__(self, ttl_s: float, wait_s: float = 120.0) -> None:
        self.ttl_s, self.wait_s = ttl_s, wait_s
        self._lock = threading.Lock()
        self._entries: dict[Hashable, _Entry] = {}
        self._flights: dict[Hashable, _Flight] = {}

    def get(
        self, key: Hashable, compute: Callable[[], T], covers: Covers[T] = None, topic: str = "graph",
        *, refresh: bool = False,
    ) -> T:
        """compute()'s answer for `key`, computed once however many ask at the same time.

        `covers`: the communities the answer depends on (None = all), or a function of the answer
        that says so (asked once the answer is there, so a cache hit costs no query). The key must
        hold everything else the answer depends on, the caller's scope included. `refresh`: a write
        dropping the answer hands `compute` back to be run again (see `invalidate`).
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
                    flight = self._flights[key] = _Flight(topic, tag, compute if refresh else None)
            if leader:
                return self._lead(key, flight, compute, covers)
            if flight.done.wait(self.wait_s) and flight.ok:
                return flight.value
            # the leader failed (its error went to its own caller) or took too long: try again

    def get_many(
        self, keys: Sequence[Hashable], compute: Callable[[list[Hashable]], dict[Hashable, T]],
        covers: Callable[[Hashable], Collection[str]], topic: str = "graph",
    ) -> dict[Hashable, T]:
        """The answer of every key: the cached ones as they are, the others from ONE compute(missing keys)
        call (keys another request is computing are waited for, not computed twice). `covers(key)`:
        the communities that key's answer depends on."""
        if self.ttl_s <= 0:
            return compute(list(keys))
        out: dict[Hashable, T] = {}
        pending = list(dict.fromkeys(keys))
        while pending:
            led: list[tuple[Hashable, _Flight]] = []
            followed: list[tuple[Hashable, _Flight]] = []
            with self._lock:
                for key in pending:
                    hit = self._entries.get(key)
                    if hit and hit.expires > time.monotonic():
                        out[key] = hit.value
                    elif (flight := self._flights.get(key)) is not None:
                        followed.append((key, flight))
                    else:
                        flight = self._flights[key] = _Flight(topic, frozenset(covers(key)))
                        led.append((key, flight))
            if led:
                self._lead_many(led, compute, out)
            pending = []
            for key, flight in followed:
                if flight.done.wait(self.wait_s) and flight.ok:
                    out[key] = flight.value
                else:
                    pending.append(key)  # that leader failed or took too long: try again
        return out

    def _keep(self, key: Hashable, flight: _Flight, value: Any) -> None:
        """Under the lock: keep a finished answer unless a write made it stale meanwhile."""
        if not flight.stale:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = _Entry(time.monotonic() + self.ttl_s, flight.topic, flight.covers, value, flight.refresh)

    def _done(self, key: Hashable, flight: _Flight) -> None:
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        flight.done.set()

    def _lead(self, key: Hashable, flight: _Flight, compute: Callable[[], T], covers: Covers[T]) -> T:
        try:
            value = compute()
            flight.value, flight.ok = value, True
            if callable(covers):
                said = covers(value)
                flight.covers = None if said is None else frozenset(said)
            with self._lock:
                self._keep(key, flight, value)
            return value
        finally:
            self._done(key, flight)

    def _lead_many(
        self, led: list[tuple[Hashable, _Flight]], compute: Callable[[list[Hashable]], dict[Hashable, T]],
        out: dict[Hashable, T],
    ) -> None:
        try:
            values = compute([k for k, _ in led])
            with self._lock:
                for key, flight in led:
                    flight.value, flight.ok = values[key], True
                    self._keep(key, flight, values[key])
                    out[key] = values[key]
        finally:
            for key, flight in led:
                self._done(key, flight)

    def invalidate(
        self, touched: Collection[str] | None = None, topic: str | None = None, *, keep: bool = False
    ) -> list[Refresh]:
        """Drop the answers of `topic` (None: every topic) covering any of `touched` (None: all),
        and keep none computed meanwhile. Returns the live answers asked for with `refresh`
        (oldest first) unless they covered everything: with `keep`, those stay until `renew` or `drop`."""
        tag = None if touched is None else frozenset(touched)

        def hit(t: str, covers: frozenset[str] | None) -> bool:
            return (topic is None or t == topic) and _overlaps(covers, tag)

        again: list[Refresh] = []
        now = time.monotonic()
        with self._lock:
            for key in [k for k, e in self._entries.items() if hit(e.topic, e.covers)]:
                e = self._entries[key]
                if e.refresh is not None and e.covers is not None and e.expires > now:
                    again.append(Refresh(key, e.refresh, e.covers, e.topic, e))
                    if keep:
                        continue
                del self._entries[key]
            for key in [k for k, f in self._flights.items() if hit(f.topic, f.covers)]:
                self._flights.pop(key).stale = True  # later askers start afresh
        return again

    def renew(self, r: Refresh) -> None:
        """Compute `r` again and keep the new answer in place of the one kept meanwhile (dropped if this fails)."""
        with self._lock:
            flight = self._flights.get(r.key)
            leader = flight is None
            if flight is None:
                flight = self._flights[r.key] = _Flight(r.topic, r.covers, r.compute)
        try:
            if leader:
                self._lead(r.key, flight, r.compute, r.covers)
            elif not (flight.done.wait(self.wait_s) and flight.ok):  # a reader began it after the write
                self.drop(r)
        except BaseException:
            self.drop(r)
            raise

    def drop(self, r: Refresh) -> None:
        """Drop the answer kept for `r` if it is still the one from before the write."""
        with self._lock:
            if self._entries.get(r.key) is r.entry:
                del self._entries[r.key]

    def __len__(self) -> int:
        return len(self._entries)
