"""The web pages people use (Chinese HTML)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from graphsvc.api.deps import TOKEN_COOKIE, GraphDep, ScopeDep
from graphsvc.services import explore
from graphsvc.views import pages

router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)


@router.get("/", response_class=HTMLResponse)
def home(graph: GraphDep, scope: ScopeDep) -> str:
    """Home page: streets and communities with counts."""
    return pages.home(explore.streets(graph, scope), explore.communities(graph, scope, street_id=None, skip=0, limit=1000))


@router.get("/login", response_model=None)
def login_page(token: Annotated[str | None, Query(max_length=200)] = None) -> str | RedirectResponse:
    """A form to paste an access token; `?token=` (the link `graphsvc demo` prints) logs in at once."""
    return _logged_in(token) if token else pages.login()


@router.post("/login")
def login(token: Annotated[str, Form(max_length=200)]) -> RedirectResponse:
    """Keep the token in an HttpOnly, same-site cookie and go home; a bad token comes back to this page."""
    return _logged_in(token)


def _logged_in(token: str) -> RedirectResponse:
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict")
    return resp
