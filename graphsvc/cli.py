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
from graphsvc.errors import GraphsvcError
from graphsvc.graph import Graph, connect
from graphsvc.settings import Settings


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


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


@contextmanager
def open_graph(settings: Settings) -> Iterator[Graph]:
    conn = connect(settings, say=say)
    try:
        yield conn.graph
    finally:
        conn.close()


def progress_bar(total: int, desc: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="行", file=sys.stderr, disable=None, mininterval=0.5)


def print_error(e: GraphsvcError) -> None:
    from graphsvc.schemas.ledger import TABLES

    say(f"错误：{e.message}")
    for d in e.details:
        if "table" in d:
            table = d["table"]
            zh = TABLES[table].zh if table in TABLES else ""
            where = f"表 {table}（{zh}）" + (f" 第 {d['row']} 行" if d.get("row") else "") + (
                f" 列 {d['column']}" if d.get("column") else ""
            )
            say(f"  - {where}：{d['message']}")
        else:
            say(f"  - {json.dumps(d, ensure_ascii=False)}")


# --- commands --------------------------------------------------------------------------------------


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from graphsvc.main import create_app

    host, port = args.host or settings.host, args.port or settings.port
    with engine_session(settings):
        say(f"共建图谱已启动：http://{host}:{port}/ （接口文档 /docs），按 Ctrl+C 退出")
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services.demo import load_demo

    with engine_session(settings):
        with open_graph(settings) as graph:
            total = load_demo(graph, args.scale, batch_size=settings.batch_size, bar=progress_bar)
        say(f"示范数据已载入（{args.scale}）：{total} 行")
        if args.serve:
            cmd_serve(settings, args)


def cmd_import(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.ingest.ledger_io import read_path
    from graphsvc.services.ledger import import_raw

    raw = read_path(Path(args.path))
    with open_graph(settings) as graph:
        total = sum(len(r) for r in raw.tables.values())
        with progress_bar(total, "导入台账") as bar:
            result = import_raw(graph, raw, batch_size=settings.batch_size, progress=bar.update)
    for w in result.warnings:
        say(f"提示：{w}")
    say(f"导入完成：{result.total} 行 " + "，".join(f"{t} {n}" for t, n in result.rows.items()))


def cmd_export(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.services.ledger import export_to

    with open_graph(settings) as graph:
        export_to(graph, args.format, Path(args.output))
    say(f"已导出台账到 {args.output}")


def cmd_template(settings: Settings, args: argparse.Namespace) -> None:
    from graphsvc.ingest.ledger_io import empty_tables, write_xlsx

    write_xlsx(empty_tables(), Path(args.output))
    say(f"已生成空白台账模板 {args.output}（每个表一个工作表，第一行中文表头，第二行英文列名）")


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
        info = engine.running(settings.data_dir.resolve())
        status = {"running": bool(info), "data_dir": str(settings.data_dir.resolve())}
        if info:
            status.update(pid=info.pid, bolt=f"127.0.0.1:{info.bolt_port}", http=f"127.0.0.1:{info.http_port}")
        print(json.dumps(status, ensure_ascii=False))


# Modules under graphsvc/commands/ that add subcommands (each has register(subparsers)).
COMMAND_MODULES: tuple[str, ...] = ()


def build_parser() -> argparse.ArgumentParser:
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

    s = sub.add_parser("import", help="导入台账（.json、.xlsx 或 CSV 文件夹），有错则不写入")
    s.add_argument("path")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="导出台账")
    s.add_argument("--format", choices=["json", "xlsx", "csv"], default="json")
    s.add_argument("-o", "--output", required=True, help="文件（json/xlsx）或文件夹（csv）")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("template", help="生成空白台账模板 (xlsx)")
    s.add_argument("-o", "--output", default="ledger.xlsx")
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("engine", help="内置图数据库：status | start | stop")
    s.add_argument("action", choices=["status", "start", "stop"])
    s.set_defaults(func=cmd_engine)

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"graphsvc.commands.{name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
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
