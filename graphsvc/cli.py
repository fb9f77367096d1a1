"""The command line: `graphsvc COMMAND …`, each command in a module under graphsvc/commands/.

Only the module of the command that runs is imported (graphsvc.commands.COMMANDS says which that is):
a question to the graph does not load the web framework, the workbook library or the solvers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from graphsvc import __version__
from graphsvc.commands import COMMANDS

if TYPE_CHECKING:
    from graphsvc.errors import GraphsvcError

# argparse's own words, in Chinese (it looks each up through its module-level gettext `_`).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
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


def command_in(argv: Sequence[str]) -> str | None:
    """The command an argument list runs: its first word that is not an option (the top level's options,
    -h and --version, take no value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def _register(sub: argparse._SubParsersAction, module: str) -> None:
    import importlib

    importlib.import_module(f"graphsvc.commands.{module}").register(sub)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; given `argv`, only the command it runs is built in full (its module
    imported), every other one is a name and a help line for `graphsvc --help`."""
    _chinese_argparse()
    p = argparse.ArgumentParser(prog="graphsvc", description="共建图谱：社区党建网络图服务")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    wanted = COMMANDS.get(command_in(argv) or "") if argv is not None else None
    for name, command in COMMANDS.items():
        if name in sub.choices:
            continue  # added by its module, along with an earlier command of the same module
        if argv is None or (wanted and command.module == wanted.module):
            _register(sub, command.module)
        else:
            sub.add_parser(name, help=command.help)
    return p


def print_error(e: GraphsvcError) -> None:
    import json

    from graphsvc.commands.common import say

    say(f"错误：{e.message}")
    for d in e.details:
        if "where" in d:
            say(f"  - {d['where']}：{d['message']}")
        elif "table" in d:
            say(f"  - {d.get('sheet') or d['table']}：{d['message']}")
        else:
            say(f"  - {json.dumps(d, ensure_ascii=False)}")


def _terminate(signum: int, _frame: object) -> None:
    # SIGTERM as an exception, so `finally` blocks run and an engine this command started is stopped
    # (uvicorn re-raises the signal after its own graceful shutdown).
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    import logging
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from graphsvc.commands.common import say
    from graphsvc.errors import GraphsvcError
    from graphsvc.settings import Settings

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
