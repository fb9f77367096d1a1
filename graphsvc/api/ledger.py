"""Ledger v1 upload (import, all or nothing) and download (export)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response

from graphsvc.api.deps import GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas.api import ImportResult
from graphsvc.services import ledger

router = APIRouter(tags=["ledger"])


@router.post("/ledger", response_model=ImportResult)
def upload(graph: GraphDep, settings: SettingsDep, scope: ScopeDep, file: UploadFile) -> ImportResult:
    """Import a ledger (.json, .xlsx, or .zip of CSV files; admin); every error listed, nothing written if any."""
    return ledger.import_upload(graph, scope, file.filename or "", file.file, settings=settings)


@router.get("/ledger")
def download(graph: GraphDep, scope: ScopeDep, format: Annotated[Literal["json", "xlsx", "csv"], Query()] = "json") -> Response:
    """Export the caller's communities as Ledger v1 (csv comes as a .zip of CSV files)."""
    content, media, name = ledger.export_bytes(graph, scope, format)
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
