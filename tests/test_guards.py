"""Guards: every .cypher file is used and every used name exists; no Cypher in Python; settings documented."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from pydantic import BaseModel

from graphsvc.cypher import catalog, cypher_dir
from graphsvc.ingest.validate import LABELS
from graphsvc.schemas.ledger import TABLES
from graphsvc.services.coverage.area import FROM_COMMUNITIES
from graphsvc.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CODE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "graphsvc").rglob("*.py")))
FOLDERS = sorted({n.split("/")[0] for n in catalog()})
LITERAL = re.compile(r"""["'](({})/[a-z0-9_]+)["']""".format("|".join(FOLDERS)))


GATEWAY = {"read", "write", "stream", "run"}  # Graph.read/write/stream, Tx.run: every call names a statement


def _strings(node: ast.AST) -> set[str]:
    return {c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _file_gateway_names(tree: ast.AST) -> set[str]:
    """One file's statement names that reach a gateway call: its literal first argument, or through the
    variables, loops and helper functions that carry the name there (followed until nothing changes)."""
    calls = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Call) and n.args
        and (n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", None)) in GATEWAY
    ]
    # partial(graph.read, NAME, ...) and partials of such a partial: NAME is the statement.
    bound = {n.targets[0].id for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
             and getattr(n.value.func, "id", None) == "partial" and n.value.args
             and isinstance(n.value.args[0], ast.Attribute) and n.value.args[0].attr in GATEWAY
             and len(n.value.args) == 1 and isinstance(n.targets[0], ast.Name)}
    partials = [
        ast.Call(func=n.func, args=n.args[1:], keywords=[]) for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "partial" and len(n.args) > 1
        and ((isinstance(n.args[0], ast.Attribute) and n.args[0].attr in GATEWAY)
             or (isinstance(n.args[0], ast.Name) and n.args[0].id in bound))
    ]
    calls += partials
    # The name as a literal, or the literals of the expression that computes it (scoped("coverage/…", …)).
    found = set().union(*(_strings(c.args[0]) for c in calls)) if calls else set()
    via = set().union(*(_names(c.args[0]) for c in calls)) if calls else set()
    helpers: dict[str, list[int]] = {}  # function name -> positions of its parameters that carry a statement name
    while True:
        before = (len(via), len(helpers))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if node.value is not None and set().union(*map(_names, targets)) & via:
                    found |= _strings(node.value)
                    via |= _names(node.value)
            elif isinstance(node, ast.For | ast.comprehension) and _names(node.target) & via:
                found |= _strings(node.iter)
                via |= _names(node.iter)
            elif isinstance(node, ast.FunctionDef):
                carried = [i for i, a in enumerate(node.args.args) if a.arg in via]
                if carried:
                    helpers[node.name] = carried
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
                for i in helpers[node.func.id]:
                    if i < len(node.args):
                        found |= _strings(node.args[i])
                        via |= _names(node.args[i])
        if (len(via), len(helpers)) == before:
            return found


def _gateway_names() -> set[str]:
    """The statement names the code calls the gateway with (Graph.read/write/stream, Tx.run)."""
    found: set[str] = set()
    for path in sorted((ROOT / "graphsvc").rglob("*.py")):
        found |= _file_gateway_names(ast.parse(path.read_text(encoding="utf-8")))
    return found


GATEWAY_NAMES = _gateway_names()


def _used(name: str) -> bool:
    if name.startswith("schema/"):
        return 'names("schema/")' in CODE
    if name.startswith("export/"):
        return 'graph.stream(f"export/{name}"' in CODE and name.removeprefix("export/") in TABLES
    # A street's variant of a query (FROM_COMMUNITIES) runs wherever its whole-graph query does.
    return name in GATEWAY_NAMES or any(v == name and k in GATEWAY_NAMES for k, v in FROM_COMMUNITIES.items())


def test_every_cypher_file_is_used() -> None:
    unused = [n for n in catalog() if not _used(n)]
    assert unused == []


def test_every_used_name_exists() -> None:
    used = {m.group(1) for m in LITERAL.finditer(CODE)}
    assert used and used - set(catalog()) == set()


def test_every_statement_says_what_it_returns() -> None:
    # one statement per file is the linter's check (tools/cypher-lint)
    assert [n for n, text in catalog().items() if not text.startswith("//")] == []


def test_no_cypher_in_python() -> None:
    hits = re.findall(r"""["'][^"'\n]*\b(?:MATCH|MERGE|UNWIND|CREATE|DETACH DELETE)\s+[\(\$:][^"'\n]*["']""", CODE)
    assert hits == []


def test_lint_schema_knows_every_label_and_column() -> None:
    schema = json.loads((cypher_dir() / "schema.json").read_text())
    assert set(LABELS.values()) <= set(schema["labels"])
    assert {c for t in TABLES.values() for c in t.columns} <= set(schema["propertyKeys"])


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f"GRAPHSVC_{f.upper()}" for f in Settings.model_fields if f"GRAPHSVC_{f.upper()}" not in readme]
    assert missing == []


def test_every_nested_setting_is_in_the_readme() -> None:
    """A nested setting (GRAPHSVC_GAPS__LINK_CAP) is named in full, or as `…__LINK_CAP` after its group's first."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    nested = {
        f: info.annotation
        for f, info in Settings.model_fields.items()
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
    }
    assert nested, "Settings has nested groups (gaps)"
    missing = [
        f"GRAPHSVC_{group.upper()}__{sub.upper()}"
        for group, model in nested.items()
        for sub in model.model_fields
        if f"GRAPHSVC_{group.upper()}__{sub.upper()}" not in readme
        and not (f"GRAPHSVC_{group.upper()}__" in readme and f"…__{sub.upper()}`" in readme)
    ]
    assert missing == []
