"""Administration: the audit trail and the list of keys (keys are made and revoked on the command line)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from graphsvc.api.deps import ACTION_PATTERN, GraphDep, ScopeDep
from graphsvc.schemas.access import ApiKeys, AuditEntries
from graphsvc.schemas.api import ENGINE_INT_MAX
from graphsvc.services import access

router = APIRouter(tags=["access"])


@router.get("/audit", response_model=AuditEntries)
def audit_entries(
    graph: GraphDep,
    scope: ScopeDep,
    action: Annotated[str | None, Query(max_length=100, pattern=ACTION_PATTERN)] = None,
    skip: Annotated[int, Query(ge=0, le=ENGINE_INT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditEntries:
    """Audit entries, newest first (admin)."""
    return access.audit_entries(graph, scope, action=action, skip=skip, limit=limit)


@router.get("/keys", response_model=ApiKeys)
def keys(graph: GraphDep, scope: ScopeDep) -> ApiKeys:
    """Every key without its token (admin)."""
    return access.keys_for(graph, scope)
