"""Coverage over time: the stored snapshots of every rule's summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from graphsvc.api.deps import GraphDep, ScopeDep
from graphsvc.schemas import history as h
from graphsvc.services import history

router = APIRouter(tags=["coverage"])


@router.get("/coverage/history", response_model=h.CoverageHistory)
def coverage_history(graph: GraphDep, scope: ScopeDep, q: Annotated[h.HistoryQuery, Query()]) -> h.CoverageHistory:
    """Each rule's covered share over time: a street and its communities, a community and its grids, or a grid."""
    return history.history(graph, scope, q)
