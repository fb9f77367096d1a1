"""View-models of the map (一张图), trends and rectification pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from graphsvc.schemas.coverage import GapParams, GapRule
from graphsvc.schemas.geomap import MapData
from graphsvc.schemas.history import CoverageHistory
from graphsvc.schemas.rectify import Rectifications, RectStatus
from graphsvc.views.templating import Link, Num, Page, Why, pct, q

LEVEL_ZH = {"street": "街道", "community": "社区", "grid": "网格"}


# The two rules of 党员联户 need telling apart when a chart or a table names them alone.
SHORT = {GapRule.household_unlinked: "党员联户（住户）", GapRule.member_overloaded: "联户上限"}


def short(rule: GapRule) -> str:
    """The rule's short Chinese name (一帮一, 支部四进 …)."""
    return SHORT.get(rule) or rule.zh.split("：")[0]


def map_page(data: MapData, params: GapParams) -> Page:
    """The map: layers as GeoJSON for static/map.js, the walk that draws the service reach, the legend."""
    note = (f"服务站点步行范围：{params.walk_minutes:g} 分钟 × {params.walk_speed_m_per_min:g} 米/分钟 ÷ 绕行系数 "
            f"{params.detour:g} ≈ 直线 {data.reach_m:g} 米（与 15 分钟服务圈规则的设置相同）")
    return Page("map.html", f"一张图 · {data.where}", {"data": data.model_dump(mode="json"), "note": note})


def _pct100(point: Any, rule: GapRule) -> float | None:
    """A point's covered share of `rule` in percent (None: no point, or nothing to cover)."""
    if point is None or rule.value not in point.rules or point.rules[rule.value].ratio is None:
        return None
    return round(point.rules[rule.value].ratio * 100, 1)


def local_time(iso: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time as the server's local time (a street office reads Beijing time)."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime(fmt)
    except ValueError:
        return iso[:16].replace("T", " ")


def _time(t: str) -> str:
    return local_time(t, "%m-%d %H:%M")


def _cell(point: Any, rule: GapRule) -> Num:
    return pct(point.rules[rule.value].ratio) if rule.value in point.rules else Num("—", "muted")


def trends_page(hist: CoverageHistory, rule: GapRule, *, where: str, params: Mapping[str, Any]) -> Page:
    """Two charts with their tables: every rule for the place over time, and one rule across its parts."""
    community_id = params.get("community_id")
    top = next((p for p in hist.items if (p.level == "street" and not community_id) or p.id == community_id), None)
    parts = [p for p in hist.items if p is not top and p.points]
    rules = list(GapRule)
    points = top.points if top else []
    chart_all = {"times": [_time(p.taken_at) for p in points],
                 "series": [{"name": short(r), "data": [_pct100(p, r) for p in points]} for r in rules]}
    times = sorted({pt.taken_at for p in parts for pt in p.points})
    chart_parts = {"times": [_time(t) for t in times], "series": [
        {"name": p.name or p.id, "data": [_pct100({x.taken_at: x for x in p.points}.get(t), rule) for t in times]}
        for p in parts]}
    part_rows = [
        (Link(q("/pages/trends", community_id=p.id, rule=rule.value), p.name or p.id) if p.level == "community"
         else p.name or p.id, LEVEL_ZH[p.level], _cell(p.points[-1], rule), len(p.points))
        for p in parts
    ]
    return Page("trends.html", f"覆盖趋势 · {where}", {
        "top": top, "rules": rules, "rule": rule, "all": chart_all, "parts": chart_parts,
        "top_head": ("快照时间", *(short(r) for r in rules)),
        "top_rows": [(local_time(p.taken_at), *(_cell(p, r) for r in rules)) for p in reversed(points)],
        "part_head": ("名称", "层级", f"{short(rule)} 最新覆盖率", "快照数"), "part_rows": part_rows,
        "part_level": LEVEL_ZH[parts[0].level] if parts else "社区", "params": dict(params),
    })


def rectifications_page(rects: Rectifications, *, where: str, writer: bool, params: Mapping[str, Any],
                        statuses: list[RectStatus], orgs: list[tuple[str, str]]) -> Page:
    """The ledger: progress per street and community, then every item with its status (overdue in red)."""
    progress = [(LEVEL_ZH[p.level], p.name or p.id, p.total, p.open, p.in_progress, p.done,
                 Num(str(p.overdue), "warn" if p.overdue else ""), pct(p.done_ratio)) for p in rects.progress]
    items = [{
        "r": r, "rule": short(r.rule),
        "overdue": Why("逾期") if r.overdue else "",
    } for r in rects.items]
    export = q("/rectifications/export", street_id=params.get("street_id"), community_id=params.get("community_id"))
    return Page("rectifications.html", f"整改台账 · {where}", {
        "progress": progress, "items": items, "writer": writer, "export": export, "statuses": statuses,
        "rules": list(GapRule), "params": dict(params), "orgs": orgs,
    })
