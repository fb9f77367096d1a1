"""Records of co-construction: create and end pairings, sharings and projects; list them with their history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from graphsvc.api.deps import GraphDep, ScopeDep
from graphsvc.schemas import records as r
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.schemas.ledger import PairingKind
from graphsvc.services import records

router = APIRouter(prefix="/records", tags=["records"])
OptId = Annotated[str | None, Query(max_length=ID_MAX, pattern=ID_PATTERN)]
RecordId = Annotated[str, Path(max_length=ID_MAX, pattern=ID_PATTERN)]
State = Annotated[Literal["current", "ended", "all"], Query(description="current（默认）、ended 或 all（含历史）")]
ACTIVE = {"current": True, "ended": False, "all": None}


@router.get("/pairings", response_model=r.Pairings)
def pairings(
    graph: GraphDep, scope: ScopeDep, kind: PairingKind | None = None, street_id: OptId = None,
    community_id: OptId = None, state: State = "current",
) -> r.Pairings:
    """Pairings with an end in scope: current ones, or with `all=true` the history too."""
    return records.pairings(graph, scope, kind=kind.value if kind else None, active=ACTIVE[state],
                            community_id=community_id, street_id=street_id)


@router.post("/pairings", response_model=r.Pairing, status_code=201)
def create_pairing(graph: GraphDep, scope: ScopeDep, body: r.PairingCreate) -> r.Pairing:
    """Record a pairing (结对), stamped with who, when and the source."""
    return records.create_pairing(graph, scope, body.org_a, body.org_b, body.kind, body.themes, body.source,
                                  since=body.since)


@router.post("/pairings/{pairing_id}/end", response_model=r.Pairing)
def end_pairing(graph: GraphDep, scope: ScopeDep, pairing_id: RecordId, body: r.RecordEnd) -> r.Pairing:
    """End a pairing: it keeps its history with ended_at/ended_by."""
    return records.end_pairing(graph, scope, pairing_id, source="api", reason=body.reason)


@router.get("/sharings", response_model=r.Sharings)
def sharings(
    graph: GraphDep, scope: ScopeDep, street_id: OptId = None, community_id: OptId = None,
    state: State = "current",
) -> r.Sharings:
    """Resource sharings (资源共享) to communities in scope."""
    return records.sharings(graph, scope, active=ACTIVE[state], community_id=community_id, street_id=street_id)


@router.post("/sharings", response_model=r.Sharing, status_code=201)
def create_sharing(graph: GraphDep, scope: ScopeDep, body: r.SharingCreate) -> r.Sharing:
    """Share units of a resource with a community (optionally meeting one of its needs)."""
    return records.create_sharing(graph, scope, body.resource_id, body.community_id, source=body.source,
                                  units=body.units, need_id=body.need_id, since=body.since)


@router.post("/sharings/{sharing_id}/end", response_model=r.Sharing)
def end_sharing(graph: GraphDep, scope: ScopeDep, sharing_id: RecordId, body: r.RecordEnd) -> r.Sharing:
    """End a sharing (a ledger sharing's id is '<resource>@<community>')."""
    return records.end_sharing(graph, scope, sharing_id, source="api", reason=body.reason)


@router.get("/projects", response_model=r.ProjectRecords)
def projects(
    graph: GraphDep, scope: ScopeDep, street_id: OptId = None, year: Annotated[int | None, Query(ge=1949, le=2100)] = None
) -> r.ProjectRecords:
    """Co-construction projects (共建项目) under organisations in scope."""
    return records.projects(graph, scope, year=year, street_id=street_id)


@router.post("/projects", response_model=r.ProjectRecord, status_code=201)
def create_project(graph: GraphDep, scope: ScopeDep, body: r.ProjectCreate) -> r.ProjectRecord:
    """Start a project under an active pairing."""
    return records.create_project(graph, scope, body.pairing_id, name=body.name, theme=body.theme, year=body.year,
                                  status=body.status, source=body.source)


@router.post("/projects/{project_id}/end", response_model=r.ProjectRecord)
def end_project(graph: GraphDep, scope: ScopeDep, project_id: RecordId, body: r.ProjectEnd) -> r.ProjectRecord:
    """Close a project with its outcome and residents' satisfaction (what the evaluation ranks)."""
    return records.end_project(graph, scope, project_id, status=body.status, outcome=body.outcome,
                               satisfaction=body.satisfaction, source="api")
