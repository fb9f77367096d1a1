"""Coverage gaps for planners (issue 3): the ten rules, the summary, who should close each gap,
what-if, and accepting a suggestion (the only writes, stamped and audited)."""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from graphsvc import audit
from graphsvc.algorithms.coverage import (
    assign_households,
    haversine_m,
    lscp,
    mclp,
    propose_building_branches,
    suggest_group_for_buildings,
    what_if_removed,
)
from graphsvc.errors import Infeasible, InvalidInput, NotFound
from graphsvc.graph import Graph, Tx
from graphsvc.projection import coverage as proj
from graphsvc.schemas import coverage as s
from graphsvc.schemas.coverage import GapRule
from graphsvc.schemas.ledger import OrgDomain
from graphsvc.scope import Scope, mask_name
from graphsvc.services import guard
from graphsvc.views import coverage as view

# Rule 9 is computed in Python (distances); every other rule is one named query.
RULE_QUERIES: dict[GapRule, str] = {
    GapRule.community_without_org: "coverage/community_without_org",
    GapRule.building_without_group: "coverage/building_without_group",
    GapRule.building_needs_branch: "coverage/building_needs_branch",
    GapRule.household_unlinked: "coverage/household_unlinked",
    GapRule.member_overloaded: "coverage/member_overloaded",
    GapRule.vulnerable_without_helper: "coverage/vulnerable_without_helper",
    GapRule.unit_without_branch: "coverage/unit_without_branch",
    GapRule.mobile_unregistered: "coverage/mobile_unregistered",
    GapRule.employed_unregistered: "coverage/employed_unregistered",
    GapRule.community_lacking_basics: "coverage/community_lacking_basics",
}
MEMBER_RULES = {GapRule.member_overloaded, GapRule.mobile_unregistered, GapRule.employed_unregistered}
HOUSEHOLD_RULES = {GapRule.household_unlinked, GapRule.vulnerable_without_helper}
# Rules whose every offender carries a sensitive flag (PIPL art. 28): masked callers get the count, never the ids.
FLAG_RULES = {GapRule.vulnerable_without_helper}
SENSITIVE_CATEGORIES = {"hardship"}  # 生活困难党员: a member's category that is itself sensitive
CONTEXT = ("id", "name", "street_id", "community_id", "community_name", "grid_id")
BASICS = ("office", "funds", "land")

# What each rule's ratio is a share of (Chinese for the summary) and the totals key that counts it.
POPULATION: dict[GapRule, tuple[str, str]] = {
    GapRule.community_without_org: ("社区", "communities"),
    GapRule.building_without_group: ("住宅楼栋", "residential_buildings"),
    GapRule.building_needs_branch: ("居住党员超过阈值的楼栋", "branch_buildings"),
    GapRule.household_unlinked: ("住户", "households"),
    GapRule.member_overloaded: ("联户党员", "linking_members"),
    GapRule.vulnerable_without_helper: ("困难户", "vulnerable_households"),
    GapRule.unit_without_branch: ("有党员的驻区单位", "units_with_members"),
    GapRule.mobile_unregistered: ("流动党员", "mobile_members"),
    GapRule.employed_unregistered: ("住在本地的单位在职党员", "unit_members_living_here"),
    GapRule.service_circle_gap: ("住宅楼栋", "residential_buildings"),
    GapRule.community_lacking_basics: ("社区", "communities"),
}

# The domain of a unit's own Party organisation, by unit kind (DOMAIN.md).
UNIT_ORG_DOMAIN = {
    "market": OrgDomain.market,
    "association": OrgDomain.association,
    "industrial_park": OrgDomain.industrial_park,
    "private_enterprise": OrgDomain.non_public,
    "social_org": OrgDomain.non_public,
}
CANNOT_LINK = ("mobile",)  # 流动党员 are often away: never proposed to link households
GROUP_NEIGHBOUR_M = 300.0  # a group next door (another community) may take a building this near


# --- where to look ---------------------------------------------------------------------------------


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


def _query_params(communities: list[str] | None, grid_id: str | None, p: s.GapParams) -> dict[str, Any]:
    return {
        "communities": communities,
        "grid_id": grid_id,
        "threshold": p.branch_threshold,
        "cap": p.link_cap,
        "min_members": p.unit_branch_members,
        "vulnerable": [v.value for v in p.vulnerable],
    }


def _table(distances: Iterable[s.Distance]) -> dict[tuple[Hashable, Hashable], float]:
    return {(d.from_id, d.to_id): d.meters for d in distances}


# --- the rules -------------------------------------------------------------------------------------


def _gap(rule: GapRule, row: dict[str, Any], scope: Scope, p: s.GapParams) -> s.Gap:
    detail = {k: v for k, v in row.items() if k not in CONTEXT}
    name = row.get("name")
    if rule in MEMBER_RULES and scope.masked:
        name = mask_name(name)
        detail.pop("category", None)
    if rule in HOUSEHOLD_RULES:
        flags = detail.pop("flags")
        if not scope.masked:
            detail["flags"] = flags
            detail["vulnerable"] = any(f in {v.value for v in p.vulnerable} for f in flags)
    if rule is GapRule.community_lacking_basics:
        detail["lacks"] = [b for b in BASICS if not row[f"has_{b}"]]
        detail["three_nos"] = len(detail["lacks"]) == len(BASICS)
    if rule is GapRule.unit_without_branch:
        own = row["working_members"] >= p.unit_branch_members
        detail["needs"] = "own_branch" if own else "joint_branch"
    return s.Gap(
        id=row["id"],
        name=name,
        street_id=row.get("street_id"),
        community_id=row.get("community_id"),
        community_name=row.get("community_name"),
        grid_id=row.get("grid_id"),
        detail=detail,
    )


def _points_near(
    graph: Graph, buildings: Sequence[dict[str, Any]], kinds: Sequence[str], reach_m: float
) -> list[dict[str, Any]]:
    south, north, west, east = proj.bbox(buildings, reach_m)
    return graph.read("coverage/service_points_near", kinds=list(kinds), south=south, north=north, west=west, east=east)


def _walk(p: s.GapParams, table: dict[tuple[Hashable, Hashable], float]) -> dict[str, Any]:
    return {"minutes": p.walk_minutes, "speed_m_per_min": p.walk_speed_m_per_min, "detour": p.detour, "table": table}


def _service_circle_rows(
    graph: Graph, q: dict[str, Any], p: s.GapParams, table: dict[tuple[Hashable, Hashable], float]
) -> list[dict[str, Any]]:
    """Rule 9: residential buildings with no point of some required kind within the walk."""
    buildings = graph.read("coverage/residential_buildings", communities=q["communities"], grid_id=q["grid_id"])
    if not buildings:
        return []
    kinds = [k.value for k in p.required_points]
    points = _points_near(graph, buildings, kinds, p.reach_m)
    kind_of = {pt["id"]: pt["kind"] for pt in points}
    reach = proj.walk_reach(buildings, points, **_walk(p, table))
    rows = []
    for b in buildings:
        reached = {kind_of[pt] for pt in reach[b["id"]]}
        missing = [k for k in kinds if k not in reached]
        if missing:
            rows.append({**b, "missing": missing, "reach_m": round(p.reach_m / p.detour)})
    return rows


def _clusters(graph: Graph, q: dict[str, Any], p: s.GapParams) -> list[s.Cluster]:
    """Rule 3 for neighbours: buildings each below the threshold that together pass it."""
    rows = graph.read(
        "coverage/building_residents",
        communities=q["communities"],
        grid_id=q["grid_id"],
        min_members=p.cluster_min_members,
    )
    candidates = [r for r in rows if not r["has_branch"] and r["resident_members"] <= p.branch_threshold]
    return [
        s.Cluster(
            community_id=c[0]["community_id"],
            building_ids=[b["id"] for b in c],
            members=sum(b["resident_members"] for b in c),
            span_m=round(max(haversine_m(a["lat"], a["lon"], b["lat"], b["lon"]) for a in c for b in c)),
        )
        for c in proj.neighbour_clusters(candidates, max_distance_m=p.cluster_distance_m, threshold=p.branch_threshold)
    ]


def _rule_rows(
    graph: Graph, rule: GapRule, q: dict[str, Any], p: s.GapParams, table: dict[tuple[Hashable, Hashable], float]
) -> list[dict[str, Any]]:
    if rule is GapRule.service_circle_gap:
        return _service_circle_rows(graph, q, p, table)
    rows = graph.read(RULE_QUERIES[rule], **q)
    if rule in HOUSEHOLD_RULES and rows:  # narrow rows: the communities' names and streets come once each
        ids = sorted({r["community_id"] for r in rows})
        context = {c["id"]: c for c in graph.read("coverage/community_context", ids=ids)}
        for r in rows:
            c = context[r["community_id"]]
            r.update(street_id=c["street_id"], community_name=c["name"])
    return rows


def gaps(
    graph: Graph,
    scope: Scope,
    area: s.Area,
    params: s.GapParams,
    *,
    rules: Sequence[GapRule] | None = None,
    distances: Iterable[s.Distance] = (),
) -> s.GapReport:
    """Every rule's offending entities (or only `rules`), with their context."""
    distances = tuple(distances)
    table_key = tuple(d.model_dump_json() for d in distances)
    key = ("coverage.gaps", scope, area.model_dump_json(), params.model_dump_json(), tuple(rules or ()), table_key)
    covers = communities_of(graph, scope, area)
    return graph.cached(key, lambda: _gaps(graph, scope, area, params, rules=rules, distances=distances), covers)


def _gaps(
    graph: Graph,
    scope: Scope,
    area: s.Area,
    params: s.GapParams,
    *,
    rules: Sequence[GapRule] | None,
    distances: Iterable[s.Distance],
) -> s.GapReport:
    communities = communities_of(graph, scope, area)
    q = _query_params(communities, area.grid_id, params)
    table = _table(distances)
    out: dict[str, s.RuleGaps] = {}
    for rule in rules or list(GapRule):
        items = [_gap(rule, r, scope, params) for r in _rule_rows(graph, rule, q, params, table)]
        count = len(items)
        if scope.masked and rule in FLAG_RULES:
            items = []
        out[rule.value] = s.RuleGaps(
            rule=rule,
            zh=rule.zh,
            count=count,
            ids=[i.id for i in items],
            items=items,
            clusters=_clusters(graph, q, params) if rule is GapRule.building_needs_branch else None,
        )
    return s.GapReport(communities=communities, grid_id=area.grid_id, params=params, rules=out)


def summary(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.CoverageSummary:
    """For every rule: how much of its population is covered, and which communities hold the gaps."""
    key = ("coverage.summary", scope, area.model_dump_json(), params.model_dump_json())
    return graph.cached(key, lambda: _summary(graph, scope, area, params), communities_of(graph, scope, area))


def _summary(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.CoverageSummary:
    # The summary holds only counts, so it may count what a masked caller cannot list (the flagged rules).
    report = gaps(graph, dataclasses.replace(scope, masked=False), area, params)
    q = _query_params(report.communities, area.grid_id, params)
    totals = graph.read("coverage/totals_places", **q)[0] | graph.read("coverage/totals_members", **q)[0]
    over = graph.read("coverage/building_residents", **q | {"min_members": params.branch_threshold + 1})
    totals["branch_buildings"] = len(over)
    items = []
    where: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str | None] = {}
    for rule in GapRule:
        found = report.rules[rule.value]
        population, key = POPULATION[rule]
        total = int(totals[key] or 0)
        ratio = round(1 - found.count / total, 4) if total else None
        items.append(
            s.RuleSummary(rule=rule, zh=rule.zh, population=population, total=total, gaps=found.count, ratio=ratio)
        )
        for g in found.items:
            if g.community_id:
                where[g.community_id][rule.value] += 1
                names[g.community_id] = g.community_name
    communities = sorted(
        (
            s.CommunityGaps(community_id=c, community_name=names[c], gaps=dict(n), total=sum(n.values()))
            for c, n in where.items()
        ),
        key=lambda c: (-c.total, c.community_id),
    )
    return s.CoverageSummary(items=items, count=len(items), communities=communities)


# --- who should close each gap ---------------------------------------------------------------------


def _leads(graph: Graph, community_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """community id -> its leading organisation, the street's organisation and its joint branches."""
    ids = sorted(set(community_ids))
    return {r["community_id"]: r for r in graph.read("coverage/community_orgs", ids=ids)} if ids else {}


def _parent(lead: dict[str, Any] | None) -> str | None:
    return (lead or {}).get("org_id") or (lead or {}).get("street_org_id")


def suggest_groups(
    graph: Graph,
    scope: Scope,
    area: s.Area,
    params: s.GapParams,
    *,
    group_building_cap: int | None = None,
    top: int = 3,
) -> s.BuildingSuggestions:
    """Rule 2: for each building no group covers, the existing groups that could take it (same community
    first, nearest, room left), else a new group formed by the members living there."""
    communities = communities_of(graph, scope, area)
    uncovered = graph.read("coverage/building_without_group", **_query_params(communities, area.grid_id, params))
    if not uncovered:
        return s.BuildingSuggestions(items=[], count=0)
    groups = graph.read("coverage/groups", communities=communities)
    group_names = {g["id"]: g["name"] for g in groups}
    ranked = suggest_group_for_buildings(
        uncovered,
        proj.group_places(groups),
        max_buildings_per_group=group_building_cap,
        top=top,
        cross_community_m=GROUP_NEIGHBOUR_M,
        min_new_group_members=params.unit_branch_members,
    )
    by_id = {b["id"]: b for b in uncovered}
    leads = _leads(graph, (b["community_id"] for b in uncovered))
    forming = [r.building_id for r in ranked if r.action == "form_group"]
    residents = (
        {r["building_id"]: r["member_ids"] for r in graph.read("coverage/building_members", ids=forming)}
        if forming
        else {}
    )
    items = []
    for r in ranked:
        b = by_id[r.building_id]
        candidates = [
            s.GroupOption(group_id=str(c.group_id), group_name=group_names.get(c.group_id), **c.why)
            for c in r.candidates
        ]
        parent = _parent(leads.get(b["community_id"]))
        items.append(
            s.BuildingSuggestion(
                building_id=b["id"],
                building_name=b["name"],
                community_id=b["community_id"],
                action=r.action,
                candidates=candidates,
                why=r.why | {"households": b["households"]},
                accept_covers=s.CoversPair(org_id=candidates[0].group_id, building_id=b["id"]) if candidates else None,
                accept_org=s.NewOrg(
                    name=f"{b['name']}党小组", parent_id=parent, community_id=b["community_id"], building_ids=[b["id"]]
                )
                if r.action == "form_group" and parent
                else None,
                member_ids=residents.get(b["id"], []),
            )
        )
    return s.BuildingSuggestions(items=items, count=len(items))


def suggest_links(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.LinkAssignment:
    """Rule 4: the optimal member -> household assignment for unlinked households: vulnerable households
    first, then as many as possible, then the nearest members; no member past the cap; mobile members left out."""
    communities = communities_of(graph, scope, area)
    households = graph.read("coverage/household_unlinked", **_query_params(communities, area.grid_id, params))
    members = graph.read("coverage/link_members", communities=sorted({h["community_id"] for h in households}))
    wanted = {v.value for v in params.vulnerable}
    vulnerable = {h["id"]: any(f in wanted for f in h["flags"]) for h in households}
    household = {h["id"]: h for h in households}
    waiting: dict[str, list[dict[str, Any]]] = defaultdict(list)
    living: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for h in households:
        waiting[h["community_id"]].append(h)
    for m in members:
        living[m["community_id"]].append(m)
    pairs: list[tuple[Mapping[str, Any], str, int]] = []
    unassigned: dict[Hashable, str] = {}
    total_cost = 0
    # Members link within the community they live in, so each community is a flow problem of its own:
    # solving them one at a time keeps a city's graph (400k households) out of memory.
    for community in sorted(waiting):
        G, pools = proj.assignment_graph(
            waiting[community], living[community], cap=params.link_cap, vulnerable=vulnerable, cannot_serve=CANNOT_LINK
        )
        # A pool takes up to its members' room together: the per-node cap must not clip it.
        result = assign_households(G, cap=max((G.nodes[p]["capacity"] for p in pools), default=params.link_cap))
        unassigned |= result.unassigned
        total_cost += result.total_cost
        given: dict[Any, list[Hashable]] = defaultdict(list)  # pool -> households
        cost: dict[Hashable, int] = {}
        for pool, h_id, c in result.pairs:
            given[pool].append(h_id)
            cost[h_id] = c
        for pool, h_ids in given.items():
            pairs += [(m, str(h_id), cost[h_id]) for m, h_id in proj.unpool(pools[pool], h_ids, cap=params.link_cap)]
    taken = Counter(m["id"] for m, _, _ in pairs)
    items = [
        s.LinkSuggestion(
            member_id=m["id"],
            member_name=mask_name(m["name"]) if scope.masked else m["name"],
            household_id=h_id,
            building_id=household[h_id]["building_id"],
            community_id=household[h_id]["community_id"],
            vulnerable=None if scope.masked else vulnerable[h_id],
            cost=c,
            why={
                "relation": proj.RELATION[c],
                "member_links_before": m["links"],
                "member_links_after": m["links"] + taken[m["id"]],
                "link_cap": params.link_cap,
            },
        )
        for m, h_id, c in sorted(pairs, key=lambda p: p[1])
    ]
    return s.LinkAssignment(
        items=items,
        count=len(items),
        total_cost=total_cost,
        link_cap=params.link_cap,
        unassigned=[
            s.Unassigned(household_id=str(h), reason=r)  # type: ignore[arg-type]
            for h, r in sorted(unassigned.items())
        ],
        accept=[s.LinkPair(member_id=i.member_id, household_id=i.household_id) for i in items],
    )


def suggest_branches(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.BranchProposals:
    """Rule 3: building branches where more than the threshold live, clustering neighbours until they pass it."""
    communities = communities_of(graph, scope, area)
    rows = graph.read(
        "coverage/building_residents",
        **_query_params(communities, area.grid_id, params)
        | {"min_members": min(params.cluster_min_members, params.branch_threshold + 1)},
    )
    names = {r["id"]: r["name"] for r in rows}
    candidates = [r for r in rows if not r["has_branch"]]
    proposals = propose_building_branches(
        candidates, threshold=params.branch_threshold, max_distance_m=params.cluster_distance_m
    )
    leads = _leads(graph, (str(p.community_id) for p in proposals))
    items = []
    for p in proposals:
        ids = [str(b) for b in p.building_ids]
        first = names[ids[0]]
        name = f"{first}楼宇党支部" if len(ids) == 1 else f"{first}等{len(ids)}幢楼联合楼宇党支部"
        parent = _parent(leads.get(str(p.community_id)))
        items.append(
            s.BranchProposal(
                community_id=str(p.community_id),
                kind=p.why["kind"],
                building_ids=ids,
                members=p.members,
                why=p.why,
                accept_org=s.NewOrg(
                    name=name,
                    level="branch",
                    domain=OrgDomain.building,
                    parent_id=parent,
                    community_id=str(p.community_id),
                    building_ids=ids,
                )
                if parent
                else None,
            )
        )
    return s.BranchProposals(items=items, count=len(items))


def suggest_units(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.UnitSuggestions:
    """Rule 6: a unit with enough working members gets its own branch; one with fewer joins the joint branch."""
    communities = communities_of(graph, scope, area)
    rows = graph.read("coverage/unit_without_branch", **_query_params(communities, area.grid_id, params))
    leads = _leads(graph, (r["community_id"] for r in rows))
    items = []
    for r in rows:
        lead = leads.get(r["community_id"], {})
        why = {
            "working_members": r["working_members"],
            "in_joint_branch": r["in_joint_branch"],
            "unit_branch_members": params.unit_branch_members,
            "unit_kind": r["unit_kind"],
        }
        if r["working_members"] >= params.unit_branch_members:
            street_org = lead.get("street_org_id")
            accept = (
                s.NewOrg(
                    name=f"{r['name']}党支部",
                    level="branch",
                    domain=UNIT_ORG_DOMAIN.get(r["unit_kind"], OrgDomain.unit),
                    parent_id=street_org,
                    unit_id=r["id"],
                )
                if street_org
                else None
            )
            items.append(
                s.UnitSuggestion(
                    unit_id=r["id"],
                    unit_name=r["name"],
                    community_id=r["community_id"],
                    action="own_branch",
                    why=why,
                    accept_org=accept,
                )
            )
        else:
            joints = lead.get("joint_ids") or []
            items.append(
                s.UnitSuggestion(
                    unit_id=r["id"],
                    unit_name=r["name"],
                    community_id=r["community_id"],
                    action="join_joint_branch",
                    joint_branch_id=joints[0] if joints else None,
                    why=why | {"joint_branches": joints},
                )
            )
    return s.UnitSuggestions(items=items, count=len(items))


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


def _site_plan(
    choice: Any,
    sites: dict[Hashable, dict[str, Any]],
    cover: dict[Hashable, set[Hashable]],
    fixed: set[Hashable],
    households: dict[Hashable, int],
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
    )


def plan_service_points(graph: Graph, scope: Scope, req: s.ServicePlanRequest) -> s.ServicePlan:
    """Rule 9: where to add service points of each kind: the fewest new sites that cover every building (LSCP)
    and, with `p`, the best p sites by households covered (MCLP); existing points stay."""
    p = req.params
    communities = communities_of(graph, scope, req)
    kinds = list(req.kinds or p.required_points)
    buildings = graph.read("coverage/residential_buildings", communities=communities, grid_id=req.grid_id)
    sites = _candidate_sites(graph, scope, communities, req.candidates)
    if not buildings:
        return s.ServicePlan(items=[], count=0, candidates=len(sites), reach_m=p.reach_m)
    points = _points_near(graph, buildings, [k.value for k in kinds], p.reach_m)
    if clash := sorted({pt["id"] for pt in points} & {site["id"] for site in sites}):
        raise InvalidInput("候选站点与现有服务站点编号重复", details=[{"field": "candidates", "id": i} for i in clash])
    walk = _walk(p, _table(req.distances))
    near_points = proj.walk_reach(buildings, points, **walk)
    near_sites = proj.walk_reach(buildings, sites, **walk)
    demand = [b["id"] for b in buildings]
    households = {b["id"]: b["households"] for b in buildings}
    by_id = {site["id"]: site for site in sites}
    items = []
    for kind in kinds:
        fixed = {pt["id"] for pt in points if pt["kind"] == kind}
        cover = {d: (near_points[d] & fixed) | near_sites[d] for d in demand}
        least = lscp(demand, list(by_id), cover, fixed=fixed)
        best = mclp(demand, households, list(by_id), cover, p=req.p, fixed=fixed) if req.p is not None else None
        items.append(
            s.KindPlan(
                kind=kind,
                zh=kind.zh,
                buildings=len(demand),
                covered_now=sum(1 for d in demand if cover[d] & fixed),
                uncoverable=[str(d) for d in least.uncoverable],
                lscp=_site_plan(least, by_id, cover, fixed, households),
                mclp=_site_plan(best, by_id, cover, fixed, households) if best else None,
            )
        )
    return s.ServicePlan(items=items, count=len(items), candidates=len(sites), reach_m=p.reach_m)


# --- what-if ---------------------------------------------------------------------------------------


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


# --- accepting a suggestion (validated against the graph, written in one transaction) -------------


def _stamp(scope: Scope) -> dict[str, str]:
    guard.writer(scope)
    return {"accepted_by": scope.actor, "accepted_at": audit.now(), "source": "suggestion"}


def _in_scope(scope: Scope, community_id: str | None) -> bool:
    return scope.communities is None or community_id in scope.communities


def _absent(
    items: Sequence[Any], field: str, found: Mapping[str, Mapping[str, Any]], scope: Scope | None = None
) -> list[dict[str, Any]]:
    """A detail for every item whose `field` names nothing found (or, given `scope`, a place out of it)."""
    out = []
    for i, item in enumerate(items):
        row = found.get(getattr(item, field))
        if row is None or (scope is not None and not _in_scope(scope, row["community_id"])):
            out.append({"field": f"items[{i}].{field}", "id": getattr(item, field)})
    return out


def _check_covers(tx: Tx, scope: Scope, pairs: list[s.CoversPair], cap: int | None) -> None:
    orgs = {r["id"]: r for r in tx.run("coverage/orgs_by_id", ids=sorted({p.org_id for p in pairs}))}
    buildings = {r["id"]: r for r in tx.run("coverage/buildings_by_id", ids=sorted({p.building_id for p in pairs}))}
    missing = _absent(pairs, "org_id", orgs) + _absent(pairs, "building_id", buildings, scope)
    if missing:
        raise NotFound("找不到这些党组织或楼栋", details=missing)
    wrong = [
        {"field": f"items[{i}].org_id", "id": p.org_id}
        for i, p in enumerate(pairs)
        if orgs[p.org_id]["level"] != "group" and orgs[p.org_id]["domain"] != "building"
    ]
    if wrong:
        raise InvalidInput("只有党小组或楼宇党支部可以联系楼栋（党小组联幢）", details=wrong)
    if cap is not None:
        now = {o: r["building_ids"] for o, r in orgs.items()}
        if over := _over_cap(now, [(p.org_id, p.building_id) for p in pairs], cap):
            raise Infeasible("党小组联系楼栋数将超过上限", details=over)


def _over_cap(now: dict[str, list[str]], pairs: Iterable[tuple[str, str]], cap: int) -> list[dict[str, Any]]:
    """Who would pass `cap` with its current targets (`now`) plus the new ones among `pairs` (owner, target)."""
    adding: dict[str, set[str]] = defaultdict(set)
    for owner, target in pairs:
        if target not in now[owner]:
            adding[owner].add(target)
    return [
        {"field": "items", "id": o, "now": len(now[o]), "adding": len(new), "cap": cap}
        for o, new in sorted(adding.items())
        if len(now[o]) + len(new) > cap
    ]


def _accepted(action: str, rows: list[str], stamp: dict[str, str]) -> s.Accepted:
    return s.Accepted(
        action=action, written=len(rows), ids=rows, accepted_by=stamp["accepted_by"], accepted_at=stamp["accepted_at"]
    )


def accept_covers(graph: Graph, scope: Scope, body: s.AcceptCovers) -> s.Accepted:
    """Write accepted group -> building COVERS (党小组联幢) after checking ids, scope and the optional cap."""
    stamp = _stamp(scope)
    pairs = [p.model_dump() for p in body.items]

    def work(tx: Tx) -> list[str]:
        named = [(f"items[{i}].{f}", getattr(p, f)) for i, p in enumerate(body.items) for f in ("org_id", "building_id")]
        guard.in_scope(tx, scope, named, "找不到这些党组织或楼栋")
        _check_covers(tx, scope, body.items, body.group_building_cap)
        rows = tx.run("coverage/accept_covers", pairs=pairs, stamp=stamp)
        audit.record(tx, scope, "coverage.accept_covers", "COVERS", {"pairs": len(rows)}, source="suggestion")
        return [f"{r['org_id']}->{r['building_id']}" for r in rows]

    return _accepted("covers", graph.transaction(work), stamp)


def accept_links(graph: Graph, scope: Scope, body: s.AcceptLinks) -> s.Accepted:
    """Write accepted member -> household LINKS (党员联户) after checking ids, scope and every member's cap."""
    stamp = _stamp(scope)
    pairs = [p.model_dump() for p in body.items]
    dupes = [k for k, n in Counter((p.member_id, p.household_id) for p in body.items).items() if n > 1]
    if dupes:
        raise InvalidInput(
            "同一对党员和住户出现了多次",
            details=[{"field": "items", "member_id": m, "household_id": h} for m, h in dupes],
        )

    def work(tx: Tx) -> list[str]:
        named = [(f"items[{i}].{f}", getattr(p, f)) for i, p in enumerate(body.items) for f in ("member_id", "household_id")]
        guard.in_scope(tx, scope, named, "找不到这些党员或住户")
        members = {r["id"]: r for r in tx.run("coverage/members_by_id", ids=sorted({p.member_id for p in body.items}))}
        households = {
            r["id"]: r for r in tx.run("coverage/households_by_id", ids=sorted({p.household_id for p in body.items}))
        }
        missing = _absent(body.items, "member_id", members) + _absent(body.items, "household_id", households, scope)
        if missing:
            raise NotFound("找不到这些党员或住户", details=missing)
        now = {m: r["household_ids"] for m, r in members.items()}
        if over := _over_cap(now, [(p.member_id, p.household_id) for p in body.items], body.link_cap):
            raise Infeasible("党员联系住户数将超过上限", details=over)
        rows = tx.run("coverage/accept_links", pairs=pairs, stamp=stamp)
        audit.record(tx, scope, "coverage.accept_links", "LINKS", {"pairs": len(rows)}, source="suggestion")
        return [f"{r['member_id']}->{r['household_id']}" for r in rows]

    return _accepted("links", graph.transaction(work), stamp)


def accept_org(graph: Graph, scope: Scope, body: s.NewOrg) -> s.Accepted:
    """Create an accepted Party organisation (a group, a building branch, a unit's branch) with its COVERS."""
    stamp = _stamp(scope)
    org_id = body.id or f"po-{uuid.uuid4().hex[:12]}"
    if body.level == "group" and not body.community_id:
        raise InvalidInput("党小组必须属于一个社区", details=[{"field": "community_id"}])
    if body.domain == "building" and not body.community_id:
        raise InvalidInput("楼宇党支部必须属于一个社区", details=[{"field": "community_id"}])
    if len(set(body.building_ids)) != len(body.building_ids):
        raise InvalidInput("楼栋编号重复", details=[{"field": "building_ids"}])
    org = {
        "id": org_id,
        "name": body.name,
        "level": body.level,
        "domain": body.domain.value,
        "parent_id": body.parent_id,
        "community_id": body.community_id,
        "unit_id": body.unit_id,
    }

    def work(tx: Tx) -> list[str]:
        wanted = {
            "id": (org_id, None),
            "parent_id": (body.parent_id, "PartyOrg"),
            "community_id": (body.community_id, "Community"),
            "unit_id": (body.unit_id, "Unit"),
        }
        named = [(f, v) for f, (v, label) in wanted.items() if label] + [("building_ids", b) for b in body.building_ids]
        guard.in_scope(tx, scope, named, "找不到上级党组织、社区或单位")
        labels = {r["id"]: r["labels"] for r in tx.run("read/ids_exist", ids=[v for v, _ in wanted.values() if v])}
        if org_id in labels:
            raise InvalidInput("编号已被占用", details=[{"field": "id", "id": org_id}])
        missing = [
            {"field": f, "id": v} for f, (v, label) in wanted.items() if v and label and label not in labels.get(v, [])
        ]
        if missing:
            raise NotFound("找不到上级党组织、社区或单位", details=missing)
        where = body.community_id
        if body.unit_id:
            unit = tx.run("coverage/units_by_id", ids=[body.unit_id])[0]
            where = where or unit["community_id"]
            if unit["org_ids"]:
                raise InvalidInput(
                    "该单位已有党组织", details=[{"field": "unit_id", "id": body.unit_id, "org_ids": unit["org_ids"]}]
                )
        if not _in_scope(scope, where):
            raise NotFound("找不到上级党组织、社区或单位", details=[{"field": "community_id", "id": where}])
        buildings = {r["id"]: r for r in tx.run("coverage/buildings_by_id", ids=body.building_ids)}
        bad = [
            {"field": "building_ids", "id": b}
            for b in body.building_ids
            if b not in buildings or buildings[b]["community_id"] != body.community_id
        ]
        if bad:
            raise InvalidInput("楼栋不存在或不在该社区", details=bad)
        tx.run("coverage/accept_org", org=org, stamp=stamp)
        pairs = [{"org_id": org_id, "building_id": b} for b in body.building_ids]
        if pairs:
            tx.run("coverage/accept_covers", pairs=pairs, stamp=stamp)
        audit.record(tx, scope, "coverage.accept_org", org_id, {"buildings": len(pairs)}, source="suggestion")
        return [org_id]

    return _accepted("org", graph.transaction(work), stamp)


# --- the picture -----------------------------------------------------------------------------------


def picture(graph: Graph, scope: Scope, community_id: str) -> str:
    """The coverage picture of one community as an HTML page."""
    rows = graph.read("coverage/picture", community_id=community_id, communities=scope.community_list)
    if not rows:
        raise NotFound(f"找不到编号为 {community_id} 的社区", details=[{"field": "community_id", "id": community_id}])
    return view.coverage_picture(
        rows[0]["community_name"], [r for r in rows if r["id"] is not None], masked=scope.masked
    )
