"""The layers hold: what each package may import and call, and the vocabulary the API and the algorithms share."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from graphsvc.algorithms import network as network_algo
from graphsvc.algorithms import pairing as pairing_algo
from graphsvc.projection import network as network_projection
from graphsvc.schemas import network as network_schemas
from graphsvc.schemas import pairing as pairing_schemas

PACKAGE = Path(__file__).resolve().parents[1] / "graphsvc"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for n in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def _files(folder: str) -> list[Path]:
    files = sorted((PACKAGE / folder).rglob("*.py"))
    assert files, folder
    return files


def test_schemas_import_neither_algorithms_nor_projection() -> None:
    bad = {
        f"{f.relative_to(PACKAGE)}: {m}"
        for f in _files("schemas")
        for m in _imports(f)
        if m.startswith(("graphsvc.algorithms", "graphsvc.projection"))
    }
    assert not bad


def test_algorithms_import_only_numerics_and_the_standard_library() -> None:
    allowed = ("networkx", "numpy", "scipy", "graphsvc.algorithms", "graphsvc.errors", "__future__")
    bad = {
        f"{f.relative_to(PACKAGE)}: {m}"
        for f in _files("algorithms")
        for m in _imports(f)
        if not (m.startswith(allowed) or m.split(".")[0] in sys.stdlib_module_names)
    }
    assert not bad


def test_routers_reach_neither_algorithms_nor_projection_nor_queries() -> None:
    forbidden = ("graphsvc.algorithms", "graphsvc.projection", "graphsvc.graph", "networkx")
    routers = [f for f in _files("api") if f.name != "deps.py"]  # deps hands the gateway to the services
    bad = {f"{f.name}: {m}" for f in routers for m in _imports(f) if m.startswith(forbidden)}
    assert not bad


def test_services_leave_networkx_calls_to_the_algorithms() -> None:
    bad = []
    for f in _files("services"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "nx":
                bad.append(f"{f.relative_to(PACKAGE)}:{node.lineno} nx.{func.attr}")
    assert not bad


def test_commands_do_not_import_the_cli_back() -> None:
    bad = {f"{f.name}: {m}" for f in _files("commands") for m in _imports(f) if m.startswith("graphsvc.cli")}
    assert not bad


def test_no_name_is_both_an_algorithm_type_and_an_api_model() -> None:
    def classes(folder: str) -> dict[str, str]:
        return {
            n.name: f.name
            for f in _files(folder)
            for n in ast.parse(f.read_text(encoding="utf-8")).body
            if isinstance(n, ast.ClassDef)
        }

    algorithm_types, api_models = classes("algorithms"), classes("schemas")
    assert not set(algorithm_types) & set(api_models)


def test_api_vocabulary_is_what_the_algorithms_and_the_projection_know() -> None:
    assert set(pairing_schemas.LINKS) == set(pairing_algo.LINKS)
    assert set(pairing_schemas.WeightKey.__args__) == set(pairing_algo.DEFAULT_WEIGHTS)  # type: ignore[attr-defined]
    assert pairing_schemas.PREFERRED_KM == pairing_algo.DEFAULT_PREFERRED_KM
    assert pairing_schemas.PlanRequest().preferred_km == pairing_algo.DEFAULT_PREFERRED_KM
    assert tuple(network_schemas.TieKind) == network_projection.KINDS
    assert tuple(network_schemas.Measure) == network_algo.MEASURES
