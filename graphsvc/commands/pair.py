"""`graphsvc pair urban-rural | what-if | accept`: urban–rural pairing suggestions on the command line."""

from __future__ import annotations

import argparse
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from graphsvc import output
from graphsvc.commands import add_command
from graphsvc.commands.common import cli_scope, open_graph, say
from graphsvc.errors import InvalidInput
from graphsvc.settings import Settings

M = TypeVar("M", bound=BaseModel)

HEADERS = {
    "solution": "方案", "change": "变化", "status": "状态", "urban_name": "城市党组织", "urban_id": "城市编号",
    "rural_name": "村党组织", "rural_id": "村编号", "score": "得分", "km": "距离(公里)", "themes": "建议主题",
    "reasons": "说明",
}
SOLUTION_ZH = {"optimal": "最优", "stable": "稳定", "existing": "现有"}
STATUS_ZH = {"existing": "现有", "locked": "锁定", "new": "新建议"}


def _model(cls: type[M], **data: Any) -> M:
    try:
        return cls(**data)
    except ValidationError as e:
        details = [{"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]} for err in e.errors()]
        raise InvalidInput("命令参数有误", details=details) from e


def _pairs(values: list[list[str]] | None) -> list[dict[str, str]]:
    return [{"urban_id": u, "rural_id": r} for u, r in values or []]


def _caps(values: list[list[str]] | None) -> dict[str, str]:
    return dict(values or [])


def _constraint_args(p: argparse.ArgumentParser, prefix: str = "", zh: str = "") -> None:
    p.add_argument(f"--{prefix}urban-cap", type=int, help=f"{zh}每个城市党组织最多结对的村数（默认 1）")
    p.add_argument(f"--{prefix}rural-cap", type=int, help=f"{zh}每个村最多结对的城市党组织数（默认 1）")
    p.add_argument(f"--{prefix}cap", nargs=2, action="append", metavar=("ID", "N"), help=f"{zh}个别党组织的上限")
    p.add_argument(f"--{prefix}must-pair", action="append", metavar="ID", help=f"{zh}必须有结对的村党组织，可重复")
    for name, what in (("lock", "锁定的结对"), ("forbid", "禁止的结对"), ("release", "允许解除的现有结对")):
        p.add_argument(f"--{prefix}{name}", nargs=2, action="append", metavar=("URBAN", "RURAL"), help=zh + what)
    p.add_argument(f"--{prefix}drop", action="append", metavar="ID", help=f"{zh}不参加结对的党组织，可重复")


def _constraints(args: argparse.Namespace, prefix: str = "") -> dict[str, Any]:
    get = lambda name: getattr(args, prefix + name)  # noqa: E731
    out = {
        "urban_cap": get("urban_cap"), "rural_cap": get("rural_cap"), "cap_overrides": _caps(get("cap")),
        "must_pair": get("must_pair") or [], "locked": _pairs(get("lock")), "forbidden": _pairs(get("forbid")),
        "released": _pairs(get("release")), "dropped": get("drop") or [],
    }
    return {k: v for k, v in out.items() if v is not None}


def _request(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "urban_street_ids": args.urban_street, "urban_districts": args.urban_district,
        "rural_street_ids": args.rural_street, "rural_districts": args.rural_district,
        "preferred_km": (args.min_km, args.max_km), **_constraints(args),
    }


def _headers(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {k: HEADERS[k] for k in rows[0]} if rows else HEADERS


def _row(solution: str, item: Any, change: str | None = None) -> dict[str, Any]:
    row = {"solution": SOLUTION_ZH[solution]}
    if change:
        row["change"] = change
    return {
        **row, "status": STATUS_ZH[item.status], "urban_name": item.urban_name, "urban_id": item.urban_id,
        "rural_name": item.rural_name, "rural_id": item.rural_id, "score": round(item.score, 3), "km": item.km,
        "themes": item.themes, "reasons": "；".join(item.reasons),
    }


def cmd_urban_rural(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.schemas.pairing import PlanRequest
    from graphsvc.services import pairing

    req = _model(PlanRequest, **_request(args))
    with open_graph(settings, read_only=True) as graph:
        plan = pairing.plan(graph, cli_scope(), req)
    rows = [_row(name, i) for name in ("optimal", "stable") for i in getattr(plan, name)]
    output.write(plan.model_dump(mode="json"), args.format, rows=rows, output=args.output, headers=_headers(rows),
                 sheet="城乡结对")
    o, st, d = plan.summary.optimal, plan.summary.stable, plan.difference
    say(f"候选：城市党组织 {plan.urban_count} 个，村 {plan.rural_count} 个，{plan.candidate_pairs} 对")
    say(f"最优方案：{o.count} 对（新建议 {o.new}），总分 {o.objective:.3f}，可互相改选的对子 {o.blocking_count} 个")
    unmet = len(st.unmet_must_pair)
    say(f"稳定方案：{st.count} 对（新建议 {st.new}），总分 {st.objective:.3f}，未满足必须结对 {unmet} 个")
    say(f"两方案相同 {d.same} 对，总分相差 {d.objective_gap:.3f}（{d.objective_gap_share:.1%}）")
    if plan.over_cap:
        shown = "、".join(f"{o.name}（现有 {o.existing} 个，上限 {o.cap}）" for o in plan.over_cap[:5])
        more = f" 等 {len(plan.over_cap)} 个" if len(plan.over_cap) > 5 else ""
        say(f"现有结对已超过上限的党组织 {len(plan.over_cap)} 个，现有结对全部保留、不再新增：{shown}{more}")


def cmd_what_if(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.schemas.pairing import WhatIfRequest
    from graphsvc.services import pairing

    req = _model(WhatIfRequest, **_request(args), change=_constraints(args, "then_"))
    with open_graph(settings, read_only=True) as graph:
        result = pairing.what_if(graph, cli_scope(), req)
    rows = [
        _row(name, item, change)
        for name in ("optimal", "stable")
        for change, items in (("新增", getattr(result, name).added), ("取消", getattr(result, name).removed))
        for item in items
    ]
    output.write(result.model_dump(mode="json"), args.format, rows=rows, output=args.output, headers=_headers(rows),
                 sheet="假设分析")
    for name in ("optimal", "stable"):
        c = getattr(result, name)
        say(f"{SOLUTION_ZH[name]}方案：新增 {len(c.added)} 对，取消 {len(c.removed)} 对，保留 {c.kept} 对，"
            f"总分变化 {c.objective_delta:+.3f}")


def cmd_accept(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.schemas.pairing import AcceptRequest
    from graphsvc.services import pairing

    req = _model(AcceptRequest, urban_id=args.urban_id, rural_id=args.rural_id, themes=args.themes or [])
    with open_graph(settings) as graph:
        record = pairing.accept(graph, cli_scope(), req)
    output.write(record.model_dump(mode="json"), args.format, rows=[record.model_dump(mode="json")], output=args.output)
    say(f"已记录城乡结对 {record.id}：{record.name_a} — {record.name_b}（{'、'.join(record.themes)}）")


def register(sub: argparse._SubParsersAction) -> None:
    from graphsvc.algorithms.pairing import DEFAULT_PREFERRED_KM, LINKS
    from graphsvc.commands.labels import enum_arg
    from graphsvc.schemas.ledger import Theme

    pair = add_command(sub, "pair")
    kinds = pair.add_subparsers(dest="pair_command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--urban-street", action="append", metavar="ID", help="城市一方的街道编号，可重复（默认全部）")
        p.add_argument("--urban-district", action="append", metavar="NAME", help="城市一方的区县，可重复")
        p.add_argument("--rural-street", action="append", metavar="ID", help="农村一方的乡镇编号，可重复（默认全部）")
        p.add_argument("--rural-district", action="append", metavar="NAME", help="农村一方的区县，可重复")
        p.add_argument("--min-km", type=float, default=DEFAULT_PREFERRED_KM[0], help="适宜距离下限（公里）")
        p.add_argument("--max-km", type=float, default=DEFAULT_PREFERRED_KM[1], help="适宜距离上限（公里）")
        _constraint_args(p)
        p.add_argument("--format", choices=output.FORMATS, default="table")
        p.add_argument("-o", "--output", help="输出文件（xlsx 必填）")

    p = kinds.add_parser("urban-rural", help="城乡结对建议：最优方案与稳定方案并列，逐对说明得分")
    common(p)
    p.set_defaults(func=cmd_urban_rural)

    p = kinds.add_parser("what-if", help="假设分析：在基础约束上改变上限、锁定、禁止、排除后重算，列出变化")
    common(p)
    _constraint_args(p, "then-", "改变后：")
    p.set_defaults(func=cmd_what_if)

    p = kinds.add_parser("accept", help="采纳一条建议：记录城乡结对（PAIRED_WITH）")
    p.add_argument("urban_id")
    p.add_argument("rural_id")
    p.add_argument("--themes", nargs="+", type=enum_arg(Theme), choices=LINKS, metavar="主题",
                   help="商定的主题（六联六互，中文或代码）；不填则采用建议的主题")
    p.add_argument("--format", choices=output.FORMATS, default="table")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_accept)
