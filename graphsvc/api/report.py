"""The street report (汇报) workbook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from graphsvc.api.deps import GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import report

router = APIRouter(tags=["report"])


@router.get("/reports/street")
def street_report(
    graph: GraphDep,
    scope: ScopeDep,
    settings: SettingsDep,
    street_id: Annotated[str, Query(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)],
) -> Response:
    """A street's report workbook: summary with trend and rectifications, gaps with suggestions, pairings, charts."""
    data = report.street_report(graph, scope, settings.gaps, street_id)
    return Response(data, media_type=report.XLSX, headers=report.attachment("街道汇报.xlsx"))
