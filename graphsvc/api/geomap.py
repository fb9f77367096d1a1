"""The map (一张图) and its pages: map layers, coverage trends, the rectification ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas.coverage import GapRule
from graphsvc.schemas.geomap import MapData, MapQuery
from graphsvc.schemas.history import HistoryQuery
from graphsvc.schemas.rectify import RectificationPageQuery
from graphsvc.services import geomap, map_pages, pages
from graphsvc.views.templating import render

router = APIRouter(tags=["map"])


@router.get("/map/layers", response_model=MapData)
def layers(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, q: Annotated[MapQuery, Query()]) -> MapData:
    """Every map layer as GeoJSON (buildings by coverage, service points and their reach, units, pairings, gaps, boundaries)."""
    where = pages.where(graph, scope, q.street_id, q.community_id)
    return geomap.layers(graph, scope, settings.gaps, q, tile_url=settings.tile_url, where=where)


@router.get("/pages/map", response_class=HTMLResponse)
def map_page(request: Request, graph: GraphDep, scope: ScopeDep, settings: SettingsDep,
             q: Annotated[MapQuery, Query()]) -> HTMLResponse:
    """一张图: the map of a street or community, every layer switchable."""
    return render(request, map_pages.map_page(graph, scope, settings.gaps, q, tile_url=settings.tile_url))


@router.get("/pages/trends", response_class=HTMLResponse)
def trends_page(request: Request, graph: GraphDep, scope: ScopeDep, q: Annotated[HistoryQuery, Query()],
                rule: GapRule = GapRule.household_unlinked) -> HTMLResponse:
    """Coverage trends: every rule over time, and one rule across communities or grids; tables beside the charts."""
    return render(request, map_pages.trends_page(graph, scope, q, rule))


@router.get("/pages/rectifications", response_class=HTMLResponse)
def rectifications_page(request: Request, graph: GraphDep, scope: ScopeDep,
                        q: Annotated[RectificationPageQuery, Query()]) -> HTMLResponse:
    """The rectification ledger (整改台账): progress, every item, forms to assign and update."""
    return render(request, map_pages.rectifications_page(graph, scope, q))
