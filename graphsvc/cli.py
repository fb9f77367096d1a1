"""The command line: serve, demo, import, export, template, engine."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graphsvc import engine
from graphsvc.commands.common import cli_scope, open_graph, say
from graphsvc.errors import GraphsvcError, InvalidInput
from graphsvc.graph import Graph
from graphsvc.output import FORMATS
from graphsvc.settings import Settings


@contextmanager
def engine_session(settings: Settings) -> Iterator[None]:
    """Keep the embedded engine up for the whole command; stop it after if this command started it."""
    if not settings.embedded:
        yield
        return
    _, started = engine.ensure_running(settings.data_dir, heap=settings.engine_heap, database=settings.database, say=say)
    try:
        yield
    finally:
        if started:
            engine.stop(settings.data_dir)


def progress_bar(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="行", file=sys.stderr, disable=None, mininterval=0.5)


def print_error(e: GraphsvcError) -> None:
    say(f"错误：{e.message}")
    for d in e.details:
        if "where" in d:
            say(f"  - {d['where']}：{d['message']}")
        elif "table" in d:
            say(f"  - {d.get('sheet') or d['table']}：{d['message']}")
        else:
            say(f"  - {json.dumps(d, ensure_ascii=False)}")


CHANGE_WORDS = (("new", "新增"), ("updated", "更新"), ("unchanged", "未变化"))


def change_lines(changes: dict[str, dict[str, int]]) -> list[str]:
    """新增 N、更新 M、未变化 K, one line per table."""
    from graphsvc.schemas.ledger import TABLES

    return [
        f"  {TABLES[t].zh if t in TABLES else t}：" + "、".join(f"{zh} {c.get(k, 0)}" for k, zh in CHANGE_WORDS)
        for t, c in changes.items()
    ]


# --- commands --------------------------------------------------------------------------------------


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
            token = demo_admin_token(graph, settings)
        say(f"示范数据已载入（{args.scale}）：{total} 行")
        host, port = args.host or settings.host, args.port or settings.port
        say(f"本机管理员令牌保存在 {settings.data_dir / 'admin-token'}；浏览器打开 http://{host}:{port}/login?token={token}")
        if args.serve:
            cmd_serve(settings, args)


def demo_admin_token(graph: Graph, settings: Settings) -> str:
    """The demo's local admin key: made once, its token kept 0600 in the data directory."""
    import os

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

    with open_graph(settings) as graph:
        rows = audit.entries(graph, action=args.action, limit=args.limit)
    output.write(rows, args.format, output=args.output)


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
                    snapshot=settings.gaps,
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

    with open_graph(settings) as graph:
        communities = scope_communities(graph, street=args.street, community=args.community)
        export_to(graph, args.format, Path(args.output), labels=args.labels, communities=communities)
    say(f"已导出台账到 {args.output}")


def cmd_template(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.ingest.workbook import template

    Path(args.output).write_bytes(template())
    say(f"已生成空白台账模板 {args.output}（每个表一个工作表，第一行中文表头，第二行英文列名，"
        "类型和是/否列有下拉选项，见“填表说明”工作表）")


def cmd_engine(settings: Settings, args: argparse.Namespace) -> None:
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


# Modules under graphsvc/commands/ that add subcommands (each has register(subparsers)).
COMMAND_MODULES: tuple[str, ...] = ("pair", "match", "records", "viz", "analyze", "gaps", "history")


# argparse's own words, in Chinese (it looks each up through its module-level gettext `_`).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
}


def _chinese_argparse() -> None:
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    _chinese_argparse()
    p = argparse.ArgumentParser(prog="graphsvc", description="共建图谱：社区党建网络图服务")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="启动 API 和网页（默认 127.0.0.1:8000）")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("demo", help="载入示范街道（新丰街街道）")
    s.add_argument("--scale", choices=["street", "district", "city"], default="street")
    s.add_argument("--serve", action="store_true", help="载入后启动 API 和网页")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("import", help="导入台账（.json、.xlsx、CSV 文件夹或 .zip），有错则不写入")
    s.add_argument("path")
    s.add_argument("--errors-to", metavar="PATH", help="xlsx 有错时，把标出错误单元格的工作簿副本写到这里")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="导出台账（全部，或一个街道、一个社区）")
    s.add_argument("--format", choices=["json", "xlsx", "csv"], default="json")
    s.add_argument("--labels", choices=["zh", "codes"], default="zh", help="xlsx 中类型和是/否写中文（zh，默认）或英文代码（codes）")
    where = s.add_mutually_exclusive_group()
    where.add_argument("--street", metavar="ID", help="只导出这个街道的社区")
    where.add_argument("--community", metavar="ID", help="只导出这个社区")
    s.add_argument("-o", "--output", required=True, help="文件（json/xlsx）或文件夹（csv）")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("template", help="生成空白台账模板 (xlsx)")
    s.add_argument("-o", "--output", default="ledger.xlsx")
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("engine", help="内置图数据库：status | start | stop")
    s.add_argument("action", choices=["status", "start", "stop"])
    s.set_defaults(func=cmd_engine)

    s = sub.add_parser("keys", help="访问密钥：create | list | revoke")
    keys = s.add_subparsers(dest="action", required=True)
    k = keys.add_parser("create", help="创建密钥（令牌只显示一次）")
    k.add_argument("--role", required=True, choices=["admin", "street", "community", "analyst"])
    k.add_argument("--scope", help="街道编号（street）或社区编号（community）")
    k.add_argument("--name", help="备注名")
    k = keys.add_parser("list", help="列出密钥")
    k.add_argument("--format", choices=FORMATS, default="table")
    k.add_argument("-o", "--output")
    k = keys.add_parser("revoke", help="撤销密钥")
    k.add_argument("id")
    s.set_defaults(func=cmd_keys)

    s = sub.add_parser("audit", help="审计记录（最新在前）")
    s.add_argument("--action", help="只看某类操作，如 ledger.import")
    s.add_argument("--limit", type=int, default=100)
    s.add_argument("--format", choices=FORMATS, default="table")
    s.add_argument("-o", "--output")
    s.set_defaults(func=cmd_audit)

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"graphsvc.commands.{name}").register(sub)
    return p


def _terminate(signum: int, _frame: object) -> None:
    # SIGTERM as an exception, so `finally` blocks run and an engine this command started is stopped
    # (uvicorn re-raises the signal after its own graceful shutdown).
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValueError as e:  # pydantic's ValidationError: a GRAPHSVC_* variable is wrong
        say(f"配置错误：{e}")
        return 2
    try:
        args.func(settings, args)
    except GraphsvcError as e:
        print_error(e)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
