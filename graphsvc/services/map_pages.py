"""The map (一张图), trends and rectification pages: composed from the map, history and rectification services."""

from __future__ import annotations

from graphsvc.graph import Graph
from graphsvc.schemas.coverage import GapParams, GapRule
from graphsvc.schemas.geomap import MapQuery
from graphsvc.schemas.history import HistoryQuery
from graphsvc.schemas.rectify import RectificationQuery, RectStatus
from graphsvc.scope import Scope
from graphsvc.services import geomap, history, pages, rectify
from graphsvc.views import map_pages as view
from graphsvc.views.templating import Page


def map_page(graph: Graph, scope: Scope, params: GapParams, query: MapQuery, *, tile_url: str | None) -> Page:
    """The map of a street or community (none: the caller's whole scope), every layer switchable."""
    where = pages.where(graph, scope, query.street_id, query.community_id)
    data = geomap.layers(graph, scope, params, query, tile_url=tile_url, where=where)
    return pages.with_chrome(view.map_page(data, params), graph, scope, query.street_id, query.community_id)


def trends_page(graph: Graph, scope: Scope, query: HistoryQuery, rule: GapRule) -> Page:
    """Coverage over time: every rule for the place, and one rule across its communities (or grids)."""
    where = pages.where(graph, scope, query.street_id, query.community_id)
    page = view.trends_page(history.history(graph, scope, query), rule, where=where,
                            params={"street_id": query.street_id, "community_id": query.community_id})
    return pages.with_chrome(page, graph, scope, query.street_id, query.community_id)


def rectifications_page(graph: Graph, scope: Scope, query: RectificationQuery) -> Page:
    """The rectification ledger of a street or community, with progress and the forms to change it."""
    where = pages.where(graph, scope, query.street_id, query.community_id)
    page = view.rectifications_page(rectify.ledger(graph, scope, query), where=where, writer=scope.role != "analyst",
                                    params=query.model_dump(mode="json"), statuses=list(RectStatus))
    return pages.with_chrome(page, graph, scope, query.street_id, query.community_id)
