"""The web pages people use (Chinese HTML)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graphsvc.api.deps import TOKEN_COOKIE, GraphDep, ScopeDep, SettingsDep
from graphsvc.api.network import SelectionDep
from graphsvc.errors import Unauthorized
from graphsvc.graph import Graph
from graphsvc.schemas.coverage import Area, GapRule
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.schemas.pairing import PlanRequest
from graphsvc.scope import Scope
from graphsvc.services import coverage, explore, matching, network, pairing
from graphsvc.views import pages

TOKEN_PATTERN = r"^\s*[A-Za-z0-9_\-]+\s*$"  # what keys create makes; anything else cannot be a cookie value
router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)


@router.get("/", response_class=HTMLResponse)
def home(graph: GraphDep, scope: ScopeDep) -> str:
    """Home page: streets and communities with counts."""
    return pages.home(explore.streets(graph, scope), explore.communities(graph, scope, street_id=None, skip=0, limit=1000))


@router.get("/login", response_model=None)
def login_page(
    request: Request, token: Annotated[str | None, Query(max_length=200, pattern=TOKEN_PATTERN)] = None
) -> str | Response:
    """A form to paste an access token; `?token=` (the link `graphsvc demo` prints) logs in at once."""
    return _logged_in(request, token) if token else pages.login()


@router.post("/login", response_model=None)
def login(request: Request, token: Annotated[str, Form(max_length=200, pattern=TOKEN_PATTERN)]) -> Response:
    """Keep a valid token in an HttpOnly, same-site cookie and go home; a bad token comes back to this page (401)."""
    return _logged_in(request, token)


def _logged_in(request: Request, token: str) -> Response:
    try:
        request.app.state.keys.resolve(token.strip())
    except Unauthorized:
        return HTMLResponse(pages.login("令牌无效或已撤销，请重新输入"), status_code=401)
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict")
    return resp


# --- the pages of the questions (each service's own JSON endpoint serves the same data) ------------

AreaId = Annotated[str | None, Query(max_length=ID_MAX, pattern=f"^$|{ID_PATTERN}")]  # blank: everywhere


def _where(graph: Graph, scope: Scope, street_id: str | None, community_id: str | None) -> str:
    """What a page covers, in words: 社区：斜桥巷社区 (a name; 404 if unknown or out of scope)."""
    place_id = community_id or street_id
    if place_id is None:
        return "全部范围"
    place = explore.node(graph, scope, place_id, limit=1)
    return f"{'社区' if community_id else '街道'}：{place.props.get('name') or place.id}"


@router.get("/pages/streets/{street_id}")
def street_page(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, street_id: Annotated[str, Path(max_length=ID_MAX, pattern=ID_PATTERN)]) -> str:
    """A street's overview: coverage ratio of every rule, each community's counts and gaps, links."""
    summary = coverage.summary(graph, scope, Area(street_id=street_id), settings.gaps)  # 404 for an unknown street
    name = next((x.name for x in explore.streets(graph, scope).items if x.id == street_id), street_id)
    return pages.street(street_id, name, explore.communities(graph, scope, street_id=street_id, skip=0, limit=1000), summary)


@router.get("/pages/gaps")
def gaps_page(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, street_id: AreaId = None, community_id: AreaId = None,
              rule: GapRule | None = None) -> str:
    """Gap lists: every rule's uncovered buildings, households, members, units (names masked for analysts)."""
    report = coverage.gaps(graph, scope, Area(street_id=street_id, community_id=community_id), settings.gaps,
                           rules=[rule] if rule else None)
    params = {"street_id": street_id, "community_id": community_id, "rule": rule.value if rule else None}
    return pages.gaps(report, where=_where(graph, scope, street_id, community_id), masked=scope.masked, params=params)


@router.get("/pages/matching")
def matching_page(graph: GraphDep, scope: ScopeDep, street_id: AreaId = None, community_id: AreaId = None) -> str:
    """Co-construction matching: needs with explained resources, suggested unit partners."""
    return pages.matching(
        matching.opportunities(graph, scope, street_id=street_id, community_id=community_id),
        matching.partners(graph, scope, street_id=street_id, community_id=community_id),
        where=_where(graph, scope, street_id, community_id),
    )


@router.get("/pages/pairing")
def pairing_page(graph: GraphDep, scope: ScopeDep) -> str:
    """Urban–rural pairing: the optimal and the stable plan with every pair's reasons."""
    return pages.pairing(pairing.plan(graph, scope, PlanRequest()))


@router.get("/pages/network")
def network_page(graph: GraphDep, scope: ScopeDep, sel: SelectionDep) -> str:
    """Network analysis: brokers, single points of failure, clusters, isolated organisations."""
    params = {"street_id": sel.street_id, "community_id": sel.community_id, "kinds": [k.value for k in sel.kinds]}
    where = _where(graph, scope, sel.street_id, sel.community_id)
    return pages.network(network.overview(graph, scope, sel), where=where, params=params)


@router.get("/pages/pictures")
def pictures_page(graph: GraphDep, scope: ScopeDep) -> str:
    """Every picture, with what it shows (the coverage picture per community)."""
    return pages.pictures(explore.communities(graph, scope, street_id=None, skip=0, limit=1000))
