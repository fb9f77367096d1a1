"""Validate a raw ledger in one pass: every row through its model, ids unique, every reference known.

Every error of the file is collected before anything is written: types, allowed values, missing
columns, duplicate ids and unknown references together. Each names the table as the file named it,
the row as the file shows it (Excel row, CSV line, JSON 第 N 条), the column by the file's own header,
and says what is wrong in Chinese. The offending value is shown only for ids, codes, numbers and
dates — never for names, phones, ID numbers or notes (`echo_safe`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from graphsvc.errors import InvalidInput
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.schemas.ledger import TABLES, Row, echo_safe, enum_of, ids_in, zh_header
from graphsvc.schemas.text import CONTROL_MESSAGE, has_control

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
_TABLE_OF_LABEL = {v: k for k, v in LABELS.items()}

Ledger = dict[str, list[Row]]
# Looks ids up in the graph: {id: [labels]} for those that exist.
KnownIds = Callable[[list[str]], dict[str, list[str]]]

MAX_ERRORS = 1000


def _zh_tables(names: tuple[str, ...] | list[str]) -> str:
    return "或".join(TABLES[t].zh if t in TABLES else t for t in names)


# A run of 7+ digits may be a phone or an ID number, whatever column it was typed into: never shown.
_PERSONAL = re.compile(r"\d{7,}")


def _shown(v: Any) -> str:
    s = str(v)
    return s if len(s) <= 40 else s[:40] + "…"


def _echo(table: str, column: str | None, value: Any) -> bool:
    """Show this value in a message? Only for ids, codes, numbers and dates, and never what looks like a phone or ID number."""
    if column is None or value is None or value == "" or not echo_safe(table, column):
        return False
    text = str(value)
    return not has_control(text) and not _PERSONAL.search(text.replace(" ", "").replace("-", ""))


def _message(table: str, column: str | None, d: Mapping[str, Any], value: Any) -> str:
    """A pydantic error in Chinese, with the value when the column allows it."""
    kind, ctx = d["type"], d.get("ctx") or {}
    if isinstance(value, str) and has_control(value):
        return CONTROL_MESSAGE
    what = f"「{_shown(value)}」" if _echo(table, column, value) else "此格"
    if kind == "missing" or (kind in ("string_too_short", "too_short") and value in (None, "", [])):
        return "必填，不能为空"
    enum = enum_of(table, column) if column else None
    if kind == "enum" and enum is not None:
        return f"{what}不是可选的值；可选：{'、'.join(m.zh for m in enum)}"
    if kind == "value_error":  # our own validators' Chinese messages (control characters, the id grammar)
        msg = str(d.get("msg", "")).removeprefix("Value error, ")
        return msg if CONTROL_MESSAGE in msg else f"{what}：{msg}"
    simple = {
        "int_parsing": "应为整数", "int_from_float": "应为整数", "int_type": "应为整数",
        "float_parsing": "应为数字", "float_type": "应为数字",
        "bool_parsing": "应为 是 或 否", "bool_type": "应为 是 或 否",
        "date_parsing": "应为日期，如 2024-03-01", "date_from_datetime_parsing": "应为日期，如 2024-03-01",
        "date_type": "应为日期，如 2024-03-01", "string_type": "应为文字", "list_type": "应为以 ; 分隔的列表",
    }
    if kind in simple:
        return f"{what}{simple[kind]}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{what}不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{what}不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_long":
        return f"过长：最多 {ctx.get('max_length')} 个字"
    return f"{what}格式不正确"


def locate(raw: RawLedger, e: dict[str, Any]) -> dict[str, Any]:
    """An error with where it is in the file's own terms: sheet, header and a `where` sentence."""
    table, col, row = e["table"], e.get("column"), e.get("row")
    src = raw.source(table)
    sheet = src.sheet or table
    header = src.headers.get(col) or (zh_header(table, col) if col else None) if col else None
    where = f"「{sheet}」"
    if row is not None:
        where += f" 第 {row} 条" if src.kind == "json" else f" 第 {row} 行"
    if header:
        where += f"「{header}」列"
    return {**e, "sheet": sheet, "header": header, "where": where}


def validate(raw: RawLedger, *, known_ids: KnownIds | None = None, check_refs: bool = True) -> Ledger:
    """Rows as models, or InvalidInput listing every error of the file (at most MAX_ERRORS of them).

    `known_ids` looks up references the ledger itself does not hold; `check_refs=False` skips ids
    and references altogether (our own generator's chunks, which name earlier chunks).
    """
    errors = list(raw.errors)
    missing_cols = {(e["table"], e["column"]) for e in raw.errors if e["row"] is None}
    bad_cells: set[tuple[str, int, str]] = set()
    ledger: Ledger = {}
    for name, rows in raw.tables.items():
        model = TABLES[name].model
        good: list[Row] = []
        for i, row in enumerate(rows):
            try:
                good.append(model.model_validate(row))
            except ValidationError as e:
                for d in e.errors(include_url=False):
                    col = str(d["loc"][0]) if d["loc"] else None
                    if (name, col) in missing_cols:  # said once for the whole column
                        continue
                    value = row.get(col) if col else None
                    err = _err(raw, name, i, col, _message(name, col, d, value))
                    if _echo(name, col, value):
                        err["value"] = _shown(value)
                    errors.append(err)
                    bad_cells.add((name, i, col or ""))
        ledger[name] = good
    if check_refs:
        errors += _check_ids(raw, bad_cells, known_ids)
    if errors:
        order = {t: i for i, t in enumerate(TABLES)}

        def place(e: dict[str, Any]) -> tuple[int, int, int]:  # the file's order: table, row, column
            return order.get(e["table"], 99), e.get("row") or 0, raw.source(e["table"]).col_index.get(e.get("column") or "", 0)

        errors.sort(key=place)
        shown = [locate(raw, e) for e in errors[:MAX_ERRORS]]
        more = f"（仅列出前 {MAX_ERRORS} 条）" if len(errors) > MAX_ERRORS else ""
        raise InvalidInput(f"账本有 {len(errors)} 处错误，未写入任何数据{more}", details=shown)
    return ledger


def _err(raw: RawLedger, table: str, index: int | None, column: str | None, message: str) -> dict[str, Any]:
    row = raw.position(table, index) if index is not None else None
    return {"table": table, "row": row, "column": column, "message": message}


def _check_ids(raw: RawLedger, bad: set[tuple[str, int, str]], known_ids: KnownIds | None) -> list[dict[str, Any]]:
    """Duplicate ids and unknown references, over every row (a row with other errors included)."""
    errors: list[dict[str, Any]] = []
    where: dict[str, tuple[str, int]] = {}
    for name, rows in raw.tables.items():
        if not TABLES[name].has_id:
            continue
        for i, row in enumerate(rows):
            if (name, i, "id") in bad:
                continue
            for rid in ids_in(row.get("id")):
                if rid in where:
                    t, n = where[rid]
                    msg = f"编号{{}}重复：与「{raw.source(t).sheet}」第 {raw.position(t, n)} 行相同"
                    errors.append(_ref_err(raw, name, i, "id", rid, msg))
                else:
                    where[rid] = (name, i)

    # References: to this ledger first, then to what the graph already holds.
    pending: list[tuple[str, int, str, str, tuple[str, ...]]] = []
    for name, rows in raw.tables.items():
        for col, targets in TABLES[name].refs.items():
            for i, row in enumerate(rows):
                if (name, i, col) in bad:
                    continue
                for ref in ids_in(row.get(col)):
                    hit = where.get(ref)
                    if hit is None:
                        pending.append((name, i, col, ref, targets))
                    elif hit[0] not in targets:
                        msg = f"编号{{}}是{TABLES[hit[0]].zh}，应为{_zh_tables(targets)}"
                        errors.append(_ref_err(raw, name, i, col, ref, msg))
    if pending:
        found = known_ids(sorted({p[3] for p in pending})) if known_ids else {}
        for name, i, col, ref, targets in pending:
            labels = found.get(ref)
            if not labels:
                msg = f"编号{{}}在账本和图中都不存在（应为{_zh_tables(targets)}的编号）"
            elif not {LABELS.get(t) for t in targets} & set(labels):
                msg = f"编号{{}}是{_zh_tables([_TABLE_OF_LABEL.get(lb, lb) for lb in labels])}，应为{_zh_tables(targets)}"
            else:
                continue
            errors.append(_ref_err(raw, name, i, col, ref, msg))
    return errors


def _ref_err(raw: RawLedger, table: str, index: int, column: str, ref: str, msg: str) -> dict[str, Any]:
    """An id error; `msg` has {} where the id goes (left out when it looks like a phone or ID number)."""
    if not _echo(table, column, ref):
        return _err(raw, table, index, column, msg.format(""))
    return {**_err(raw, table, index, column, msg.format(f"「{_shown(ref)}」")), "value": _shown(ref)}
