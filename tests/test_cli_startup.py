"""The command line starts light: a command imports only its own module, a gap list loads neither the
web framework nor the workbook library nor the graph and solver libraries, `graphsvc --version` answers
without the graph, and a reader does not send the schema statements again to an engine that has them."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j.exceptions import ConstraintError

from graphsvc import __version__, cli, engine
from graphsvc.commands import COMMANDS
from graphsvc.graph import SCHEMA_MARK, Graph, connect
from graphsvc.ingest.ledger_io import read_path
from graphsvc.ingest.load import import_ledger
from graphsvc.settings import Settings

# numpy is not among them: the graph driver imports it whenever it is installed.
HEAVY = {"networkx", "scipy", "openpyxl", "fastapi", "starlette", "uvicorn", "pyvis", "IPython", "jinja2", "tqdm"}
OTHER_COMMANDS = sorted({f"graphsvc.commands.{c.module}" for c in COMMANDS.values()} - {"graphsvc.commands.gaps"})

LOADED = """
import json, sys
{body}
print(json.dumps(sorted(sys.modules)))
"""


def loaded(body: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter holds after running `body`."""
    out = subprocess.run([sys.executable, "-c", LOADED.format(body=body)], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_parsing_a_command_loads_only_its_module() -> None:
    modules = loaded("from graphsvc import cli\ncli.build_parser(['gaps']).parse_args(['gaps', '--street', 's-xf'])")
    assert "graphsvc.commands.gaps" in modules
    assert sorted(set(OTHER_COMMANDS) & modules) == []
    assert heavy(modules) == []
    assert "neo4j" not in modules  # the driver is loaded when the graph is opened, not to parse


def test_a_gap_list_runs_without_the_heavy_libraries(graph: Graph, settings: Settings, example_path: Path) -> None:
    import_ledger(graph, read_path(example_path))
    body = ("from graphsvc.cli import main\n"
            "assert main(['gaps', '--format', 'json']) == 0\n"
            "assert main(['gaps', '--summary']) == 0")
    modules = loaded(body, {"GRAPHSVC_DATA_DIR": str(settings.data_dir), "GRAPHSVC_DATABASE": settings.database})
    assert {"graphsvc.commands.gaps", "graphsvc.services.coverage", "neo4j"} <= modules  # it did run
    assert heavy(modules) == []


def test_version_and_help_need_no_command_module() -> None:
    out = subprocess.run([sys.executable, "-m", "graphsvc", "--version"], capture_output=True, text=True, timeout=60,
                         check=False)
    assert out.returncode == 0 and out.stdout.strip() == f"graphsvc {__version__}"
    modules = loaded("from graphsvc import cli\ntry:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass")
    assert sorted(m for m in modules if m.startswith("graphsvc.commands.")) == []
    assert "pydantic" not in modules and "neo4j" not in modules


def test_help_lists_every_command_with_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for name, command in COMMANDS.items():
        assert name in text and command.help[:12] in text, name


def commands_of(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_the_table_and_the_modules_agree() -> None:
    assert list(commands_of(cli.build_parser()).choices) == list(COMMANDS)  # every command, in order, no other
    for name in COMMANDS:
        lazy = commands_of(cli.build_parser([name]))
        assert list(lazy.choices) == list(COMMANDS)
        built = lazy.choices[name]
        assert built._defaults.get("func") or built._subparsers, name  # the real parser, not a name only
        lines = {a.dest: a.help for a in lazy._choices_actions}
        assert lines[name] == COMMANDS[name].help


def test_command_in_skips_options() -> None:
    assert cli.command_in(["--version"]) is None
    assert cli.command_in(["-h", "gaps", "--street", "s"]) == "gaps"
    assert cli.command_in([]) is None


def test_a_reader_skips_the_schema_an_engine_has(data_dir: Path, engine_info: engine.EngineInfo | None) -> None:
    if engine_info is None:
        pytest.skip("the marker is kept for the embedded engine only")
    name = "tschemamark"
    own = Settings(data_dir=data_dir, database=name, engine_heap="1g")
    engine.server_command(engine_info, data_dir, f"create database {name}")
    try:
        connect(own, read_only=True).close()  # no marker yet: the reader applies the schema
        marks = json.loads((data_dir / SCHEMA_MARK).read_text())
        assert marks[name].startswith(f"{engine_info.pid}:")
        # The database made again under the same name: the marker still says applied.
        engine.server_command(engine_info, data_dir, f"drop database {name}")
        engine.server_command(engine_info, data_dir, f"create database {name}")
        conn = connect(own, read_only=True)
        try:  # a reader sent no schema: no unique key on ApiKey.hash
            for _ in range(2):
                conn.graph.driver.execute_query("CREATE (:ApiKey {hash: 'dup'})", database_=name)
            conn.graph.driver.execute_query("MATCH (n:ApiKey) DELETE n", database_=name)
        finally:
            conn.close()
        conn = connect(own)  # a writer always applies it
        try:
            conn.graph.driver.execute_query("CREATE (:ApiKey {hash: 'once'})", database_=name)
            with pytest.raises(ConstraintError):
                conn.graph.driver.execute_query("CREATE (:ApiKey {hash: 'once'})", database_=name)
        finally:
            conn.close()
    finally:
        engine.server_command(engine_info, data_dir, f"drop database {name}")
