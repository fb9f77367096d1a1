"""What every command shares: who the command line acts as, where it writes messages, the graph it opens,
and the output options and Chinese column headers of the record and matching tables."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from graphsvc import output
from graphsvc.scope import Scope

if TYPE_CHECKING:
    from pydantic import BaseModel

    from graphsvc.graph import Graph
    from graphsvc.settings import Settings


def cli_scope() -> Scope:
    """The command line acts as a local administrator, named in the audit trail by the OS user."""
    import getpass

    return Scope(actor=f"cli:{getpass.getuser()}")


def say(msg: str) -> None:
    """A message for the person at the terminal (stderr, so stdout stays the data)."""
    print(msg, file=sys.stderr, flush=True)


@contextmanager
def open_graph(settings: Settings, *, read_only: bool = False) -> Iterator[Graph]:
    """The graph for one command, closed after it (the driver is imported here: not for --help, nor a bad argument).

    `read_only`: the command writes nothing to the graph, so the schema statements are sent only when
    this engine has not had them yet."""
    from graphsvc.graph import connect

    conn = connect(settings, say=say, read_only=read_only)
    try:
        yield conn.graph
    finally:
        conn.close()


def progress_bar(total: int, desc: str) -> Any:
    """A progress bar on stderr (none when stderr is not a terminal)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="行", file=sys.stderr, disable=None, mininterval=0.5)


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


def write(data: BaseModel, rows: list[dict[str, Any]], args: argparse.Namespace, sheet: str) -> None:
    heads = {k: HEADERS.get(k, k) for k in rows[0]} if rows else HEADERS
    output.write(data.model_dump(mode="json"), args.format, rows=rows, output=args.output, headers=heads, sheet=sheet)


def out_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=output.FORMATS, default="table")
    p.add_argument("-o", "--output", help="输出文件（xlsx 必填）")


def where_args(p: argparse.ArgumentParser, community: bool = True) -> None:
    p.add_argument("--street", metavar="STREET_ID", help="街道编号（不填：权限内全部）")
    if community:
        p.add_argument("--community", metavar="COMMUNITY_ID", help="社区编号")
