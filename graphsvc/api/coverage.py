"""Coverage gaps for planners: the ten rules, the summary, suggestions, what-if, accepting, the picture."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas import coverage as s
from graphsvc.schemas import planner as p
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import coverage, history, suggest

router = APIRouter(tags=["coverage"])
GapQuery = Annotated[s.GapQuery, Query()]


@router.get("/coverage/gaps", response_model=s.GapReport)
def gaps(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: Annotated[s.GapsQuery, Query()]) -> s.GapReport:
    """The offending entities of every rule (or of `rule`), with street, community, grid and counts."""
    return coverage.gaps(graph, scope, q.area(), q.params(settings.gaps), rules=q.rule)


@router.get("/coverage/gaps/page", response_model=s.GapPage)
def gap_page(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: Annotated[s.GapPageQuery, Query()]) -> s.GapPage:
    """For a wide area: per rule the count, the counts by street and community, and one page of gaps."""
    return coverage.gap_page(
        graph, scope, q.area(), q.params(settings.gaps), rules=q.rule, limit=q.limit, offset=q.offset
    )


@router.get("/coverage/summary", response_model=s.CoverageSummary)
def summary(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: GapQuery) -> s.CoverageSummary:
    """For a street, community or grid: the covered share and the gap count of every rule, and where the gaps are."""
    return coverage.summary(graph, scope, q.area(), q.params(settings.gaps))


@router.get("/coverage/suggestions/groups", response_model=s.BuildingSuggestions)
def suggest_groups(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: Annotated[s.GroupsQuery, Query()]) -> s.BuildingSuggestions:
    """Which Party group should cover each uncovered building, or a new group formed there."""
    return coverage.suggest_groups(
        graph, scope, q.area(), q.params(settings.gaps), group_building_cap=q.group_building_cap, top=q.top
    )


@router.get("/coverage/suggestions/links", response_model=s.LinkAssignment)
def suggest_links(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: GapQuery) -> s.LinkAssignment:
    """The optimal member → household assignment for unlinked households (caps kept, vulnerable first)."""
    return coverage.suggest_links(graph, scope, q.area(), q.params(settings.gaps))


@router.get("/coverage/suggestions/branches", response_model=s.BranchProposals)
def suggest_branches(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: GapQuery) -> s.BranchProposals:
    """Building branches to set up: single buildings over the threshold, and clusters of neighbours."""
    return coverage.suggest_branches(graph, scope, q.area(), q.params(settings.gaps))


@router.get("/coverage/suggestions/units", response_model=s.UnitSuggestions)
def suggest_units(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: GapQuery) -> s.UnitSuggestions:
    """Units without an organisation: their own branch, or the joint branch to join."""
    return coverage.suggest_units(graph, scope, q.area(), q.params(settings.gaps))


@router.get("/coverage/suggestions/helpers", response_model=p.HelperSuggestions)
def suggest_helpers(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: GapQuery,
                    help_cap: Annotated[int, Query(ge=1, le=100)] = suggest.HELP_CAP) -> p.HelperSuggestions:
    """一帮一: for each vulnerable household nobody helps, the nearest member with room (same building, then grid)."""
    return suggest.suggest_helpers(graph, scope, q.area(), q.params(settings.gaps), help_cap=help_cap)


@router.get("/coverage/suggestions/community-branches", response_model=p.CommunityBranches)
def suggest_community_branches(graph: GraphDep, scope: ScopeDep, q: GapQuery) -> p.CommunityBranches:
    """一居一支部: a community branch under the street's working committee for each community without one."""
    return suggest.suggest_community_branches(graph, scope, q.area())


@router.post("/coverage/suggestions/service-points", response_model=s.ServicePlan)
def plan_service_points(
    graph: GraphDep, scope: ScopeDep, settings: SettingsDep, body: s.ServicePlanRequest
) -> s.ServicePlan:
    """Where to add service points: the fewest new sites covering every building (LSCP), the best p (MCLP).
    Each model runs at most `time_limit_s` seconds; a plan the limit stopped says so (`optimal`, `gap`, `note`)."""
    return coverage.plan_service_points(graph, scope, body, default_time_limit_s=settings.plan_time_limit_s)


@router.post("/coverage/what-if", response_model=s.WhatIf)
def what_if(graph: GraphDep, scope: ScopeDep, body: s.WhatIfRequest) -> s.WhatIf:
    """If these members or organisations leave: the households and buildings left uncovered."""
    return coverage.what_if(graph, scope, body)


@router.post("/coverage/accept/covers", response_model=s.Accepted)
def accept_covers(
    graph: GraphDep, scope: ScopeDep, settings: SettingsDep, later: BackgroundTasks, body: s.AcceptCovers,
) -> s.Accepted:
    """Accept group → building suggestions: writes COVERS, stamped with who and when."""
    return history.accepted(graph, scope, settings.gaps, coverage.accept_covers(graph, scope, body), later)


@router.post("/coverage/accept/links", response_model=s.Accepted)
def accept_links(
    graph: GraphDep, scope: ScopeDep, settings: SettingsDep, later: BackgroundTasks, body: s.AcceptLinks,
) -> s.Accepted:
    """Accept member → household suggestions: writes LINKS within every member's cap, stamped."""
    return history.accepted(graph, scope, settings.gaps, coverage.accept_links(graph, scope, body), later)


@router.post("/coverage/accept/helps", response_model=s.Accepted)
def accept_helps(
    graph: GraphDep, scope: ScopeDep, settings: SettingsDep, later: BackgroundTasks, body: p.AcceptHelps,
) -> s.Accepted:
    """Accept helper → household suggestions (一帮一): writes HELPS within every member's cap, stamped and audited."""
    return history.accepted(graph, scope, settings.gaps, suggest.accept_helps(graph, scope, body), later)


@router.post("/coverage/accept/joint", response_model=s.Accepted)
def accept_joint(
    graph: GraphDep, scope: ScopeDep, settings: SettingsDep, later: BackgroundTasks, body: s.AcceptJoint,
) -> s.Accepted:
    """Accept a small unit joining a joint branch: its working members' memberships move there, stamped and audited."""
    return history.accepted(graph, scope, settings.gaps, coverage.accept_joint(graph, scope, body), later)


@router.post("/coverage/accept/org", response_model=s.Accepted)
def accept_org(
    graph: GraphDep, scope: ScopeDep, settings: SettingsDep, later: BackgroundTasks, body: s.NewOrg,
) -> s.Accepted:
    """Accept a new Party group or branch: writes the PartyOrg (Ledger v1 columns) and its COVERS, stamped."""
    return history.accepted(graph, scope, settings.gaps, coverage.accept_org(graph, scope, body), later)


@router.get("/pictures/coverage", response_class=HTMLResponse)
def picture(
    graph: GraphDep,
    scope: ScopeDep,
    community_id: Annotated[str, Query(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)],
) -> str:
    """The coverage picture of a community: buildings green/red on their coordinates, groups and members."""
    return coverage.picture(graph, scope, community_id)
