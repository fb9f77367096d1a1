"""一帮一: who should help each vulnerable household nobody helps (pure: stdlib only).

A helper is a member with spare capacity (helps fewer than `cap` households), ranked by closeness:
the same building first, then the same grid, then the shortest distance between buildings; ties
by fewer households helped now, then id. Households are served in order, each taking the best
helper still with room, so no member passes the cap.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphsvc.algorithms.common import haversine_m

RELATIONS = ("same_building", "same_grid", "nearby")


@dataclass(frozen=True)
class HelperChoice:
    household_id: Hashable
    member_id: Hashable
    relation: str  # one of RELATIONS
    distance_m: int
    helps_before: int


def suggest_helpers(
    households: Sequence[Mapping[str, Any]], members: Sequence[Mapping[str, Any]], *, cap: int,
    max_distance_m: float | None = None,
) -> dict[Hashable, HelperChoice]:
    """household id -> its helper; a household with no member with room (in its community) is left out.

    `households`: {id, community_id, building_id, grid_id, lat, lon}; `members`: {id, community_id,
    building_id, grid_id, lat, lon, helps}. Coordinates may be None (then the distance is unknown and
    ranks last).

    >>> hs = [{"id": "h1", "community_id": "c", "building_id": "b1", "grid_id": "g", "lat": 0.0, "lon": 0.0},
    ...       {"id": "h2", "community_id": "c", "building_id": "b1", "grid_id": "g", "lat": 0.0, "lon": 0.0}]
    >>> ms = [{"id": "m-near", "community_id": "c", "building_id": "b2", "grid_id": "g", "lat": 0.0, "lon": 0.001, "helps": 0},
    ...       {"id": "m-home", "community_id": "c", "building_id": "b1", "grid_id": "g", "lat": 0.0, "lon": 0.0, "helps": 1}]
    >>> out = suggest_helpers(hs, ms, cap=2)
    >>> [(h, c.member_id, c.relation) for h, c in sorted(out.items())]
    [('h1', 'm-home', 'same_building'), ('h2', 'm-near', 'same_grid')]
    >>> out["h2"].distance_m
    111
    """
    if cap < 1:
        raise ValueError("cap must be at least 1")
    room = {m["id"]: cap - int(m.get("helps") or 0) for m in members}
    by_community: dict[Any, list[Mapping[str, Any]]] = {}
    for m in members:
        by_community.setdefault(m["community_id"], []).append(m)
    out: dict[Hashable, HelperChoice] = {}
    for h in households:
        best: tuple[Any, ...] | None = None
        for m in by_community.get(h["community_id"], ()):
            if room[m["id"]] <= 0:
                continue
            rank, distance = _closeness(h, m)
            key = (rank, distance if distance is not None else float("inf"), int(m.get("helps") or 0), str(m["id"]))
            if max_distance_m is not None and distance is not None and distance > max_distance_m and rank == 2:
                continue
            if best is None or key < best[0]:
                best = (key, m, distance)
        if best is None:
            continue
        key, m, distance = best
        room[m["id"]] -= 1
        out[h["id"]] = HelperChoice(h["id"], m["id"], RELATIONS[key[0]], round(distance or 0),
                                    cap - room[m["id"]] - 1)
    return out


def _closeness(h: Mapping[str, Any], m: Mapping[str, Any]) -> tuple[int, float | None]:
    if m["building_id"] == h["building_id"]:
        return 0, 0.0
    distance = None
    if None not in (h.get("lat"), h.get("lon"), m.get("lat"), m.get("lon")):
        distance = haversine_m(h["lat"], h["lon"], m["lat"], m["lon"])
    return (1 if h.get("grid_id") and m.get("grid_id") == h.get("grid_id") else 2), distance
