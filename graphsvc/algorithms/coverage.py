"""Coverage gaps for planners: who should close each gap (rules 2, 3, 4, 9 and resilience).

Pure functions over networkx graphs or plain lists of dicts; no database, no I/O.

- geometry: `haversine_m`, `walk_minutes`, `distance_matrix`, `walk_cover`
- rule 4 党员联户: `assign_households` (optimal capacity-constrained assignment, min-cost flow)
- rule 2 党小组联幢: `suggest_group_for_buildings`
- rule 3 支部进楼宇: `propose_building_branches`
- rule 9 15 分钟服务圈: `lscp` (fewest new sites), `mclp` (best p new sites), both MILP via HiGHS
- resilience: `what_if_removed`
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np
import scipy.sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from graphsvc.algorithms.common import EARTH_RADIUS_M, haversine_m
from graphsvc.algorithms.common import haversine_grid_m as _haversine_grid
from graphsvc.algorithms.common import is_number as _is_number
from graphsvc.algorithms.common import raise_details as _raise
from graphsvc.errors import Infeasible, InvalidInput

__all__ = [
    "EARTH_RADIUS_M",
    "Assignment",
    "BranchProposal",
    "BuildingSuggestion",
    "GroupCandidate",
    "RemovalImpact",
    "SiteChoice",
    "assign_households",
    "distance_matrix",
    "haversine_m",
    "lscp",
    "mclp",
    "propose_building_branches",
    "suggest_group_for_buildings",
    "walk_cover",
    "walk_minutes",
    "what_if_removed",
]

Point = tuple[Hashable, float, float]  # (id, lat, lon), WGS84 decimal degrees

# A city-wide bad import can produce thousands of offending rows; the first few say enough.


# --------------------------------------------------------------------------- helpers


def _id_key(node: Hashable) -> tuple[str, Any]:
    # Ledger ids are strings, tests use ints; grouping by type name first keeps mixed ids
    # comparable without ever comparing an int with a str.
    return (type(node).__name__, node)


def _sorted(ids: Iterable[Hashable]) -> list[Hashable]:
    items = list(ids)
    try:
        return sorted(items, key=_id_key)
    except TypeError:  # unorderable ids of one type (e.g. tuples of mixed parts): stable by text
        return sorted(items, key=repr)


def _is_int(value: Any) -> bool:
    # bool is an int subclass, but True as a cost or a capacity is always a projection bug.
    # The exact-type test first: this runs once per edge, and ABC checks are slow.
    return type(value) is int or (isinstance(value, numbers.Integral) and not isinstance(value, bool))


def _check_point(where: str, ident: Any, lat: Any, lon: Any, details: list[dict[str, Any]]) -> None:
    if not (_is_number(lat) and -90.0 <= lat <= 90.0):
        details.append({"table": where, "id": ident, "field": "lat", "problem": "not a latitude in [-90, 90]"})
    if not (_is_number(lon) and -180.0 <= lon <= 180.0):
        details.append({"table": where, "id": ident, "field": "lon", "problem": "not a longitude in [-180, 180]"})


def _check_unique(where: str, ids: Iterable[Hashable], details: list[dict[str, Any]]) -> None:
    seen: set[Hashable] = set()
    for ident in ids:
        if ident in seen:
            details.append({"table": where, "id": ident, "field": "id", "problem": "duplicate id"})
        seen.add(ident)


def _check_positive(name: str, value: Any, *, allow_zero: bool = False) -> None:
    ok = _is_number(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidInput(f"{name} must be a finite number {bound}", details=[{"field": name, "value": repr(value)}])


def _check_count(name: str, value: Any) -> None:
    if not (_is_int(value) and value >= 0):
        raise InvalidInput(f"{name} must be an integer >= 0", details=[{"field": name, "value": repr(value)}])


# --------------------------------------------------------------------------- geometry


def walk_minutes(distance_m: float, *, speed_m_per_min: float = 80.0, detour: float = 1.3) -> float:
    """Minutes to walk a straight-line distance: `distance_m * detour / speed_m_per_min`.

    Streets are not straight lines, so the straight-line distance is stretched by `detour`.
    Pass `detour=1.0` for a distance that is already a travel distance (a GIS table, or a
    value from `distance_matrix`).

    >>> walk_minutes(1000)
    16.25
    >>> walk_minutes(1200, detour=1.0)
    15.0
    """
    _check_positive("distance_m", distance_m, allow_zero=True)
    _check_positive("speed_m_per_min", speed_m_per_min)
    _check_positive("detour", detour)
    return distance_m * detour / speed_m_per_min


def distance_matrix(
    origins: Sequence[Point],
    sites: Sequence[Point],
    *,
    table: Mapping[tuple[Hashable, Hashable], float] | None = None,
    detour: float = 1.3,
    max_m: float | None = None,
) -> dict[Hashable, dict[Hashable, float]]:
    """Travel distance in metres from each origin to each site.

    `origins` and `sites` are lists of `(id, lat, lon)`. `table` is a travel-distance table as a
    GIS exports it, `{(from_id, to_id): metres}`; a pair found there is used as is (looked up as
    (origin, site) first, then (site, origin), because walking is symmetric). Every other pair
    falls back to the straight-line distance times `detour`. With `max_m`, only pairs at most
    that far are kept, so the answer stays sparse at city scale.

    Returns `{origin_id: {site_id: metres}}` with every origin present (possibly `{}`).

    >>> d = distance_matrix([("b1", 30.0, 120.0)], [("s1", 30.001, 120.0), ("s2", 30.0, 120.0)],
    ...                     table={("s2", "b1"): 50.0})
    >>> round(d["b1"]["s1"]), d["b1"]["s2"]
    (145, 50.0)
    """
    details: list[dict[str, Any]] = []
    for where, points in (("origins", origins), ("sites", sites)):
        for point in points:
            if len(point) != 3:
                details.append({"table": where, "id": repr(point), "problem": "expected (id, lat, lon)"})
                continue
            _check_point(where, point[0], point[1], point[2], details)
        _check_unique(where, (p[0] for p in points if len(p) == 3), details)
    for pair, metres in (table or {}).items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and _is_number(metres) and metres >= 0):
            details.append({"table": "table", "id": repr(pair), "problem": "expected (from_id, to_id): metres >= 0"})
    _raise("invalid distance input", details)
    _check_positive("detour", detour)
    if max_m is not None:
        _check_positive("max_m", max_m, allow_zero=True)

    o_ids = [p[0] for p in origins]
    s_ids = [p[0] for p in sites]
    if not o_ids or not s_ids:
        return {o: {} for o in o_ids}
    grid = detour * _haversine_grid(
        np.array([p[1] for p in origins], dtype=float),
        np.array([p[2] for p in origins], dtype=float),
        np.array([p[1] for p in sites], dtype=float),
        np.array([p[2] for p in sites], dtype=float),
    )
    if table:
        o_index = {o: i for i, o in enumerate(o_ids)}
        s_index = {s: j for j, s in enumerate(s_ids)}
        # Reverse entries first so that a forward entry for the same pair wins.
        for (a, b), metres in table.items():
            if b in o_index and a in s_index:
                grid[o_index[b], s_index[a]] = metres
        for (a, b), metres in table.items():
            if a in o_index and b in s_index:
                grid[o_index[a], s_index[b]] = metres

    if max_m is None:
        return {o: {s: float(grid[i, j]) for j, s in enumerate(s_ids)} for i, o in enumerate(o_ids)}
    result: dict[Hashable, dict[Hashable, float]] = {o: {} for o in o_ids}
    rows, cols = np.nonzero(grid <= max_m)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        result[o_ids[i]][s_ids[j]] = float(grid[i, j])
    return result


def walk_cover(
    demand: Sequence[Point],
    sites: Sequence[Point],
    *,
    minutes: float = 15.0,
    speed_m_per_min: float = 80.0,
    detour: float = 1.3,
    table: Mapping[tuple[Hashable, Hashable], float] | None = None,
) -> dict[Hashable, set[Hashable]]:
    """The `cover` input of `lscp`/`mclp`: for each demand id, the sites within a walk of `minutes`.

    Distances come from `distance_matrix` (the table where it has the pair, else straight line
    times `detour`); the reach is `minutes * speed_m_per_min` metres of travel.

    >>> walk_cover([("b1", 30.0, 120.0)], [("s1", 30.005, 120.0), ("s2", 30.02, 120.0)])
    {'b1': {'s1'}}
    """
    _check_positive("minutes", minutes, allow_zero=True)
    _check_positive("speed_m_per_min", speed_m_per_min)
    reach = distance_matrix(demand, sites, table=table, detour=detour, max_m=minutes * speed_m_per_min)
    return {d: set(near) for d, near in reach.items()}


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
    _check_count("cap", cap)
    details: list[dict[str, Any]] = []
    for node, data in G.nodes(data=True):
        kind = data.get("kind")
        if kind == "member":
            if "capacity" in data and not _is_int(data["capacity"]):
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
        if not (_is_int(cost) and cost >= 0):
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
        members = _sorted(n for n in component if nodes[n]["kind"] == "member")
        if members:
            comp_households = _sorted(n for n in component if nodes[n]["kind"] == "household")
            chosen.update(_assign_component(G, members, comp_households, capacity))

    pairs: list[tuple[Hashable, Hashable, int]] = []
    unassigned: dict[Hashable, str] = {}
    for h in _sorted(households):
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
class BuildingSuggestion:
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
        _check_point(where, row["id"], row["lat"], row["lon"], details)
        count = row.get(count_field, 0)
        if not (_is_int(count) and count >= 0):
            details.append({"table": where, "id": row["id"], "field": count_field, "problem": "not an integer >= 0"})
    _check_unique(where, (r["id"] for r in rows if "id" in r), details)
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
) -> list[BuildingSuggestion]:
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
        _check_count("max_buildings_per_group", max_buildings_per_group)
    _check_count("top", top)
    _check_count("min_new_group_members", min_new_group_members)
    _check_positive("cross_community_m", cross_community_m, allow_zero=True)

    if uncovered and groups:
        dist = _haversine_grid(*_coords(uncovered), *_coords(groups))
    else:
        dist = np.zeros((len(uncovered), len(groups)))
    room: list[int | None] = [
        None if max_buildings_per_group is None else max(0, max_buildings_per_group - g["buildings_now"])
        for g in groups
    ]

    result: list[BuildingSuggestion] = []
    for i, b in sorted(enumerate(uncovered), key=lambda ib: _id_key(ib[1]["id"])):
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
            key = (not same, float(dist[i, j]), -(math.inf if left is None else left), _id_key(g["id"]))
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
            BuildingSuggestion(
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
class BranchProposal:
    """One proposed building branch: a single building or a cluster of neighbours."""

    community_id: Hashable
    anchor_id: Hashable  # the building the cluster grew from (the one with most members)
    building_ids: list[Hashable]  # anchor first, then in the order they joined (nearest first)
    members: int
    why: dict[str, Any]  # kind ('single' | 'cluster'), threshold, max_distance_m, radius_m


def propose_building_branches(
    buildings: Sequence[Mapping[str, Any]],
    *,
    threshold: int = 50,
    max_distance_m: float = 300.0,
) -> list[BranchProposal]:
    """Propose building branches where more than `threshold` members live (rule 3, 支部进楼宇).

    `buildings`: `[{"id", "community_id", "lat", "lon", "resident_members"}]`, only buildings no
    building branch covers yet (the caller filters).

    A building with more than `threshold` resident members gets a branch of its own. The rest
    are clustered greedily within each community: anchors are taken by most members (then id),
    and each anchor adds the nearest remaining buildings of its community within
    `max_distance_m` of it (ties by id) until the members exceed `threshold`. Measuring from the
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
    _check_count("threshold", threshold)
    _check_positive("max_distance_m", max_distance_m, allow_zero=True)

    proposals: list[BranchProposal] = []
    by_community: dict[Hashable, list[Mapping[str, Any]]] = {}
    for b in buildings:
        by_community.setdefault(b["community_id"], []).append(b)

    def proposal(community: Hashable, rows: list[Mapping[str, Any]], kind: str, radius: float) -> BranchProposal:
        why = {"kind": kind, "threshold": threshold, "max_distance_m": max_distance_m, "radius_m": round(radius)}
        members = sum(r["resident_members"] for r in rows)
        return BranchProposal(community, rows[0]["id"], [r["id"] for r in rows], members, why)

    for community in _sorted(by_community):
        rows = sorted(by_community[community], key=lambda r: (-r["resident_members"], _id_key(r["id"])))
        singles = [r for r in rows if r["resident_members"] > threshold]
        proposals += [proposal(community, [r], "single", 0.0) for r in singles]
        rest = [r for r in rows if 0 < r["resident_members"] <= threshold]
        if not rest:
            continue
        dist = _haversine_grid(*_coords(rest), *_coords(rest))
        available = set(range(len(rest)))
        for a in range(len(rest)):  # rest is already in anchor order
            if a not in available:
                continue
            near = sorted(
                (j for j in available if j != a and dist[a, j] <= max_distance_m),
                key=lambda j: (float(dist[a, j]), _id_key(rest[j]["id"])),
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


# --------------------------------------------------------------------------- rule 9 服务圈


@dataclass(frozen=True)
class SiteChoice:
    """Result of `lscp` and `mclp`; every id list is sorted."""

    chosen: list[Hashable]  # new sites to open (never includes `fixed`)
    covered: list[Hashable]  # demand covered by fixed + chosen sites
    uncovered: list[Hashable]  # coverable demand left uncovered (mclp with too small p; lscp: always [])
    uncoverable: list[Hashable]  # demand no fixed or candidate site can cover
    objective: float  # lscp: number of new sites; mclp: covered weight (fixed coverage included)


@dataclass(frozen=True)
class _CoverModel:
    candidates: list[Hashable]  # new-site candidates, sorted
    open_demand: list[Hashable]  # demand not yet covered by fixed sites but coverable, sorted
    rows: list[list[int]]  # for each open demand, the candidate columns covering it
    by_fixed: list[Hashable]
    uncoverable: list[Hashable]


def _cover_model(
    demand_ids: Sequence[Hashable],
    site_ids: Sequence[Hashable],
    cover: Mapping[Hashable, Iterable[Hashable]],
    fixed: Iterable[Hashable],
) -> _CoverModel:
    details: list[dict[str, Any]] = []
    _check_unique("demand", demand_ids, details)
    _check_unique("sites", site_ids, details)
    _raise("invalid covering input", details)
    fixed_set = set(fixed)
    # A fixed site listed among the candidates is already there: it is kept, never counted.
    candidates = _sorted(set(site_ids) - fixed_set)
    column = {s: j for j, s in enumerate(candidates)}
    open_demand: list[Hashable] = []
    rows: list[list[int]] = []
    by_fixed: list[Hashable] = []
    uncoverable: list[Hashable] = []
    for d in _sorted(demand_ids):
        reach = set(cover.get(d, ()))
        if reach & fixed_set:
            by_fixed.append(d)
        elif cols := sorted(column[s] for s in reach if s in column):
            open_demand.append(d)
            rows.append(cols)
        else:
            uncoverable.append(d)
    return _CoverModel(candidates, open_demand, rows, by_fixed, uncoverable)


def _incidence(rows: list[list[int]], n_cols: int) -> scipy.sparse.csr_array:
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([j for r in rows for j in r], dtype=np.int64)
    return scipy.sparse.csr_array((np.ones(len(indices)), indices, indptr), shape=(len(rows), n_cols))


def _solve(c: np.ndarray, integrality: np.ndarray, constraints: list[LinearConstraint]) -> np.ndarray:
    # mip_rel_gap=0: the default 1e-4 gap could accept one site too many on large instances.
    res = milp(c, integrality=integrality, bounds=Bounds(0, 1), constraints=constraints, options={"mip_rel_gap": 0})
    if res.status != 0 or res.x is None:
        raise Infeasible(f"covering model not solved: {res.message}")
    return np.asarray(res.x)


def lscp(
    demand_ids: Sequence[Hashable],
    site_ids: Sequence[Hashable],
    cover: Mapping[Hashable, Iterable[Hashable]],
    *,
    fixed: Iterable[Hashable] = (),
) -> SiteChoice:
    """Location set covering: the fewest new sites so every coverable demand point is covered.

    `cover[d]` is the set of site ids within reach of demand `d` (see `walk_cover`); it may name
    both existing sites (`fixed`: kept, free) and candidate sites (`site_ids`); other ids are
    ignored. Demand that no fixed or candidate site reaches is reported in `uncoverable`.
    Solved exactly with `scipy.optimize.milp` (HiGHS).

    >>> cover = {"b1": {"s1"}, "b2": {"s1", "s2"}, "b3": {"s2", "old"}, "b4": set()}
    >>> lscp(["b1", "b2", "b3", "b4"], ["s1", "s2"], cover, fixed=["old"])
    SiteChoice(chosen=['s1'], covered=['b1', 'b2', 'b3'], uncovered=[], uncoverable=['b4'], objective=1)
    """
    model = _cover_model(demand_ids, site_ids, cover, fixed)
    chosen: list[Hashable] = []
    if model.open_demand:
        n = len(model.candidates)
        A = _incidence(model.rows, n)
        x = _solve(np.ones(n), np.ones(n), [LinearConstraint(A, lb=1, ub=np.inf)])
        chosen = [s for j, s in enumerate(model.candidates) if x[j] > 0.5]
    covered = _sorted(model.by_fixed + model.open_demand)
    return SiteChoice(chosen, covered, [], model.uncoverable, len(chosen))


def mclp(
    demand_ids: Sequence[Hashable],
    weights: Mapping[Hashable, float],
    site_ids: Sequence[Hashable],
    cover: Mapping[Hashable, Iterable[Hashable]],
    *,
    p: int,
    fixed: Iterable[Hashable] = (),
) -> SiteChoice:
    """Maximal covering: at most `p` new sites maximising the covered demand weight.

    Inputs as for `lscp`, plus `weights[d]` (>= 0, e.g. households or elderly residents in a
    building) for every demand id. Demand already covered by `fixed` sites counts in the
    objective whatever is chosen. A chosen site that covers nothing no other chosen site covers
    is dropped, so no new site is proposed for nothing. Solved exactly with `scipy.optimize.milp`.

    >>> cover = {"b1": {"s1"}, "b2": {"s2"}, "b3": {"s2"}}
    >>> r = mclp(["b1", "b2", "b3"], {"b1": 5, "b2": 2, "b3": 2}, ["s1", "s2"], cover, p=1)
    >>> r.chosen, r.uncovered, r.objective
    (['s1'], ['b2', 'b3'], 5.0)
    """
    _check_count("p", p)
    details = [
        {"table": "weights", "id": d, "problem": "missing, or not a finite number >= 0"}
        for d in demand_ids
        if not (_is_number(weights.get(d)) and weights[d] >= 0)
    ]
    _raise("invalid demand weights", details)
    model = _cover_model(demand_ids, site_ids, cover, fixed)

    picked: set[int] = set()
    n, m = len(model.candidates), len(model.open_demand)
    if m and p:
        # Variables: x_j (open candidate j, binary) then y_i (demand i covered, continuous: at the
        # optimum it is 1 exactly when some chosen site covers i, so it needs no integrality).
        A = _incidence(model.rows, n)
        link = scipy.sparse.hstack([-A, scipy.sparse.eye_array(m)], format="csr")
        budget = np.concatenate([np.ones(n), np.zeros(m)])[None, :]
        c = np.concatenate([np.zeros(n), -np.array([float(weights[d]) for d in model.open_demand])])
        integrality = np.concatenate([np.ones(n), np.zeros(m)])
        x = _solve(c, integrality, [LinearConstraint(link, ub=0), LinearConstraint(budget, ub=p)])
        picked = {j for j in range(n) if x[j] > 0.5}
        # HiGHS may spend spare budget on sites that add nothing; drop them (highest id first).
        for j in sorted(picked, reverse=True):
            others = picked - {j}
            if all(not (j in row) or others.intersection(row) for row in model.rows):
                picked = others

    covered_open = [d for d, row in zip(model.open_demand, model.rows, strict=True) if picked.intersection(row)]
    uncovered = [d for d, row in zip(model.open_demand, model.rows, strict=True) if not picked.intersection(row)]
    covered = _sorted(model.by_fixed + covered_open)
    objective = float(sum(weights[d] for d in covered))
    chosen = [model.candidates[j] for j in sorted(picked)]
    return SiteChoice(chosen, covered, uncovered, model.uncoverable, objective)


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
    unknown = _sorted(n for n in gone if n not in G)
    _raise("unknown nodes in removed", [{"id": n, "problem": "not in the graph"} for n in unknown])

    impact: dict[str, dict[Hashable, list[Hashable]]] = {"household": {}, "building": {}}
    hit = {t for r in gone for t in G.successors(r)} - gone
    for t in _sorted(hit):
        kind = G.nodes[t].get("kind")
        if kind in impact and all(c in gone for c in G.predecessors(t)):
            impact[kind][t] = _sorted(c for c in G.predecessors(t))
    return RemovalImpact(households=impact["household"], buildings=impact["building"])
