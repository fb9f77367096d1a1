"""Health and read endpoints: any node by id, streets, communities, organisations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from graphsvc.api.deps import GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas import api
from graphsvc.schemas.api import ENGINE_INT_MAX
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.schemas.ledger import OrgLevel
from graphsvc.services import explore

router = APIRouter(tags=["explore"])
Limit = Annotated[int, Query(ge=1, le=1000)]
Skip = Annotated[int, Query(ge=0, le=ENGINE_INT_MAX)]


@router.get("/health", response_model=api.Health)
def health(graph: GraphDep, settings: SettingsDep) -> api.Health:
    """The engine answers (503 with the error body when it does not)."""
    info = graph.ping()
    return api.Health(status="ok", engine="embedded" if settings.embedded else "external", database=settings.database, **info)


@router.get("/nodes/{node_id}", response_model=api.Node)
def node(
    graph: GraphDep,
    scope: ScopeDep,
    node_id: Annotated[str, Path(max_length=ID_MAX, pattern=ID_PATTERN)],
    limit: Limit = 200,
) -> api.Node:
    """Any node by id, with its neighbours."""
    return explore.node(graph, scope, node_id, limit=limit)


@router.get("/streets", response_model=api.Streets)
def streets(graph: GraphDep, scope: ScopeDep) -> api.Streets:
    """Streets in scope."""
    return explore.streets(graph, scope)


@router.get("/communities", response_model=api.CommunitySummaries)
def communities(
    graph: GraphDep,
    scope: ScopeDep,
    street_id: Annotated[str | None, Query(max_length=ID_MAX, pattern=ID_PATTERN)] = None,
    skip: Skip = 0,
    limit: Limit = 200,
) -> api.CommunitySummaries:
    """Communities with counts of grids, buildings, households, members, organisations and units."""
    return explore.communities(graph, scope, street_id=street_id, skip=skip, limit=limit)


@router.get("/orgs", response_model=api.OrgSummaries)
def orgs(
    graph: GraphDep,
    scope: ScopeDep,
    community_id: Annotated[str | None, Query(max_length=ID_MAX, pattern=ID_PATTERN)] = None,
    level: OrgLevel | None = None,
    skip: Skip = 0,
    limit: Limit = 200,
) -> api.OrgSummaries:
    """Party organisations with counts of members, sub-organisations, coverage and pairings."""
    return explore.orgs(graph, scope, community_id=community_id, level=level.value if level else None, skip=skip, limit=limit)


@router.get("/stats", response_model=api.Stats)
def stats(graph: GraphDep, scope: ScopeDep) -> api.Stats:
    """Counts of nodes per label and relationships per type."""
    return explore.stats(graph, scope)
