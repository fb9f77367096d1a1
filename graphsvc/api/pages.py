"""The web pages people use (Chinese HTML from Jinja2 templates); each route calls one pages service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from graphsvc.api.deps import TOKEN_COOKIE, GraphDep, ScopeDep, SettingsDep
from graphsvc.errors import Unauthorized
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import pages
from graphsvc.views.templating import render

TOKEN_PATTERN = r"^\s*[A-Za-z0-9_\-]+\s*$"  # what keys create makes; anything else cannot be a cookie value
router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)
# The pages' scope pickers send a blank for 全部 (everywhere): blank becomes None.


@router.get("/", response_class=HTMLResponse)
def home(request: Request, graph: GraphDep, scope: ScopeDep) -> HTMLResponse:
    """Home page: streets and communities with counts."""
    return render(request, pages.home(graph, scope))


@router.get("/login", response_model=None)
def login_page(
    request: Request, token: Annotated[str | None, Query(max_length=200, pattern=TOKEN_PATTERN)] = None
) -> HTMLResponse | RedirectResponse:
    """A form to paste an access token; `?token=` (the link `graphsvc demo` prints) logs in at once."""
    return _logged_in(request, token) if token else render(request, pages.login())


@router.post("/login", response_model=None)
def login(request: Request, token: Annotated[str, Form(max_length=200, pattern=TOKEN_PATTERN)]) -> HTMLResponse | RedirectResponse:
    """Keep a valid token in an HttpOnly, same-site cookie and go home; a bad token comes back to this page (401)."""
    return _logged_in(request, token)


@router.post("/logout")
def logout() -> RedirectResponse:
    """Forget the token cookie and show the login form."""
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(TOKEN_COOKIE)
    return resp


def _logged_in(request: Request, token: str) -> HTMLResponse | RedirectResponse:
    """Only a token that resolves to a key becomes a cookie."""
    try:
        request.app.state.keys.resolve(token.strip())
    except Unauthorized:
        return render(request, pages.login("令牌无效或已撤销，请重新输入"))
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict")
    return resp


@router.get("/pages/streets/{street_id}")
def street_page(request: Request, graph: GraphDep, scope: ScopeDep, settings: SettingsDep,
                street_id: Annotated[str, Path(max_length=ID_MAX, pattern=ID_PATTERN)]) -> HTMLResponse:
    """A street's overview: coverage ratio of every rule, each community's counts and gaps, links."""
    return render(request, pages.street(graph, scope, settings.gaps, street_id))


@router.get("/pages/pictures")
def pictures_page(request: Request, graph: GraphDep, scope: ScopeDep) -> HTMLResponse:
    """Every picture, with what it shows (the coverage picture per community)."""
    return render(request, pages.pictures(graph, scope))
