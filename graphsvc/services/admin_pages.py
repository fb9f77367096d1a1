"""The ledger page (upload with its error table or counts; downloads) and the admin pages (keys, audit trail)."""

from __future__ import annotations

from typing import Any, BinaryIO
from urllib.parse import urlencode

from graphsvc.commands.labels import label  # one Chinese wording of codes, the CLI's too
from graphsvc.errors import GraphsvcError, InvalidInput
from graphsvc.graph import Graph
from graphsvc.schemas.api import ImportResult
from graphsvc.schemas.ledger import TABLES
from graphsvc.scope import Scope, require
from graphsvc.services import access, ledger
from graphsvc.services.pages import where, with_chrome
from graphsvc.settings import Settings
from graphsvc.views.templating import ROLE_ZH, Page

FORMATS = (("xlsx", "Excel 工作簿（.xlsx）"), ("csv", "CSV 文件包（.zip）"), ("json", "JSON"))
AUDIT_LIMIT = 500


def ledger_page(graph: Graph, scope: Scope, street_id: str | None = None, community_id: str | None = None) -> Page:
    """Upload (admins) and download (everyone but analysts) of Ledger v1: the street or community picked above,
    or everything in the key's scope."""
    chosen = {k: v for k, v in (("street_id", street_id), ("community_id", community_id)) if v}
    return with_chrome(Page("ledger.html", "台账", {
        "can_upload": scope.role == "admin", "can_download": scope.role != "analyst", "formats": FORMATS,
        "where": where(graph, scope, street_id, community_id), "chosen": urlencode(chosen),
    }), graph, scope, street_id, community_id)


def upload(graph: Graph, scope: Scope, filename: str, file: BinaryIO, settings: Settings) -> dict[str, Any]:
    """Import an uploaded ledger: the counts, or every error as (table, row, column, message); nothing half-written."""
    workbook = filename.lower().endswith((".xlsx", ".xlsm"))
    try:
        result = ledger.import_upload(graph, scope, filename, file, settings=settings)
    except InvalidInput as e:
        rows = [(d.get("table", ""), d.get("row", ""), d.get("column", ""), d.get("message", "")) for d in e.details]
        return {"message": e.message, "errors": rows, "annotate": workbook and bool(rows)}
    except GraphsvcError as e:
        return {"message": e.message, "errors": []}
    if not isinstance(result, ImportResult):  # only errors_format="xlsx" answers a workbook
        raise TypeError("unexpected import result")
    counted = [  # the tables in the ledger's order, in Chinese, with what the import changed
        (t.zh, result.rows[name], *(result.changes.get(name, {}).get(k, 0) for k in ("new", "updated", "unchanged")))
        for name, t in TABLES.items() if result.rows.get(name)
    ]
    return {"rows": counted, "total": result.total, "warnings": result.warnings}


def annotated(graph: Graph, scope: Scope, filename: str, file: BinaryIO, settings: Settings) -> tuple[bytes, str]:
    """The user's workbook with its bad cells marked (the page's download, answered 200 as a file)."""
    result = ledger.import_upload(graph, scope, filename, file, settings=settings, errors_format="xlsx")
    if isinstance(result, ImportResult):  # no error after all: it was imported
        raise InvalidInput("这个工作簿没有错误，已经导入", details=[{"field": "file"}])
    return result.content, result.filename


def keys_page(graph: Graph, scope: Scope, *, created: dict[str, Any] | None = None, error: str | None = None) -> Page:
    """Every key (admins): create one (its token shown once), revoke one."""
    require(scope, "admin")
    keys = access.keys_for(graph, scope).items
    page = Page("admin_keys.html", "访问密钥", {
        "keys": keys, "roles": ROLE_ZH, "created": created, "error": error,
    }, status=422 if error else 200)
    return with_chrome(page, graph, scope)


def create_key(graph: Graph, scope: Scope, role: str, scope_id: str | None, name: str) -> Page:
    require(scope, "admin")
    try:
        key, token = access.create_key(graph, scope, role=role, scope_id=scope_id or None, name=name or None)
    except GraphsvcError as e:
        return keys_page(graph, scope, error=e.message)
    return keys_page(graph, scope, created={"name": key.name, "token": token})


def revoke_key(graph: Graph, scope: Scope, key_id: str) -> None:
    require(scope, "admin")
    access.revoke_key(graph, scope, key_id)


def audit_page(graph: Graph, scope: Scope, *, action: str | None, actor: str | None) -> Page:
    """The audit trail (admins), newest first, filtered by action and by who."""
    latest = access.audit_entries(graph, scope, action=None, skip=0, limit=AUDIT_LIMIT).items
    actions = sorted({e.action for e in latest})
    entries = [e for e in latest if (not action or e.action == action) and (not actor or actor in e.actor)]
    rows = [(e.at[:19].replace("T", " "), e.actor.split(":", 1)[-1], ROLE_ZH.get(e.role, e.role),
             label(e.action, "action"), e.target, label(e.source, "source"), label(e.detail)) for e in entries]
    return with_chrome(Page("admin_audit.html", "操作记录", {
        "rows": rows, "actions": actions,
        "action_zh": {a: label(a, "action") for a in actions}, "action": action or "", "actor": actor or "", "limit": AUDIT_LIMIT,
    }), graph, scope)
