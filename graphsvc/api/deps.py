"""Request dependencies: the graph and settings the lifespan opened."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graphsvc.graph import Graph
from graphsvc.scope import LOCAL_ADMIN, Scope
from graphsvc.settings import Settings


def _graph(request: Request) -> Graph:
    return request.app.state.conn.graph  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


GraphDep = Annotated[Graph, Depends(_graph)]
SettingsDep = Annotated[Settings, Depends(_settings)]


def _scope(request: Request) -> Scope:
    # Until keys and roles land (issue 7) every caller is the local administrator.
    return LOCAL_ADMIN


ScopeDep = Annotated[Scope, Depends(_scope)]
