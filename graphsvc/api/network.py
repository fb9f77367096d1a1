"""The organisation network: analytics (JSON) under /network, pictures (HTML) under /pictures/network.

Every endpoint takes the same selection: `street_id` or `community_id` (none: everything in the
caller's scope) and `kinds` (repeatable: UNDER, PAIRED_WITH, SHARED_WITH, REGISTERED_AT, SITS_ON;
none: all of them).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import GraphDep, ScopeDep
from graphsvc.schemas import network as s
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.schemas.ledger import OrgLevel
from graphsvc.services import network

router = APIRouter(tags=["network"])
OrgId = Annotated[str, Path(max_length=ID_MAX, pattern=ID_PATTERN)]
Radius = Annotated[int, Query(ge=0, le=6, description="几步以内")]
Seed = Annotated[int, Query(ge=0, description="Louvain 随机种子：同一种子，同一结果")]


def _selection(
    street_id: Annotated[str | None, Query(max_length=ID_MAX, pattern=ID_PATTERN, description="街道编号")] = None,
    community_id: Annotated[str | None, Query(max_length=ID_MAX, pattern=ID_PATTERN, description="社区编号")] = None,
    kinds: Annotated[list[s.TieKind] | None, Query(description="联系种类（可重复；缺省为全部）")] = None,
    levels: Annotated[list[OrgLevel] | None, Query(description="党组织级别（可重复；缺省为全部）")] = None,
) -> s.Selection:
    return s.Selection(street_id=street_id, community_id=community_id, kinds=kinds or list(s.TieKind),
                       levels=levels or [])


SelectionDep = Annotated[s.Selection, Depends(_selection)]


@router.get("/network/overview", response_model=s.NetworkOverview)
def overview(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, top: Annotated[int, Query(ge=1, le=100)] = 10,
             seed: Seed = 0) -> s.NetworkOverview:
    """Counts, top brokers, clusters, single points of failure, isolated organisations."""
    return network.overview(graph, scope, sel, top=top, seed=seed)


@router.get("/network/metrics", response_model=s.OrgMetrics)
def metrics(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, seed: Seed = 0) -> s.OrgMetrics:
    """Every metric of every organisation: betweenness, degree, eigenvector, core number, cluster, cut point."""
    return network.metrics(graph, scope, sel, seed=seed)


@router.get("/network/brokers", response_model=s.Brokers)
def brokers(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, measure: s.Measure = s.Measure.betweenness,
            limit: Annotated[int, Query(ge=1, le=1000)] = 20) -> s.Brokers:
    """The organisations that broker most, ranked by a centrality."""
    return network.brokers(graph, scope, sel, measure=measure, limit=limit)


@router.get("/network/clusters", response_model=s.Clusters)
def clusters(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, seed: Seed = 0) -> s.Clusters:
    """Louvain clusters, largest first."""
    return network.clusters(graph, scope, sel, seed=seed)


@router.get("/network/fragile", response_model=s.FragileLinks)
def fragile(graph: GraphDep, scope: ScopeDep, sel: SelectionDep) -> s.FragileLinks:
    """Bridges and articulation points: the ties and organisations whose loss splits the network."""
    return network.fragile(graph, scope, sel)


@router.get("/network/isolated", response_model=s.OrgRefs)
def isolated(graph: GraphDep, scope: ScopeDep, sel: SelectionDep) -> s.OrgRefs:
    """Organisations tied to no other."""
    return network.isolated(graph, scope, sel)


@router.get("/network/k-core", response_model=s.KCore)
def k_core(graph: GraphDep, scope: ScopeDep, sel: SelectionDep,
           k: Annotated[int | None, Query(ge=0, description="缺省为最大核")] = None) -> s.KCore:
    """The k-core: organisations with at least k ties inside it."""
    return network.k_core(graph, scope, sel, k=k)


@router.get("/network/path", response_model=s.NetworkPath)
def path(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, source: Annotated[str, Query(max_length=ID_MAX, pattern=ID_PATTERN)],
         target: Annotated[str, Query(max_length=ID_MAX, pattern=ID_PATTERN)]) -> s.NetworkPath:
    """A shortest chain of ties between two organisations."""
    return network.path(graph, scope, sel, source=source, target=target)


@router.get("/network/ego/{org_id}", response_model=s.Ego)
def ego(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, org_id: OrgId, radius: Radius = 1) -> s.Ego:
    """One organisation's neighbourhood within `radius` ties."""
    return network.ego(graph, scope, sel, center=org_id, radius=radius)


@router.get("/pictures/network", response_class=HTMLResponse)
def network_picture(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, size_by: s.SizeBy = s.SizeBy.degree,
                    color_by: s.ColorBy = s.ColorBy.cluster, seed: Seed = 0) -> str:
    """Picture: the selected network, coloured by cluster (or level, domain)."""
    return network.network_picture(graph, scope, sel, size_by=size_by, color_by=color_by, seed=seed)


@router.get("/pictures/network/tree", response_class=HTMLResponse)
def tree_picture(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, size_by: s.SizeBy = s.SizeBy.members,
                 color_by: s.ColorBy = s.ColorBy.level) -> str:
    """Picture: the organisation tree, top-down."""
    return network.tree_picture(graph, scope, sel, size_by=size_by, color_by=color_by)


@router.get("/pictures/network/pairings", response_class=HTMLResponse)
def pairing_picture(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, size_by: s.SizeBy = s.SizeBy.degree,
                    color_by: s.ColorBy = s.ColorBy.domain) -> str:
    """Picture: current pairings between organisations."""
    return network.pairing_picture(graph, scope, sel, size_by=size_by, color_by=color_by)


@router.get("/pictures/network/ego/{org_id}", response_class=HTMLResponse)
def ego_picture(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, org_id: OrgId, radius: Radius = 1,
                size_by: s.SizeBy = s.SizeBy.degree, color_by: s.ColorBy = s.ColorBy.domain) -> str:
    """Picture: one organisation's neighbourhood."""
    return network.ego_picture(graph, scope, sel, center=org_id, radius=radius, size_by=size_by, color_by=color_by)
