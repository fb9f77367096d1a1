"""CLI subcommands: each module has `register(subparsers)` adding its commands; COMMANDS says which
module holds which command, so that a command line loads only the module of the command it runs.

Kept free of imports: `graphsvc --help` and the start of every command read this table and nothing else.
"""

from __future__ import annotations

import argparse
from typing import Any, NamedTuple


class Command(NamedTuple):
    module: str  # under graphsvc.commands
    help: str  # the one line `graphsvc --help` shows


# In the order `graphsvc --help` lists them; a module's commands next to each other, in the order it adds them.
COMMANDS: dict[str, Command] = {
    "serve": Command("admin", "启动 API 和网页（默认 127.0.0.1:8000）"),
    "demo": Command("admin", "载入示范街道（新丰街街道）"),
    "engine": Command("admin", "内置图数据库：status | start | stop"),
    "keys": Command("admin", "访问密钥：create | list | revoke"),
    "audit": Command("admin", "审计记录（最新在前）"),
    "import": Command("ledger", "导入台账（.json、.xlsx、CSV 文件夹或 .zip），有错则不写入"),
    "export": Command("ledger", "导出台账（全部，或一个街道、一个社区）"),
    "template": Command("ledger", "生成空白台账模板 (xlsx)"),
    "pair": Command("pair", "城乡结对：建议（最优与稳定）、假设分析、采纳"),
    "match": Command("match", "结对共建：需求与资源匹配、资源分配、结对建议、结对评价"),
    "pairing": Command("records", "结对记录：create ORG_A ORG_B | end PAIRING_ID | list"),
    "sharing": Command("records", "资源共享记录：create RESOURCE_ID COMMUNITY_ID | end SHARING_ID | list"),
    "project": Command("records", "共建项目：create PAIRING_ID --name --theme | end PROJECT_ID | list"),
    "viz": Command(
        "viz",
        "生成网络图（HTML 文件）：tree 党组织架构图，ego 某个党组织的关系网络（需 --focus），"
        "pairings 结对关系图，network 党组织关系网络",
    ),
    "analyze": Command("analyze", "党组织网络分析：中介中心性、度、特征向量、核心数、群组、关键节点"),
    "gaps": Command(
        "gaps", "覆盖缺口：十条规则逐条列出缺口（或 --summary 看覆盖率）；gaps suggest 规则、gaps accept、gaps place"
    ),
    "snapshot": Command("history", "记录一次覆盖快照（每条规则在各街道、社区、网格的覆盖率），供每日定时任务调用"),
    "report": Command("history", "街道汇报工作簿 (xlsx)：汇总、趋势、整改、各规则缺口、结对和项目，含图表"),
}


def add_command(sub: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """The parser of the top-level command `name`, with its help line from COMMANDS."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=COMMANDS[name].help, **kwargs)
    return parser
