"""Rule 4 党员联户 for planners: the optimal capacity-constrained assignment of members to the households
no member links (`assign_households`, min-cost flow).

Pure functions over networkx graphs; no database, no I/O. The graph comes from
`graphsvc.projection.coverage.assignment_graph`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphsvc.algorithms.common import (
    check_count,
    is_int,
    sorted_ids,
)
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.errors import InvalidInput

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Assignment", "assign_households"]


@dataclass(frozen=True)
class Assignment:
    """Result of `assign_households`."""

    pairs: list[tuple[Hashable, Hashable, int]]  # (member_id, household_id, cost), by household id
    unassigned: dict[Hashable, str]  # household_id -> 'no_candidate' | 'capacity', by household id
    total_cost: int


def _check_assignment_graph(G: Any, cap: Any) -> None:
    import networkx as nx  # here, not at the top: the coverage services import this module for every gap list

    if not isinstance(G, nx.Graph) or G.is_directed() or G.is_multigraph():
        raise InvalidInput("assign_households needs an undirected nx.Graph (not directed, not multi)")
    check_count("cap", cap)
    details: list[dict[str, Any]] = []
    for node, data in G.nodes(data=True):
        kind = data.get("kind")
        if kind == "member":
            if "capacity" in data and not is_int(data["capacity"]):
                details.append({"id": node, "field": "capacity", "problem": "not an integer"})
            if not isinstance(data.get("can_serve", True), bool):
                details.append({"id": node, "field": "can_serve", "problem": "not a boolean"})
        elif kind == "household":
            if not isinstance(data.get("vulnerable", False), bool):
                details.append({"id": node, "field": "vulnerable", "problem": "not a boolean"})
        else:
            details.append({"id": node, "field": "kind", "problem": "kind must be 'member' or 'household'"})
    kinds = dict(G.nodes(data="kind"))
    for u, v, cost in G.edges(data="cost"):
        if (kinds[u], kinds[v]) not in (("member", "household"), ("household", "member")):
            details.append({"edge": [u, v], "problem": "an edge must join a member and a household"})
        if not (is_int(cost) and cost >= 0):
            details.append({"edge": [u, v], "field": "cost", "problem": "cost must be an integer >= 0"})
    _raise("invalid assignment graph", details)


def assign_households(G: nx.Graph, *, cap: int = 15) -> Assignment:
    """Optimal member -> household assignment for unlinked households (党员联户, rule 4).

    `G` is bipartite and undirected:
    - member nodes: `kind='member'`, `capacity` (int, households it can still take: cap minus
      its current links; absent means `cap`; negative, i.e. overloaded, means 0), optional
      `can_serve` (False for e.g. a mobile member who is away);
    - household nodes: `kind='household'`, optional `vulnerable` (bool, default False);
    - member-household edges: `cost` (int >= 0; e.g. 0 same building, 1 same grid, 3 same community).

    The assignment is lexicographically best: (1) as many vulnerable households as possible,
    (2) then as many households in all as possible, (3) then the least total cost. Each
    member takes at most min(capacity, cap) households. It is solved exactly as a min-cost
    flow (`networkx.network_simplex`), one connected component at a time, with households
    that have identical candidates and costs merged into one flow node.

    Unassigned households get a reason: `'no_candidate'` (no edge to a member who can serve)
    or `'capacity'` (candidates exist but are full).

    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("m1", kind="member", capacity=1)
    >>> G.add_nodes_from(["h1", "h2"], kind="household")
    >>> G.nodes["h2"]["vulnerable"] = True
    >>> G.add_node("h3", kind="household")
    >>> G.add_edge("m1", "h1", cost=0); G.add_edge("m1", "h2", cost=3)
    >>> assign_households(G)
    Assignment(pairs=[('m1', 'h2', 3)], unassigned={'h1': 'capacity', 'h3': 'no_candidate'}, total_cost=3)
    """
    import networkx as nx

    _check_assignment_graph(G, cap)
    nodes = G.nodes
    serving = {n for n, d in nodes(data=True) if d["kind"] == "member" and d.get("can_serve", True)}
    capacity = {m: max(0, min(cap, nodes[m].get("capacity", cap))) for m in serving}
    households = [n for n, d in nodes(data=True) if d["kind"] == "household"]

    # Full or absent members drop out, which splits the city into many small flow problems.
    active = [m for m in serving if capacity[m] > 0]
    H = G.subgraph(active + households)
    chosen: dict[Hashable, tuple[Hashable, int]] = {}
    for component in nx.connected_components(H):
        members = sorted_ids(n for n in component if nodes[n]["kind"] == "member")
        if members:
            comp_households = sorted_ids(n for n in component if nodes[n]["kind"] == "household")
            chosen.update(_assign_component(G, members, comp_households, capacity))

    pairs: list[tuple[Hashable, Hashable, int]] = []
    unassigned: dict[Hashable, str] = {}
    for h in sorted_ids(households):
        if h in chosen:
            m, cost = chosen[h]
            pairs.append((m, h, cost))
        elif any(m in serving for m in G.adj[h]):
            unassigned[h] = "capacity"
        else:
            unassigned[h] = "no_candidate"
    return Assignment(pairs=pairs, unassigned=unassigned, total_cost=sum(p[2] for p in pairs))


def _assign_component(
    G: nx.Graph,
    members: list[Hashable],
    households: list[Hashable],
    capacity: Mapping[Hashable, int],
) -> dict[Hashable, tuple[Hashable, int]]:
    import networkx as nx

    offers: dict[Hashable, list[tuple[Hashable, int]]] = {h: [] for h in households}
    for m in members:  # members in id order, so each household's offers come out sorted
        for h, data in G.adj[m].items():
            offers[h].append((m, data["cost"]))
    # Households with the same candidates at the same costs and the same flag are interchangeable
    # (typically: one building), so each such class becomes one flow node carrying its size. This
    # is exact for integral flows and turns 400 x 40 edges per community into about 40 x 40.
    classes: dict[tuple[bool, tuple[tuple[Hashable, int], ...]], list[Hashable]] = {}
    for h in households:
        key = (bool(G.nodes[h].get("vulnerable", False)), tuple(offers[h]))
        classes.setdefault(key, []).append(h)

    n = len(households)
    max_cost = max((c for _, offer in classes for _, c in offer), default=0)
    # Integer weights keep network_simplex exact. Placing one more household is worth more than
    # any possible total cost (n * max_cost), and placing one more vulnerable household is worth
    # more than any number of other placements plus cost: this encodes the lexicographic goal.
    assign_w = n * max_cost + 1
    vulnerable_w = (n + 1) * assign_w
    supply = min(sum(capacity[m] for m in members), n)

    source, sink = ("source",), ("sink",)
    F = nx.DiGraph()
    F.add_node(source, demand=-supply)
    F.add_node(sink, demand=supply)
    # Leaving a unit of capacity unused must be allowed, so the flow may bypass households.
    F.add_edge(source, sink, capacity=supply, weight=0)
    for m in members:
        F.add_edge(source, ("m", m), capacity=capacity[m], weight=0)
    for k, ((vulnerable, offer), group) in enumerate(classes.items()):
        gain = assign_w + (vulnerable_w if vulnerable else 0)
        F.add_edge(("k", k), sink, capacity=len(group), weight=-gain)
        for m, cost in offer:
            F.add_edge(("m", m), ("k", k), capacity=len(group), weight=cost)

    _, flow = nx.network_simplex(F)
    chosen: dict[Hashable, tuple[Hashable, int]] = {}
    for k, ((_, offer), group) in enumerate(classes.items()):
        waiting = iter(group)  # in id order, so equal households are handed out by id
        for m, cost in offer:
            for _ in range(flow[("m", m)][("k", k)]):
                chosen[next(waiting)] = (m, cost)
    return chosen
