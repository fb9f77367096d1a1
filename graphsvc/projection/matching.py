"""Records -> the matching algorithm's inputs (Need, Resource, CommunityProfile, UnitProfile, Project).

The algorithms never see query rows: this module turns them into the frozen dataclasses of
graphsvc.algorithms.matching, plus the plain facts (names, descriptions) the answers show.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graphsvc.algorithms import evaluation as evaluation_algo
from graphsvc.algorithms import matching as algo
from graphsvc.algorithms.common import EARTH_RADIUS_M, haversine_m_array

Row = Mapping[str, Any]


@dataclass
class Ties:
    """Current pairings seen from each PartyOrg and each community."""

    partner_communities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # org -> communities
    pairings: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # org -> current pairings
    ids: dict[frozenset[str], str] = field(default_factory=dict)  # {org_a, org_b} -> pairing id
    partnered: set[str] = field(default_factory=set)  # communities whose own organisation is paired
    unit_pairs: set[tuple[str, str]] = field(default_factory=set)  # (other org, unit org)
    names: dict[str, str] = field(default_factory=dict)  # org -> name


def ties(pairing_rows: Iterable[Row]) -> Ties:
    """Active pairings (rows of records/pairings) as ties between organisations and communities."""
    t = Ties()
    for row in pairing_rows:
        p = row["pairing"]
        if p.get("ended_at") is not None:
            continue
        a, b = p["org_a"], p["org_b"]
        for org, other, other_community, unit in (
            (a, b, row["community_b"], row["unit_a"]), (b, a, row["community_a"], row["unit_b"])
        ):
            t.pairings[org] += 1
            if other_community:
                t.partner_communities[org].add(other_community)
            if unit:
                t.unit_pairs.add((other, org))
        t.partnered.update(c for c in (row["serves_a"], row["serves_b"]) if c)
        t.ids[frozenset((a, b))] = p["id"]
        t.names.update({a: row["name_a"], b: row["name_b"]})
    return t


def projects(project_rows: Iterable[Row]) -> list[algo.Project]:
    """Projects under two or more organisations (a pairing's), as the evaluation's input."""
    out = []
    for row in project_rows:
        p, org_ids = row["project"], sorted(set(row["org_ids"]))
        if len(org_ids) < 2:
            continue  # not under a pairing: nothing to evaluate
        out.append(algo.Project(id=p["id"], org_ids=org_ids, year=int(p["year"]), outcome=p.get("outcome"),
                                satisfaction=p.get("satisfaction")))
    return out


def open_needs(need_rows: Iterable[Row], communities: Mapping[str, Row]) -> tuple[list[algo.Need], dict[str, dict[str, Any]]]:
    """Needs with something left to meet (quantity minus what active sharings gave), at their community."""
    needs, info = [], {}
    for row in need_rows:
        c = communities.get(row["community_id"])
        if c is None:
            continue
        quantity = math.ceil(row["quantity"] or 0)
        met = sum(int(u) for u in row["met"] if u is not None)
        left = quantity - met
        if left <= 0:
            continue
        needs.append(algo.Need(id=row["id"], community_id=c["id"], kind=row["kind"], quantity=left,
                               urgency=int(row["urgency"] or 3), lat=c["lat"], lon=c["lon"]))
        info[row["id"]] = {"description": row["description"], "quantity": quantity, "met": met, "derived": False}
    return needs, info


def basics_needs(communities: Mapping[str, Row], explicit: Sequence[algo.Need]) -> tuple[list[algo.Need], dict[str, dict[str, Any]]]:
    """三无居委 gaps (rule 10) as needs, except where the community already raised a need of that kind."""
    raised = {(n.community_id, n.kind) for n in explicit}
    derived = [n for n in evaluation_algo.lacking_basics_needs(communities.values()) if (n.community_id, n.kind) not in raised]
    info = {n.id: {"description": None, "quantity": n.quantity, "met": 0, "derived": True} for n in derived}
    return derived, info


def _centre(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def resources(
    resource_rows: Iterable[Row], communities: Mapping[str, Row], t: Ties, ratings: Mapping[str, float]
) -> tuple[list[algo.Resource], dict[str, dict[str, Any]]]:
    """Resources with the capacity they have left, at their owner (a committee: the centre of its communities).

    The owner's load counts its resources' active sharings and its organisations' active pairings;
    its rating is the mean of its organisations' ratings.
    """
    rows = list(resource_rows)
    sharings_of: dict[str, int] = defaultdict(int)
    for row in rows:
        sharings_of[row["owner_id"]] += sum(1 for s in row["sharings"] if s["active"])
    out, info = [], {}
    for row in rows:
        where = (row["owner_lat"], row["owner_lon"])
        if where[0] is None or where[1] is None:
            centre = _centre([(communities[h]["lat"], communities[h]["lon"]) for h in row["homes"] if h in communities])
            if centre is None:
                continue  # an owner with no place cannot be matched by distance
            where = centre
        capacity = math.floor(row["capacity"] or 0)
        used = sum(int(s["units"]) for s in row["sharings"] if s["active"])
        orgs = row["owner_orgs"]
        paired = set().union(*(t.partner_communities.get(o, set()) for o in orgs))
        rated = [ratings[o] for o in orgs if o in ratings]
        out.append(algo.Resource(
            id=row["id"], owner_id=row["owner_id"], kind=row["kind"], capacity=max(0, capacity - used),
            lat=where[0], lon=where[1], owner_load=sharings_of[row["owner_id"]] + sum(t.pairings.get(o, 0) for o in orgs),
            paired_communities=frozenset(paired), owner_rating=sum(rated) / len(rated) if rated else None,
        ))
        info[row["id"]] = {"description": row["description"], "owner_name": row["owner_name"],
                           "owner_label": row["owner_label"], "capacity": capacity, "used": used,
                           "ever_shared": bool(row["sharings"])}
    return out, info


def community_profiles(
    branch_rows: Iterable[Row], communities: Mapping[str, Row], needs: Sequence[algo.Need]
) -> list[algo.CommunityProfile]:
    """One branch per community (the first by id when several top organisations serve it), with its need kinds."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for n in needs:
        kinds[n.community_id].add(n.kind)
    seen: set[str] = set()
    out = []
    for row in branch_rows:
        c = communities.get(row["community_id"])
        if c is None or c["id"] in seen:
            continue
        seen.add(c["id"])
        out.append(algo.CommunityProfile(id=row["id"], community_id=c["id"], lat=c["lat"], lon=c["lon"],
                                         need_kinds=frozenset(kinds[c["id"]])))
    return out


def unit_profiles(
    unit_rows: Iterable[Row], resource_rows: Iterable[Row], ratings: Mapping[str, float]
) -> list[algo.UnitProfile]:
    """Unit Party organisations with what they offer (as unit or as organisation) and where they already share."""
    kinds: dict[str, set[str]] = defaultdict(set)
    shared: dict[str, set[str]] = defaultdict(set)
    for r in resource_rows:
        kinds[r["owner_id"]].add(r["kind"])
        shared[r["owner_id"]].update(s["community_id"] for s in r["sharings"] if s["active"])
    return [
        algo.UnitProfile(
            id=u["id"], kind=u["unit_kind"], community_id=u["community_id"], lat=u["lat"], lon=u["lon"],
            resource_kinds=frozenset(kinds[u["unit_id"]] | kinds[u["id"]]),
            shared_with=frozenset(shared[u["unit_id"]] | shared[u["id"]]), rating=ratings.get(u["id"]),
        )
        for u in unit_rows
    ]


def nearby_pairs(
    communities: Sequence[algo.CommunityProfile], units: Sequence[algo.UnitProfile], *, max_km: float
) -> list[tuple[algo.CommunityProfile, algo.UnitProfile]]:
    """(community, unit) pairs within `max_km`: the candidate pairs worth scoring (vectorised, for city scale)."""
    ci, ui = nearby_index_pairs(communities, units, max_km=max_km).T.tolist()
    return [(communities[i], units[j]) for i, j in zip(ci, ui)]


def nearby_index_pairs(
    communities: Sequence[algo.CommunityProfile], units: Sequence[algo.UnitProfile], *, max_km: float
) -> np.ndarray:
    """`nearby_pairs` as (community index, unit index) rows of an (n, 2) array, community by community."""
    return np.argwhere(nearby_grid(communities, units, max_km=max_km))


def nearby_grid(
    communities: Sequence[algo.CommunityProfile], units: Sequence[algo.UnitProfile], *, max_km: float
) -> np.ndarray:
    """Whether each unit (column) is within `max_km` of each community (row)."""
    grid = np.zeros((len(communities), len(units)), dtype=bool)
    if not communities or not units:
        return grid
    c_lat, u_lat = np.array([c.lat for c in communities]), np.array([u.lat for u in units])
    c_lon, u_lon = np.array([c.lon for c in communities]), np.array([u.lon for u in units])
    # No two points are nearer than their difference in latitude: only pairs within that band get the
    # haversine (a city's grid is mostly far apart).
    band = np.degrees(max_km * 1000.0 / EARTH_RADIUS_M) * 1.001
    ci, ui = np.nonzero(np.abs(c_lat[:, None] - u_lat[None, :]) <= band)
    near = haversine_m_array(c_lat[ci], c_lon[ci], u_lat[ui], u_lon[ui]) <= max_km * 1000.0
    grid[ci[near], ui[near]] = True
    return grid
