"""Workbook helpers for what people open in Excel: text cells always written as text (a value from the
data that starts with '=' must never become a formula), Chinese headers, sensible column widths."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

HEAD_FILL = PatternFill("solid", fgColor="C00000")
HEAD_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)


def put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """One cell; strings stay strings whatever they start with."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise take '=…' for a formula
    elif isinstance(value, (list, tuple)):
        cell.value = "；".join(str(v) for v in value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def title(ws: Worksheet, row: int, text: str) -> None:
    put(ws, row, 1, text).font = TITLE_FONT


def table(ws: Worksheet, top: int, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, left: int = 1) -> int:
    """Headers in row `top`, rows below; returns the last row written."""
    for j, h in enumerate(headers):
        c = put(ws, top, left + j, h)
        c.fill, c.font = HEAD_FILL, HEAD_FONT
        c.alignment = Alignment(horizontal="center")
    r = top
    for r, values in enumerate(rows, start=top + 1):
        for j, v in enumerate(values):
            put(ws, r, left + j, v)
    return r


def widths(ws: Worksheet, sizes: Sequence[int], *, left: int = 1) -> None:
    from openpyxl.utils import get_column_letter

    for j, w in enumerate(sizes):
        ws.column_dimensions[get_column_letter(left + j)].width = w


def to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
