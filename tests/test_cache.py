"""Cached answers: reused until a write comes through the gateway, and never shared across scopes."""

from __future__ import annotations

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
