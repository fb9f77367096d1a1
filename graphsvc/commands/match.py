"""`graphsvc match needs|allocate|partners|evaluate` and the records: `graphsvc pairing|sharing|project create|end|list`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel

from graphsvc import output
from graphsvc.commands.labels import choices_help, enum_arg
from graphsvc.schemas.ledger import PairingKind, ProjectStatus, Theme
from graphsvc.settings import Settings

HEADERS = {
    "community_name": "社区", "need_id": "需求编号", "kind": "类型", "open_quantity": "未满足", "urgency": "紧迫度",
    "description": "说明", "rank": "名次", "resource_id": "资源编号", "owner_name": "提供方", "score": "得分",
    "explanation": "理由", "units": "数量", "km": "距离(公里)", "why": "依据", "reason": "未满足原因",
    "status": "状态", "community_org_name": "社区党组织", "unit_org_name": "单位党组织", "unit_name": "单位",
    "year": "年度", "org_names": "结对双方", "pairing_id": "结对编号", "projects": "项目数",
    "mean_outcome": "平均成效", "mean_satisfaction": "平均满意度", "top": "十佳", "id": "编号", "org_a": "甲方",
    "org_b": "乙方", "name_a": "甲方名称", "name_b": "乙方名称", "themes": "主题", "since": "起始",
    "active": "有效", "source": "来源", "created_by": "登记人", "created_at": "登记时间", "ended_at": "结束时间",
    "ended_by": "结束人", "community_id": "社区编号", "name": "名称", "theme": "主题", "outcome": "成效",
    "satisfaction": "满意度",
}


def _write(data: BaseModel, rows: list[dict[str, Any]], args: argparse.Namespace, sheet: str) -> None:
    heads = {k: HEADERS.get(k, k) for k in rows[0]} if rows else HEADERS
    output.write(data.model_dump(mode="json"), args.format, rows=rows, output=args.output, headers=heads, sheet=sheet)


def _km(distance_m: float | None) -> float | None:
    return None if distance_m is None else round(distance_m / 1000, 2)


# --------------------------------------------------------------------------- match


def cmd_needs(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.cli import cli_scope, open_graph, say
    from graphsvc.services import matching

    with open_graph(settings) as graph:
        o = matching.opportunities(graph, cli_scope(), street_id=args.street, community_id=args.community,
                                   top=args.top, max_km=args.max_km)
    rows = []
    for n in o.items:
        need = {"community_name": n.community_name, "need_id": n.need_id, "kind": n.kind_zh,
                "open_quantity": n.open_quantity, "urgency": n.urgency, "description": n.description}
        for rank, c in enumerate(n.candidates or [None], start=1):  # type: ignore[list-item]
            rows.append({**need, "rank": rank if c else None, "resource_id": c.resource_id if c else None,
                         "owner_name": c.owner_name if c else "（没有候选）", "score": round(c.score, 3) if c else None,
                         "explanation": c.explanation if c else None})
    _write(o, rows, args, "需求与候选资源")
    say(f"未满足的需求 {o.count} 项；闲置资源 {len(o.idle_resources)} 项；无结对且有需求的社区 "
        f"{len(o.communities_without_partner)} 个；结对过多的单位 {len(o.overloaded_units)} 个；"
        f"缺办公用房/经费/用地的社区 {len(o.lacking_basics)} 个")


def _pairs(values: list[list[str]] | None) -> list[dict[str, str]]:
    return [{"need_id": n, "resource_id": r} for n, r in values or []]


def cmd_allocate(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.cli import cli_scope, open_graph, say
    from graphsvc.commands.pair import _model
    from graphsvc.schemas.matching import AllocationRequest
    from graphsvc.services import matching

    req = _model(AllocationRequest, street_id=args.street, locked=_pairs(args.lock), forbidden=_pairs(args.forbid),
                 distance_cost_per_km=args.cost_per_km, max_km=args.max_km, k_nearest=args.k_nearest)
    with open_graph(settings) as graph:
        a = matching.allocate(graph, cli_scope(), req)
    rows = [{"community_name": f.community_name, "need_id": f.need_id, "kind": f.kind_zh, "resource_id": f.resource_id,
             "owner_name": f.owner_name, "units": f.units, "km": _km(f.distance_m), "why": f.why} for f in a.items]
    rows += [{"community_name": u.community_name, "need_id": u.need_id, "kind": u.kind_zh, "resource_id": None,
              "owner_name": None, "units": u.units, "km": None, "why": f"未满足：{u.reason_zh}"} for u in a.unmet]
    _write(a, rows, args, "资源分配")
    say(f"目标值 {a.objective:.3f}（Σ 数量 ×（紧迫度 − 每公里成本 × 公里数）），满足 {a.met_units}/{a.needed_units}，"
        f"{a.count} 条分配，{len(a.unmet)} 项未满足；求解：{a.solver}")


def cmd_partners(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.cli import cli_scope, open_graph, say
    from graphsvc.services import matching

    with open_graph(settings) as graph:
        p = matching.partners(graph, cli_scope(), street_id=args.street, community_id=args.community,
                              unit_cap=args.unit_cap, community_min=args.community_min,
                              community_max=args.community_max, max_km=args.max_km, min_score=args.min_score)
    rows = [{"status": "现有" if i.existing else "建议", "community_org_name": i.community_org_name,
             "unit_org_name": i.unit_org_name, "score": None if i.score is None else round(i.score, 3),
             "km": _km(i.distance_m), "explanation": i.explanation} for i in p.items]
    _write(p, rows, args, "结对建议")
    say(f"现有结对 {p.count - p.suggested} 对，建议新增 {p.suggested} 对（每个单位至多 {p.unit_cap} 个社区，"
        f"每个社区至少 {p.community_min} 个单位）；仍不足的社区 {len(p.shortfall)} 个")


def cmd_evaluate(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.cli import cli_scope, open_graph, say
    from graphsvc.services import matching

    with open_graph(settings) as graph:
        e = matching.evaluation(graph, cli_scope(), street_id=args.street, year=args.year,
                                warn_below=args.warn_below, fail_below=args.fail_below, top=args.top)
    rows = [{"year": i.year, "rank": i.rank, "top": "★" if i.top else "", "org_names": [n or "" for n in i.org_names],
             "pairing_id": i.pairing_id, "projects": i.projects, "mean_outcome": i.mean_outcome,
             "mean_satisfaction": i.mean_satisfaction, "status": i.status_zh} for i in e.items]
    _write(e, rows, args, "结对评价")
    flagged = sum(i.status in ("warn", "fail") for i in e.items)
    say(f"评价 {e.count} 个结对年度记录，十佳 {sum(i.top for i in e.items)} 个，预警或不合格 {flagged} 个")


# --------------------------------------------------------------------------- records


def _themes(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").replace("；", ";").replace(",", ";").split(";") if t.strip()]


STATE = {"current": True, "ended": False, "all": None}


def _id_first(record: BaseModel) -> dict[str, Any]:
    row = record.model_dump(mode="json")
    return {"id": row.pop("id"), **row}


def _run(settings: Settings, args: argparse.Namespace, what: str, listing: Callable[..., Any],
         create: Callable[..., Any], end: Callable[..., Any]) -> None:
    """list / create / end one kind of record; each callable takes (graph, scope)."""
    from graphsvc.cli import cli_scope, open_graph, say

    with open_graph(settings) as graph:
        if args.action == "list":
            found = listing(graph, cli_scope())
            _write(found, [_id_first(i) for i in found.items], args, what)
            return
        record = (create if args.action == "create" else end)(graph, cli_scope())
    _write(record, [_id_first(record)], args, what)
    say(f"已{'登记' if args.action == 'create' else '结束'}{what} {record.id}")


def cmd_pairing(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import records

    _run(settings, args, "结对",
         lambda g, sc: records.pairings(g, sc, kind=args.kind, active=STATE[args.state], community_id=args.community,
                                        street_id=args.street),
         lambda g, sc: records.create_pairing(g, sc, *args.ids, args.kind or "co_construction", _themes(args.themes),
                                              "cli", since=args.since),
         lambda g, sc: records.end_pairing(g, sc, args.ids[0], source="cli", reason=args.reason))


def cmd_sharing(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import records

    _run(settings, args, "资源共享",
         lambda g, sc: records.sharings(g, sc, active=STATE[args.state], community_id=args.community,
                                        street_id=args.street),
         lambda g, sc: records.create_sharing(g, sc, *args.ids, source="cli", units=args.units, need_id=args.need,
                                              since=args.since),
         lambda g, sc: records.end_sharing(g, sc, args.ids[0], source="cli", reason=args.reason))


def cmd_project(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import records

    _run(settings, args, "共建项目",
         lambda g, sc: records.projects(g, sc, year=args.year, street_id=args.street),
         lambda g, sc: records.create_project(g, sc, args.ids[0], name=args.name, theme=args.theme,
                                              year=args.year or date.today().year, status=args.status or "planned",
                                              source="cli"),
         lambda g, sc: records.end_project(g, sc, args.ids[0], status=args.status or "done", outcome=args.outcome,
                                           satisfaction=args.satisfaction, source="cli"))


# --------------------------------------------------------------------------- parsers


def _out(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=output.FORMATS, default="table")
    p.add_argument("-o", "--output", help="输出文件（xlsx 必填）")


def _where(p: argparse.ArgumentParser, community: bool = True) -> None:
    p.add_argument("--street", metavar="STREET_ID", help="街道编号（不填：权限内全部）")
    if community:
        p.add_argument("--community", metavar="COMMUNITY_ID", help="社区编号")


def _record_parser(sub: Any, name: str, help_: str, func: Callable[..., None], ids: str, extra: Callable[[Any], None]) -> None:
    p = sub.add_parser(name, help=help_)
    p.add_argument("action", choices=["create", "end", "list"])
    p.add_argument("ids", nargs="*", metavar="ID", help=ids)
    p.add_argument("--since", type=date.fromisoformat, help="起始日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--reason", help="结束原因")
    p.add_argument("--state", choices=list(STATE), default="current", help="list：current（默认）、ended、all")
    _where(p)
    extra(p)
    _out(p)
    p.set_defaults(func=_checked(func, p))


def _checked(func: Callable[[Settings, argparse.Namespace], None], p: argparse.ArgumentParser) -> Callable[..., None]:
    want = {"create": 2, "end": 1, "list": 0}

    def run(settings: Settings, args: argparse.Namespace) -> None:
        n = 1 if args.command == "project" and args.action == "create" else want[args.action]
        if len(args.ids) != n:
            p.error(f"{args.action} 需要 {n} 个编号")
        func(settings, args)

    return run


def register(sub: Any) -> None:
    m = sub.add_parser("match", help="结对共建：需求与资源匹配、资源分配、结对建议、结对评价").add_subparsers(
        dest="match_command", required=True)

    p = m.add_parser("needs", help="每项未满足需求的候选资源（带得分说明），闲置资源，无结对社区，三无社区")
    _where(p)
    p.add_argument("--top", type=int, default=5, help="每项需求列出的候选数（默认 5）")
    p.add_argument("--max-km", type=float, default=5.0, help="距离评分在此归零（公里，默认 5）")
    _out(p)
    p.set_defaults(func=cmd_needs)

    p = m.add_parser("allocate", help="全街道资源最优分配（容量约束，可锁定/禁止）")
    _where(p, community=False)
    p.add_argument("--lock", nargs=2, action="append", metavar=("NEED", "RESOURCE"), help="锁定：至少分配 1，可重复")
    p.add_argument("--forbid", nargs=2, action="append", metavar=("NEED", "RESOURCE"), help="禁止，可重复")
    p.add_argument("--cost-per-km", type=float, default=0.2, help="每公里距离成本（默认 0.2）")
    p.add_argument("--max-km", type=float, help="超过此距离不分配（公里）")
    p.add_argument("--k-nearest", type=int, help="每项需求只考虑最近的 k 个资源（加速，可能不再最优）")
    _out(p)
    p.set_defaults(func=cmd_allocate)

    p = m.add_parser("partners", help="社区党组织与驻区单位党组织的结对建议（多对多，有上限）")
    _where(p)
    p.add_argument("--unit-cap", type=int, default=2, help="每个单位至多结对的社区数 k（默认 2）")
    p.add_argument("--community-min", type=int, default=3, help="每个社区至少的结对单位数 m（默认 3）")
    p.add_argument("--community-max", type=int, help="每个社区至多的结对单位数")
    p.add_argument("--max-km", type=float, default=5.0, help="只考虑此距离内的单位（公里，默认 5）")
    p.add_argument("--min-score", type=float, default=0.6, help="新建议的最低得分（默认 0.6）")
    _out(p)
    p.set_defaults(func=cmd_partners)

    p = m.add_parser("evaluate", help="结对评价：十佳共建对子与预警（满意度低于 70%% 预警，低于 60%% 不合格）")
    _where(p, community=False)
    p.add_argument("--year", type=int)
    p.add_argument("--warn-below", type=float, default=70.0)
    p.add_argument("--fail-below", type=float, default=60.0)
    p.add_argument("--top", type=int, default=10)
    _out(p)
    p.set_defaults(func=cmd_evaluate)

    def pairing_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--kind", type=enum_arg(PairingKind), choices=["co_construction", "urban_rural"],
                       help="create 默认 结对共建：" + choices_help(PairingKind))
        p.add_argument("--themes", help="主题，用 ; 或 , 分隔（如 党建联做;群众文化联兴）")

    def sharing_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--units", type=int, help="共享数量（默认：资源剩余的全部）")
        p.add_argument("--need", help="满足的需求编号")

    def project_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--name", help="项目名称")
        p.add_argument("--theme", type=enum_arg(Theme), help="主题（如 公益事业联办）：" + choices_help(Theme))
        p.add_argument("--year", type=int, help="年度（默认今年）")
        p.add_argument("--status", type=enum_arg(ProjectStatus), choices=["planned", "ongoing", "done", "cancelled"],
                       help=choices_help(ProjectStatus))
        p.add_argument("--outcome", type=float, help="成效 0–100")
        p.add_argument("--satisfaction", type=float, help="居民满意度 0–100")

    _record_parser(sub, "pairing", "结对记录：create ORG_A ORG_B | end PAIRING_ID | list", cmd_pairing,
                   "create：两个党组织编号（社区一方在前）；end：结对编号", pairing_args)
    _record_parser(sub, "sharing", "资源共享记录：create RESOURCE_ID COMMUNITY_ID | end SHARING_ID | list", cmd_sharing,
                   "create：资源编号 社区编号；end：共享编号", sharing_args)
    _record_parser(sub, "project", "共建项目：create PAIRING_ID --name --theme | end PROJECT_ID | list", cmd_project,
                   "create：结对编号；end：项目编号", project_args)
