"""Cached answers: reused until a write comes through the gateway, and never shared across scopes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from graphsvc.graph import Graph
from graphsvc.scope import Scope


def test_cached_until_a_write(graph: Graph) -> None:
    graph.cache_s = 60
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert graph.cached(("k", Scope()), compute) == 1
    assert graph.cached(("k", Scope()), compute) == 1  # reused
    assert graph.cached(("k", Scope(role="community", communities=("c1",))), compute) == 2  # another scope
    graph.write("ingest/streets", rows=[{"id": "s-cache", "name": "缓存街道", "district": None, "city": None}])
    assert graph.cached(("k", Scope()), compute) == 3  # the write cleared it
    graph.cache_s = 0
    assert graph.cached(("k", Scope()), compute) == 4  # off


def test_the_lifetime_counts_from_when_the_answer_is_ready(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("graphsvc.graph.time", SimpleNamespace(monotonic=lambda: clock[0]))
    graph.cache_s = 60
    calls = []

    def slow() -> int:
        calls.append(1)
        clock[0] += 100  # longer than the lifetime: counted from the start it would never be reused
        return len(calls)

    assert graph.cached(("slow", Scope()), slow) == 1
    clock[0] += 59
    assert graph.cached(("slow", Scope()), slow) == 1  # reused: 59 s after the answer was ready
    clock[0] += 2
    assert graph.cached(("slow", Scope()), slow) == 2  # expired 60 s after it
    graph.cache_s = 0
