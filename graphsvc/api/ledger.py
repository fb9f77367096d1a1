"""Ledger v1 upload (import, all or nothing) and download (export)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response

from graphsvc.api.deps import GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas.api import ImportResult
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import ledger

router = APIRouter(tags=["ledger"])


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{quote(name)}\"; filename*=UTF-8''{quote(name)}"}


@router.post("/ledger", response_model=ImportResult, responses={422: {"description": "errors (JSON, or the annotated workbook)"}})
def upload(
    graph: GraphDep, settings: SettingsDep, scope: ScopeDep, file: UploadFile,
    errors_format: Annotated[Literal["json", "xlsx"], Query()] = "json",
) -> ImportResult | Response:
    """Import a ledger (.json, .xlsx, .csv or .zip of CSV files; admin); every error listed, nothing written if any.

    `errors_format=xlsx`: an .xlsx with errors comes back (422) as the user's workbook with the bad cells marked.
    """
    result = ledger.import_upload(graph, scope, file.filename or "", file.file, settings=settings, errors_format=errors_format)
    if isinstance(result, ledger.AnnotatedWorkbook):
        headers = {**_attachment(result.filename), "X-Ledger-Errors": str(result.errors)}
        return Response(result.content, status_code=422, media_type=ledger.MEDIA["xlsx"], headers=headers)
    return result


@router.get("/ledger")
def download(
    graph: GraphDep, scope: ScopeDep,
    format: Annotated[Literal["json", "xlsx", "csv"], Query()] = "json",
    labels: Annotated[Literal["zh", "codes"], Query()] = "zh",
    street_id: Annotated[str | None, Query(max_length=ID_MAX, pattern=ID_PATTERN, description="只导出这个街道")] = None,
    community_id: Annotated[str | None, Query(max_length=ID_MAX, pattern=ID_PATTERN, description="只导出这个社区")] = None,
) -> Response:
    """Export the caller's communities (or one street or community of them) as Ledger v1 (csv comes as a .zip of
    CSV files; xlsx in Chinese unless labels=codes)."""
    content, media, name = ledger.export_bytes(graph, scope, format, labels, street_id=street_id, community_id=community_id)
    return Response(content, media_type=media, headers=_attachment(name))


@router.get("/ledger/template")
def template(scope: ScopeDep) -> Response:
    """The blank ledger template (.xlsx): Chinese sheets, two header rows, dropdowns, 填表说明."""
    content = ledger.template_bytes(scope)
    return Response(content, media_type=ledger.MEDIA["xlsx"], headers=_attachment("台账模板.xlsx"))
