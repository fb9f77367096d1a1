"""What each page shows: reads through the other services, composed into a view-model (`Page`) with its chrome."""

from __future__ import annotations

from typing import Any

from graphsvc.graph import Graph
from graphsvc.schemas.coverage import Area, GapParams
from graphsvc.schemas.rectify import RectificationQuery
from graphsvc.scope import Scope
from graphsvc.services import coverage, explore, rectify
from graphsvc.views import pages
from graphsvc.views.templating import Chrome, Page

ALL = 10_000  # a page lists every community in scope


def chrome(graph: Graph, scope: Scope, street_id: str | None = None, community_id: str | None = None) -> Chrome:
    """The base layout's context: the key's name and role, and the streets → communities it may see."""
    streets: dict[str, dict[str, Any]] = {
        s.id: {"id": s.id, "name": s.name, "communities": []} for s in explore.streets(graph, scope).items
    }
    for c in explore.communities(graph, scope, street_id=None, skip=0, limit=ALL).items:
        if c.street_id in streets:
            streets[c.street_id]["communities"].append({"id": c.id, "name": c.name})
    if community_id and not street_id:  # the picker shows the community's street
        street_id = next((s["id"] for s in streets.values() if any(c["id"] == community_id for c in s["communities"])), None)
    return Chrome(user=scope.actor.split(":", 1)[-1], role=scope.role, streets=list(streets.values()),
                  street_id=street_id, community_id=community_id)


def with_chrome(page: Page, graph: Graph, scope: Scope, street_id: str | None = None, community_id: str | None = None) -> Page:
    page.context["chrome"] = chrome(graph, scope, street_id, community_id)
    return page


def where(graph: Graph, scope: Scope, street_id: str | None, community_id: str | None) -> str:
    """What a page covers, in words: 社区：斜桥巷社区 (a name; 404 if unknown, 403 if out of scope)."""
    place_id = community_id or street_id
    if place_id is None:
        return _whole_scope(graph, scope)
    place = explore.node(graph, scope, place_id, limit=1)
    return f"{'社区' if community_id else '街道'}：{place.props.get('name') or place.id}"


def _whole_scope(graph: Graph, scope: Scope) -> str:
    """A key limited to one community or one street is named by it; otherwise 全部范围."""
    if scope.communities is not None:
        if len(scope.communities) == 1:
            return where(graph, scope, None, scope.communities[0])
        streets = explore.streets(graph, scope).items
        if len(streets) == 1:
            return f"街道：{streets[0].name or streets[0].id}"
    return "全部范围"


def home(graph: Graph, scope: Scope) -> Page:
    """Home: streets and communities in scope with their counts."""
    page = pages.home(explore.streets(graph, scope), explore.communities(graph, scope, street_id=None, skip=0, limit=ALL))
    return with_chrome(page, graph, scope)


def street(graph: Graph, scope: Scope, params: GapParams, street_id: str) -> Page:
    """A street's overview: coverage of every rule, each community's counts and gaps."""
    summary = coverage.summary(graph, scope, Area(street_id=street_id), params)  # 404 for an unknown street
    name = next((x.name for x in explore.streets(graph, scope).items if x.id == street_id), street_id)
    communities = explore.communities(graph, scope, street_id=street_id, skip=0, limit=ALL)
    rects = rectify.ledger(graph, scope, RectificationQuery(street_id=street_id))
    return with_chrome(pages.street(street_id, name, communities, summary, rects.progress), graph, scope, street_id)


def pictures(graph: Graph, scope: Scope) -> Page:
    """Every picture, with what it shows (the coverage picture per community)."""
    return with_chrome(pages.pictures(explore.communities(graph, scope, street_id=None, skip=0, limit=ALL)), graph, scope)


def login(error: str | None = None) -> Page:
    return pages.login(error)


def error(status: int, message: str) -> Page:
    """A Chinese error page (the handler adds the chrome when the caller's key is valid)."""
    titles = {401: "需要登录", 403: "无权查看", 404: "找不到页面", 405: "不支持的操作", 413: "内容太大", 422: "请求有误"}
    hints = {
        403: "当前密钥的范围不包括这里。请在页面上方选择您负责的街道或社区，或联系管理员。",
        404: "链接可能已过期，或者编号有误。",
        422: "请检查链接或表单中填写的内容。",
    }
    return Page("error.html", titles.get(status, "出错了"), {"status": status, "message": message,
                                                           "hint": hints.get(status, "请稍后再试，或联系管理员。")},
                status=status)
