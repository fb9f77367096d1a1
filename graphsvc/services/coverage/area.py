"""Where a coverage question looks: the caller's communities, the rules' query parameters, the walk."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from graphsvc.errors import NotFound
from graphsvc.graph import Graph
from graphsvc.projection import coverage as proj
from graphsvc.schemas import coverage as s
from graphsvc.scope import Scope


def communities_of(graph: Graph, scope: Scope, area: s.Area) -> list[str] | None:
    """The `$communities` of a request: the caller's scope, narrowed to a street, community or grid."""
    if not (area.street_id or area.community_id or area.grid_id):
        return scope.community_list
    found = [
        r["id"]
        for r in graph.read(
            "coverage/filter_communities",
            street_id=area.street_id,
            community_id=area.community_id,
            grid_id=area.grid_id,
        )
    ]
    if scope.communities is not None:
        found = [c for c in found if c in scope.communities]
    if not found:  # out of scope reads as absent: the caller learns nothing about other communities
        raise NotFound(
            "找不到所指的街道、社区或网格", details=[{"field": k, "id": v} for k, v in area.model_dump().items() if v]
        )
    return found


# Named queries with a variant found from the given communities first: a street's answer never scans a
# city's members. The variant answers the same rows; it is used when `$communities` is a list of at most
# FROM_COMMUNITIES_MAX (for a district's or a city's list one scan is faster: 8 s against 2 s for a city's totals).
FROM_COMMUNITIES = {
    "coverage/member_overloaded": "coverage/member_overloaded_in",
    "coverage/mobile_unregistered": "coverage/mobile_unregistered_in",
    "coverage/building_residents": "coverage/building_residents_in",
    "coverage/building_needs_branch": "coverage/building_needs_branch_in",
    "coverage/totals_members_by_community": "coverage/totals_members_by_community_in",
    "coverage/link_members": "coverage/link_members_in",
}
FROM_COMMUNITIES_MAX = 200


def scoped(name: str, communities: list[str] | None) -> str:
    """The named query to run for `$communities` (None = all): the from-the-communities variant for a short list.

    >>> scoped("coverage/building_residents", ["c-1"]), scoped("coverage/building_residents", None)
    ('coverage/building_residents_in', 'coverage/building_residents')
    """
    if communities is None or len(communities) > FROM_COMMUNITIES_MAX:
        return name
    return FROM_COMMUNITIES.get(name, name)


# A household's flags as the named queries give them: bit i is VulnerableFlag's i-th flag (hardship = 1, ...).
_FLAGS = [f.value for f in s.VulnerableFlag]
_FLAG_SETS = [tuple(f for i, f in enumerate(_FLAGS) if mask >> i & 1) for mask in range(1 << len(_FLAGS))]


def flag_names(mask: int) -> list[str]:
    """The flags a mask names, in VulnerableFlag's order.

    >>> flag_names(0), flag_names(5)
    ([], ['hardship', 'elderly_alone'])
    """
    return list(_FLAG_SETS[mask])


def household_rows(graph: Graph, name: str, **params: Any) -> list[dict[str, Any]]:
    """A household rule's rows (the named query answers one row per community), one per household, by id:
    id, community_id, grid_id, building_id, building_name, size, flags."""
    rows = [
        {"id": hid, "community_id": c["community_id"], "grid_id": grid, "building_id": bid, "building_name": bname,
         "size": size, "flags": flag_names(mask)}
        for c in graph.read(name, **params)
        for grid, bid, bname, households in c["buildings"]
        for hid, size, mask in households
    ]
    rows.sort(key=lambda r: r["id"])
    return rows


def member_rows(graph: Graph, communities: list[str] | None) -> list[dict[str, Any]]:
    """The members who could link households in `communities` (None = all), by id: id, name, category,
    community_id, grid_id, building_id, links (households they link now)."""
    rows = [
        {"id": mid, "name": name, "category": category, "community_id": c["community_id"], "grid_id": grid,
         "building_id": bid, "links": links}
        for c in graph.read(scoped("coverage/link_members", communities), communities=communities)
        for mid, name, category, grid, bid, links in c["members"]
    ]
    rows.sort(key=lambda r: r["id"])
    return rows


def query_params(communities: list[str] | None, grid_id: str | None, p: s.GapParams) -> dict[str, Any]:
    return {
        "communities": communities,
        "grid_id": grid_id,
        "threshold": p.branch_threshold,
        "cap": p.link_cap,
        "min_members": p.unit_branch_members,
        "vulnerable": [v.value for v in p.vulnerable],
    }


def distance_table(distances: Iterable[s.Distance]) -> dict[tuple[Hashable, Hashable], float]:
    return {(d.from_id, d.to_id): d.meters for d in distances}


def points_near(
    graph: Graph, buildings: Sequence[dict[str, Any]], kinds: Sequence[str], reach_m: float
) -> list[dict[str, Any]]:
    south, north, west, east = proj.bbox(buildings, reach_m)
    return graph.read("coverage/service_points_near", kinds=list(kinds), south=south, north=north, west=west, east=east)


def walk_params(p: s.GapParams, table: dict[tuple[Hashable, Hashable], float]) -> dict[str, Any]:
    return {"minutes": p.walk_minutes, "speed_m_per_min": p.walk_speed_m_per_min, "detour": p.detour, "table": table}


def community_leads(graph: Graph, community_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """community id -> its leading organisation, the street's organisation and its joint branches."""
    ids = sorted(set(community_ids))
    return {r["community_id"]: r for r in graph.read("coverage/community_orgs", ids=ids)} if ids else {}


def parent_org(lead: dict[str, Any] | None) -> str | None:
    return (lead or {}).get("org_id") or (lead or {}).get("street_org_id")
