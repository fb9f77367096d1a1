"""`assign_pooled` (the flow over the building - grid - community tree) against the full bipartite
min-cost flow `assign_households` solved with networkx network simplex."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from benchmarks.reference_solvers import assign_pooled_networkx_reference
from graphsvc.algorithms.assignment import Assignment
from graphsvc.algorithms.assignment_pooled import assign_pooled
from graphsvc.errors import InvalidInput


def _instance(seed: int) -> tuple[list, list]:
    rng = random.Random(seed)
    n_buildings = rng.randint(1, 9)
    grids = [None, "g1", "g2", "g3"][: rng.randint(1, 4)]
    grid = {f"b{i}": rng.choice(grids) for i in range(n_buildings)}
    households = [
        (f"h{i:03d}", b, grid[b], rng.random() < 0.3)
        for i, b in enumerate(rng.choice(list(grid)) for _ in range(rng.randint(0, 40)))
    ]
    pools = [(f"p{b}", b, grid[b], rng.choice([0, 1, 2, 3, 5, 20] if seed % 2 else [0, 5, 20, 40])) for b in grid if rng.random() < 0.6]
    return households, pools


def _key(result: Assignment, households: list) -> tuple[int, int, int]:
    vulnerable = {h[0] for h in households if h[3]}
    served = [p[1][1] if isinstance(p[1], tuple) else p[1] for p in result.pairs]
    return sum(h in vulnerable for h in served), len(served), result.total_cost


@pytest.mark.parametrize("seed", range(120))
def test_same_optimum_as_the_full_bipartite_flow(seed: int) -> None:
    households, pools = _instance(seed)
    result = assign_pooled(households, pools)
    assert _key(result, households) == _key(assign_pooled_networkx_reference(households, pools), households)
    # A valid assignment: capacities kept, each cost is the pair's, the total is their sum, everyone accounted for.
    capacity = {p[0]: p[3] for p in pools}
    where = {p[0]: (p[1], p[2]) for p in pools}
    assert all(n <= capacity[p] for p, n in Counter(p for p, _, _ in result.pairs).items())
    for pool, h, cost in result.pairs:
        _, building, grid, _ = next(x for x in households if x[0] == h)
        expected = 0 if where[pool][0] == building else 1 if grid is not None and where[pool][1] == grid else 3
        assert cost == expected
    assert result.total_cost == sum(c for _, _, c in result.pairs)
    assert sorted(map(str, [p[1] for p in result.pairs] + list(result.unassigned))) == sorted(h[0] for h in households)
    assert assign_pooled(list(reversed(households)), list(reversed(pools))) == result  # deterministic


def test_ties_and_scarce_capacity_serve_the_vulnerable_first() -> None:
    households = [("h1", "b1", "g", False), ("h2", "b2", "g", True), ("h3", "b3", None, True), ("h4", "b1", "g", False)]
    pools = [("p1", "b1", "g", 2)]
    result = assign_pooled(households, pools)
    assert result.pairs == [("p1", "h2", 1), ("p1", "h3", 3)]
    assert result.unassigned == {"h1": "capacity", "h4": "capacity"}
    assert assign_pooled(households, []).unassigned == dict.fromkeys(["h1", "h2", "h3", "h4"], "no_candidate")


def test_rejects_two_grids_for_one_building_and_bad_costs() -> None:
    with pytest.raises(InvalidInput):
        assign_pooled([("h1", "b1", "g1", False)], [("p1", "b1", "g2", 1)])
    with pytest.raises(InvalidInput):
        assign_pooled([], [], same_grid=4, elsewhere=3)
    with pytest.raises(InvalidInput):
        assign_pooled([], [("p1", "b1", None, -1)])
