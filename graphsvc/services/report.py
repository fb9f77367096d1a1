"""The street report (汇报): one workbook with the summary (ratios, trend, open rectifications), a sheet per
rule's gaps with suggestions, pairings and projects, and native Excel charts; the rectification workbook."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference

from graphsvc.errors import NotFound
from graphsvc.graph import Graph
from graphsvc.schemas.coverage import Area, GapParams, GapReport, GapRule
from graphsvc.schemas.history import CoverageHistory, HistoryQuery
from graphsvc.schemas.ledger import ServiceKind, Theme
from graphsvc.schemas.rectify import RectificationQuery, Rectifications, RectStatus
from graphsvc.scope import Scope
from graphsvc.services import coverage, history, records, rectify
from graphsvc.views.map_pages import local_time, short
from graphsvc.views.workbook import put, table, title, to_bytes, widths

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = {  # sheet names (Excel allows 31 characters)
    GapRule.community_without_org: "1一居一支部", GapRule.building_without_group: "2党小组联幢",
    GapRule.building_needs_branch: "3支部进楼宇", GapRule.household_unlinked: "4党员联户-住户",
    GapRule.member_overloaded: "4党员联户-超上限", GapRule.vulnerable_without_helper: "5一帮一",
    GapRule.unit_without_branch: "6支部四进", GapRule.mobile_unregistered: "7流动不流失",
    GapRule.employed_unregistered: "8双重管理", GapRule.service_circle_gap: "9服务圈",
    GapRule.community_lacking_basics: "10三无居委",
}
ADVICE = {
    GapRule.community_without_org: "由街道党工委组建社区党组织",
    GapRule.member_overloaded: "调减联系户数至上限以内，由其他党员分担",
    GapRule.vulnerable_without_helper: "安排党员结对帮扶（一帮一）",
    GapRule.mobile_unregistered: "到流入地流动党员党支部登记",
    GapRule.employed_unregistered: "到居住社区党组织报到",
}
DETAIL = {
    "households": "住户数", "resident_members": "居住党员数", "links": "联系户数", "working_members": "单位党员数",
    "building_name": "楼栋", "size": "人数", "reach_m": "步行可达（米）", "category": "党员类别",
}
BASICS = {"office": "办公用房", "funds": "经费", "land": "场地"}
PAIRING_KIND = {"co_construction": "结对共建", "urban_rural": "城乡结对"}
PROJECT_STATUS = {"planned": "计划", "ongoing": "进行中", "done": "已完成", "cancelled": "已取消"}


def attachment(name: str) -> dict[str, str]:
    """Content-Disposition for a Chinese file name (RFC 5987), with an ASCII fallback."""
    return {"Content-Disposition": f"attachment; filename=\"report.xlsx\"; filename*=UTF-8''{quote(name)}"}


def _pct(v: float | None) -> float | None:
    return None if v is None else round(v * 100, 1)


def _detail(rule: GapRule, d: dict[str, Any]) -> str:
    parts = [f"{DETAIL[k]} {v}" for k, v in d.items() if k in DETAIL and v is not None]
    if rule is GapRule.service_circle_gap:
        parts.append("缺少 " + "、".join(ServiceKind[k].zh for k in d.get("missing", [])))
    if rule is GapRule.community_lacking_basics:
        parts.append("缺少 " + "、".join(BASICS[k] for k in d.get("lacks", [])))
    return "；".join(parts)


def _advice(graph: Graph, scope: Scope, params: GapParams, area: Area, report: GapReport) -> dict[tuple[str, str], str]:
    """(rule, target id) -> a suggestion, from the suggestion services where there is one."""
    out: dict[tuple[str, str], str] = {}
    rules = report.rules
    if rules[GapRule.building_without_group.value].count:
        for g in coverage.suggest_groups(graph, scope, area, params).items:
            c = g.candidates[0] if g.candidates else None
            out[("building_without_group", g.building_id)] = (
                f"由「{c.group_name or c.group_id}」联系（相距 {c.distance_m} 米）" if c else "由居住在此的党员新建党小组"
            )
    if rules[GapRule.household_unlinked.value].count:
        for s in coverage.suggest_links(graph, scope, area, params).items:
            out[("household_unlinked", s.household_id)] = f"由党员 {s.member_name or s.member_id} 联系"
    if rules[GapRule.building_needs_branch.value].count:
        for b in coverage.suggest_branches(graph, scope, area, params).items:
            for bid in b.building_ids:
                out[("building_needs_branch", bid)] = (
                    f"组建楼宇党支部（{b.members} 名党员）" if b.kind == "single"
                    else f"与相邻 {len(b.building_ids) - 1} 幢楼联合组建楼宇党支部（{b.members} 名党员）"
                )
    if rules[GapRule.unit_without_branch.value].count:
        for u in coverage.suggest_units(graph, scope, area, params).items:
            out[("unit_without_branch", u.unit_id)] = (
                "单独组建党支部" if u.action == "own_branch" else f"加入联合党支部 {u.joint_branch_id or ''}".strip()
            )
    for gap in rules[GapRule.service_circle_gap.value].items:
        out[("service_circle_gap", gap.id)] = "增设或共享服务站点"
    for gap in rules[GapRule.community_lacking_basics.value].items:
        out[("community_lacking_basics", gap.id)] = "通过驻区单位资源共享解决"
    return out


def _summary_sheet(wb: Workbook, name: str, params: GapParams, summary: Any, hist: CoverageHistory, rects: Rectifications) -> None:
    ws = wb.active
    ws.title = "汇总"
    title(ws, 1, f"{name} 党建覆盖情况汇报")
    put(ws, 2, 1, f"生成时间 {datetime.now(UTC).astimezone().strftime('%Y-%m-%d %H:%M')}")
    street = next((p for p in hist.items if p.level == "street"), None)
    first = street.points[0].rules if street and street.points else {}
    rows = []
    for it in summary.items:
        start = first.get(it.rule.value)
        now = _pct(it.ratio)
        was = _pct(start.ratio) if start else None
        change = round(now - was, 1) if now is not None and was is not None else None
        rows.append([it.zh, it.population, it.total, it.gaps, now, was, change])
    end = table(ws, 4, ["规则", "统计对象", "总数", "缺口数", "覆盖率（%）", "首次快照覆盖率（%）", "变化（百分点）"], rows)
    chart = BarChart()
    chart.type, chart.title, chart.y_axis.title = "bar", "各规则覆盖率（%）", "覆盖率"
    chart.add_data(Reference(ws, min_col=5, min_row=4, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=end))
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, "I4")
    top = end + 2
    title(ws, top, "整改进度")
    by = {s: sum(1 for i in rects.items if i.status is s) for s in RectStatus}
    overdue = sum(1 for i in rects.items if i.overdue)
    table(ws, top + 1, ["待整改", "整改中", "已整改", "其中逾期（未完成）", "合计"],
          [[by[RectStatus.open], by[RectStatus.in_progress], by[RectStatus.done], overdue, len(rects.items)]])
    put(ws, top + 4, 1, f"快照 {len(street.points) if street else 0} 次；阈值：楼宇党支部 {params.branch_threshold} 名党员，"
        f"联户上限 {params.link_cap} 户，服务圈步行 {params.walk_minutes:g} 分钟")
    widths(ws, [44, 22, 8, 8, 12, 18, 14])


def _trend_sheet(wb: Workbook, hist: CoverageHistory) -> None:
    ws = wb.create_sheet("趋势")
    street = next((p for p in hist.items if p.level == "street"), None)
    rules = list(GapRule)
    title(ws, 1, "各规则覆盖率变化（%）")
    rows = [[local_time(p.taken_at)] + [_pct(p.rules[r.value].ratio) if r.value in p.rules else None for r in rules]
            for p in (street.points if street else [])]
    end = table(ws, 3, ["快照时间"] + [short(r) for r in rules], rows)
    widths(ws, [18] + [12] * len(rules))
    if rows:
        chart = LineChart()
        chart.title, chart.y_axis.title, chart.x_axis.title = "覆盖率趋势", "覆盖率（%）", "快照"
        chart.add_data(Reference(ws, min_col=2, max_col=1 + len(rules), min_row=3, max_row=end), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=end))
        chart.height, chart.width = 10, 24
        ws.add_chart(chart, f"A{end + 3}")


def rectification_rows(rects: Rectifications) -> tuple[list[str], list[list[Any]]]:
    head = ["编号", "规则", "缺口对象", "名称", "社区", "责任党组织", "责任人", "整改期限", "状态", "逾期", "备注", "更新时间"]
    rows = [[i.id, i.rule_zh.split("：")[0], i.target_id, i.target_name or "", i.community_name or "", i.org_name or i.org_id,
             i.person or "", i.due, i.status_zh, "逾期" if i.overdue else "", i.note or "", local_time(i.updated_at)]
            for i in rects.items]
    return head, rows


def _rect_sheet(wb: Workbook, rects: Rectifications) -> None:
    ws = wb.create_sheet("整改台账")
    head, rows = rectification_rows(rects)
    table(ws, 1, head, rows)
    widths(ws, [18, 14, 14, 18, 14, 24, 10, 12, 8, 6, 40, 17])
    ws.freeze_panes = "A2"


def _gap_sheets(wb: Workbook, report: GapReport, advice: dict[tuple[str, str], str]) -> None:
    for rule in GapRule:
        found = report.rules[rule.value]
        if not found.count:
            continue
        ws = wb.create_sheet(SHEET[rule])
        title(ws, 1, f"{rule.zh}（{found.count} 处）")
        rows = [[g.id, g.name or "", g.community_name or "", g.grid_id or "", _detail(rule, g.detail),
                 advice.get((rule.value, g.id), ADVICE.get(rule, ""))] for g in found.items]
        table(ws, 3, ["编号", "名称", "社区", "网格", "情况", "建议"], rows)
        widths(ws, [16, 22, 14, 14, 36, 44])
        ws.freeze_panes = "A4"


def _pairing_sheets(wb: Workbook, graph: Graph, scope: Scope, street_id: str) -> None:
    ws = wb.create_sheet("结对")
    pairs = records.pairings(graph, scope, street_id=street_id).items
    table(ws, 1, ["编号", "结对类型", "党组织甲", "党组织乙", "开始日期", "主题"], [
        [p.id, PAIRING_KIND.get(p.kind, p.kind), p.name_a or p.org_a, p.name_b or p.org_b, str(p.since or ""),
         "、".join(Theme[t].zh for t in p.themes)] for p in pairs])
    widths(ws, [14, 10, 30, 30, 12, 40])
    ws = wb.create_sheet("共建项目")
    projects = records.projects(graph, scope, street_id=street_id).items
    table(ws, 1, ["编号", "项目名称", "主题", "年份", "状态", "成效评分", "群众满意度"], [
        [p.id, p.name, Theme[p.theme].zh, p.year, PROJECT_STATUS.get(p.status, p.status), p.outcome, p.satisfaction]
        for p in projects])
    widths(ws, [14, 36, 14, 8, 10, 10, 12])


def street_report(graph: Graph, scope: Scope, params: GapParams, street_id: str) -> bytes:
    """The street's report workbook (汇报), in the caller's scope (names masked for analysts)."""
    area = Area(street_id=street_id)
    coverage.communities_of(graph, scope, area)  # NotFound for a street out of scope
    street = next((s for s in graph.read("read/streets", communities=scope.community_list) if s["id"] == street_id), None)
    if street is None:
        raise NotFound("找不到该街道", details=[{"field": "street_id", "id": street_id}])
    summary = coverage.summary(graph, scope, area, params)
    report = coverage.gaps(graph, scope, area, params)
    hist = history.history(graph, scope, HistoryQuery(street_id=street_id))
    rects = rectify.ledger(graph, scope, RectificationQuery(street_id=street_id))
    wb = Workbook()
    _summary_sheet(wb, street["name"], params, summary, hist, rects)
    _trend_sheet(wb, hist)
    _rect_sheet(wb, rects)
    _gap_sheets(wb, report, _advice(graph, scope, params, area, report))
    _pairing_sheets(wb, graph, scope, street_id)
    return to_bytes(wb)


def rectification_workbook(graph: Graph, scope: Scope, q: RectificationQuery) -> bytes:
    """The rectification ledger (整改台账) as a workbook, with progress per street and community."""
    rects = rectify.ledger(graph, scope, q)
    wb = Workbook()
    wb.remove(wb.active)
    _rect_sheet(wb, rects)
    ws = wb.create_sheet("整改进度")
    table(ws, 1, ["层级", "名称", "合计", "待整改", "整改中", "已整改", "逾期", "完成率（%）"], [
        ["街道" if p.level == "street" else "社区", p.name or p.id, p.total, p.open, p.in_progress, p.done, p.overdue,
         _pct(p.done_ratio)] for p in rects.progress])
    widths(ws, [8, 20, 8, 8, 8, 8, 8, 12])
    return to_bytes(wb)
