"""Coverage records -> the inputs of graphsvc.algorithms.coverage (walk reach, assignment graph, groups, what-if)."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from graphsvc.algorithms.common import EARTH_RADIUS_M
from graphsvc.algorithms.placement import walk_cover

if TYPE_CHECKING:
    import networkx as nx

Row = Mapping[str, Any]

# Costs of a member linking a household, by how near the member lives (党员联户 prefers neighbours).
SAME_BUILDING, SAME_GRID, SAME_COMMUNITY = 0, 1, 3
RELATION = {SAME_BUILDING: "same_building", SAME_GRID: "same_grid", SAME_COMMUNITY: "same_community"}

_M_PER_DEG = math.pi / 180 * EARTH_RADIUS_M


def bbox(rows: Sequence[Row], margin_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) around the rows' lat/lon, widened by `margin_m` on every side."""
    lats = [r["lat"] for r in rows]
    lons = [r["lon"] for r in rows]
    dlat = margin_m / _M_PER_DEG
    # Longitude degrees shrink towards the poles: widen by the narrowest latitude's scale.
    widest = max(abs(min(lats)), abs(max(lats)))
    dlon = margin_m / (_M_PER_DEG * max(math.cos(math.radians(min(widest + dlat, 89.0))), 1e-6))
    return min(lats) - dlat, max(lats) + dlat, min(lons) - dlon, max(lons) + dlon


def walk_reach(
    demand: Sequence[Row],
    sites: Sequence[Row],
    *,
    minutes: float,
    speed_m_per_min: float,
    detour: float,
    table: Mapping[tuple[Hashable, Hashable], float] | None = None,
) -> dict[Hashable, set[Hashable]]:
    """For each demand row ({id, community_id, lat, lon}), the site ids within the walk (`walk_cover`).

    Demand is taken one community at a time against only the sites in its box widened by the
    reach, so a city (60k buildings x 3k points) never builds one dense distance matrix. The box
    is widened by the full travel reach, which a straight line can never exceed, so no site within
    reach by the table or by the detoured straight line is left out.
    """
    reach_m = minutes * speed_m_per_min
    if not sites:
        return {d["id"]: set() for d in demand}
    lat = np.array([s["lat"] for s in sites], dtype=float)
    lon = np.array([s["lon"] for s in sites], dtype=float)
    by_community: dict[Hashable, list[Row]] = defaultdict(list)
    for d in demand:
        by_community[d.get("community_id")].append(d)
    out: dict[Hashable, set[Hashable]] = {}
    for rows in by_community.values():
        south, north, west, east = bbox(rows, reach_m)
        near = np.nonzero((lat >= south) & (lat <= north) & (lon >= west) & (lon <= east))[0]
        points = [(sites[i]["id"], sites[i]["lat"], sites[i]["lon"]) for i in near.tolist()]
        out.update(
            walk_cover(
                [(d["id"], d["lat"], d["lon"]) for d in rows],
                points,
                minutes=minutes,
                speed_m_per_min=speed_m_per_min,
                detour=detour,
                table=table,
            )
        )
    return out


def assignment_graph(
    households: Iterable[Row],
    members: Iterable[Row],
    *,
    cap: int,
    vulnerable: Mapping[Hashable, bool],
    cannot_serve: Iterable[str],
) -> tuple[nx.Graph, dict[tuple[str, str], list[Row]]]:
    """The bipartite input of `assign_households` for one community, members pooled by building.

    households: {id, grid_id, building_id}; members: {id, category, grid_id, building_id, links}.
    A member may take `cap - links` more households. Members living in one building cost the same
    for every household, so they are one pool node ("pool", building_id) whose capacity is the sum
    of theirs: the flow is exact and stays buildings x households, not members x households.
    Every household is offered every pool at cost 0 (same building), 1 (same grid) or 3 (elsewhere
    in the community). Members of a category in `cannot_serve` (e.g. mobile members, often away)
    and members at the cap join no pool. Returns the graph and pool -> its members.
    """
    skip = set(cannot_serve)
    pools: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for m in members:
        if m["links"] < cap and m["category"] not in skip:
            pools[("pool", m["building_id"])].append(m)
    grid = {building: rows[0]["grid_id"] for (_, building), rows in pools.items()}
    import networkx as nx

    G = nx.Graph()
    for pool, rows in pools.items():
        G.add_node(pool, kind="member", capacity=sum(cap - m["links"] for m in rows))
    for h in households:
        G.add_node(h["id"], kind="household", vulnerable=bool(vulnerable.get(h["id"], False)))
        for building, pool_grid in grid.items():
            if building == h["building_id"]:
                cost = SAME_BUILDING
            elif h["grid_id"] is not None and pool_grid == h["grid_id"]:
                cost = SAME_GRID
            else:
                cost = SAME_COMMUNITY
            G.add_edge(("pool", building), h["id"], cost=cost)
    return G, dict(pools)


def pooled_rows(
    households: Iterable[Row],
    members: Iterable[Row],
    *,
    cap: int,
    vulnerable: Mapping[Hashable, bool],
    cannot_serve: Iterable[str],
) -> tuple[list[tuple[Any, Any, Any, bool]], list[tuple[Any, Any, Any, int]], dict[tuple[str, str], list[Row]]]:
    """The input of `assign_pooled` for one community: the same pools as `assignment_graph` (members
    pooled by building, none at the cap or of a category in `cannot_serve`) without the pool x household
    edges. Returns households (id, building, grid, vulnerable), pools (id, building, grid, capacity) and
    pool -> its members."""
    skip = set(cannot_serve)
    pools: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for m in members:
        if m["links"] < cap and m["category"] not in skip:
            pools[("pool", m["building_id"])].append(m)
    pool_rows = [
        (pool, pool[1], rows[0]["grid_id"], sum(cap - m["links"] for m in rows)) for pool, rows in pools.items()
    ]
    rows = [(h["id"], h["building_id"], h["grid_id"], bool(vulnerable.get(h["id"], False))) for h in households]
    return rows, pool_rows, dict(pools)


def unpool(members: Sequence[Row], households: Sequence[Hashable], *, cap: int) -> list[tuple[Row, Hashable]]:
    """Hand a pool's households to its members, balanced: each next one to the member with the fewest links."""
    load = [(m["links"], m["id"], m) for m in members]
    heapq.heapify(load)
    out = []
    for h in households:
        links, ident, m = heapq.heappop(load)
        out.append((m, h))
        if links + 1 < cap:
            heapq.heappush(load, (links + 1, ident, m))
    return out


def building_points(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Building rows as the coverage algorithms take them: {id, community_id, lat, lon} and, where the row
    has it, resident_members (rule 2's new groups, rule 3's branches and clusters)."""
    keep = ("id", "community_id", "lat", "lon", "resident_members")
    return [{k: r[k] for k in keep if k in r} for r in rows]


def group_places(groups: Iterable[Row]) -> list[dict[str, Any]]:
    """Groups ({id, community_id, community_lat/lon, buildings [[lat, lon]]}) as `suggest_group_for_buildings`
    wants them: placed at the centroid of the buildings they cover, or at their community when they cover none."""
    out = []
    for g in groups:
        places = [p for p in g["buildings"] if p[0] is not None and p[1] is not None]
        if places:
            lat, lon = sum(p[0] for p in places) / len(places), sum(p[1] for p in places) / len(places)
        else:
            lat, lon = g["community_lat"], g["community_lon"]
        if lat is None or lon is None:
            continue  # nowhere to measure from: a group without a place cannot be ranked by distance
        out.append(
            {
                "id": g["id"],
                "community_id": g["community_id"],
                "lat": lat,
                "lon": lon,
                "buildings_now": len(g["buildings"]),
            }
        )
    return out


def coverage_digraph(edges: Iterable[Row], kinds: Mapping[str, str], removed: Iterable[Hashable]) -> nx.DiGraph:
    """source -> target for the edges whose `type` is in `kinds` (type -> target kind), with the removed
    nodes present even when they cover nothing of that kind (the input of `what_if_removed`)."""
    import networkx as nx

    G = nx.DiGraph()
    G.add_nodes_from(removed)
    for e in edges:
        if e["type"] in kinds:
            G.add_node(e["target"], kind=kinds[e["type"]])
            G.add_edge(e["source"], e["target"])
    return G
