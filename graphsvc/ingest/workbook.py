"""Ledger workbooks as a street office uses them: the template, the Chinese export, the annotated copy.

A ledger workbook has one sheet per table (Chinese sheet names, or English with `labels="codes"`),
two header rows (Chinese, then the English column names) and data from row 3. Enum and yes/no
columns carry a dropdown (data validation) with the allowed labels; the 填表说明 sheet explains
every column. Every text cell is written as text (never a formula) without control characters.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from graphsvc.ingest.ledger_io import ERRORS_SHEET, GUIDE, Raw, RawLedger, plain
from graphsvc.schemas.ledger import TABLES, enum_of, is_flag, is_list, zh_header
from graphsvc.schemas.text import strip_control

Labels = Literal["zh", "codes"]
FIRST_DATA_ROW = 3
_DROPDOWN_ROWS = 2000  # rows below the data that still get a dropdown

# What each column means, for 填表说明 (the header already says most of it).
_MEANING: dict[str, str] = {
    "id": "本行的唯一编号，整个台账内不能重复；其他表用它来引用本行",
    "name": "名称（个人姓名属于个人信息，注意保密）",
    "kind": "类型，从下拉列表中选择",
    "street_id": "所属街道的编号（街道表中的编号）",
    "community_id": "所属社区的编号（社区表中的编号）",
    "resident_group_id": "所属网格的编号（网格表中的编号），可空",
    "building_id": "所在楼栋的编号（楼栋表中的编号）",
    "household_id": "住户的编号（住户表中的编号）",
    "member_id": "党员的编号（党员表中的编号）",
    "org_id": "党组织的编号（党组织表中的编号）",
    "unit_id": "驻区单位的编号（驻区单位表中的编号）",
    "owner_id": "提供资源的驻区单位、社区或党组织的编号",
    "lat": "纬度，WGS84 十进制度数，如 31.789",
    "lon": "经度，WGS84 十进制度数，如 119.962",
    "has_office": "是否有办公用房（三无居委：无办公用房、无资金、无场地）",
    "has_funds": "是否有工作经费",
    "has_land": "是否有活动场地",
    "size": "户内人数",
    "phone": "联系电话（个人信息，注意保密）",
    "skills": "特长，多个用 ; 分隔",
    "volunteer": "是否登记为义工/志愿者",
    "parent_id": "上级党组织的编号，可空",
    "target_id": "被覆盖的楼栋或网格的编号（党小组联幢、党支部联片）",
    "org_a": "结对一方党组织的编号",
    "org_b": "结对另一方党组织的编号",
    "themes": "共建主题，多个用 ; 分隔",
    "org_ids": "参与的党组织编号，多个用 ; 分隔",
    "urgency": "紧迫程度，1（不急）到 5（最急）",
    "outcome": "成效评分，0–100",
    "satisfaction": "群众满意度，0–100",
    "ended_at": "结束日期，结对或共享仍在进行则留空",
    "since": "开始日期，如 2024-03-15",
}


def _kind_of(table: str, col: str) -> str:
    enum = enum_of(table, col)
    if enum is not None:
        return "多选（以 ; 分隔）" if is_list(table, col) else "单选（下拉列表）"
    if is_flag(table, col):
        return "是/否（下拉列表）"
    if col == "id" or col in TABLES[table].refs:
        return "编号列表（以 ; 分隔）" if is_list(table, col) else "编号"
    ann = str(TABLES[table].model.model_fields[col].annotation)
    for key, word in (("date", "日期（YYYY-MM-DD）"), ("int", "整数"), ("float", "数字")):
        if key in ann:
            return word
    return "文字"


def choices(table: str, col: str, labels: Labels = "zh") -> list[str] | None:
    """The values a dropdown offers for a column, or None for a free column."""
    enum = enum_of(table, col)
    if enum is not None:
        return [m.zh if labels == "zh" else m.value for m in enum]
    if is_flag(table, col):
        return ["是", "否"] if labels == "zh" else ["true", "false"]
    return None


def cell_value(table: str, col: str, v: Any, labels: Labels) -> Any:
    """A graph value as an XLSX cell: Chinese labels and 是/否 (or codes), lists joined with ;."""
    if labels == "codes":
        return plain(v)
    enum = enum_of(table, col)
    if enum is not None and v is not None:
        zh = {m.value: m.zh for m in enum}
        items = v if isinstance(v, list) else [v]
        return ";".join(zh.get(str(getattr(x, "value", x)), str(x)) for x in items)
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return plain(v)


def text_cells(ws: Any, values: Iterable[Any]) -> list[Any]:
    """Cells for one row: every text cell is written as text (data_type 's'), never run as a formula."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for v in values:
        if isinstance(v, str):
            c = WriteOnlyCell(ws, value=strip_control(v))
            c.data_type = "s"
            out.append(c)
        else:
            out.append(v)
    return out


def _header_rows(ws: Any, name: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    cols = TABLES[name].columns
    bold, grey = Font(bold=True), Font(color="808080", size=9)
    fill = PatternFill("solid", fgColor="DDEBF7")
    first = []
    for c in cols:
        cell = WriteOnlyCell(ws, value=zh_header(name, c))
        cell.font, cell.fill = bold, fill
        first.append(cell)
    second = []
    for c in cols:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = grey
        second.append(cell)
    ws.append(first)
    ws.append(second)


def _dropdowns(ws: Any, name: str, labels: Labels, last_row: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, col in enumerate(TABLES[name].columns, start=1):
        options = choices(name, col, labels)
        if options is None:
            continue
        multi = is_list(name, col)
        dv = DataValidation(
            type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
            showErrorMessage=not multi, errorTitle="不在可选范围内", error="请从下拉列表中选择：" + "、".join(options),
            showInputMessage=True, promptTitle=zh_header(name, col),
            prompt=("可多选，用 ; 分隔" if multi else "请从下拉列表中选择")[:255],
        )
        letter = get_column_letter(i)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        ws.data_validations.append(dv)


def _widths(ws: Any, name: str) -> None:
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(TABLES[name].columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(zh_header(name, col)) + 4)


def write_xlsx(tables: Raw, path: Path | None = None, *, labels: Labels = "zh", guide: bool = True) -> bytes:
    """A ledger workbook: one sheet per table in `tables`, two header rows, dropdowns, and 填表说明."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name in TABLES:
        if name not in tables:
            continue
        ws = wb.create_sheet(TABLES[name].zh if labels == "zh" else name)
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        _widths(ws, name)
        _header_rows(ws, name)
        cols = TABLES[name].columns
        rows = tables[name]
        _dropdowns(ws, name, labels, FIRST_DATA_ROW + len(rows) + _DROPDOWN_ROWS)
        for r in rows:
            ws.append(text_cells(ws, [cell_value(name, c, r.get(c), labels) for c in cols]))
    if guide:
        _guide(wb, [t for t in TABLES if t in tables], labels)
    buf = io.BytesIO()
    wb.save(buf)
    if path:
        path.write_bytes(buf.getvalue())
    return buf.getvalue()


def _example_rows() -> dict[str, dict[str, Any]]:
    """One plausible row per table for 填表说明 (the demo street's first, with made-up personal data)."""
    from graphsvc import demo

    out = {name: (rows[0] if rows else {}) for name, rows in demo.street_ledger().items()}
    out["members"] = {**out.get("members", {}), "name": "张三", "phone": "13800000000"}
    return out


_GUIDE_TEXT = (
    "每个工作表是一张表：第 1 行中文表头，第 2 行英文列名（可删除），从第 3 行起每行一条记录。"
    "只填中文表头、只有一行表头也可以导入。编号在整个台账内不能重复；引用其他表时填写对方的编号。"
    "是/否 和类型列请从下拉列表中选择；多个值用 ; 分隔。"
)


def _guide(wb: Any, names: list[str], labels: Labels) -> None:
    ws = wb.create_sheet(GUIDE)
    ws.append(text_cells(ws, [_GUIDE_TEXT]))
    ws.append([])
    ws.append(text_cells(ws, ["工作表", "列（中文表头）", "英文列名", "含义", "类型", "必填", "可选值", "示例"]))
    examples = _example_rows()
    for name in names:
        table = TABLES[name]
        required = set(table.required)
        for col in table.columns:
            options = choices(name, col, labels)
            example = examples.get(name, {}).get(col)
            ws.append(text_cells(ws, [
                table.zh if labels == "zh" else name, zh_header(name, col), col,
                _MEANING.get(col, zh_header(name, col)), _kind_of(name, col), "必填" if col in required else "可空",
                "、".join(options) if options else "", "" if example is None else str(cell_value(name, col, example, "zh")),
            ]))


def template() -> bytes:
    """The blank ledger template: every table, Chinese sheet names, dropdowns, 填表说明."""
    return write_xlsx({name: [] for name in TABLES}, labels="zh")


# --- the annotated copy of a workbook that failed to import ---------------------------------------


def annotate(data: bytes, raw: RawLedger, errors: list[dict[str, Any]]) -> bytes:
    """The user's own workbook with each bad cell filled red and a comment saying what is wrong,
    and a 错误清单 sheet listing every error (those without a cell too, such as a missing column)."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    wb = load_workbook(io.BytesIO(data))
    red = PatternFill("solid", fgColor="FF9999")
    notes: dict[tuple[str, int, int], list[str]] = {}
    for e in errors:
        src = raw.sources.get(e["table"])
        col = src.col_index.get(e.get("column") or "") if src else None
        if src and src.kind == "xlsx" and e.get("row") and col and src.sheet in wb.sheetnames:
            notes.setdefault((src.sheet, e["row"], col), []).append(e["message"])
    for (sheet, row, col), messages in notes.items():
        cell = wb[sheet].cell(row=row, column=col)
        cell.fill = red
        cell.comment = Comment("\n".join(dict.fromkeys(messages)), "共建图谱")
    if ERRORS_SHEET in wb.sheetnames:
        del wb[ERRORS_SHEET]
    ws = wb.create_sheet(ERRORS_SHEET, 0)
    for r, (where, message) in enumerate([("位置", "问题")] + [(str(e.get("where", "")), str(e["message"])) for e in errors], 1):
        for c, text in enumerate((where, message), 1):
            cell = ws.cell(row=r, column=c, value=strip_control(text))
            cell.data_type = "s"  # a sheet name starting with = stays text
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 36, 80
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
