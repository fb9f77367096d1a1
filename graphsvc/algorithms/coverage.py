"""Coverage gaps for planners: who should close each gap (rules 2 and 3) and resilience.

Pure functions over networkx graphs or plain lists of dicts; no database, no I/O.

- rule 2 党小组联幢: `suggest_group_for_buildings`
- rule 3 支部进楼宇: `propose_building_branches`
- resilience: `what_if_removed`

Where to place service points (rule 9) is in `graphsvc.algorithms.placement`; who links which household
(rule 4) in `graphsvc.algorithms.assignment`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

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

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EARTH_RADIUS_M",
    "GroupCandidate",
    "GroupOptions",
    "ProposedBranch",
    "RemovalImpact",
    "haversine_m",
    "neighbour_clusters",
    "propose_building_branches",
    "suggest_group_for_buildings",
    "what_if_removed",
]


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
        ranked, in_community, full_in_community = _rank_groups(b, groups, dist[i], room, cross_community_m)
        why = {"groups_in_community": in_community, "groups_full_in_community": full_in_community}
        result.append(_group_options(b, ranked, top, why, min_new_group_members))
    return result


def _group_options(
    b: Mapping[str, Any], ranked: list[GroupCandidate], top: int, counts: dict[str, int], min_new_group_members: int
) -> GroupOptions:
    residents = b.get("resident_members", 0)
    action: Literal["join_group", "form_group", "no_option"]
    if ranked:
        action = "join_group"
    elif residents >= min_new_group_members:
        action = "form_group"
    else:
        action = "no_option"
    why = {"resident_members": residents, **counts, "min_new_group_members": min_new_group_members}
    return GroupOptions(building_id=b["id"], action=action, candidates=ranked[:top], why=why)


def _rank_groups(
    b: Mapping[str, Any],
    groups: Sequence[Mapping[str, Any]],
    dist: np.ndarray,
    room: list[int | None],
    cross_community_m: float,
) -> tuple[list[GroupCandidate], int, int]:
    """The groups that qualify for building `b`, best first (`dist`, `room`: per group); and how many groups its
    community has, and how many of those are full."""
    ranked: list[tuple[tuple[Any, ...], GroupCandidate]] = []
    in_community = full_in_community = 0
    for j, g in enumerate(groups):
        same = g["community_id"] == b["community_id"]
        in_community += same
        if room[j] == 0:
            full_in_community += same
            continue
        if not same and dist[j] > cross_community_m:
            continue
        left = room[j]
        why = {
            "distance_m": round(float(dist[j])),
            "same_community": same,
            "buildings_now": g["buildings_now"],
            "capacity_left": left,
        }
        key = (not same, float(dist[j]), -(math.inf if left is None else left), id_key(g["id"]))
        ranked.append((key, GroupCandidate(group_id=g["id"], why=why)))
    ranked.sort(key=lambda kc: kc[0])
    return [c for _, c in ranked], in_community, full_in_community


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
    row_of: dict[Hashable, Mapping[str, Any]] = {}  # a repeated id: its last row, as a graph node's attributes
    near: dict[Hashable, set[Hashable]] = {}
    by_community: dict[Hashable, list[Mapping[str, Any]]] = {}
    for b in buildings:
        row_of[b["id"]] = b
        near.setdefault(b["id"], set())
        by_community.setdefault(b["community_id"], []).append(b)
    for rows in by_community.values():
        for i, a in enumerate(rows):
            for c in rows[i + 1 :]:
                if haversine_m(a["lat"], a["lon"], c["lat"], c["lon"]) < max_distance_m:
                    near[a["id"]].add(c["id"])
                    near[c["id"]].add(a["id"])
    clusters = []
    for ids in _components(near):
        rows = sorted((row_of[i] for i in ids), key=lambda r: id_key(r["id"]))
        if len(rows) > 1 and sum(r["resident_members"] for r in rows) > threshold:
            clusters.append(rows)
    return sorted(clusters, key=lambda rows: id_key(rows[0]["id"]))


def _components(near: Mapping[Hashable, Iterable[Hashable]]) -> Iterable[list[Hashable]]:
    """The connected groups of an undirected neighbour map (networkx's connected_components, without
    loading networkx for the gap list).

    >>> sorted(sorted(c) for c in _components({"a": {"b"}, "b": {"a"}, "c": set()}))
    [['a', 'b'], ['c']]
    """
    seen: set[Hashable] = set()
    for start in near:
        if start in seen:
            continue
        seen.add(start)
        group, todo = [], [start]
        while todo:
            node = todo.pop()
            group.append(node)
            for other in near[node]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        yield group


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
        if rest:
            proposals += [
                proposal(community, [rest[j] for j in cluster], "cluster", radius)
                for cluster, radius in _grow_clusters(rest, threshold, max_distance_m)
            ]
    return proposals


def _grow_clusters(
    rest: list[Mapping[str, Any]], threshold: int, max_distance_m: float
) -> list[tuple[list[int], float]]:
    """Clusters grown from each anchor of `rest` (one community's buildings at or under the threshold, in anchor
    order) that pass the threshold: their positions in `rest`, anchor first, and their radius."""
    cluster_of = {
        r["id"]: k
        for k, c in enumerate(neighbour_clusters(rest, max_distance_m=max_distance_m, threshold=threshold))
        for r in c
    }
    dist = _haversine_grid(*_coords(rest), *_coords(rest))
    available = {i for i, r in enumerate(rest) if r["id"] in cluster_of}
    grown: list[tuple[list[int], float]] = []
    for a in range(len(rest)):
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
            grown.append((cluster, max(float(dist[a, j]) for j in cluster)))
    return grown


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

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from(["m1", "m2"], kind="member"); G.add_nodes_from(["h1", "h2"], kind="household")
    >>> G.add_edges_from([("m1", "h1"), ("m1", "h2"), ("m2", "h2")])
    >>> what_if_removed(G, ["m1"])
    RemovalImpact(households={'h1': ['m1']}, buildings={})
    """
    import networkx as nx

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
