"""The county organisation department's page (城乡结对): the plan, 重新计算 in place, 采纳."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import GraphDep, ScopeDep
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import pages_pairing as svc
from graphsvc.views.templating import fragment, render

router = APIRouter(prefix="/pages/pairing", tags=["pages"], default_response_class=HTMLResponse)
Id = Annotated[str, Form(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]


def _params(request: Request) -> dict[str, list[str]]:
    """The form's fields (lock, forbid, drop, cap.<id>, …): their names vary, so they are read as given."""
    out: dict[str, list[str]] = {}
    for k, v in request.query_params.multi_items():
        out.setdefault(k[:220], []).append(v[:2000])
    return out


@router.get("")
def page(request: Request, graph: GraphDep, scope: ScopeDep) -> HTMLResponse:
    """The optimal and the stable plan side by side, under the constraints in the query."""
    return render(request, svc.page(graph, scope, _params(request)))


@router.get("/plan")
def plan(request: Request, graph: GraphDep, scope: ScopeDep) -> HTMLResponse:
    """重新计算: the plan under the form's constraints, and what changed since the one shown (a fragment)."""
    return fragment(request, "_pairing_plan.html", svc.plan_context(graph, scope, _params(request)))


@router.post("/accept")
def accept(request: Request, graph: GraphDep, scope: ScopeDep, urban_id: Id, rural_id: Id,
           themes: Annotated[str, Form(max_length=400)] = "") -> HTMLResponse:
    """采纳: record the urban–rural pairing (themes ';'-separated; empty = the suggested ones)."""
    r = svc.accept(graph, scope, urban_id, rural_id, [t for t in themes.split(";") if t])
    return fragment(request, "_row_msg.html", {"row": True, **r})
