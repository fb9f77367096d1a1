"""Ledger v1 files: read JSON, a folder (or zip) of CSV files or one XLSX workbook; write JSON and CSV.

Reading maps Chinese or English headers to columns and yields raw rows (strings or JSON values),
remembering for each row where the file shows it (the Excel row, the CSV line, the JSON item) and
for each column the header the file used, so validate.py can name both in its messages.
Workbooks (template, Chinese export, annotated copy) are workbook.py's.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from graphsvc.errors import InvalidInput, TooLarge
from graphsvc.ingest.safety import (
    DEFAULT_LIMITS,
    Limits,
    check_xlsx,
    csv_escape,
    csv_unescape,
    decode_csv,
    unzip_csv,
)
from graphsvc.schemas.ledger import TABLES, header_map, table_name, zh_header
from graphsvc.schemas.text import strip_control

Raw = dict[str, list[dict[str, Any]]]
GUIDE = "填表说明"  # the template's explanation sheet
ERRORS_SHEET = "错误清单"  # the annotated copy's list of errors


@dataclass
class Source:
    """Where a table's rows came from, in the file's own terms."""

    kind: str = "json"  # json | csv | xlsx
    sheet: str = ""  # the sheet or file name as in the file
    headers: dict[str, str] = field(default_factory=dict)  # column -> header as the file named it
    col_index: dict[str, int] = field(default_factory=dict)  # column -> 1-based column in the sheet
    positions: list[int] = field(default_factory=list)  # per row: Excel row, CSV line or JSON item (1-based)


@dataclass
class RawLedger:
    tables: Raw = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)

    def source(self, table: str) -> Source:
        return self.sources.get(table) or Source(sheet=table)

    def position(self, table: str, index: int) -> int:
        """The file's row (Excel row, CSV line, JSON item) of `tables[table][index]`."""
        pos = self.source(table).positions
        return pos[index] if index < len(pos) else index + 1


def _map_header(raw: RawLedger, table: str, src: Source, header: list[Any]) -> list[str | None]:
    hmap = header_map(table)
    cols: list[str | None] = []
    for i, h in enumerate(header, start=1):
        text = str(h).strip() if h is not None else ""
        col = hmap.get(text.lower())
        if text and col is None:
            raw.warnings.append(f"{src.sheet}：未识别的列「{text[:40]}」已忽略")
        if col and col not in src.col_index:
            src.headers[col], src.col_index[col] = text, i
        cols.append(col)
    for col in TABLES[table].required:
        if col not in src.col_index:
            raw.errors.append({"table": table, "row": None, "column": col, "message": f"缺少必填列「{zh_header(table, col)}」"})
    return cols


def _map_rows(raw: RawLedger, table: str, src: Source, header: list[Any], rows: Iterable[tuple[int, list[Any]]]) -> None:
    """`rows` are (position, values) under the header row."""
    if table in raw.tables:
        raise InvalidInput(f"表「{TABLES[table].zh}」出现了两次（{raw.source(table).sheet}、{src.sheet}）")
    cols = _map_header(raw, table, src, header)
    hmap = header_map(table)
    out: list[dict[str, Any]] = []
    first = True
    for pos, values in rows:
        if first and _is_header_echo(hmap, cols, values):  # our workbooks carry English names in row 2
            first = False
            continue
        first = False
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append({c: v for c, v in zip(cols, values) if c})
        src.positions.append(pos)
    raw.tables[table] = out
    raw.sources[table] = src


def _is_header_echo(hmap: dict[str, str], cols: list[str | None], values: list[Any]) -> bool:
    named = [(c, v) for c, v in zip(cols, values) if c]
    return bool(named) and all(isinstance(v, str) and hmap.get(v.strip().lower()) == c for c, v in named)


def read_json(data: bytes | str) -> RawLedger:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput("账本不是有效的 JSON 文件") from None
    if not isinstance(doc, dict):
        raise InvalidInput("账本 JSON 顶层应为对象，每个表一个键")
    raw = RawLedger()
    for key, rows in doc.items():
        table = table_name(str(key))
        if table is None:
            raw.warnings.append(f"未识别的表「{str(key)[:40]}」已忽略")
            continue
        src = Source(kind="json", sheet=str(key))
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raw.errors.append({"table": table, "row": None, "column": None, "message": "应为对象数组（每行一个对象）"})
            continue
        hmap, unknown, out = header_map(table), set(), []
        for r in rows:
            mapped = {}
            for k, v in r.items():
                col = hmap.get(str(k).strip().lower())
                if col:
                    mapped[col] = v
                    src.headers.setdefault(col, str(k))
                else:
                    unknown.add(str(k)[:40])
            out.append(mapped)
        raw.warnings += [f"{key}：未识别的列「{k}」已忽略" for k in sorted(unknown)]
        src.positions = list(range(1, len(out) + 1))
        raw.tables[table], raw.sources[table] = out, src
    return raw


def _csv_rows(text: str, name: str, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """(line number, cells) of a CSV text; cells un-escaped (a ' we put before =, +, -, @ is removed)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for n, cells in enumerate(reader):
            if n > limits.rows:
                raise TooLarge(f"文件 {name} 超过 {limits.rows} 行（GRAPHSVC_MAX_SHEET_ROWS），请分表导入")
            yield line, [csv_unescape(c) for c in cells]
            line = reader.line_num + 1
    except csv.Error:
        raise InvalidInput(f"文件 {name} 第 {reader.line_num} 行不是有效的 CSV（单元格过长或引号不成对）") from None


def read_csv_files(files: list[tuple[str, bytes]], limits: Limits = DEFAULT_LIMITS) -> RawLedger:
    """A ledger from CSV files given as (file name, bytes): one file per table, named by the table."""
    raw = RawLedger()
    if not files:
        raise InvalidInput("没有找到 CSV 文件")
    for name, data in sorted(files):
        table = table_name(Path(name).stem)
        if table is None:
            raw.warnings.append(f"未识别的表文件「{name[:60]}」已忽略")
            continue
        rows = _csv_rows(decode_csv(data, name), name, limits)
        header = next(rows, None)
        if header is not None:
            _map_rows(raw, table, Source(kind="csv", sheet=name), header[1], rows)
    return raw


def read_csv_dir(folder: Path, limits: Limits = DEFAULT_LIMITS) -> RawLedger:
    paths = sorted(folder.glob("*.csv"))
    if not paths:
        raise InvalidInput(f"文件夹 {folder.name} 中没有 CSV 文件")
    total = sum(p.stat().st_size for p in paths)
    if total > limits.unpacked_mb * 1024 * 1024:
        raise TooLarge(f"文件夹 {folder.name} 的 CSV 文件合计超过上限 {limits.unpacked_mb} MB")
    return read_csv_files([(p.name, p.read_bytes()) for p in paths], limits)


def read_xlsx(data: bytes, limits: Limits = DEFAULT_LIMITS, *, name: str = "工作簿") -> RawLedger:
    from openpyxl import load_workbook

    check_xlsx(data, name, limits)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises several types for a file that is not a workbook
        raise InvalidInput(f"{name} 不是有效的 XLSX 工作簿（{type(e).__name__}）") from None
    raw = RawLedger()
    try:
        for ws in wb.worksheets:
            table = table_name(ws.title)
            if table is None:
                if ws.title not in (GUIDE, ERRORS_SHEET):
                    raw.warnings.append(f"未识别的工作表「{ws.title}」已忽略")
                continue
            if (ws.max_row or 0) > limits.rows + 2:  # the declared size, before reading a row
                raise TooLarge(f"工作表「{ws.title}」有 {ws.max_row} 行，超过上限 {limits.rows} 行（GRAPHSVC_MAX_SHEET_ROWS）")
            rows = _sheet_rows(ws, limits)
            header = next(rows, None)
            if header is not None:
                _map_rows(raw, table, Source(kind="xlsx", sheet=ws.title), header[1], rows)
    finally:
        wb.close()
    return raw


def _sheet_rows(ws: Any, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    for n, r in enumerate(ws.iter_rows(values_only=True), start=1):
        if n > limits.rows + 2:  # a sheet that does not declare its size
            raise TooLarge(f"工作表「{ws.title}」超过上限 {limits.rows} 行（GRAPHSVC_MAX_SHEET_ROWS）")
        yield n, list(r)


def read_path(path: Path, limits: Limits = DEFAULT_LIMITS) -> RawLedger:
    """Read a ledger from a .json file, a .xlsx workbook, a .zip of CSV files or a folder of CSV files."""
    if path.is_dir():
        return read_csv_dir(path, limits)
    if not path.exists():
        raise InvalidInput(f"找不到账本文件 {path.name}")
    if path.stat().st_size > limits.unpacked_mb * 1024 * 1024:
        raise TooLarge(f"文件 {path.name} 超过上限 {limits.unpacked_mb} MB")
    return read_upload(path.name, path.read_bytes(), limits)


def read_upload(filename: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> RawLedger:
    """Read an uploaded ledger: JSON, XLSX, a ZIP of CSV files, or one CSV file named by its table."""
    name = filename.lower()
    shown = Path(filename).name[:80]
    if name.endswith(".json"):
        return read_json(data)
    if name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, limits, name=shown)
    if name.endswith(".zip"):
        return read_csv_files(unzip_csv(data, shown, limits), limits)
    if name.endswith(".csv"):
        return read_csv_files([(shown, data)], limits)
    raise InvalidInput(f"不支持的账本格式「{Path(filename).suffix[:10]}」：请用 .json、.xlsx、CSV 文件夹或装有 CSV 的 .zip")


# --- writing -------------------------------------------------------------------------------------


def plain(v: Any) -> Any:
    """A graph value as a file cell in codes: lists joined with ;, true/false, ISO dates, text without control characters."""
    if isinstance(v, list):
        return ";".join(str(plain(x)) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, str):
        return strip_control(v)
    return "" if v is None else v


def _json_clean(v: Any) -> Any:
    if isinstance(v, str):
        return strip_control(v)
    if isinstance(v, list):
        return [_json_clean(x) for x in v]
    return v


def write_json(tables: Raw, path: Path | None = None) -> bytes:
    clean = {t: [{c: _json_clean(v) for c, v in r.items()} for r in rows] for t, rows in tables.items()}
    data = json.dumps(clean, ensure_ascii=False, indent=1, default=str).encode()
    if path:
        path.write_bytes(data)
    return data


def csv_text(name: str, rows: list[dict[str, Any]]) -> str:
    """One table as CSV text in codes; text cells that a spreadsheet would run as a formula get a leading '."""
    cols = TABLES[name].columns
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    for r in rows:
        cells = [plain(r.get(c)) for c in cols]
        w.writerow([csv_escape(v) if isinstance(v, str) else v for v in cells])
    return buf.getvalue()


def write_csv_dir(tables: Raw, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (folder / f"{name}.csv").write_text(csv_text(name, rows), encoding="utf-8", newline="")
