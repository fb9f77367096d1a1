"""Ledger v1 upload (import, all or nothing) and download (export)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response

from graphsvc.api.deps import GraphDep, SettingsDep
from graphsvc.errors import InvalidInput
from graphsvc.schemas.api import ImportResult
from graphsvc.services import ledger

router = APIRouter(tags=["ledger"])


@router.post("/ledger", response_model=ImportResult)
def upload(graph: GraphDep, settings: SettingsDep, file: UploadFile) -> ImportResult:
    """Import a ledger (.json, .xlsx, or .zip of CSV files); every error listed, nothing written if any."""
    limit = settings.max_upload_mb * 1024 * 1024
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"文件超过上限 {settings.max_upload_mb} MB (GRAPHSVC_MAX_UPLOAD_MB)")
    return ledger.import_upload(graph, file.filename or "", data, batch_size=settings.batch_size)


@router.get("/ledger")
def download(graph: GraphDep, format: Annotated[Literal["json", "xlsx", "csv"], Query()] = "json") -> Response:
    """Export the graph as Ledger v1 (csv comes as a .zip of CSV files)."""
    content, media, name = ledger.export_bytes(graph, format)
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
