"""`graphsvc pairing|sharing|project create|end|list`: the co-construction records on the command line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel

from graphsvc.commands import add_command
from graphsvc.commands.common import cli_scope, open_graph, out_args, say, where_args, write
from graphsvc.commands.labels import choices_help, enum_arg
from graphsvc.schemas.ledger import PairingKind, ProjectStatus, Theme
from graphsvc.settings import Settings


def _themes(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").replace("；", ";").replace(",", ";").split(";") if t.strip()]


STATE = {"current": True, "ended": False, "all": None}


def _id_first(record: BaseModel) -> dict[str, Any]:
    row = record.model_dump(mode="json")
    return {"id": row.pop("id"), **row}


def _run(settings: Settings, args: argparse.Namespace, what: str, listing: Callable[..., Any],
         create: Callable[..., Any], end: Callable[..., Any]) -> None:
    """list / create / end one kind of record; each callable takes (graph, scope)."""

    with open_graph(settings) as graph:
        if args.action == "list":
            found = listing(graph, cli_scope())
            write(found, [_id_first(i) for i in found.items], args, what)
            return
        record = (create if args.action == "create" else end)(graph, cli_scope())
    write(record, [_id_first(record)], args, what)
    say(f"已{'登记' if args.action == 'create' else '结束'}{what} {record.id}")


def cmd_pairing(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services import records

    _run(settings, args, "结对",
         lambda g, sc: records.pairings(g, sc, kind=args.kind, active=STATE[args.state], community_id=args.community,
                                        street_id=args.street),
         lambda g, sc: records.create_pairing(g, sc, args.ids[0], args.ids[1], args.kind or "co_construction",
                                              _themes(args.themes), "cli", since=args.since),
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


def _record_parser(sub: Any, name: str, func: Callable[..., None], ids: str, extra: Callable[[Any], None]) -> None:
    p = add_command(sub, name)
    p.add_argument("action", choices=["create", "end", "list"])
    p.add_argument("ids", nargs="*", metavar="ID", help=ids)
    p.add_argument("--since", type=date.fromisoformat, help="起始日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--reason", help="结束原因")
    p.add_argument("--state", choices=list(STATE), default="current", help="list：current（默认）、ended、all")
    where_args(p)
    extra(p)
    out_args(p)
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
    def pairing_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--kind", type=enum_arg(PairingKind), choices=["co_construction", "urban_rural"], metavar="类型",
                       help="create 默认 结对共建：" + choices_help(PairingKind))
        p.add_argument("--themes", help="主题，用 ; 或 , 分隔（如 党建联做;群众文化联兴）")

    def sharing_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--units", type=int, help="共享数量（默认：资源剩余的全部）")
        p.add_argument("--need", help="满足的需求编号")

    def project_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--name", help="项目名称")
        p.add_argument("--theme", type=enum_arg(Theme), metavar="主题", help="主题（如 公益事业联办）：" + choices_help(Theme))
        p.add_argument("--year", type=int, help="年度（默认今年）")
        p.add_argument("--status", type=enum_arg(ProjectStatus), choices=["planned", "ongoing", "done", "cancelled"],
                       metavar="状态", help=choices_help(ProjectStatus))
        p.add_argument("--outcome", type=float, help="成效 0–100")
        p.add_argument("--satisfaction", type=float, help="居民满意度 0–100")

    _record_parser(sub, "pairing", cmd_pairing,
                   "create：两个党组织编号（社区一方在前）；end：结对编号", pairing_args)
    _record_parser(sub, "sharing", cmd_sharing,
                   "create：资源编号 社区编号；end：共享编号", sharing_args)
    _record_parser(sub, "project", cmd_project,
                   "create：结对编号；end：项目编号", project_args)
