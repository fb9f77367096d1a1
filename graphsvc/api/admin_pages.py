"""The ledger page and the admin pages (keys, audit trail)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graphsvc.api.deps import ACTION_PATTERN, AreaId, GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import admin_pages, ledger
from graphsvc.views.templating import fragment, render

router = APIRouter(prefix="/pages", tags=["pages"], default_response_class=HTMLResponse)
Short = Annotated[str, Form(max_length=200)]


@router.get("/ledger")
def ledger_page(request: Request, graph: GraphDep, scope: ScopeDep, street_id: AreaId = None,
                community_id: AreaId = None) -> HTMLResponse:
    """Upload a ledger and see its errors or counts; download the chosen street or community (or all the key's
    communities) by format."""
    return render(request, admin_pages.ledger_page(graph, scope, street_id, community_id))


@router.post("/ledger/upload")
def upload(request: Request, graph: GraphDep, scope: ScopeDep, settings: SettingsDep, file: UploadFile) -> HTMLResponse:
    """The import's result as a fragment: the error table (table, row, column, message) or the counts."""
    result = admin_pages.upload(graph, scope, file.filename or "", file.file, settings)
    return fragment(request, "_upload_result.html", {"r": result})


@router.post("/ledger/annotated", response_class=Response)
def annotated(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, file: UploadFile) -> Response:
    """An .xlsx with errors, back as the user's workbook with the bad cells filled red and commented."""
    content, name = admin_pages.annotated(graph, scope, file.filename or "", file.file, settings)
    return Response(content, media_type=ledger.MEDIA["xlsx"],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/admin/keys")
def keys_page(request: Request, graph: GraphDep, scope: ScopeDep) -> HTMLResponse:
    """Every access key (admins)."""
    return render(request, admin_pages.keys_page(graph, scope))


@router.post("/admin/keys")
def create_key(request: Request, graph: GraphDep, scope: ScopeDep, role: Short, name: Short = "",
               scope_id: Short = "") -> HTMLResponse:
    """Create a key; its token is shown once."""
    return render(request, admin_pages.create_key(graph, scope, role, scope_id.strip(), name.strip()))


@router.post("/admin/keys/{key_id}/revoke")
def revoke_key(graph: GraphDep, scope: ScopeDep, key_id: Annotated[str, Path(max_length=ID_MAX, pattern=ID_PATTERN)]) -> RedirectResponse:
    """Revoke a key (it stops working within seconds)."""
    admin_pages.revoke_key(graph, scope, key_id)
    return RedirectResponse("/pages/admin/keys", status_code=303)


@router.get("/admin/audit")
def audit_page(request: Request, graph: GraphDep, scope: ScopeDep,
               action: Annotated[str | None, Query(max_length=100, pattern=ACTION_PATTERN)] = None,
               actor: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    """The audit trail (admins), filtered by action and by who."""
    return render(request, admin_pages.audit_page(graph, scope, action=action, actor=actor))
