"""Ledger v1 files: read JSON, a folder of CSV files or one XLSX workbook; write them back.

Reading maps Chinese or English headers to columns and yields raw rows (strings or JSON values);
validation is validate.py's job. Rows are numbered from 1 under the header (Excel row = row + 1,
or + 2 in our workbooks, which carry a second header row of English column names).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from graphsvc.errors import InvalidInput
from graphsvc.schemas.ledger import TABLES, header_map, zh_headers

Raw = dict[str, list[dict[str, Any]]]
_BY_ZH = {t.zh: t.name for t in TABLES.values()}


@dataclass
class RawLedger:
    tables: Raw = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    header_rows: int = 1  # rows above the data, for Excel row numbers in messages


def _table_name(stem: str) -> str | None:
    s = stem.strip()
    return s if s in TABLES else _BY_ZH.get(s)


def _map_rows(raw: RawLedger, table: str, header: list[Any], rows: Iterable[list[Any]]) -> None:
    hmap = header_map(table)
    cols: list[str | None] = []
    for h in header:
        key = str(h).strip().lower() if h is not None else ""
        col = hmap.get(key)
        if key and col is None:
            raw.warnings.append(f"{table}: 未识别的列 '{h}' 已忽略 (unknown column ignored)")
        cols.append(col)
    present = {c for c in cols if c}
    for col in TABLES[table].required:
        if col not in present:
            raw.errors.append({"table": table, "row": None, "column": col, "message": "缺少必填列 (missing column)"})
    out: list[dict[str, Any]] = []
    for i, values in enumerate(rows):
        if i == 0 and _is_header_echo(table, cols, values):
            raw.header_rows = 2
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append({c: v for c, v in zip(cols, values) if c})
    raw.tables[table] = out


def _is_header_echo(table: str, cols: list[str | None], values: list[Any]) -> bool:
    """Our workbooks have a second header row (English under Chinese): skip it."""
    hmap = header_map(table)
    named = [(c, v) for c, v in zip(cols, values) if c]
    return bool(named) and all(isinstance(v, str) and hmap.get(v.strip().lower()) == c for c, v in named)


def read_json(data: bytes | str) -> RawLedger:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise InvalidInput(f"账本不是有效的 JSON: {e}") from e
    if not isinstance(doc, dict):
        raise InvalidInput("账本 JSON 顶层应为对象，每个表一个键 (one key per table)")
    raw = RawLedger()
    for key, rows in doc.items():
        table = _table_name(key)
        if table is None:
            raw.warnings.append(f"未识别的表 '{key}' 已忽略 (unknown table ignored)")
            continue
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raw.errors.append({"table": table, "row": None, "column": None, "message": "应为对象数组 (a list of rows)"})
            continue
        hmap, unknown, out = header_map(table), set(), []
        for r in rows:
            mapped = {}
            for k, v in r.items():
                col = hmap.get(str(k).strip().lower())
                if col:
                    mapped[col] = v
                else:
                    unknown.add(str(k))
            out.append(mapped)
        raw.warnings += [f"{table}: 未识别的列 '{k}' 已忽略 (unknown column ignored)" for k in sorted(unknown)]
        raw.tables[table] = out
    return raw


def read_csv_dir(folder: Path) -> RawLedger:
    raw = RawLedger()
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise InvalidInput(f"文件夹 {folder.name} 中没有 CSV 文件")
    for path in files:
        table = _table_name(path.stem)
        if table is None:
            raw.warnings.append(f"未识别的表文件 '{path.name}' 已忽略")
            continue
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        if rows:
            _map_rows(raw, table, rows[0], rows[1:])
    return raw


def read_xlsx(data: bytes) -> RawLedger:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises several types for a file that is not a workbook
        raise InvalidInput(f"不是有效的 XLSX 工作簿: {type(e).__name__}") from e
    raw = RawLedger()
    for ws in wb.worksheets:
        table = _table_name(ws.title)
        if table is None:
            raw.warnings.append(f"未识别的工作表 '{ws.title}' 已忽略")
            continue
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if rows:
            _map_rows(raw, table, rows[0], rows[1:])
    wb.close()
    return raw


def read_path(path: Path) -> RawLedger:
    """Read a ledger from a .json file, a .xlsx workbook or a folder of CSV files."""
    if path.is_dir():
        return read_csv_dir(path)
    if not path.exists():
        raise InvalidInput(f"找不到账本文件 {path}")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_json(path.read_bytes())
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path.read_bytes())
    raise InvalidInput(f"不支持的账本格式 '{suffix}'：请用 .json、.xlsx 或 CSV 文件夹")


def read_upload(filename: str, data: bytes) -> RawLedger:
    """Read an uploaded ledger: JSON, XLSX, or a ZIP of CSV files."""
    name = filename.lower()
    if name.endswith(".json"):
        return read_json(data)
    if name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    if name.endswith(".zip"):
        import tempfile
        import zipfile

        with tempfile.TemporaryDirectory() as tmp:
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    for member in z.namelist():
                        if member.endswith(".csv") and "/" not in member.strip("/"):
                            (Path(tmp) / member).write_bytes(z.read(member))
            except zipfile.BadZipFile as e:
                raise InvalidInput("不是有效的 ZIP 文件") from e
            return read_csv_dir(Path(tmp))
    raise InvalidInput("上传的账本应为 .json、.xlsx 或装有 CSV 的 .zip")


# --- writing -------------------------------------------------------------------------------------


def _cell(v: Any) -> Any:
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return "" if v is None else v


def write_json(tables: Raw, path: Path | None = None) -> bytes:
    data = json.dumps(tables, ensure_ascii=False, indent=1, default=str).encode()
    if path:
        path.write_bytes(data)
    return data


def write_csv_dir(tables: Raw, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        cols = TABLES[name].columns
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rows:
                w.writerow([_cell(r.get(c)) for c in cols])


def write_xlsx(tables: Raw, path: Path | None = None) -> bytes:
    """One sheet per table: a Chinese header row, then the English column names, then rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name in TABLES:
        if name not in tables:
            continue
        ws = wb.create_sheet(name)
        cols = TABLES[name].columns
        ws.append([(zh_headers(name, c) or (c,))[0] for c in cols])
        ws.append(cols)
        for r in tables[name]:
            ws.append([_cell(r.get(c)) for c in cols])
    buf = io.BytesIO()
    wb.save(buf)
    if path:
        path.write_bytes(buf.getvalue())
    return buf.getvalue()


def empty_tables() -> Raw:
    return {name: [] for name in TABLES}
