"""Reference solvers the benchmarks (and the algorithm tests' cross-checks) compare graphsvc's solvers with:
the same instances through generic networkx algorithms. Not used by graphsvc itself.

- `allocate_networkx_reference`: `graphsvc.algorithms.allocation.allocate`'s problem as a min-cost flow
- `optimal_pairing_networkx_reference`: caps-1 `optimal_pairing` as networkx `max_weight_matching`
- `assign_pooled_networkx_reference`: `assign_pooled`'s problem on the full bipartite graph (`assign_households`)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

import networkx as nx
import numpy as np

from graphsvc.algorithms.allocation import Allocation, build_instance, report
from graphsvc.algorithms.assignment import Assignment, assign_households
from graphsvc.algorithms.matching import Need, Resource
from graphsvc.algorithms.pairing import Pair, PairingResult
from graphsvc.algorithms.pairing_problem import build_problem, pairing_result

__all__ = ["allocate_networkx_reference", "assign_pooled_networkx_reference", "optimal_pairing_networkx_reference"]

# networkx network simplex is exact only on integers: values are scaled to micro-units.
_NX_SCALE = 1_000_000


def allocate_networkx_reference(
    needs: Sequence[Need],
    resources: Sequence[Resource],
    *,
    distance_cost_per_km: float = 0.2,
    locked: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    max_km: float | None = None,
    k_nearest: int | None = None,
) -> Allocation:
    """`allocate`'s problem as a generic networkx min-cost flow, for benchmarks and cross-checks.

    Same arguments, same pruned instance, same report; only the solver differs. The network is
    source → resource (capacity) → need (cost −value) → sink (quantity), plus a free
    resource → sink edge for units left unused, so a maximum flow exists for every allocation and
    `nx.max_flow_min_cost` finds the most valuable one. Locked pairs are pre-assigned one unit.
    Values are rounded to micro-units because network simplex is exact only on integers.

    >>> n1 = Need(id="n1", community_id="c1", kind="venue", quantity=2, urgency=5, lat=39.0, lon=121.0)
    >>> r1 = Resource(id="r1", owner_id="u1", kind="venue", capacity=3, lat=39.0, lon=121.0)
    >>> allocate_networkx_reference([n1], [r1]).objective
    10.0
    """
    inst = build_instance(
        needs,
        resources,
        distance_cost_per_km=distance_cost_per_km,
        locked=locked,
        forbidden=forbidden,
        max_km=max_km,
        k_nearest=k_nearest,
    )
    n_count, r_count = len(inst.needs), len(inst.resources)
    # Nodes: resources 0..R-1, needs R..R+N-1, then source and sink.
    source, sink = r_count + n_count, r_count + n_count + 1
    supply = inst.capacity.copy()
    demand = inst.quantity.copy()
    np.subtract.at(supply, inst.edge_res[inst.locked], 1)
    np.subtract.at(demand, inst.edge_need[inst.locked], 1)
    G = nx.DiGraph()
    for j in range(r_count):
        G.add_edge(source, j, capacity=int(supply[j]), weight=0)
        G.add_edge(j, sink, capacity=int(supply[j]), weight=0)
    for i in range(n_count):
        G.add_edge(r_count + i, sink, capacity=int(demand[i]), weight=0)
    costs = -np.rint(inst.value * _NX_SCALE).astype(np.int64)
    for i, j, cost in zip(inst.edge_need.tolist(), inst.edge_res.tolist(), costs.tolist()):
        G.add_edge(j, r_count + i, weight=cost)  # no capacity attribute: unbounded
    flow = nx.max_flow_min_cost(G, source, sink)
    units = inst.locked.astype(np.int64)
    for e, (i, j) in enumerate(zip(inst.edge_need.tolist(), inst.edge_res.tolist())):
        units[e] += flow[j][r_count + i]
    return report(inst, units)


def optimal_pairing_networkx_reference(scores: Mapping[Pair, float]) -> PairingResult:
    """Caps-1 optimal pairing with networkx `max_weight_matching` (benchmark reference only).

    >>> optimal_pairing_networkx_reference({("u1", "r1"): 3.0, ("u1", "r2"): 2.0, ("u2", "r1"): 2.5}).objective
    4.5
    """
    prob = build_problem(
        scores, urban_cap=1, rural_cap=1, cap_overrides=None, locked=(), forbidden=(), existing=(), released=()
    )
    G = nx.Graph()
    n = len(prob.urban)
    positive = prob.w > 0
    # Rural nodes are offset by n so the two sides never share a node.
    G.add_weighted_edges_from(
        zip(prob.ei[positive].tolist(), (n + prob.ej[positive]).tolist(), prob.w[positive].tolist())
    )
    chosen = [(min(a, b), max(a, b) - n) for a, b in nx.max_weight_matching(G)]
    return pairing_result(prob, chosen, "networkx")


def assign_pooled_networkx_reference(
    households: Sequence[tuple[Hashable, Hashable, Hashable, bool]],
    pools: Sequence[tuple[Hashable, Hashable, Hashable, int]],
    *,
    same_grid: int = 1,
    elsewhere: int = 3,
) -> Assignment:
    """`assign_pooled`'s problem as the service solved it before: every pool joined to every household
    (cost 0 same building, `same_grid` same grid, `elsewhere` otherwise) and `assign_households`."""
    G = nx.Graph()
    for pool, _, _, capacity in pools:
        G.add_node(("pool", pool), kind="member", capacity=capacity)
    for h, building, grid, vulnerable in households:
        G.add_node(("household", h), kind="household", vulnerable=vulnerable)
        for pool, pool_building, pool_grid, _ in pools:
            if pool_building == building:
                cost = 0
            elif grid is not None and pool_grid == grid:
                cost = same_grid
            else:
                cost = elsewhere
            G.add_edge(("pool", pool), ("household", h), cost=cost)
    return assign_households(G, cap=max((p[3] for p in pools), default=0))
