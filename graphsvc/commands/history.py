"""`graphsvc snapshot` (a coverage snapshot, for a daily cron) and `graphsvc report` (a street's workbook)."""

from __future__ import annotations

import argparse
from pathlib import Path

from graphsvc.commands import add_command
from graphsvc.settings import Settings


def cmd_snapshot(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.commands.common import open_graph, say
    from graphsvc.services import history

    with open_graph(settings) as graph:
        taken = history.take(graph, settings.gaps, communities=None, source="snapshot")
    say(f"已记录覆盖快照 {taken.snapshot_id}（{taken.taken_at}）：{taken.places} 个街道、社区和网格")


def cmd_report(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.commands.common import cli_scope, open_graph, say
    from graphsvc.services import report

    with open_graph(settings, read_only=True) as graph:
        data = report.street_report(graph, cli_scope(), settings.gaps, args.street)
    Path(args.output).write_bytes(data)
    say(f"已生成街道汇报工作簿 {args.output}")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "snapshot")
    p.set_defaults(func=cmd_snapshot)
    p = add_command(sub, "report")
    p.add_argument("--street", required=True, help="街道编号")
    p.add_argument("-o", "--output", default="报告.xlsx")
    p.set_defaults(func=cmd_report)
