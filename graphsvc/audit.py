"""The audit trail: who did what, when, to what, from which source. Append-only (no API edits it)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from graphsvc.graph import Graph, Tx
from graphsvc.scope import Scope


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def entry(scope: Scope, action: str, target: str, detail: dict[str, Any] | None = None, *, source: str = "api") -> dict[str, Any]:
    """An audit entry; `detail` must hold ids and counts, never names, phones or flags."""
    return {
        "id": f"au-{uuid.uuid4().hex[:16]}",
        "at": now(),
        "actor": scope.actor,
        "role": scope.role,
        "action": action,
        "target": target,
        "source": source,
        "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    }


def record(
    graph: Graph | Tx, scope: Scope, action: str, target: str, detail: dict[str, Any] | None = None, *, source: str = "api"
) -> None:
    """Append an entry, in the caller's transaction when given a Tx (so the write and its record go together)."""
    e = entry(scope, action, target, detail, source=source)
    if isinstance(graph, Tx):
        graph.run("audit/append", entry=e)
    else:
        graph.write("audit/append", entry=e)


def entries(graph: Graph, *, action: str | None = None, skip: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """Newest first."""
    out = []
    for r in graph.read("audit/list", action=action, skip=skip, limit=limit):
        e = dict(r["entry"])
        e["detail"] = json.loads(e.get("detail") or "{}")
        out.append(e)
    return out
