"""`graphsvc match needs|allocate|partners|evaluate` (the records: `graphsvc.commands.records`)."""

from __future__ import annotations

import argparse
from typing import Any

from graphsvc.commands import add_command
from graphsvc.commands.common import cli_scope, open_graph, out_args, say, where_args, write
from graphsvc.settings import Settings


def _km(distance_m: float | None) -> float | None:
    return None if distance_m is None else round(distance_m / 1000, 2)


# --------------------------------------------------------------------------- match


def cmd_needs(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import matching

    with open_graph(settings, read_only=True) as graph:
        o = matching.opportunities(graph, cli_scope(), street_id=args.street, community_id=args.community,
                                   top=args.top, max_km=args.max_km)
    rows = []
    for n in o.items:
        need = {"community_name": n.community_name, "need_id": n.need_id, "kind": n.kind_zh,
                "open_quantity": n.open_quantity, "urgency": n.urgency, "description": n.description}
        for rank, c in enumerate(n.candidates or [None], start=1):
            rows.append({**need, "rank": rank if c else None, "resource_id": c.resource_id if c else None,
                         "owner_name": c.owner_name if c else "（没有候选）", "score": round(c.score, 3) if c else None,
                         "explanation": c.explanation if c else None})
    write(o, rows, args, "需求与候选资源")
    say(f"未满足的需求 {o.count} 项；闲置资源 {len(o.idle_resources)} 项；无结对且有需求的社区 "
        f"{len(o.communities_without_partner)} 个；结对过多的单位 {len(o.overloaded_units)} 个；"
        f"缺办公用房/经费/用地的社区 {len(o.lacking_basics)} 个")


def _pairs(values: list[list[str]] | None) -> list[dict[str, str]]:
    return [{"need_id": n, "resource_id": r} for n, r in values or []]


def cmd_allocate(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.commands.pair import _model
    from graphsvc.schemas.matching import AllocationRequest
    from graphsvc.services import matching

    req = _model(AllocationRequest, street_id=args.street, locked=_pairs(args.lock), forbidden=_pairs(args.forbid),
                 distance_cost_per_km=args.cost_per_km, max_km=args.max_km, k_nearest=args.k_nearest)
    with open_graph(settings, read_only=True) as graph:
        a = matching.allocate(graph, cli_scope(), req)
    rows = [{"community_name": f.community_name, "need_id": f.need_id, "kind": f.kind_zh, "resource_id": f.resource_id,
             "owner_name": f.owner_name, "units": f.units, "km": _km(f.distance_m), "why": f.why} for f in a.items]
    rows += [{"community_name": u.community_name, "need_id": u.need_id, "kind": u.kind_zh, "resource_id": None,
              "owner_name": None, "units": u.units, "km": None, "why": f"未满足：{u.reason_zh}"} for u in a.unmet]
    write(a, rows, args, "资源分配")
    say(f"目标值 {a.objective:.3f}（Σ 数量 ×（紧迫度 − 每公里成本 × 公里数）），满足 {a.met_units}/{a.needed_units}，"
        f"{a.count} 条分配，{len(a.unmet)} 项未满足；求解：{a.solver}")


def cmd_partners(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import matching

    with open_graph(settings, read_only=True) as graph:
        p = matching.partners(graph, cli_scope(), street_id=args.street, community_id=args.community,
                              unit_cap=args.unit_cap, community_min=args.community_min,
                              community_max=args.community_max, max_km=args.max_km, min_score=args.min_score)
    rows = [{"status": "现有" if i.existing else "建议", "community_org_name": i.community_org_name,
             "unit_org_name": i.unit_org_name, "score": None if i.score is None else round(i.score, 3),
             "km": _km(i.distance_m), "explanation": i.explanation} for i in p.items]
    write(p, rows, args, "结对建议")
    say(f"现有结对 {p.count - p.suggested} 对，建议新增 {p.suggested} 对（每个单位至多 {p.unit_cap} 个社区，"
        f"每个社区至少 {p.community_min} 个单位）；仍不足的社区 {len(p.shortfall)} 个")


def cmd_evaluate(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import matching

    with open_graph(settings, read_only=True) as graph:
        e = matching.evaluation(graph, cli_scope(), street_id=args.street, year=args.year,
                                warn_below=args.warn_below, fail_below=args.fail_below, top=args.top)
    rows = [{"year": i.year, "rank": i.rank, "top": "★" if i.top else "", "org_names": [n or "" for n in i.org_names],
             "pairing_id": i.pairing_id, "projects": i.projects, "mean_outcome": i.mean_outcome,
             "mean_satisfaction": i.mean_satisfaction, "status": i.status_zh} for i in e.items]
    write(e, rows, args, "结对评价")
    flagged = sum(i.status in ("warn", "fail") for i in e.items)
    say(f"评价 {e.count} 个结对年度记录，十佳 {sum(i.top for i in e.items)} 个，预警或不合格 {flagged} 个")


# --------------------------------------------------------------------------- records


# --------------------------------------------------------------------------- parsers


def register(sub: Any) -> None:
    m = add_command(sub, "match").add_subparsers(dest="match_command", required=True)

    p = m.add_parser("needs", help="每项未满足需求的候选资源（带得分说明），闲置资源，无结对社区，三无社区")
    where_args(p)
    p.add_argument("--top", type=int, default=5, help="每项需求列出的候选数（默认 5）")
    p.add_argument("--max-km", type=float, default=5.0, help="距离评分在此归零（公里，默认 5）")
    out_args(p)
    p.set_defaults(func=cmd_needs)

    p = m.add_parser("allocate", help="全街道资源最优分配（容量约束，可锁定/禁止）")
    where_args(p, community=False)
    p.add_argument("--lock", nargs=2, action="append", metavar=("NEED", "RESOURCE"), help="锁定：至少分配 1，可重复")
    p.add_argument("--forbid", nargs=2, action="append", metavar=("NEED", "RESOURCE"), help="禁止，可重复")
    p.add_argument("--cost-per-km", type=float, default=0.2, help="每公里距离成本（默认 0.2）")
    p.add_argument("--max-km", type=float, help="超过此距离不分配（公里）")
    p.add_argument("--k-nearest", type=int, help="每项需求只考虑最近的 k 个资源（加速，可能不再最优）")
    out_args(p)
    p.set_defaults(func=cmd_allocate)

    p = m.add_parser("partners", help="社区党组织与驻区单位党组织的结对建议（多对多，有上限）")
    where_args(p)
    p.add_argument("--unit-cap", type=int, default=2, help="每个单位至多结对的社区数 k（默认 2）")
    p.add_argument("--community-min", type=int, default=3, help="每个社区至少的结对单位数 m（默认 3）")
    p.add_argument("--community-max", type=int, help="每个社区至多的结对单位数")
    p.add_argument("--max-km", type=float, default=5.0, help="只考虑此距离内的单位（公里，默认 5）")
    p.add_argument("--min-score", type=float, default=0.6, help="新建议的最低得分（默认 0.6）")
    out_args(p)
    p.set_defaults(func=cmd_partners)

    p = m.add_parser("evaluate", help="结对评价：十佳共建对子与预警（满意度低于 70%% 预警，低于 60%% 不合格）")
    where_args(p, community=False)
    p.add_argument("--year", type=int)
    p.add_argument("--warn-below", type=float, default=70.0)
    p.add_argument("--fail-below", type=float, default=60.0)
    p.add_argument("--top", type=int, default=10)
    out_args(p)
    p.set_defaults(func=cmd_evaluate)
