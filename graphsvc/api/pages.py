"""The web pages people use (Chinese HTML)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import GraphDep
from graphsvc.services import explore
from graphsvc.views import pages

router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)


@router.get("/", response_class=HTMLResponse)
def home(graph: GraphDep) -> str:
    """Home page: streets and communities with counts."""
    return pages.home(explore.streets(graph), explore.communities(graph, street_id=None, skip=0, limit=1000))
