"""The map (一张图), trends and rectification pages: composed from the map, history and rectification services."""

from __future__ import annotations

from dataclasses import replace

from graphsvc.graph import Graph
from graphsvc.schemas.coverage import Area, GapParams, GapRule
from graphsvc.schemas.geomap import MapQuery
from graphsvc.schemas.history import HistoryQuery
from graphsvc.schemas.rectify import RectificationPageQuery, RectStatus
from graphsvc.scope import Scope
from graphsvc.services import coverage, explore, geomap, history, pages, rectify
from graphsvc.views import map_pages as view
from graphsvc.views.templating import Page

ORG_CHOICES = 3000  # organisations offered by name in the new-task form


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


def rectifications_page(graph: Graph, scope: Scope, query: RectificationPageQuery) -> Page:
    """The rectification ledger of a street or community, with progress and the forms to change it.

    The new-task form picks the responsible organisation by name among those of the street or community.
    """
    where = pages.where(graph, scope, query.street_id, query.community_id)
    writer = scope.role != "analyst"
    orgs: list[tuple[str, str]] = []
    if writer:
        communities = coverage.communities_of(graph, scope, Area(street_id=query.street_id,
                                                                   community_id=query.community_id))
        narrowed = replace(scope, communities=None if communities is None else tuple(communities))
        orgs = [(o.id, o.name or o.id) for o in explore.orgs(graph, narrowed, community_id=None, level=None, skip=0,
                                                             limit=ORG_CHOICES).items]
    page = view.rectifications_page(rectify.ledger(graph, scope, query), where=where, writer=writer,
                                    params=query.model_dump(mode="json"), statuses=list(RectStatus), orgs=orgs)
    return pages.with_chrome(page, graph, scope, query.street_id, query.community_id)
