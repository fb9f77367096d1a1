"""Ledger v1 in and out of the graph, for the API and the CLI."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from graphsvc import audit
from graphsvc.errors import TooLarge
from graphsvc.graph import Graph, Tx
from graphsvc.ingest import ledger_io
from graphsvc.ingest.load import Progress, export_ledger, import_ledger
from graphsvc.schemas.api import ImportResult
from graphsvc.schemas.coverage import GapParams
from graphsvc.scope import Scope, require
from graphsvc.services import history
from graphsvc.settings import Settings

MEDIA = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
}


def import_raw(
    graph: Graph,
    scope: Scope,
    raw: ledger_io.RawLedger,
    *,
    batch_size: int,
    source: str,
    progress: Progress | None = None,
    snapshot: GapParams | None = None,
) -> ImportResult:
    """Validate and write a ledger, all or nothing, with its audit entry in the same transaction;
    then, given `snapshot` (the rule settings), a coverage snapshot for the trend."""
    require(scope, "admin")

    def audited(tx: Tx, rows: dict[str, int]) -> None:
        audit.record(tx, scope, "ledger.import", "ledger", {"rows": rows}, source=source)

    report = import_ledger(graph, raw, batch_size=batch_size, progress=progress, on_commit=audited)
    if snapshot is not None:
        history.after_write(graph, snapshot, communities=None, source="import")
    return ImportResult(rows=report.rows, total=report.total, warnings=report.warnings)


def import_upload(graph: Graph, scope: Scope, filename: str, file: BinaryIO, *, settings: Settings) -> ImportResult:
    """An uploaded ledger (.json, .xlsx, or .zip of CSV files), at most GRAPHSVC_MAX_UPLOAD_MB."""
    require(scope, "admin")
    limit = settings.max_upload_mb * 1024 * 1024
    data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"文件超过上限 {settings.max_upload_mb} MB（GRAPHSVC_MAX_UPLOAD_MB）")
    raw = ledger_io.read_upload(filename, data)
    return import_raw(graph, scope, raw, batch_size=settings.batch_size, source="api", snapshot=settings.gaps)


def export_bytes(graph: Graph, scope: Scope, fmt: str) -> tuple[bytes, str, str]:
    """The graph (the caller's communities of it) as a Ledger v1 file: (content, media type, file name)."""
    require(scope, "admin", "street", "community")  # analysts see the network, not the people
    tables = export_ledger(graph, communities=scope.community_list)
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
    """Write the graph's whole ledger to a file (json, xlsx) or a folder of CSV files (csv): the CLI's export."""
    tables = export_ledger(graph, communities=None)
    if fmt == "json":
        ledger_io.write_json(tables, path)
    elif fmt == "xlsx":
        ledger_io.write_xlsx(tables, path)
    else:
        ledger_io.write_csv_dir(tables, path)
