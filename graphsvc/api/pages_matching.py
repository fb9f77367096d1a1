"""The street committee's page (共建匹配) and its actions in place (htmx): 结对, 采纳, 结束, a project."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import AreaId, FormId, GraphDep, ScopeDep
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import pages_matching as svc
from graphsvc.views.templating import fragment, render

router = APIRouter(prefix="/pages/matching", tags=["pages"], default_response_class=HTMLResponse)
Tab = Literal["partners", "needs", "allocate", "records", "projects"]
Kind = Literal["pairings", "sharings", "projects"]
Year = Annotated[int | None, Query(ge=1949, le=2100)]
Id = Annotated[str, Form(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]
RecordId = Annotated[str, Path(max_length=ID_MAX, pattern=ID_PATTERN)]
Percent = Annotated[str, Form(max_length=10)]  # a number 0–100 or empty: checked by the service


@router.get("")
def page(request: Request, graph: GraphDep, scope: ScopeDep, street_id: AreaId = None, community_id: AreaId = None,
         tab: Tab = "partners", kind: Kind = "pairings", year: Year = None) -> HTMLResponse:
    """The street committee's page, one tab open (partner suggestions first)."""
    return render(request, svc.page(graph, scope, svc.Area(street_id, community_id), tab, kind=kind, year=year))


@router.get("/tabs/{tab}")
def tab(request: Request, graph: GraphDep, scope: ScopeDep, tab: Tab, street_id: AreaId = None,
        community_id: AreaId = None, page: Annotated[int, Query(ge=1, le=100_000)] = 1, all: bool = False,
        kind: Kind = "pairings", year: Year = None, run: bool = False) -> HTMLResponse:
    """One tab, one page of it (or all of it); `run=1` runs the allocation (一键分配)."""
    c = svc.tab_context(graph, scope, svc.Area(street_id, community_id), tab, page_no=page, everything=all, kind=kind,
                        year=year, run=run)
    return fragment(request, "_matching_tab.html", {"c": c})


@router.post("/pair")
def pair(request: Request, graph: GraphDep, scope: ScopeDep, org_a: Id, org_b: Id,
         themes: Annotated[list[str], Form(max_length=5)] = []) -> HTMLResponse:  # noqa: B006 (FastAPI reads it)
    """结对: record a co-construction pairing with the chosen themes."""
    return fragment(request, "_row_msg.html", {"row": True, **svc.pair(graph, scope, org_a=org_a, org_b=org_b, themes=themes)})


@router.post("/sharings")
def accept_flow(request: Request, graph: GraphDep, scope: ScopeDep, resource_id: Id, community_id: Id,
                units: Annotated[int, Form(ge=1, le=1_000_000)],
                need_id: FormId = "") -> HTMLResponse:
    """采纳 one row of the allocation: a sharing record."""
    r = svc.accept_flow(graph, scope, resource_id=resource_id, community_id=community_id, units=units,
                        need_id=need_id or None)
    return fragment(request, "_row_msg.html", {"row": True, **r})


@router.post("/records/{kind}/{record_id}/end")
def end(request: Request, graph: GraphDep, scope: ScopeDep, kind: Kind, record_id: RecordId,
        outcome: Percent = "", satisfaction: Percent = "") -> HTMLResponse:
    """结束 a record (it keeps its history)."""
    r = svc.end(graph, scope, kind, record_id, outcome=outcome, satisfaction=satisfaction)
    return fragment(request, "_row_msg.html", {"row": True, **r})


@router.post("/projects")
def add_project(request: Request, graph: GraphDep, scope: ScopeDep, pairing_id: Id,
                name: Annotated[str, Form(min_length=1, max_length=200)], theme: Annotated[str, Form(max_length=40)],
                year: Annotated[int, Form(ge=1949, le=2100)], outcome: Percent = "", satisfaction: Percent = "") -> HTMLResponse:
    """A project under a pairing (with an outcome or satisfaction: a finished one, ranked in 十佳)."""
    r = svc.add_project(graph, scope, pairing_id=pairing_id, name=name, theme=theme, year=year,
                        outcome_text=outcome, satisfaction_text=satisfaction)
    return fragment(request, "_row_msg.html", {"row": False, **r})
