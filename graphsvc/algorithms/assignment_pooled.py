"""Rule 4 党员联户 for one community when costs follow the place hierarchy (`assign_pooled`).

Within a community every household may be served by every member pool (the members of one
building), at a cost that depends only on where the two live: same building, same grid, or
elsewhere in the community. Those costs are distances in a tree (building - grid - community),
so the min-cost flow can run over that tree — about buildings + grids arcs — instead of over
every pool-household pair; the optimum is the same as `assign_households` on the full bipartite
graph. Pure functions; no database, no I/O.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Sequence
from typing import Any

from graphsvc.algorithms.assignment import Assignment
from graphsvc.algorithms.common import check_count, sorted_ids
from graphsvc.errors import InvalidInput

__all__ = ["assign_pooled", "grids_agree"]

HouseholdRow = tuple[Hashable, Hashable, Hashable, bool]  # (id, building, grid or None, vulnerable)
PoolRow = tuple[Hashable, Hashable, Hashable, int]  # (id, building, grid or None, capacity)


def grids_agree(households: Sequence[HouseholdRow], pools: Sequence[PoolRow]) -> bool:
    """Whether every building has one grid across the rows (what `assign_pooled` needs).

    >>> grids_agree([("h1", "b1", "g1", False)], [("p1", "b1", "g2", 1)])
    False
    """
    grid: dict[Hashable, Hashable] = {}
    return all(grid.setdefault(r[1], r[2]) == r[2] for r in [*households, *pools])


def _grid_of(households: Sequence[HouseholdRow], pools: Sequence[PoolRow]) -> dict[Hashable, Hashable]:
    grid: dict[Hashable, Hashable] = {}
    for _, building, g, _ in [*households, *pools]:
        if grid.setdefault(building, g) != g:
            raise InvalidInput("assign_pooled needs one grid per building", details=[{"building": building}])
    return grid


def _pair_cost(a: Hashable, b: Hashable, grid: dict[Hashable, Hashable], same_grid: int, elsewhere: int) -> int:
    if a == b:
        return 0
    return same_grid if grid[a] is not None and grid[a] == grid[b] else elsewhere


def _solve_tree(
    households: Sequence[HouseholdRow],
    room: dict[Hashable, int],
    grid: dict[Hashable, Hashable],
    same_grid: int,
    elsewhere: int,
) -> tuple[dict[tuple[Hashable, bool], int], dict[Hashable, int]]:
    """Households served per (building, vulnerable) class and capacity used per building."""
    import networkx as nx

    size: dict[tuple[Hashable, bool], int] = defaultdict(int)
    for _, building, _, vulnerable in households:
        size[(building, vulnerable)] += 1
    n = len(households)
    # Costs doubled: building - grid arcs cost same_grid, grid - community arcs elsewhere - same_grid,
    # so a path between two buildings costs twice the pair cost. Same lexicographic weights as
    # `assign_households`: one more vulnerable household outweighs everything else, then one more household.
    assign_w = n * 2 * elsewhere + 1
    vulnerable_w = (n + 1) * assign_w
    supply = min(sum(room.values()), n)
    source, sink, top = ("source",), ("sink",), ("top",)
    F = nx.DiGraph()
    F.add_node(source, demand=-supply)
    F.add_node(sink, demand=supply)
    F.add_edge(source, sink, capacity=supply, weight=0)
    for building in sorted_ids(room):
        F.add_edge(source, ("b", building), capacity=room[building], weight=0)
    for building in sorted_ids(grid):
        g = grid[building]
        up, w = (top, 2 * elsewhere) if g is None else (("g", g), same_grid)
        F.add_edge(("b", building), up, weight=w)
        F.add_edge(up, ("b", building), weight=w)
        if g is not None and not F.has_edge(up, top):
            F.add_edge(up, top, weight=2 * elsewhere - 2 * same_grid)
            F.add_edge(top, up, weight=2 * elsewhere - 2 * same_grid)
    for building, vulnerable in sorted(size, key=repr):  # the flow network in id order: the same answer for any input order
        k = size[(building, vulnerable)]
        gain = assign_w + (vulnerable_w if vulnerable else 0)
        F.add_edge(("b", building), ("k", building, vulnerable), capacity=k, weight=-gain)
        F.add_edge(("k", building, vulnerable), sink, weight=0)
    _, flow = nx.network_simplex(F)
    served = {c: flow[("b", c[0])][("k", *c)] for c in size}
    used = {b: flow[source][("b", b)] for b in room}
    return served, used


def _pair_up(
    takers: list[tuple[Hashable, Hashable]],
    givers: list[list[Any]],
    level: Any,
) -> tuple[list[tuple[Hashable, Hashable, Hashable, Hashable]], list[list[Any]], list[tuple[Hashable, Hashable]]]:
    """Match households (id, building) with pool units [pool, building, units] whose buildings share
    `level(building)`, each in the given order; returns the pairs (pool, its building, household, its
    building) and what is left on each side."""
    open_units: dict[Hashable, deque[list[Any]]] = defaultdict(deque)
    for unit in givers:
        open_units[level(unit[1])].append(unit)
    pairs, left = [], []
    for h, building in takers:
        queue = open_units.get(level(building))
        while queue and queue[0][2] == 0:
            queue.popleft()
        if not queue:
            left.append((h, building))
            continue
        queue[0][2] -= 1
        pairs.append((queue[0][0], queue[0][1], h, building))
    return pairs, [u for u in givers if u[2] > 0], left


def assign_pooled(
    households: Sequence[HouseholdRow],
    pools: Sequence[PoolRow],
    *,
    same_grid: int = 1,
    elsewhere: int = 3,
) -> Assignment:
    """The optimal assignment of households to member pools within one community (rule 4).

    households: (id, building, grid or None, vulnerable); pools: (id, building, grid or None,
    capacity). Every pool may serve every household at cost 0 (same building), `same_grid` (same
    grid, not None) or `elsewhere`; each building has one grid. The optimum is the one
    `assign_households` finds on the full bipartite graph with those costs — (1) most vulnerable
    households, (2) most households, (3) least total cost — and ties are broken deterministically:
    within a class the lowest household ids are served, and pairs are made nearest first, households
    and pools in id order.

    >>> assign_pooled([("h1", "b1", "g1", False), ("h2", "b2", "g1", True)], [("p1", "b1", "g1", 1)])
    Assignment(pairs=[('p1', 'h2', 1)], unassigned={'h1': 'capacity'}, total_cost=1)
    """
    if not (isinstance(same_grid, int) and isinstance(elsewhere, int) and 0 <= same_grid <= elsewhere):
        raise InvalidInput("assign_pooled needs integer costs 0 <= same_grid <= elsewhere")
    for p in pools:
        check_count("capacity", p[3])
    grid = _grid_of(households, pools)
    ordered = [p for p in _by_id(pools) if p[3] > 0]
    room: dict[Hashable, int] = defaultdict(int)
    for _, building, _, capacity in ordered:
        room[building] += capacity
    chosen: dict[Hashable, tuple[Hashable, int]] = {}
    if ordered and households:
        if sum(room.values()) >= len(households):
            # Room for everyone: every household is served, so only the cost is left to minimise, and on
            # these nested places (building within grid within community) matching nearest first is optimal.
            takers = [(h, building) for h, building, _, _ in _by_id(households)]
            givers = [[pool, building, capacity] for pool, building, _, capacity in ordered]
        else:
            served, used = _solve_tree(households, dict(room), grid, same_grid, elsewhere)
            takers = _served(households, served)
            givers = _used(ordered, used)
        # Nearest first: a tree's optimal transport matches inside each building, then each grid, then the rest.
        for level in (_same_building, lambda b: ("g", grid[b]) if grid[b] is not None else ("b", b), _anywhere):
            pairs, givers, takers = _pair_up(takers, givers, level)
            for pool, pb, h, b in pairs:
                chosen[h] = (pool, _pair_cost(pb, b, grid, same_grid, elsewhere))
    pairs_out: list[tuple[Hashable, Hashable, int]] = []
    unassigned: dict[Hashable, str] = {}
    for h in sorted_ids(r[0] for r in households):
        if h in chosen:
            pairs_out.append((chosen[h][0], h, chosen[h][1]))
        else:
            unassigned[h] = "capacity" if pools else "no_candidate"
    return Assignment(pairs=pairs_out, unassigned=unassigned, total_cost=sum(p[2] for p in pairs_out))


def _same_building(building: Hashable) -> Hashable:
    return building


def _anywhere(building: Hashable) -> Hashable:
    return 0


def _by_id(rows: Sequence[Any]) -> list[Any]:
    index = {r[0]: r for r in rows}
    return [index[i] for i in sorted_ids(index)]


def _served(
    households: Sequence[HouseholdRow], served: dict[tuple[Hashable, bool], int]
) -> list[tuple[Hashable, Hashable]]:
    """The households the flow serves, (id, building) in id order: in each class, the lowest ids."""
    left = dict(served)
    out = []
    for h, building, _, vulnerable in _by_id(households):
        if left[(building, vulnerable)] > 0:
            left[(building, vulnerable)] -= 1
            out.append((h, building))
    return out


def _used(pools: list[PoolRow], used: dict[Hashable, int]) -> list[list[Any]]:
    """The pool units the flow uses, [pool, building, units] in pool id order: in a building, the lowest ids first."""
    left = dict(used)
    out = []
    for pool, building, _, capacity in pools:
        take = min(capacity, left[building])
        if take:
            left[building] -= take
            out.append([pool, building, take])
    return out
