"""Coverage gaps for planners: who should close each gap (rules 2, 3, 4 and resilience).

Pure functions over networkx graphs or plain lists of dicts; no database, no I/O.

- rule 4 党员联户: `assign_households` (optimal capacity-constrained assignment, min-cost flow)
- rule 2 党小组联幢: `suggest_group_for_buildings`
- rule 3 支部进楼宇: `propose_building_branches`
- resilience: `what_if_removed`

Where to place service points (rule 9) is in `graphsvc.algorithms.placement`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np

from graphsvc.algorithms.common import (
    EARTH_RADIUS_M,
    check_count,
    check_point,
    check_positive,
    check_unique,
    haversine_m,
    id_key,
    is_int,
    sorted_ids,
)
from graphsvc.algorithms.common import haversine_grid_m as _haversine_grid
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.errors import InvalidInput

__all__ = [
    "EARTH_RADIUS_M",
    "Assignment",
    "GroupCandidate",
    "GroupOptions",
    "ProposedBranch",
    "RemovalImpact",
    "assign_households",
    "haversine_m",
    "neighbour_clusters",
    "propose_building_branches",
    "suggest_group_for_buildings",
    "what_if_removed",
]


# --------------------------------------------------------------------------- rule 4 党员联户


@dataclass(frozen=True)
class Assignment:
    """Result of `assign_households`."""

    pairs: list[tuple[Hashable, Hashable, int]]  # (member_id, household_id, cost), by household id
    unassigned: dict[Hashable, str]  # household_id -> 'no_candidate' | 'capacity', by household id
    total_cost: int


def _check_assignment_graph(G: Any, cap: Any) -> None:
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

    >>> G = nx.Graph()
    >>> G.add_node("m1", kind="member", capacity=1)
    >>> G.add_nodes_from(["h1", "h2"], kind="household")
    >>> G.nodes["h2"]["vulnerable"] = True
    >>> G.add_node("h3", kind="household")
    >>> G.add_edge("m1", "h1", cost=0); G.add_edge("m1", "h2", cost=3)
    >>> assign_households(G)
    Assignment(pairs=[('m1', 'h2', 3)], unassigned={'h1': 'capacity', 'h3': 'no_candidate'}, total_cost=3)
    """
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


# --------------------------------------------------------------------------- rule 2 党小组联幢


@dataclass(frozen=True)
class GroupCandidate:
    group_id: Hashable
    why: dict[str, Any]  # distance_m (int), same_community, buildings_now, capacity_left (int | None)


@dataclass(frozen=True)
class GroupOptions:
    """What to do about one uncovered building; `candidates` best first."""

    building_id: Hashable
    action: Literal["join_group", "form_group", "no_option"]
    candidates: list[GroupCandidate]
    # resident_members, groups_in_community, groups_full_in_community, min_new_group_members
    why: dict[str, Any] = field(default_factory=dict)


def _check_rows(
    where: str, rows: Sequence[Mapping[str, Any]], count_field: str, *, count_required: bool
) -> list[dict[str, Any]]:
    details: list[dict[str, Any]] = []
    for row in rows:
        missing = [k for k in ("id", "community_id", "lat", "lon") if k not in row]
        if count_required and count_field not in row:
            missing.append(count_field)
        if missing:
            details.append({"table": where, "id": row.get("id"), "problem": f"missing {', '.join(missing)}"})
            continue
        check_point(where, row["id"], row["lat"], row["lon"], details)
        count = row.get(count_field, 0)
        if not (is_int(count) and count >= 0):
            details.append({"table": where, "id": row["id"], "field": count_field, "problem": "not an integer >= 0"})
    check_unique(where, (r["id"] for r in rows if "id" in r), details)
    return details


def _coords(rows: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([r["lat"] for r in rows], dtype=float), np.array([r["lon"] for r in rows], dtype=float)


def suggest_group_for_buildings(
    uncovered: Sequence[Mapping[str, Any]],
    groups: Sequence[Mapping[str, Any]],
    *,
    max_buildings_per_group: int | None = None,
    top: int = 3,
    cross_community_m: float = 300.0,
    min_new_group_members: int = 3,
) -> list[GroupOptions]:
    """Rank existing Party groups for each residential building no group covers (rule 2).

    `uncovered`: `[{"id", "community_id", "lat", "lon", "resident_members"?}]` — the buildings,
    with the number of members living there (default 0).
    `groups`: `[{"id", "community_id", "lat", "lon", "buildings_now"}]` — every existing group,
    located at a representative point (e.g. the centroid of the buildings it covers), with the
    number of buildings it covers now.

    A group qualifies if it has room (`buildings_now < max_buildings_per_group`, or no limit) and
    is in the building's community, or in another community but within `cross_community_m`
    (a group answers to its community branch, so crossing a border only makes sense next door).
    Ranking: same community first, then nearest, then most room, then group id. Capacity is
    today's: suggestions for two buildings may name the same group.

    With no qualifying group, the building gets `action='form_group'` when at least
    `min_new_group_members` members live in it, else `'no_option'`.

    >>> buildings = [{"id": "b1", "community_id": "c1", "lat": 30.0, "lon": 120.0, "resident_members": 4}]
    >>> groups = [{"id": "g1", "community_id": "c1", "lat": 30.001, "lon": 120.0, "buildings_now": 2}]
    >>> s = suggest_group_for_buildings(buildings, groups, max_buildings_per_group=3)[0]
    >>> s.action, s.candidates[0].group_id, s.candidates[0].why
    ('join_group', 'g1', {'distance_m': 111, 'same_community': True, 'buildings_now': 2, 'capacity_left': 1})
    """
    details = _check_rows("buildings", uncovered, "resident_members", count_required=False)
    details += _check_rows("groups", groups, "buildings_now", count_required=True)
    _raise("invalid input for group suggestions", details)
    if max_buildings_per_group is not None:
        check_count("max_buildings_per_group", max_buildings_per_group)
    check_count("top", top)
    check_count("min_new_group_members", min_new_group_members)
    check_positive("cross_community_m", cross_community_m, allow_zero=True)

    if uncovered and groups:
        dist = _haversine_grid(*_coords(uncovered), *_coords(groups))
    else:
        dist = np.zeros((len(uncovered), len(groups)))
    room: list[int | None] = [
        None if max_buildings_per_group is None else max(0, max_buildings_per_group - g["buildings_now"])
        for g in groups
    ]

    result: list[GroupOptions] = []
    for i, b in sorted(enumerate(uncovered), key=lambda ib: id_key(ib[1]["id"])):
        ranked: list[tuple[tuple[Any, ...], GroupCandidate]] = []
        in_community = full_in_community = 0
        for j, g in enumerate(groups):
            same = g["community_id"] == b["community_id"]
            in_community += same
            if room[j] == 0:
                full_in_community += same
                continue
            if not same and dist[i, j] > cross_community_m:
                continue
            left = room[j]
            why = {
                "distance_m": round(float(dist[i, j])),
                "same_community": same,
                "buildings_now": g["buildings_now"],
                "capacity_left": left,
            }
            key = (not same, float(dist[i, j]), -(math.inf if left is None else left), id_key(g["id"]))
            ranked.append((key, GroupCandidate(group_id=g["id"], why=why)))
        ranked.sort(key=lambda kc: kc[0])
        residents = b.get("resident_members", 0)
        action: Literal["join_group", "form_group", "no_option"]
        if ranked:
            action = "join_group"
        elif residents >= min_new_group_members:
            action = "form_group"
        else:
            action = "no_option"
        result.append(
            GroupOptions(
                building_id=b["id"],
                action=action,
                candidates=[c for _, c in ranked[:top]],
                why={
                    "resident_members": residents,
                    "groups_in_community": in_community,
                    "groups_full_in_community": full_in_community,
                    "min_new_group_members": min_new_group_members,
                },
            )
        )
    return result


# --------------------------------------------------------------------------- rule 3 支部进楼宇


@dataclass(frozen=True)
class ProposedBranch:
    """One proposed building branch: a single building or a cluster of neighbours."""

    community_id: Hashable
    anchor_id: Hashable  # the building the cluster grew from (the one with most members)
    building_ids: list[Hashable]  # anchor first, then in the order they joined (nearest first)
    members: int
    why: dict[str, Any]  # kind ('single' | 'cluster'), threshold, max_distance_m, radius_m


def neighbour_clusters(
    buildings: Sequence[Mapping[str, Any]], *, max_distance_m: float, threshold: int
) -> list[list[Mapping[str, Any]]]:
    """Rule 3's clusters of neighbouring buildings (支部进楼宇, the one definition the gap list, the branch
    proposals and the tests' reading of the rules share).

    `buildings`: `[{"id", "community_id", "lat", "lon", "resident_members"}]`, the candidates the caller
    chose (for rule 3: no building branch yet, each at most `threshold` resident members). Two buildings
    of one community are neighbours when less than `max_distance_m` apart; a cluster is a connected
    group of two or more neighbours whose resident members together exceed `threshold`. Each cluster's
    rows are sorted by id; clusters by their first id.

    >>> rows = [
    ...     {"id": "b1", "community_id": "c1", "lat": 30.0, "lon": 120.0, "resident_members": 30},
    ...     {"id": "b2", "community_id": "c1", "lat": 30.001, "lon": 120.0, "resident_members": 25},
    ...     {"id": "b3", "community_id": "c2", "lat": 30.0005, "lon": 120.0, "resident_members": 40},
    ... ]
    >>> [[b["id"] for b in c] for c in neighbour_clusters(rows, max_distance_m=150, threshold=50)]
    [['b1', 'b2']]
    """
    G = nx.Graph()
    by_community: dict[Hashable, list[Mapping[str, Any]]] = {}
    for b in buildings:
        G.add_node(b["id"], row=b)
        by_community.setdefault(b["community_id"], []).append(b)
    for rows in by_community.values():
        for i, a in enumerate(rows):
            for c in rows[i + 1 :]:
                if haversine_m(a["lat"], a["lon"], c["lat"], c["lon"]) < max_distance_m:
                    G.add_edge(a["id"], c["id"])
    clusters = []
    for ids in nx.connected_components(G):
        rows = sorted((G.nodes[i]["row"] for i in ids), key=lambda r: id_key(r["id"]))
        if len(rows) > 1 and sum(r["resident_members"] for r in rows) > threshold:
            clusters.append(rows)
    return sorted(clusters, key=lambda rows: id_key(rows[0]["id"]))


def propose_building_branches(
    buildings: Sequence[Mapping[str, Any]],
    *,
    threshold: int = 50,
    max_distance_m: float = 300.0,
) -> list[ProposedBranch]:
    """Propose building branches where more than `threshold` members live (rule 3, 支部进楼宇).

    `buildings`: `[{"id", "community_id", "lat", "lon", "resident_members"}]`, only buildings no
    building branch covers yet (the caller filters).

    A building with more than `threshold` resident members gets a branch of its own. The rest
    are clustered greedily inside the clusters of `neighbour_clusters` (the one definition of
    rule 3's neighbours): anchors are taken by most members (then id), and each anchor adds the
    nearest remaining buildings of its cluster within `max_distance_m` of it (ties by id) until
    the members exceed `threshold`. Measuring from the
    anchor, not from the last building added, keeps a cluster compact enough for one branch. An
    anchor that cannot reach the threshold proposes nothing; its neighbours stay available.
    Buildings with no resident member never join a cluster (they add nothing to the count).

    >>> rows = [
    ...     {"id": "b1", "community_id": "c1", "lat": 30.0, "lon": 120.0, "resident_members": 60},
    ...     {"id": "b2", "community_id": "c1", "lat": 30.01, "lon": 120.0, "resident_members": 30},
    ...     {"id": "b3", "community_id": "c1", "lat": 30.011, "lon": 120.0, "resident_members": 25},
    ... ]
    >>> [(p.building_ids, p.members, p.why["kind"]) for p in propose_building_branches(rows)]
    [(['b1'], 60, 'single'), (['b2', 'b3'], 55, 'cluster')]
    """
    _raise("invalid buildings", _check_rows("buildings", buildings, "resident_members", count_required=True))
    check_count("threshold", threshold)
    check_positive("max_distance_m", max_distance_m, allow_zero=True)

    proposals: list[ProposedBranch] = []
    by_community: dict[Hashable, list[Mapping[str, Any]]] = {}
    for b in buildings:
        by_community.setdefault(b["community_id"], []).append(b)

    def proposal(community: Hashable, rows: list[Mapping[str, Any]], kind: str, radius: float) -> ProposedBranch:
        why = {"kind": kind, "threshold": threshold, "max_distance_m": max_distance_m, "radius_m": round(radius)}
        members = sum(r["resident_members"] for r in rows)
        return ProposedBranch(community, rows[0]["id"], [r["id"] for r in rows], members, why)

    for community in sorted_ids(by_community):
        rows = sorted(by_community[community], key=lambda r: (-r["resident_members"], id_key(r["id"])))
        singles = [r for r in rows if r["resident_members"] > threshold]
        proposals += [proposal(community, [r], "single", 0.0) for r in singles]
        rest = [r for r in rows if 0 < r["resident_members"] <= threshold]
        if not rest:
            continue
        cluster_of = {
            r["id"]: k
            for k, c in enumerate(neighbour_clusters(rest, max_distance_m=max_distance_m, threshold=threshold))
            for r in c
        }
        dist = _haversine_grid(*_coords(rest), *_coords(rest))
        available = {i for i, r in enumerate(rest) if r["id"] in cluster_of}
        for a in range(len(rest)):  # rest is already in anchor order
            if a not in available:
                continue
            mine = cluster_of[rest[a]["id"]]
            near = sorted(
                (j for j in available if j != a and cluster_of[rest[j]["id"]] == mine and dist[a, j] <= max_distance_m),
                key=lambda j: (float(dist[a, j]), id_key(rest[j]["id"])),
            )
            cluster, total = [a], rest[a]["resident_members"]
            for j in near:
                if total > threshold:
                    break
                cluster.append(j)
                total += rest[j]["resident_members"]
            if total > threshold:
                available.difference_update(cluster)
                radius = max(float(dist[a, j]) for j in cluster)
                proposals.append(proposal(community, [rest[j] for j in cluster], "cluster", radius))
    return proposals


# --------------------------------------------------------------------------- resilience


@dataclass(frozen=True)
class RemovalImpact:
    """Targets left with no coverer; each maps to the removed nodes that covered it, sorted."""

    households: dict[Hashable, list[Hashable]]
    buildings: dict[Hashable, list[Hashable]]


def what_if_removed(G: nx.DiGraph, removed: Iterable[Hashable]) -> RemovalImpact:
    """Households and buildings that lose their last coverer when `removed` nodes are gone.

    `G` is a directed coverage graph: member -> household for LINKS and HELPS, group (or
    building branch) -> building for COVERS; node attr `kind` ('household' / 'building' for the
    targets). Every edge into a target counts as covering it. Only targets covered before the
    removal are reported (one already uncovered is a gap, not an effect of the removal), and a
    removed target is not reported.

    >>> G = nx.DiGraph()
    >>> G.add_nodes_from(["m1", "m2"], kind="member"); G.add_nodes_from(["h1", "h2"], kind="household")
    >>> G.add_edges_from([("m1", "h1"), ("m1", "h2"), ("m2", "h2")])
    >>> what_if_removed(G, ["m1"])
    RemovalImpact(households={'h1': ['m1']}, buildings={})
    """
    if not isinstance(G, nx.DiGraph):
        raise InvalidInput("what_if_removed needs a directed graph (nx.DiGraph or nx.MultiDiGraph)")
    gone = set(removed)
    unknown = sorted_ids(n for n in gone if n not in G)
    _raise("unknown nodes in removed", [{"id": n, "problem": "not in the graph"} for n in unknown])

    impact: dict[str, dict[Hashable, list[Hashable]]] = {"household": {}, "building": {}}
    hit = {t for r in gone for t in G.successors(r)} - gone
    for t in sorted_ids(hit):
        kind = G.nodes[t].get("kind")
        if kind in impact and all(c in gone for c in G.predecessors(t)):
            impact[kind][t] = sorted_ids(c for c in G.predecessors(t))
    return RemovalImpact(households=impact["household"], buildings=impact["building"])
