"""`graphsvc analyze`: every metric of every organisation in the network (JSON: keyed by organisation id)."""

from __future__ import annotations

import argparse
from typing import Any

from graphsvc import output
from graphsvc.commands import add_command
from graphsvc.commands.common import cli_scope, open_graph
from graphsvc.schemas.ledger import OrgLevel
from graphsvc.schemas.network import Selection, TieKind
from graphsvc.settings import Settings

HEADERS = {
    "id": "编号", "name": "党组织", "level": "层级", "community_name": "社区", "members": "党员数",
    "betweenness": "中介中心性", "degree": "度中心性", "eigenvector": "特征向量中心性", "core_number": "核心数",
    "cluster": "群组", "is_articulation_point": "关键节点",
}


def kinds(value: str) -> list[TieKind]:
    """`UNDER,PAIRED_WITH` (or the Chinese names) -> tie kinds; argparse reports a ValueError as a bad value."""
    return [TieKind(k.strip()) for k in value.split(",")]


def add_selection(p: argparse.ArgumentParser) -> None:
    """The network selection every network command takes."""
    p.add_argument("--street", help="只看这个街道（编号）")
    p.add_argument("--community", help="只看这个社区（编号）")
    p.add_argument("--kinds", type=kinds, default=list(TieKind),
                   help="联系种类，逗号分隔：" + "，".join(f"{k.value}（{k.zh}）" for k in TieKind) + "；默认全部")


def selection(args: argparse.Namespace) -> Selection:
    return Selection(street_id=args.street, community_id=args.community, kinds=args.kinds)


def cmd_analyze(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import network

    with open_graph(settings, read_only=True) as graph:
        result = network.metrics(graph, cli_scope(), selection(args), seed=args.seed)
    data: dict[str, Any] = {m.id: m.model_dump(exclude={"id"}) for m in result.items}
    levels = {x.value: x.zh for x in OrgLevel}
    rows = [
        {
            **{k: v for k, v in m.model_dump().items() if k in HEADERS},
            "level": levels.get(m.level or "", m.level), "betweenness": round(m.betweenness, 4),
            "degree": round(m.degree, 4), "eigenvector": round(m.eigenvector, 4), "cluster": m.cluster + 1,
            "is_articulation_point": "是" if m.is_articulation_point else "",
        }
        for m in sorted(result.items, key=lambda m: -m.betweenness)  # brokers first
    ]
    output.write(data, args.format, rows=rows, output=args.output, headers=HEADERS, sheet="network")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "analyze")
    add_selection(p)
    p.add_argument("--seed", type=int, default=0, help="Louvain 随机种子（同一种子，同一结果）")
    p.add_argument("--format", choices=output.FORMATS, default="table")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_analyze)
