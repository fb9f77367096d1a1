"""Request dependencies: the graph and settings the lifespan opened."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Query, Request
from pydantic import AfterValidator

from graphsvc.errors import Unauthorized
from graphsvc.graph import Graph
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN, check_id
from graphsvc.scope import Scope
from graphsvc.settings import Settings


def _graph(request: Request) -> Graph:
    return request.app.state.conn.graph


def _settings(request: Request) -> Settings:
    return request.app.state.settings


GraphDep = Annotated[Graph, Depends(_graph)]
SettingsDep = Annotated[Settings, Depends(_settings)]


TOKEN_COOKIE = "graphsvc_token"


def token_of(request: Request) -> str:
    """The token of `Authorization: Bearer TOKEN` (or of the pages' login cookie); Unauthorized if none."""
    auth = request.headers.get("authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else request.cookies.get(TOKEN_COOKIE, "")
    if not token:
        raise Unauthorized("需要访问令牌：Authorization: Bearer <令牌>（用 graphsvc keys create 创建）")
    return token


def _scope(request: Request) -> Scope:
    """The caller's Scope from its token."""
    return request.app.state.keys.resolve(token_of(request))


ScopeDep = Annotated[Scope, Depends(_scope)]


# A street or community picked on a page: the scope picker sends "" for 全部, which means none.
AreaId = Annotated[str | None, Query(max_length=ID_MAX, pattern=f"^$|{ID_PATTERN}"), AfterValidator(lambda v: v or None)]


def _form_id(v: str) -> str:
    v = v.strip()
    return check_id(v) if v else v


# An id typed into a page's form (or left empty): surrounding spaces dropped, then the one id grammar.
FormId = Annotated[str, Form(max_length=ID_MAX), AfterValidator(_form_id)]
# An audit action code (key.create, rectify.update ...).
ACTION_PATTERN = r"^[\w.:-]*$"
