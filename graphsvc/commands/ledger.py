"""`graphsvc import`, `export` and `template`: ledgers (台账) in and out."""

from __future__ import annotations

import argparse
from pathlib import Path

from graphsvc.commands import add_command
from graphsvc.commands.common import cli_scope, open_graph, progress_bar, say
from graphsvc.errors import InvalidInput
from graphsvc.settings import Settings

CHANGE_WORDS = (("new", "新增"), ("updated", "更新"), ("unchanged", "未变化"))


def change_lines(changes: dict[str, dict[str, int]]) -> list[str]:
    """新增 N、更新 M、未变化 K, one line per table."""
    from graphsvc.schemas.ledger import TABLES

    return [
        f"  {TABLES[t].zh if t in TABLES else t}：" + "、".join(f"{zh} {c.get(k, 0)}" for k, zh in CHANGE_WORDS)
        for t, c in changes.items()
    ]


def cmd_import(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.ingest.ledger_io import read_path
    from graphsvc.ingest.safety import Limits
    from graphsvc.services.ledger import annotate_file, import_raw

    path = Path(args.path)
    raw = read_path(path, Limits.of(settings))
    with open_graph(settings) as graph:
        total = sum(len(r) for r in raw.tables.values())
        try:
            with progress_bar(total, "导入台账") as bar:
                result = import_raw(
                    graph, cli_scope(), raw, batch_size=settings.batch_size, source="cli", progress=bar.update,
                    snapshot=settings.gaps, stage=say,
                )
        except InvalidInput as e:
            if args.errors_to and annotate_file(path, raw, e, Path(args.errors_to)):
                say(f"已把标出错误的工作簿写到 {args.errors_to}（出错的单元格标红并附批注，另有“错误清单”工作表）")
            raise
    for w in result.warnings:
        say(f"提示：{w}")
    changed = any(c["new"] or c["updated"] for c in result.changes.values())
    say(f"导入完成：共 {result.total} 行" + ("" if changed else "，与图中数据相同，没有写入"))
    for line in change_lines(result.changes):
        say(line)


def cmd_export(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services.ledger import export_to, scope_communities

    with open_graph(settings, read_only=True) as graph:
        communities = scope_communities(graph, street=args.street, community=args.community)
        export_to(graph, args.format, Path(args.output), labels=args.labels, communities=communities)
    say(f"已导出台账到 {args.output}")


def cmd_template(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.ingest.workbook import template

    Path(args.output).write_bytes(template())
    say(f"已生成空白台账模板 {args.output}（每个表一个工作表，第一行中文表头，第二行英文列名，"
        "类型和是/否列有下拉选项，见“填表说明”工作表）")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "import")
    p.add_argument("path")
    p.add_argument("--errors-to", metavar="PATH", help="xlsx 有错时，把标出错误单元格的工作簿副本写到这里")
    p.set_defaults(func=cmd_import)

    p = add_command(sub, "export")
    p.add_argument("--format", choices=["json", "xlsx", "csv"], default="json")
    p.add_argument("--labels", choices=["zh", "codes"], default="zh", help="xlsx 中类型和是/否写中文（zh，默认）或英文代码（codes）")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--street", metavar="ID", help="只导出这个街道的社区")
    where.add_argument("--community", metavar="ID", help="只导出这个社区")
    p.add_argument("-o", "--output", required=True, help="文件（json/xlsx）或文件夹（csv）")
    p.set_defaults(func=cmd_export)

    p = add_command(sub, "template")
    p.add_argument("-o", "--output", default="ledger.xlsx")
    p.set_defaults(func=cmd_template)
