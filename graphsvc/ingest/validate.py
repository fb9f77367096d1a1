"""Validate a raw ledger: every row through its pydantic model, ids unique, every reference known.

All errors are collected (table, row, column, message) before anything is written. Messages
never repeat the offending value: it may be a name, a phone or an ID number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from graphsvc.errors import InvalidInput
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.schemas.ledger import TABLES, Row

# Which graph label holds each table's rows (the label whitelist for ingest and export).
LABELS: dict[str, str] = {
    "streets": "Street",
    "communities": "Community",
    "resident_groups": "ResidentGroup",
    "buildings": "Building",
    "households": "Household",
    "members": "Member",
    "party_orgs": "PartyOrg",
    "units": "Unit",
    "resources": "Resource",
    "needs": "Need",
    "service_points": "ServicePoint",
    "projects": "Project",
}

Ledger = dict[str, list[Row]]
# Looks ids up in the graph: {id: [labels]} for those that exist.
KnownIds = Callable[[list[str]], dict[str, list[str]]]

MAX_ERRORS = 1000


def _err(table: str, row: int | None, column: str | None, message: str) -> dict[str, Any]:
    return {"table": table, "row": row, "column": column, "message": message}


def validate(raw: RawLedger, *, known_ids: KnownIds | None = None, check_refs: bool = True) -> Ledger:
    """Rows as models, or InvalidInput listing every error (at most MAX_ERRORS of them).

    `known_ids` looks up references the ledger itself does not hold; `check_refs=False` skips ids
    and references altogether (our own generator's chunks, which name earlier chunks).
    """
    errors = list(raw.errors)
    missing_cols = {(e["table"], e["column"]) for e in raw.errors if e["row"] is None}
    ledger: Ledger = {}
    for name, rows in raw.tables.items():
        model = TABLES[name].model
        good: list[Row] = []
        for i, row in enumerate(rows, start=1):
            try:
                good.append(model.model_validate(row))
            except ValidationError as e:
                for d in e.errors(include_input=False, include_url=False):
                    col = str(d["loc"][0]) if d["loc"] else None
                    if (name, col) not in missing_cols:  # said once for the whole column
                        errors.append(_err(name, i, col, d["msg"]))
        ledger[name] = good
    if not errors and check_refs:
        errors += _check_ids(ledger, known_ids)
    if errors:
        shown = errors[:MAX_ERRORS]
        more = f"（仅列出前 {MAX_ERRORS} 条）" if len(errors) > MAX_ERRORS else ""
        raise InvalidInput(f"账本有 {len(errors)} 处错误，未写入任何数据{more}", details=shown)
    return ledger


def _ref_values(row: Row, column: str) -> Iterable[str]:
    v = getattr(row, column)
    if v is None:
        return ()
    return v if isinstance(v, list) else (v,)


def _check_ids(ledger: Ledger, known_ids: KnownIds | None) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    where: dict[str, tuple[str, int]] = {}
    for name, rows in ledger.items():
        if not TABLES[name].has_id:
            continue
        for i, row in enumerate(rows, start=1):
            rid = row.id  # type: ignore[attr-defined]
            if rid in where:
                t, n = where[rid]
                errors.append(_err(name, i, "id", f"编号重复：与 {t} 第 {n} 行相同 (duplicate id)"))
            else:
                where[rid] = (name, i)

    # References: to this ledger first, then to what the graph already holds.
    pending: list[tuple[str, int, str, str, tuple[str, ...]]] = []
    for name, rows in ledger.items():
        for col, targets in TABLES[name].refs.items():
            for i, row in enumerate(rows, start=1):
                for ref in _ref_values(row, col):
                    hit = where.get(ref)
                    if hit is None:
                        pending.append((name, i, col, ref, targets))
                    elif hit[0] not in targets:
                        errors.append(_err(name, i, col, f"编号指向 {hit[0]}，应为 {'/'.join(targets)}"))
    if pending:
        found = known_ids(sorted({p[3] for p in pending})) if known_ids else {}
        for name, i, col, ref, targets in pending:
            labels = found.get(ref)
            if not labels:
                errors.append(_err(name, i, col, f"编号在账本和图中都不存在 (unknown id; expected {'/'.join(targets)})"))
            elif not {LABELS.get(t) for t in targets} & set(labels):
                errors.append(_err(name, i, col, f"编号指向 {'/'.join(labels)}，应为 {'/'.join(targets)}"))
    return errors
