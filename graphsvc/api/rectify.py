"""Rectification (整改闭环): assign gaps, track them to closure, the ledger and its workbook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from graphsvc.api.deps import GraphDep, ScopeDep, SettingsDep
from graphsvc.schemas import rectify as r
from graphsvc.schemas.ids import ID_MAX, ID_PATTERN
from graphsvc.services import rectify, report

router = APIRouter(tags=["rectification"])
RectId = Annotated[str, Path(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]


@router.post("/rectifications", response_model=r.Rectification, status_code=201)
def create(graph: GraphDep, scope: ScopeDep, settings: SettingsDep, body: r.RectificationCreate) -> r.Rectification:
    """Assign a gap the rule finds now to a responsible organisation (and person), due by a date (待整改)."""
    return rectify.create(graph, scope, settings.gaps, body)


@router.patch("/rectifications/{rect_id}", response_model=r.Rectification)
def update(
    graph: GraphDep, scope: ScopeDep, settings: SettingsDep, rect_id: RectId, body: r.RectificationUpdate
) -> r.Rectification:
    """Change status, due date, who is responsible, or add a note; 已整改 is checked by the rule itself."""
    return rectify.update(graph, scope, settings.gaps, rect_id, body)


@router.get("/rectifications", response_model=r.Rectifications)
def ledger(graph: GraphDep, scope: ScopeDep, q: Annotated[r.RectificationQuery, Query()]) -> r.Rectifications:
    """The rectification ledger (overdue flagged) with progress per street and community."""
    return rectify.ledger(graph, scope, q)


@router.get("/rectifications/export")
def export(graph: GraphDep, scope: ScopeDep, q: Annotated[r.RectificationQuery, Query()]) -> Response:
    """The rectification ledger as an Excel workbook (整改台账.xlsx)."""
    data = report.rectification_workbook(graph, scope, q)
    return Response(data, media_type=report.XLSX, headers=report.attachment("整改台账.xlsx"))
