"""`graphsvc serve`, `demo`, `engine`, `keys` and `audit`: the service, the demo street, the embedded engine,
access keys and the audit trail."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from graphsvc.commands import add_command
from graphsvc.commands.common import cli_scope, open_graph, progress_bar, say
from graphsvc.errors import GraphsvcError
from graphsvc.output import FORMATS
from graphsvc.settings import Settings

if TYPE_CHECKING:
    from graphsvc.graph import Graph


@contextmanager
def engine_session(settings: Settings) -> Iterator[None]:
    """Keep the embedded engine up for the whole command; stop it after if this command started it."""
    from graphsvc import engine

    if not settings.embedded:
        yield
        return
    _, started = engine.ensure_running(settings.data_dir, heap=settings.engine_heap, database=settings.database, say=say)
    try:
        yield
    finally:
        if started:
            engine.stop(settings.data_dir)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from graphsvc.api import server
    from graphsvc.main import create_app
    from graphsvc.services.access import list_keys

    host, port = args.host or settings.host, args.port or settings.port
    with engine_session(settings):
        with open_graph(settings) as graph:
            if not any(k.revoked_at is None for k in list_keys(graph).items):
                say("还没有访问密钥：先运行 graphsvc keys create --role admin --name 管理员 创建一个")
        say(f"共建图谱已启动：http://{host}:{port}/ （接口文档 /docs），按 Ctrl+C 退出")
        uvicorn.Server(server.config(create_app(settings), host, port)).run()


def cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services.demo import load_demo

    with engine_session(settings):
        with open_graph(settings) as graph:
            total = load_demo(graph, args.scale, batch_size=settings.batch_size, bar=progress_bar)
            if args.scale == "street":  # the trend starts here
                from graphsvc.services import history

                history.after_write(graph, settings.gaps, communities=None, source="demo")
            from graphsvc.services.coverage.summary import recount

            say("正在统计各社区的覆盖缺口……")
            recount(graph, None, settings.gaps)  # the pages' summaries and counts ready from the first visit
            token = demo_admin_token(graph, settings)
        say(f"示范数据已载入（{args.scale}）：{total} 行")
        host, port = args.host or settings.host, args.port or settings.port
        say(f"本机管理员令牌保存在 {settings.data_dir / 'admin-token'}；浏览器打开 http://{host}:{port}/login?token={token}")
        if args.serve:
            cmd_serve(settings, args)


def demo_admin_token(graph: Graph, settings: Settings) -> str:
    """The demo's local admin key: made once, its token kept 0600 in the data directory."""
    import os

    from graphsvc import engine
    from graphsvc.services.access import create_key, resolve

    path = settings.data_dir / "admin-token"
    if path.exists():
        token = path.read_text().strip()
        try:
            resolve(graph, token)
            return token
        except GraphsvcError:
            path.unlink()  # revoked, or made for another database
    _, token = create_key(graph, cli_scope(), role="admin", scope_id=None, name="示范管理员")
    engine.private_dir(settings.data_dir)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token)
    return token


def cmd_engine(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc import engine

    if not settings.embedded:
        say(f"使用外部图数据库 {settings.neo4j_uri}，没有内置引擎")
        return
    if args.action == "start":
        info, started = engine.ensure_running(settings.data_dir, heap=settings.engine_heap, database=settings.database, say=say)
        say(("已启动" if started else "已在运行") + f"：bolt 127.0.0.1:{info.bolt_port}，pid {info.pid}")
    elif args.action == "stop":
        say("内置引擎已停止" if engine.stop(settings.data_dir) else "内置引擎没有在运行")
    else:
        found = engine.running(settings.data_dir.resolve())
        status = {"running": bool(found), "data_dir": str(settings.data_dir.resolve())}
        if found:
            status.update(pid=found.pid, bolt=f"127.0.0.1:{found.bolt_port}", http=f"127.0.0.1:{found.http_port}")
        print(json.dumps(status, ensure_ascii=False))


def cmd_keys(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc import output
    from graphsvc.services import access

    with open_graph(settings) as graph:
        if args.action == "create":
            key, token = access.create_key(graph, cli_scope(), role=args.role, scope_id=args.scope, name=args.name)
            from graphsvc.commands.labels import WORDS

            where = f"，范围 {key.scope_id}" if key.scope_id else ""
            say(f"已创建密钥 {key.id}（{WORDS.get(key.role, key.role)}{where}）。令牌只显示这一次：")
            print(token)
        elif args.action == "revoke":
            access.revoke_key(graph, cli_scope(), args.id)
            say(f"已撤销密钥 {args.id}")
        else:
            rows = [k.model_dump() for k in access.list_keys(graph).items]
            output.write(rows, args.format, output=args.output)


def cmd_audit(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc import audit, output

    with open_graph(settings, read_only=True) as graph:
        rows = audit.entries(graph, action=args.action, limit=args.limit)
    output.write(rows, args.format, output=args.output)


# --------------------------------------------------------------------------- parsers


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host")
    p.add_argument("--port", type=int)


def _keys_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "keys")
    p.set_defaults(func=cmd_keys)
    keys = p.add_subparsers(dest="action", required=True)
    k = keys.add_parser("create", help="创建密钥（令牌只显示一次）")
    k.add_argument("--role", required=True, choices=["admin", "street", "community", "analyst"])
    k.add_argument("--scope", help="街道编号（street）或社区编号（community）")
    k.add_argument("--name", help="备注名")
    k = keys.add_parser("list", help="列出密钥")
    k.add_argument("--format", choices=FORMATS, default="table")
    k.add_argument("-o", "--output")
    k = keys.add_parser("revoke", help="撤销密钥")
    k.add_argument("id")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "serve")
    _serve_args(p)
    p.set_defaults(func=cmd_serve)

    p = add_command(sub, "demo")
    p.add_argument("--scale", choices=["street", "district", "city"], default="street")
    p.add_argument("--serve", action="store_true", help="载入后启动 API 和网页")
    _serve_args(p)
    p.set_defaults(func=cmd_demo)

    p = add_command(sub, "engine")
    p.add_argument("action", choices=["status", "start", "stop"])
    p.set_defaults(func=cmd_engine)

    _keys_parser(sub)

    p = add_command(sub, "audit")
    p.add_argument("--action", help="只看某类操作，如 ledger.import")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_audit)
