"""The analyst's page (网络分析) and what it asks for while open: tables, the picture's data, an
organisation's panel, its neighbours, search. Read-only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import GraphDep, ScopeDep
from graphsvc.api.network import SelectionDep
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import pages_network as svc
from graphsvc.views.templating import fragment, render

router = APIRouter(prefix="/pages/network", tags=["pages"])
OrgId = Annotated[str, Path(max_length=ID_MAX, pattern=ID_PATTERN)]


@router.get("", response_class=HTMLResponse)
def page(request: Request, graph: GraphDep, scope: ScopeDep, sel: SelectionDep) -> HTMLResponse:
    """The analyst's page: filters, the picture in place, brokers, bridges, clusters, isolated organisations."""
    return render(request, svc.page(graph, scope, sel))


@router.get("/tables/{name}", response_class=HTMLResponse)
def table(request: Request, graph: GraphDep, scope: ScopeDep, sel: SelectionDep, name: Annotated[str, Path(max_length=40)],
          page: Annotated[int, Query(ge=1, le=100_000)] = 1, all: bool = False) -> HTMLResponse:
    """One table, one page of it or all of it (an htmx fragment)."""
    return fragment(request, "_network_table.html", {"t": svc.table(graph, scope, sel, name, page, all)})


@router.get("/picture")
def picture(graph: GraphDep, scope: ScopeDep, sel: SelectionDep) -> dict[str, Any]:
    """The selection's picture as data for picture.js."""
    return svc.picture(graph, scope, sel)


@router.get("/neighbours/{org_id}")
def neighbours(graph: GraphDep, scope: ScopeDep, sel: SelectionDep, org_id: OrgId) -> dict[str, Any]:
    """An organisation and its neighbours, to add to the picture in place (展开)."""
    return svc.neighbours(graph, scope, sel, org_id)


@router.get("/orgs/{org_id}", response_class=HTMLResponse)
def org(request: Request, graph: GraphDep, scope: ScopeDep, sel: SelectionDep, org_id: OrgId) -> HTMLResponse:
    """The side panel: an organisation's facts and metrics (an htmx fragment)."""
    return fragment(request, "_network_org.html", {"o": svc.org(graph, scope, sel, org_id)})


@router.get("/search")
def search(graph: GraphDep, scope: ScopeDep, q: Annotated[str, Query(max_length=100)] = "") -> list[dict[str, str]]:
    """Organisations in the caller's whole scope whose name (or id) matches."""
    return svc.search(graph, scope, q)
