"""CLI output: rows (lists of flat dicts) as a table, JSON, CSV or XLSX."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from graphsvc.ingest.safety import csv_escape

Format = Literal["table", "json", "csv", "xlsx"]
WIDE = re.compile("[\u2e81-\U0010ffff]")
FORMATS = ("table", "json", "csv", "xlsx")


def _flat(v: Any) -> Any:
    if isinstance(v, (list, tuple, set)):
        return ";".join(str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return "" if v is None else v


def table(rows: Sequence[Mapping[str, Any]], headers: Mapping[str, str] | None = None) -> str:
    """A plain aligned text table; `headers` maps column -> Chinese heading."""
    if not rows:
        return "（无）"
    cols = list(headers or rows[0].keys())
    heads = [(headers or {}).get(c, c) for c in cols]
    cells = [[str(_flat(r.get(c))) for c in cols] for r in rows]

    def width(s: str) -> int:  # CJK characters (past U+2E80) take two columns in a terminal
        return len(s) if s.isascii() else len(s) + len(WIDE.findall(s))

    sized = [[(c, width(c)) for c in row] for row in [heads, *cells]]  # each cell measured once
    ws = [max(row[i][1] for row in sized) for i in range(len(heads))]
    lines = ["  ".join(c + " " * (w - n) for (c, n), w in zip(row, ws)) for row in sized]
    lines.insert(1, "  ".join("-" * w for w in ws))
    return "\n".join(lines)


def write(
    data: Any, fmt: Format, *, rows: Sequence[Mapping[str, Any]] | None = None, output: str | None = None,
    headers: Mapping[str, str] | None = None, sheet: str = "result",
) -> None:
    """Write `data` as JSON, or `rows` as a table/CSV/XLSX, to `output` (a path) or stdout."""
    rows = rows if rows is not None else data
    if fmt in ("table", "xlsx"):  # for people: Chinese labels and headers; json and csv keep codes for scripts
        from graphsvc.commands.labels import human_rows, key_zh

        rows = human_rows(rows)
        given = headers or {}
        headers = {c: given[c] if given.get(c, c) != c else key_zh(c) for c in (rows[0] if rows else given)}
    if fmt == "json":
        text: str | bytes = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    elif fmt == "table":
        text = table(rows, headers)
    elif fmt == "csv":
        buf = io.StringIO()
        cols = list(rows[0].keys()) if rows else []
        w = csv.writer(buf)
        w.writerow(cols)
        for r in rows:  # a text cell Excel would run as a formula gets a leading ' (OWASP CSV injection)
            w.writerow([csv_escape(v) if isinstance(v, str) else v for v in (_flat(r.get(c)) for c in cols)])
        text = buf.getvalue()
    else:
        from openpyxl import Workbook

        from graphsvc.ingest.workbook import text_cells

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet[:31])
        cols = list(rows[0].keys()) if rows else []
        ws.append(text_cells(ws, [(headers or {}).get(c, c) for c in cols]))
        ws.append(cols)
        for r in rows:  # every text cell as text, never a formula
            ws.append(text_cells(ws, [_flat(r.get(c)) for c in cols]))
        out = io.BytesIO()
        wb.save(out)
        text = out.getvalue()
        if not output:
            raise SystemExit("xlsx 需要用 -o 指定输出文件")
    if output:
        Path(output).write_bytes(text if isinstance(text, bytes) else text.encode())
    else:
        sys.stdout.write(text if isinstance(text, str) else "")
        sys.stdout.write("\n")
