"""The planner's new suggestions: a helper for each vulnerable household (一帮一), a community branch
for each community without an organisation (一居一支部); and accepting helpers (writes HELPS)."""

from __future__ import annotations

from graphsvc.algorithms.helpers import suggest_helpers as rank_helpers
from graphsvc.graph import Graph
from graphsvc.schemas import coverage as s
from graphsvc.schemas import planner as p
from graphsvc.schemas.ledger import OrgDomain
from graphsvc.scope import Scope, mask_name
from graphsvc.services.coverage.accepting import accept_member_pairs
from graphsvc.services.coverage.area import communities_of, community_leads, household_rows, query_params

HELP_CAP = 3  # households one member helps at most (一帮一 is one to one; a few at most)


def suggest_helpers(graph: Graph, scope: Scope, area: s.Area, params: s.GapParams, *,
                    help_cap: int = HELP_CAP) -> p.HelperSuggestions:
    """Rule 5: for each vulnerable household no member helps, the nearest member with room (same building, then grid)."""
    communities = communities_of(graph, scope, area)
    households = household_rows(graph, "coverage/vulnerable_without_helper", **query_params(communities, area.grid_id, params))
    if not households:
        return p.HelperSuggestions(items=[], count=0, unassigned=[], help_cap=help_cap, accept=[])
    members = graph.read("coverage/help_members", communities=sorted({h["community_id"] for h in households}))
    places = {b["id"]: b for b in graph.read("coverage/buildings_by_id", ids=sorted({h["building_id"] for h in households}))}
    rows = [h | {"lat": places.get(h["building_id"], {}).get("lat"), "lon": places.get(h["building_id"], {}).get("lon")}
            for h in households]
    chosen = rank_helpers(rows, members, cap=help_cap)
    if scope.masked:  # every row is a vulnerable household: masked callers get the count, never the rows
        return p.HelperSuggestions(items=[], count=len(chosen), unassigned=[], help_cap=help_cap, accept=[])
    member = {m["id"]: m for m in members}
    items = []
    for h in households:
        c = chosen.get(h["id"])
        if c is None:
            continue
        m = member[c.member_id]
        items.append(p.HelperSuggestion(
            household_id=h["id"], building_id=h["building_id"], building_name=h["building_name"],
            community_id=h["community_id"], member_id=m["id"],
            member_name=mask_name(m["name"]) if scope.masked else m["name"], relation=c.relation,  # type: ignore[arg-type]
            distance_m=c.distance_m,
            why={"member_building": m["building_name"], "helps_before": c.helps_before, "help_cap": help_cap},
        ))
    return p.HelperSuggestions(
        items=items, count=len(items), unassigned=[h["id"] for h in households if h["id"] not in chosen],
        help_cap=help_cap, accept=[s.LinkPair(member_id=i.member_id, household_id=i.household_id) for i in items],
    )


def suggest_community_branches(graph: Graph, scope: Scope, area: s.Area) -> p.CommunityBranches:
    """Rule 1: a community branch under the street's working committee for each community no organisation serves."""
    communities = communities_of(graph, scope, area)
    rows = graph.read("coverage/community_without_org", **query_params(communities, None, s.GapParams()))
    leads = community_leads(graph, (r["id"] for r in rows))
    items = []
    for r in rows:
        above = leads.get(r["id"], {}).get("street_org_id")
        items.append(p.CommunityBranch(
            community_id=r["id"], community_name=r["name"], street_org_id=above,
            why={"buildings": r["buildings"], "resident_members": r["resident_members"]},
            accept_org=s.NewOrg(name=f"{r['name']}党支部", level="branch", domain=OrgDomain.community,
                                parent_id=above, community_id=r["id"]) if above else None,
        ))
    return p.CommunityBranches(items=items, count=len(items))


def accept_helps(graph: Graph, scope: Scope, body: p.AcceptHelps) -> s.Accepted:
    """Write accepted member -> household HELPS (一帮一) after checking ids, scope and every member's cap."""
    return accept_member_pairs(graph, scope, body.items, body.help_cap, "helps")
