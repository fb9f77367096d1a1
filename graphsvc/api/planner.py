"""The planner's page (覆盖缺口) and its in-page actions (htmx fragments): confirm, accept, cancel, what-if."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import HTMLResponse

from graphsvc.api.deps import GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas.coverage import GapRule
from graphsvc.services import history, pages, planner
from graphsvc.views.templating import fragment, render

router = APIRouter(prefix="/pages/gaps", tags=["pages"], default_response_class=HTMLResponse)
Text = Annotated[str, Form(max_length=2_000_000)]
Short = Annotated[str, Form(max_length=200)]


@router.get("")
def planner_page(request: Request, graph: GraphDep, scope: ScopeDep, settings: SettingsDep,
                 q: Annotated[planner.PlannerQuery, Query()]) -> HTMLResponse:
    """Every rule's gaps with the suggestion beside each; thresholds form; what-if panel."""
    return render(request, planner.page(graph, scope, q, settings.gaps))


@router.post("/confirm")
def confirm(request: Request, graph: GraphDep, scope: ScopeDep, rule: Annotated[GapRule, Form()], actions: Text,
            target: Short, ctx: Text, label: Short, whole: Annotated[str, Form(max_length=1)] = "") -> HTMLResponse:
    """What an accept will write, with 确认写入 and 取消."""
    says = planner.confirm(scope, actions)
    chrome = pages.chrome(graph, scope)
    return fragment(request, "_confirm.html", {"says": says, "rule": rule.value, "actions": actions, "target": target,
                                               "ctx": ctx, "label": label, "whole": whole, "chrome": chrome})


@router.post("/cancel")
def cancel(request: Request, rule: Annotated[GapRule, Form()], actions: Text, target: Short, ctx: Text,
           label: Short, whole: Annotated[str, Form(max_length=1)] = "") -> HTMLResponse:
    """Nothing written: the 采纳 button again."""
    return fragment(request, "_button.html", {"rule": rule.value, "actions": actions, "target": target, "ctx": ctx,
                                              "label": label, "whole": bool(whole)})


@router.post("/accept")
def accept(request: Request, graph: GraphDep, scope: ScopeDep, settings: SettingsDep, later: BackgroundTasks,
           rule: Annotated[GapRule, Form()],
           actions: Text, ctx: Text, whole: Annotated[str, Form(max_length=1)] = "") -> HTMLResponse:
    """Write it (audited), then: the row leaves (or the rule's section is redrawn) and the counts change."""
    out = history.accepted(graph, scope, settings.gaps,
                           planner.accept(graph, scope, rule, actions, ctx, settings.gaps, whole=bool(whole)), later)
    context = {"out": out, "rule": rule.value, "ctx": ctx, "chrome": pages.chrome(graph, scope)}
    return fragment(request, "_accepted.html", context, headers={"HX-Reswap": "none"} if out.error else None)


@router.post("/what-if")
def what_if(request: Request, graph: GraphDep, scope: ScopeDep, org_id: Short = "", member_id: Short = "") -> HTMLResponse:
    """If a member or a group leaves: the households and buildings left uncovered."""
    return fragment(request, "_whatif.html", {"r": planner.what_if(graph, scope, member_id.strip(), org_id.strip())})
