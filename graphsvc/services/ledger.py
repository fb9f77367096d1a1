"""Ledger v1 in and out of the graph, for the API and the CLI."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from graphsvc import audit
from graphsvc.errors import InvalidInput, NotFound, TooLarge
from graphsvc.graph import Graph, Tx
from graphsvc.ingest import ledger_io, workbook
from graphsvc.ingest.load import ImportReport, Progress, export_ledger, import_ledger
from graphsvc.ingest.safety import Limits
from graphsvc.schemas.api import ImportResult
from graphsvc.schemas.coverage import Area, GapParams
from graphsvc.scope import Scope, require
from graphsvc.services import history
from graphsvc.services.coverage.area import communities_of
from graphsvc.services.coverage.summary import recount
from graphsvc.settings import Settings

log = logging.getLogger(__name__)

MEDIA = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
}
Format = Literal["json", "xlsx", "csv"]
Labels = workbook.Labels


@dataclass
class AnnotatedWorkbook:
    """A workbook that failed to import, with its bad cells marked: what `errors_format=xlsx` returns."""

    content: bytes
    errors: int
    filename: str = "台账错误标注.xlsx"


def import_raw(
    graph: Graph,
    scope: Scope,
    raw: ledger_io.RawLedger,
    *,
    batch_size: int,
    source: str,
    progress: Progress | None = None,
    snapshot: GapParams | None = None,
    stage: Callable[[str], None] | None = None,
) -> ImportResult:
    """Validate and write a ledger, all or nothing; an audit entry in the same transaction when anything changed;
    then, given `snapshot` (the rule settings) and a change, a coverage snapshot for the trend of the streets
    whose coverage changed (every street when the import cannot say which) and their communities' coverage
    counters counted again; `stage` hears when that starts (it takes a while for a city)."""
    require(scope, "admin")

    def audited(tx: Tx, report: ImportReport) -> None:
        audit.record(tx, scope, "ledger.import", "ledger", {"rows": report.rows, "changes": report.changes}, source=source)

    report = import_ledger(graph, raw, batch_size=batch_size, progress=progress, on_commit=audited)
    if snapshot is not None and report.changed and report.communities != []:  # the streets whose coverage changed
        if stage:
            stage("正在更新覆盖统计（趋势快照和各社区的缺口计数）……")
        history.after_write(graph, snapshot, communities=report.communities, source="import")
        try:  # the counters the import dropped, counted again now: the next summary finds them ready
            recount(graph, report.communities, snapshot)
        except Exception as e:  # the import stands; the next reader counts them
            log.warning("counting coverage again after an import failed: %s", type(e).__name__)
    return ImportResult(rows=report.rows, total=report.total, changes=report.changes, warnings=report.warnings)


def read_upload(filename: str, file: BinaryIO, settings: Settings) -> tuple[bytes, ledger_io.RawLedger]:
    """An uploaded file's bytes (at most GRAPHSVC_MAX_UPLOAD_MB) and the ledger read from them."""
    limit = settings.max_upload_mb * 1024 * 1024
    data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"文件超过上限 {settings.max_upload_mb} MB（GRAPHSVC_MAX_UPLOAD_MB）")
    return data, ledger_io.read_upload(filename, data, Limits.of(settings))


def import_upload(
    graph: Graph, scope: Scope, filename: str, file: BinaryIO, *, settings: Settings, errors_format: str = "json"
) -> ImportResult | AnnotatedWorkbook:
    """An uploaded ledger (.json, .xlsx, .csv, or .zip of CSV files), all or nothing.

    With `errors_format="xlsx"`, an .xlsx upload that has errors comes back as the user's own workbook
    with each bad cell filled red and commented (and a 错误清单 sheet) instead of raising.
    """
    require(scope, "admin")
    data, raw = read_upload(filename, file, settings)
    try:
        return import_raw(graph, scope, raw, batch_size=settings.batch_size, source="api", snapshot=settings.gaps)
    except InvalidInput as e:
        if errors_format != "xlsx" or not filename.lower().endswith((".xlsx", ".xlsm")) or not e.details:
            raise
        return AnnotatedWorkbook(workbook.annotate(data, raw, e.details), errors=len(e.details))


def annotate_file(path: Path, raw: ledger_io.RawLedger, error: InvalidInput, out: Path) -> bool:
    """Write the annotated copy of a failed .xlsx import to `out` (the CLI's --errors-to); False if not a workbook."""
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not error.details:
        return False
    out.write_bytes(workbook.annotate(path.read_bytes(), raw, error.details))
    return True


def scope_communities(graph: Graph, *, street: str | None = None, community: str | None = None) -> list[str] | None:
    """The communities a street or a community export covers (None: everything)."""
    if street:
        (row,) = graph.read("access/street_communities", id=street)
        if not row["found"]:
            raise NotFound(f"没有编号为「{street[:40]}」的街道")
        return list(row["communities"])
    if community:
        (row,) = graph.read("access/community_exists", id=community)
        if not row["found"]:
            raise NotFound(f"没有编号为「{community[:40]}」的社区")
        return [community]
    return None


def ledger_bytes(tables: ledger_io.Raw, fmt: Format, labels: Labels = "zh") -> tuple[bytes, str, str]:
    """Tables as one file: (content, media type, file name). CSV comes as a .zip of CSV files (codes)."""
    if fmt == "json":
        return ledger_io.write_json(tables), MEDIA[fmt], "ledger.json"
    if fmt == "xlsx":
        return workbook.write_xlsx(tables, labels=labels), MEDIA[fmt], "台账.xlsx" if labels == "zh" else "ledger.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in tables.items():
            z.writestr(f"{name}.csv", ledger_io.csv_text(name, rows))
    return buf.getvalue(), MEDIA["csv"], "ledger-csv.zip"


def export_bytes(
    graph: Graph, scope: Scope, fmt: Format, labels: Labels = "zh", *, street_id: str | None = None,
    community_id: str | None = None,
) -> tuple[bytes, str, str]:
    """The graph (the caller's communities of it, or of one street or community in them) as a Ledger v1 file:
    (content, media type, file name); 404 for a street or community the caller cannot see."""
    require(scope, "admin", "street", "community")  # analysts see the network, not the people
    communities = communities_of(graph, scope, Area(street_id=street_id, community_id=community_id))
    return ledger_bytes(export_ledger(graph, communities=communities), fmt, labels)


def export_to(graph: Graph, fmt: Format, path: Path, *, labels: Labels = "zh", communities: list[str] | None = None) -> None:
    """Write the ledger (of `communities`, None = all) to a file (json, xlsx) or a folder of CSV files: the CLI's export."""
    tables = export_ledger(graph, communities=communities)
    if fmt == "csv":
        ledger_io.write_csv_dir(tables, path)
    else:
        path.write_bytes(ledger_bytes(tables, fmt, labels)[0])


def template_bytes(scope: Scope) -> bytes:
    """The blank ledger template (.xlsx), for anyone who may import or export a ledger."""
    require(scope, "admin", "street", "community")
    return workbook.template()
