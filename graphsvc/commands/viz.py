"""`graphsvc viz KIND -o file.html`: a network picture as one HTML file that opens with no server."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from graphsvc.commands import add_command
from graphsvc.commands.analyze import add_selection, selection
from graphsvc.commands.common import cli_scope, open_graph, say
from graphsvc.errors import InvalidInput
from graphsvc.schemas.network import ColorBy, SizeBy
from graphsvc.settings import Settings

KINDS = {"tree": "党组织架构图", "ego": "某个党组织的关系网络（需 --focus）", "pairings": "结对关系图",
         "network": "党组织关系网络"}


def cmd_viz(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import network

    if args.kind == "ego" and not args.focus:
        raise InvalidInput("ego 图需要用 --focus 指定党组织编号", details=[{"field": "focus"}])
    sel, style = selection(args), dict[str, Any](standalone=True)
    if args.size_by:
        style["size_by"] = SizeBy(args.size_by)
    if args.color_by:
        style["color_by"] = ColorBy(args.color_by)
    with open_graph(settings, read_only=True) as graph:
        scope = cli_scope()
        if args.kind == "tree":
            html = network.tree_picture(graph, scope, sel, **style)
        elif args.kind == "ego":
            html = network.ego_picture(graph, scope, sel, center=args.focus, radius=args.radius, **style)
        elif args.kind == "pairings":
            html = network.pairing_picture(graph, scope, sel, **style)
        else:
            html = network.network_picture(graph, scope, sel, seed=args.seed, **style)
    Path(args.output).write_text(html, encoding="utf-8")
    say(f"已生成{KINDS[args.kind].split('（')[0]}：{args.output}（用浏览器直接打开，无需联网）")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "viz")
    p.add_argument("kind", choices=list(KINDS))
    p.add_argument("--focus", help="ego 图的中心党组织编号")
    p.add_argument("--radius", type=int, default=1, choices=range(7), metavar="0-6", help="ego 图：几步以内（默认 1）")
    add_selection(p)
    p.add_argument("--size-by", choices=[x.value for x in SizeBy], help="节点大小依据")
    p.add_argument("--color-by", choices=[x.value for x in ColorBy], help="节点颜色依据")
    p.add_argument("--seed", type=int, default=0, help="Louvain 随机种子")
    p.add_argument("-o", "--output", required=True, help="输出的 HTML 文件")
    p.set_defaults(func=cmd_viz)
