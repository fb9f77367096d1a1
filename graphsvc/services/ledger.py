"""Ledger v1 in and out of the graph, for the API and the CLI."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from graphsvc.graph import Graph
from graphsvc.ingest import ledger_io
from graphsvc.ingest.load import Progress, export_ledger, import_ledger
from graphsvc.schemas.api import ImportResult

MEDIA = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
}


def import_raw(graph: Graph, raw: ledger_io.RawLedger, *, batch_size: int, progress: Progress | None = None) -> ImportResult:
    """Validate and write a ledger, all or nothing."""
    report = import_ledger(graph, raw, batch_size=batch_size, progress=progress)
    return ImportResult(rows=report.rows, total=report.total, warnings=report.warnings)


def import_upload(graph: Graph, filename: str, data: bytes, *, batch_size: int) -> ImportResult:
    """An uploaded ledger (.json, .xlsx, or .zip of CSV files)."""
    return import_raw(graph, ledger_io.read_upload(filename, data), batch_size=batch_size)


def export_bytes(graph: Graph, fmt: str) -> tuple[bytes, str, str]:
    """The graph as a Ledger v1 file: (content, media type, file name)."""
    tables = export_ledger(graph)
    if fmt == "json":
        return ledger_io.write_json(tables), MEDIA[fmt], "ledger.json"
    if fmt == "xlsx":
        return ledger_io.write_xlsx(tables), MEDIA[fmt], "ledger.xlsx"
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        ledger_io.write_csv_dir(tables, Path(tmp))
        for f in sorted(Path(tmp).iterdir()):
            z.write(f, f.name)
    return buf.getvalue(), MEDIA["csv"], "ledger-csv.zip"


def export_to(graph: Graph, fmt: str, path: Path) -> None:
    """Write the graph's ledger to a file (json, xlsx) or a folder of CSV files (csv)."""
    tables = export_ledger(graph)
    if fmt == "json":
        ledger_io.write_json(tables, path)
    elif fmt == "xlsx":
        ledger_io.write_xlsx(tables, path)
    else:
        ledger_io.write_csv_dir(tables, path)
