"""Who should close each gap: groups for uncovered buildings, members for unlinked households, building
branches, units' branches (rules 2, 4, 3, 6)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from typing import Any

from pydantic import TypeAdapter

from graphsvc.algorithms.assignment import Assignment, assign_households
from graphsvc.algorithms.assignment_pooled import assign_pooled, grids_agree
from graphsvc.algorithms.coverage import propose_building_branches, suggest_group_for_buildings
from graphsvc.gcpause import paused
from graphsvc.graph import Graph, together
from graphsvc.projection import coverage as proj
from graphsvc.schemas import coverage as s
from graphsvc.schemas.ledger import OrgDomain
from graphsvc.scope import Scope, mask_name
from graphsvc.services.coverage.area import (
    communities_of,
    community_leads,
    household_rows,
    member_rows,
    parent_org,
    query_params,
    scoped,
)

# The domain of a unit's own Party organisation, by unit kind (docs/domain.md).
UNIT_ORG_DOMAIN = {
    "market": OrgDomain.market,
    "association": OrgDomain.association,
    "industrial_park": OrgDomain.industrial_park,
    "private_enterprise": OrgDomain.non_public,
    "social_org": OrgDomain.non_public,
}
SUGGESTIONS = TypeAdapter(list[s.LinkSuggestion])  # a whole list validated at once (a city's 340k)
UNASSIGNED = TypeAdapter(list[s.Unassigned])
CANNOT_LINK = ("mobile",)  # 流动党员 are often away: never proposed to link households
GROUP_NEIGHBOUR_M = 300.0  # a group next door (another community) may take a building this near
_Pair = tuple[Mapping[str, Any], str, int]  # a suggested link: (member, household id, cost)


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
    uncovered = graph.read("coverage/building_without_group", **query_params(communities, area.grid_id, params))
    if not uncovered:
        return s.BuildingSuggestions(items=[], count=0)
    groups = graph.read("coverage/groups", communities=communities)
    group_names = {g["id"]: g["name"] for g in groups}
    ranked = suggest_group_for_buildings(
        proj.building_points(uncovered),
        proj.group_places(groups),
        max_buildings_per_group=group_building_cap,
        top=top,
        cross_community_m=GROUP_NEIGHBOUR_M,
        min_new_group_members=params.unit_branch_members,
    )
    by_id = {b["id"]: b for b in uncovered}
    leads = community_leads(graph, (b["community_id"] for b in uncovered))
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
        parent = parent_org(leads.get(b["community_id"]))
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


def _by_community(rows: list[dict[str, Any]]) -> defaultdict[str, list[dict[str, Any]]]:
    """Rows grouped by their community id (an unknown community: no rows)."""
    out: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r["community_id"]].append(r)
    return out


def _assign_community(
    households: list[dict[str, Any]], members: list[dict[str, Any]], vulnerable: Mapping[Hashable, bool], cap: int
) -> tuple[Assignment, dict[tuple[str, str], list[proj.Row]]]:
    """One community's optimal assignment to member pools, and pool -> its members."""
    rows, pool_rows, pools = proj.pooled_rows(
        households, members, cap=cap, vulnerable=vulnerable, cannot_serve=CANNOT_LINK
    )
    if grids_agree(rows, pool_rows):  # costs are distances in the building - grid - community tree
        return assign_pooled(rows, pool_rows, same_grid=proj.SAME_GRID, elsewhere=proj.SAME_COMMUNITY), pools
    G, pools = proj.assignment_graph(households, members, cap=cap, vulnerable=vulnerable, cannot_serve=CANNOT_LINK)
    # A pool takes up to its members' room together: the per-node cap must not clip it.
    return assign_households(G, cap=max((G.nodes[p]["capacity"] for p in pools), default=cap)), pools


def _assign_links(
    households: list[dict[str, Any]], members: list[dict[str, Any]], vulnerable: Mapping[Hashable, bool], cap: int
) -> tuple[list[_Pair], dict[Hashable, str], int]:
    """The optimal pairs, the households left unassigned (with why) and the total cost."""
    waiting = _by_community(households)
    living = _by_community(members)
    pairs: list[_Pair] = []
    unassigned: dict[Hashable, str] = {}
    total_cost = 0
    # Members link within the community they live in, so each community is a flow problem of its own:
    # solving them one at a time keeps a city's graph (400k households) out of memory.
    for community in sorted(waiting):
        result, pools = _assign_community(waiting[community], living[community], vulnerable, cap)
        unassigned |= result.unassigned
        total_cost += result.total_cost
        given: dict[Any, list[Hashable]] = defaultdict(list)  # pool -> households
        cost: dict[Hashable, int] = {}
        for pool, h_id, c in result.pairs:
            given[pool].append(h_id)
            cost[h_id] = c
        for pool, h_ids in given.items():
            pairs += [(m, str(h_id), cost[h_id]) for m, h_id in proj.unpool(pools[pool], h_ids, cap=cap)]
    return pairs, unassigned, total_cost


def _link_items(
    pairs: list[_Pair], households: list[dict[str, Any]], vulnerable: Mapping[Hashable, bool], scope: Scope, cap: int
) -> list[s.LinkSuggestion]:
    """The pairs as suggestions, by household id; names masked and flags hidden for masked callers."""
    household = {h["id"]: h for h in households}
    taken = Counter(m["id"] for m, _, _ in pairs)
    # Validated as one list (a city: 340k of them, 1.6 s; one model at a time, even unvalidated, took 2.6 s).
    return SUGGESTIONS.validate_python([
        {
            "member_id": m["id"],
            "member_name": mask_name(m["name"]) if scope.masked else m["name"],
            "household_id": h_id,
            "building_id": household[h_id]["building_id"],
            "community_id": household[h_id]["community_id"],
            "vulnerable": None if scope.masked else vulnerable[h_id],
            "cost": c,
            "why": {
                "relation": proj.RELATION[c],
                "member_links_before": m["links"],
                "member_links_after": m["links"] + taken[m["id"]],
                "link_cap": cap,
            },
        }
        for m, h_id, c in sorted(pairs, key=lambda p: p[1])
    ])


@paused()
def suggest_links(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.LinkAssignment:
    """Rule 4: the optimal member -> household assignment for unlinked households: vulnerable households
    first, then as many as possible, then the nearest members; no member past the cap; mobile members left out."""
    communities = communities_of(graph, scope, area)
    # Both at once (members of the whole area: those of communities without a waiting household are not used).
    households, members = together(
        lambda: household_rows(graph, "coverage/household_unlinked", **query_params(communities, area.grid_id, params)),
        lambda: member_rows(graph, communities),
    )
    wanted = {v.value for v in params.vulnerable}
    # Masked callers get the plan without the "vulnerable first" priority: which households it favours would
    # reveal their flags (sensitive under PIPL art. 28).
    vulnerable = {h["id"]: not scope.masked and not wanted.isdisjoint(h["flags"]) for h in households}
    pairs, unassigned, total_cost = _assign_links(households, members, vulnerable, params.link_cap)
    items = _link_items(pairs, households, vulnerable, scope, params.link_cap)
    return s.LinkAssignment(
        items=items,
        count=len(items),
        total_cost=total_cost,
        link_cap=params.link_cap,
        unassigned=UNASSIGNED.validate_python([{"household_id": str(h), "reason": r} for h, r in sorted(unassigned.items())]),
        accept=list[s.LinkPair](items),  # each suggestion is its pair (serialised as one)
    )


def suggest_branches(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.BranchProposals:
    """Rule 3: building branches where more than the threshold live, clustering neighbours until they pass it."""
    communities = communities_of(graph, scope, area)
    rows = graph.read(
        scoped("coverage/building_residents", communities),
        **query_params(communities, area.grid_id, params)
        | {"min_members": min(params.cluster_min_members, params.branch_threshold + 1)},
    )
    names = {r["id"]: r["name"] for r in rows}
    candidates = [r for r in rows if not r["has_branch"]]
    proposals = propose_building_branches(
        proj.building_points(candidates), threshold=params.branch_threshold, max_distance_m=params.cluster_distance_m
    )
    leads = community_leads(graph, (str(p.community_id) for p in proposals))
    items = []
    for p in proposals:
        ids = [str(b) for b in p.building_ids]
        first = names[ids[0]]
        name = f"{first}楼宇党支部" if len(ids) == 1 else f"{first}等{len(ids)}幢楼联合楼宇党支部"
        parent = parent_org(leads.get(str(p.community_id)))
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


def _unit_branch(unit: Mapping[str, Any], street_org: str | None) -> s.NewOrg | None:
    """A unit's own branch under its street's organisation (none without one)."""
    if not street_org:
        return None
    return s.NewOrg(
        name=f"{unit['name']}党支部",
        level="branch",
        domain=UNIT_ORG_DOMAIN.get(unit["unit_kind"], OrgDomain.unit),
        parent_id=street_org,
        unit_id=unit["id"],
    )


def suggest_units(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams) -> s.UnitSuggestions:
    """Rule 6: a unit with enough working members gets its own branch; one with fewer joins the joint branch."""
    communities = communities_of(graph, scope, area)
    rows = graph.read("coverage/unit_without_branch", **query_params(communities, area.grid_id, params))
    leads = community_leads(graph, (r["community_id"] for r in rows))
    items = []
    for r in rows:
        lead = leads.get(r["community_id"], {})
        why = {
            "working_members": r["working_members"],
            "in_joint_branch": r["in_joint_branch"],
            "unit_branch_members": params.unit_branch_members,
            "unit_kind": r["unit_kind"],
        }
        own = r["working_members"] >= params.unit_branch_members
        joints = [] if own else lead.get("joint_ids") or []
        items.append(
            s.UnitSuggestion(
                unit_id=r["id"],
                unit_name=r["name"],
                community_id=r["community_id"],
                action="own_branch" if own else "join_joint_branch",
                joint_branch_id=joints[0] if joints else None,
                why=why if own else why | {"joint_branches": joints},
                accept_org=_unit_branch(r, lead.get("street_org_id")) if own else None,
            )
        )
    return s.UnitSuggestions(items=items, count=len(items))
