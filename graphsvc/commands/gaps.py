"""`graphsvc gaps`: the ten coverage rules (or their summary) on the command line."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from graphsvc import output
from graphsvc.commands import add_command
from graphsvc.commands.common import cli_scope, open_graph, say
from graphsvc.commands.labels import choices_help, enum_arg, enum_list_arg, label, rule_name
from graphsvc.errors import InvalidInput
from graphsvc.settings import Settings

if TYPE_CHECKING:
    from graphsvc.schemas.coverage import Distance, GapPageQuery

HEADERS = {
    "rule": "规则",
    "id": "编号",
    "name": "名称",
    "community_id": "社区编号",
    "community_name": "社区",
    "grid_id": "网格",
    "detail": "说明",
}
SUMMARY_HEADERS = {
    "rule": "规则",
    "zh": "说明",
    "population": "统计对象",
    "total": "总数",
    "gaps": "缺口",
    "ratio": "覆盖率",
}
HIDDEN = {"lat", "lon"}  # coordinates say nothing to a reader of the table


def _distances(path: str | None) -> list[dict[str, Any]]:
    """A travel-distance table as a GIS exports it: CSV with columns from_id, to_id, meters."""
    if not path:
        return []
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and not {"from_id", "to_id", "meters"} <= set(rows[0]):
        raise InvalidInput("距离表需要 from_id、to_id、meters 三列", details=[{"field": "--distances"}])
    return rows


def _detail(detail: dict[str, Any]) -> str:
    return str(label({k: v for k, v in detail.items() if k not in HIDDEN}))


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The rule parameters given on the command line (the others keep their settings' values)."""
    given = {
        "branch_threshold": args.threshold,
        "link_cap": args.cap,
        "unit_branch_members": args.unit_members,
        "walk_minutes": args.walk_minutes,
        "walk_speed_m_per_min": args.speed,
        "detour": args.detour,
        "cluster_min_members": args.cluster_min_members,
        "cluster_distance_m": args.cluster_distance,
        "required_points": args.required_points,
        "vulnerable": args.vulnerable,
    }
    return {k: v for k, v in given.items() if v is not None}


def _query(args: argparse.Namespace) -> tuple[GapPageQuery, list[Distance]]:
    """The area, page and rule parameters, and the travel-distance table, validated."""
    from graphsvc.schemas.coverage import Distance, GapPageQuery

    try:
        q = GapPageQuery(
            limit=args.limit,
            offset=args.offset,
            street_id=args.street,
            community_id=args.community,
            grid_id=args.grid,
            **_overrides(args),
        )
        distances = [Distance(**r) for r in _distances(args.distances)]
    except ValidationError as e:
        details = [{"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]} for err in e.errors()]
        raise InvalidInput("命令参数有误", details=details) from e
    return q, distances


def cmd_gaps(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.commands import gaps_plan
    from graphsvc.schemas.coverage import GapRule
    from graphsvc.services import coverage

    action = args.words[0] if args.words else "list"
    if action not in ("list", "suggest", "accept", "place"):
        raise InvalidInput(f"gaps 后面可以跟 suggest、accept 或 place，不认识「{action[:20]}」")
    if action == "accept":
        gaps_plan.accept(settings, args)
        return
    q, distances = _query(args)
    if action == "suggest":
        gaps_plan.suggest(settings, args, q)
        return
    if action == "place":
        gaps_plan.place(settings, args, q, distances)
        return
    with open_graph(settings, read_only=True) as graph:
        if args.summary:
            _write_summary(coverage.summary(graph, cli_scope(), q.area(), q.params(settings.gaps)), args)
            return
        rules = [GapRule[r] for r in args.rule] if args.rule else None
        if args.page:
            page = coverage.gap_page(graph, cli_scope(), q.area(), q.params(settings.gaps), rules=rules,
                                     limit=q.limit, offset=q.offset, distances=distances)
            _write_page(page, args)
            return
        report = coverage.gaps(graph, cli_scope(), q.area(), q.params(settings.gaps), rules=rules, distances=distances)
    _write_report(report, args)


def _gap_rows(rules: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every gap of every rule as a table row."""
    return [
        {"rule": rule, "id": g.id, "name": g.name, "community_id": g.community_id,
         "community_name": g.community_name, "grid_id": g.grid_id, "detail": _detail(g.detail)}
        for rule, found in rules.items()
        for g in found.items
    ]


def _write_summary(result: Any, args: argparse.Namespace) -> None:
    """Each rule's population, gaps and coverage ratio."""
    rows = [i.model_dump(mode="json") for i in result.items]
    if args.format == "table":  # people read a percentage; scripts (json, csv) keep the ratio
        for r in rows:
            r["ratio"] = "—" if r.get("ratio") is None else f"{r['ratio'] * 100:.1f}%"
    output.write(
        result.model_dump(mode="json"), args.format, rows=rows, output=args.output, headers=SUMMARY_HEADERS,
        sheet="覆盖率",
    )


def _write_report(report: Any, args: argparse.Namespace) -> None:
    """Every gap of every rule as rows; each rule's count on stderr."""
    data = {k: v.model_dump(mode="json", exclude={"rule"}, exclude_none=True) for k, v in report.rules.items()}
    output.write(data, args.format, rows=_gap_rows(report.rules), output=args.output, headers=HEADERS,
                 sheet="覆盖缺口")
    say("；".join(f"{rule_name(r)} {found.count}" for r, found in report.rules.items()))


def _write_page(page: Any, args: argparse.Namespace) -> None:
    """One page per rule as rows; per rule, the count and the communities with the most gaps on stderr."""
    output.write(page.model_dump(mode="json"), args.format, rows=_gap_rows(page.rules), output=args.output,
                 headers=HEADERS, sheet="覆盖缺口（本页）")
    for rule, found in page.rules.items():
        top = "、".join(f"{c.name or c.id or '未归属'} {c.count}" for c in found.by_community[:3])
        more = f"，下一页 --offset {found.next_offset}" if found.next_offset is not None else ""
        say(f"{found.zh}（{rule}）：共 {found.count} 个，本页 {len(found.items)} 个{more}" + (f"；最多：{top}" if top else ""))


def register(sub: argparse._SubParsersAction) -> None:
    from graphsvc.schemas.coverage import GapRule, VulnerableFlag
    from graphsvc.schemas.ledger import ServiceKind

    p = add_command(
        sub,
        "gaps",
        description="gaps：列出缺口；gaps suggest 规则：补缺口的建议（--save 写出可采纳的建议）；"
        "gaps accept --from 文件 | covers 党组织 楼栋 … | links 党员 住户 …：采纳；"
        "gaps place --kind 站点类型 [--distances 表.csv] [--max-new N] [--time-limit 秒]：服务站点选址",
    )
    p.add_argument("words", nargs="*", metavar="suggest 规则 | accept … | place", help="不填：列出缺口")
    p.add_argument("--rule", action="append", type=enum_arg(GapRule), help="只看这条规则（规则名或编号），可重复：" + choices_help(GapRule))
    p.add_argument("--street", metavar="ID", help="街道编号")
    p.add_argument("--community", metavar="ID", help="社区编号")
    p.add_argument("--grid", metavar="ID", help="网格编号（社区一级的规则看网格所在社区）")
    p.add_argument("--summary", action="store_true", help="每条规则的覆盖率和缺口数")
    p.add_argument("--page", action="store_true",
                   help="大范围（区、市）用：每条规则的总数、各街道和社区的数目，只列一页（不加则列出全部）")
    p.add_argument("--limit", type=int, default=50, help="--page：每条规则每页几条（默认 50）")
    p.add_argument("--offset", type=int, default=0, help="--page：从第几条开始（默认 0）")
    p.add_argument("--threshold", type=int, help="支部进楼宇：居住党员超过此数（默认 50）")
    p.add_argument("--cluster-min-members", type=int, help="相邻楼栋联建：每栋至少有此数党员（默认 20）")
    p.add_argument("--cluster-distance", type=float, help="相邻楼栋联建：楼栋间最大距离，米（默认 150）")
    p.add_argument("--cap", type=int, help="党员联户上限（默认 15）")
    p.add_argument("--unit-members", type=int, help="单位党员达到此数应单独建支部（默认 3）")
    p.add_argument("--walk-minutes", type=float, help="服务圈步行分钟（默认 15）")
    p.add_argument("--speed", type=float, help="步行速度，米/分钟（默认 80）")
    p.add_argument("--detour", type=float, help="绕行系数（默认 1.3）")
    p.add_argument("--required-points", type=enum_list_arg(ServiceKind),
                   help="服务圈必须有的站点类型，用 ; 分隔（默认 社区服务站;党员活动室）：" + choices_help(ServiceKind))
    p.add_argument("--vulnerable", type=enum_list_arg(VulnerableFlag),
                   help="一帮一的帮扶对象，用 ; 分隔（默认 困难家庭;残疾人;空巢独居老人）：" + choices_help(VulnerableFlag))
    p.add_argument("--distances", metavar="CSV", help="步行距离表（from_id,to_id,meters），有则优先使用")
    p.add_argument("--kind", action="append", type=enum_arg(ServiceKind), help="place：站点类型，可重复（默认规则要求的类型）")
    p.add_argument("--max-new", type=int, help="place：最多新增几个站点（MCLP）")
    p.add_argument("--time-limit", type=float, metavar="秒",
                   help="place：每个选址模型最多求解几秒（1–3600，默认 GRAPHSVC_PLAN_TIME_LIMIT_S，60）；"
                        "到时给出已找到的最好方案，并说明与最优的差距")
    p.add_argument("--save", metavar="JSON", help="suggest：把可采纳的建议写到这个文件")
    p.add_argument("--from", dest="from_file", metavar="JSON", help="accept：采纳 gaps suggest --save 写出的建议")
    p.add_argument("--format", choices=output.FORMATS, default="table")
    p.add_argument("-o", "--output", help="输出文件（xlsx 必填）")
    p.set_defaults(func=cmd_gaps)
