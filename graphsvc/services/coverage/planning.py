"""Where to add service points (rule 9: LSCP and MCLP over candidate sites) and what-if (members or
organisations leaving)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable
from typing import Any

from graphsvc.algorithms.coverage import what_if_removed
from graphsvc.algorithms.placement import lscp, mclp
from graphsvc.errors import InvalidInput, NotFound
from graphsvc.graph import Graph
from graphsvc.projection import coverage as proj
from graphsvc.schemas import coverage as s
from graphsvc.scope import Scope
from graphsvc.services.coverage.area import communities_of, distance_table, points_near, walk_params


def _candidate_sites(
    graph: Graph, scope: Scope, communities: list[str] | None, given: list[s.Site] | None
) -> list[dict[str, Any]]:
    """Candidate sites: those given (with coordinates, or ids of buildings/units), else units offering a venue."""
    if given is None:
        return graph.read("coverage/venue_units", communities=communities)
    placed = [
        {"id": c.id, "name": c.name, "lat": c.lat, "lon": c.lon, "community_id": None}
        for c in given
        if c.lat is not None and c.lon is not None
    ]
    ids = [c.id for c in given if c.lat is None or c.lon is None]
    found = {}
    if ids:
        for name in ("coverage/buildings_by_id", "coverage/units_by_id"):
            for r in graph.read(name, ids=ids):
                if scope.communities is None or r["community_id"] in scope.communities:
                    found[r["id"]] = r
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(
            "候选站点不存在（需给出楼栋或单位编号，或给出经纬度）",
            details=[{"field": "candidates", "id": i} for i in missing],
        )
    sites = placed + [found[i] for i in ids]
    seen = Counter(site["id"] for site in sites)
    if dupes := [i for i, n in seen.items() if n > 1]:
        raise InvalidInput("候选站点编号重复", details=[{"field": "candidates", "id": i} for i in dupes])
    return sites


def limit_note(optimal: bool, gap: float | None, time_limit_s: float) -> str | None:
    """What the time limit left open, in Chinese (None when the plan is proven the best)."""
    if optimal:
        return None
    if gap is None:
        return f"在 {time_limit_s:g} 秒时限内未求得最优解，给出的是近似方案（与最优的差距未能证明）"
    percent = math.ceil(gap * 1000 - 1e-9) / 10  # rounded up: the bound stays true
    return f"在 {time_limit_s:g} 秒时限内未证明最优：当前方案与最优的差距不超过 {percent:g}%"


def _site_plan(
    choice: Any,
    sites: dict[Hashable, dict[str, Any]],
    cover: dict[Hashable, set[Hashable]],
    fixed: set[Hashable],
    households: dict[Hashable, int],
    time_limit_s: float,
) -> s.SitePlan:
    chosen = []
    for site_id in choice.chosen:
        newly = sorted(str(d) for d, near in cover.items() if site_id in near and not (near & fixed))
        site = sites[site_id]
        chosen.append(
            s.ChosenSite(
                id=str(site_id),
                name=site.get("name"),
                lat=site["lat"],
                lon=site["lon"],
                covers=newly,
                why={"buildings": len(newly), "households": sum(households[d] for d in newly)},
            )
        )
    return s.SitePlan(
        chosen=chosen,
        covered=len(choice.covered),
        uncovered=[str(d) for d in choice.uncovered],
        objective=choice.objective,
        optimal=choice.optimal,
        gap=choice.gap,
        note=limit_note(choice.optimal, choice.gap, time_limit_s),
    )


def plan_service_points(
    graph: Graph, scope: Scope, req: s.ServicePlanRequest, *, default_time_limit_s: float = 60.0
) -> s.ServicePlan:
    """Rule 9: where to add service points of each kind: the fewest new sites that cover every building (LSCP)
    and, with `p`, the best p sites by households covered (MCLP); existing points stay. Each model is solved
    for at most `req.time_limit_s` (else `default_time_limit_s`, the setting) seconds."""
    p = req.params
    limit = req.time_limit_s if req.time_limit_s is not None else default_time_limit_s
    communities = communities_of(graph, scope, req)
    kinds = list(req.kinds or p.required_points)
    buildings = graph.read("coverage/residential_buildings", communities=communities, grid_id=req.grid_id)
    sites = _candidate_sites(graph, scope, communities, req.candidates)
    if not buildings:
        return s.ServicePlan(items=[], count=0, candidates=len(sites), reach_m=p.reach_m, time_limit_s=limit)
    points = points_near(graph, buildings, [k.value for k in kinds], p.reach_m)
    if clash := sorted({pt["id"] for pt in points} & {site["id"] for site in sites}):
        raise InvalidInput("候选站点与现有服务站点编号重复", details=[{"field": "candidates", "id": i} for i in clash])
    walk = walk_params(p, distance_table(req.distances))
    near_points = proj.walk_reach(buildings, points, **walk)
    near_sites = proj.walk_reach(buildings, sites, **walk)
    demand = [b["id"] for b in buildings]
    households = {b["id"]: b["households"] for b in buildings}
    by_id = {site["id"]: site for site in sites}
    items = []
    for kind in kinds:
        fixed = {pt["id"] for pt in points if pt["kind"] == kind}
        cover = {d: (near_points[d] & fixed) | near_sites[d] for d in demand}
        least = lscp(demand, list(by_id), cover, fixed=fixed, time_limit_s=limit)
        best = None
        if req.p is not None:
            best = mclp(demand, households, list(by_id), cover, p=req.p, fixed=fixed, time_limit_s=limit)
        items.append(
            s.KindPlan(
                kind=kind,
                zh=kind.zh,
                buildings=len(demand),
                covered_now=sum(1 for d in demand if cover[d] & fixed),
                uncoverable=[str(d) for d in least.uncoverable],
                lscp=_site_plan(least, by_id, cover, fixed, households, limit),
                mclp=_site_plan(best, by_id, cover, fixed, households, limit) if best else None,
            )
        )
    return s.ServicePlan(items=items, count=len(items), candidates=len(sites), reach_m=p.reach_m, time_limit_s=limit)


def what_if(graph: Graph, scope: Scope, req: s.WhatIfRequest) -> s.WhatIf:
    """If these members or organisations leave: the households that lose their last link or helper,
    the buildings that lose their last group."""
    if not (req.member_ids or req.org_ids):
        raise InvalidInput("请给出离开的党员或党组织编号", details=[{"field": "member_ids"}, {"field": "org_ids"}])
    labels = {r["id"]: r["labels"] for r in graph.read("read/ids_exist", ids=req.member_ids + req.org_ids)}
    unknown = [{"field": "member_ids", "id": i} for i in req.member_ids if "Member" not in labels.get(i, [])]
    unknown += [{"field": "org_ids", "id": i} for i in req.org_ids if "PartyOrg" not in labels.get(i, [])]
    if unknown:
        raise NotFound("找不到这些党员或党组织", details=unknown)
    edges = graph.read(
        "coverage/coverers", member_ids=req.member_ids, org_ids=req.org_ids, communities=scope.community_list
    )
    place = {e["target"]: (e["building_id"], e["community_id"]) for e in edges}
    removed = req.member_ids + req.org_ids

    def lost(rel: str, kind: str) -> list[s.Lost]:
        impact = what_if_removed(proj.coverage_digraph(edges, {rel: kind}, removed), removed)
        found = impact.households if kind == "household" else impact.buildings
        return [
            s.Lost(id=str(t), building_id=place[t][0], community_id=place[t][1], lost=[str(c) for c in by])
            for t, by in found.items()
        ]

    out = {
        "households_unlinked": lost("LINKS", "household"),
        "households_without_helper": lost("HELPS", "household"),
        "buildings_uncovered": lost("COVERS", "building"),
    }
    return s.WhatIf(**out, count=sum(len(v) for v in out.values()))
