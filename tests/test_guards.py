"""Guards: every .cypher file is used and every used name exists; no Cypher in Python; settings documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphsvc.cypher import catalog, cypher_dir
from graphsvc.ingest.validate import LABELS
from graphsvc.schemas.ledger import TABLES
from graphsvc.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CODE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "graphsvc").rglob("*.py")))
FOLDERS = sorted({n.split("/")[0] for n in catalog()})
LITERAL = re.compile(r"""["'](({})/[a-z0-9_]+)["']""".format("|".join(FOLDERS)))


def _used(name: str) -> bool:
    if name.startswith("schema/"):
        return 'names("schema/")' in CODE
    if name.startswith("export/"):
        return 'f"export/{name}"' in CODE and name.removeprefix("export/") in TABLES
    return f'"{name}"' in CODE or f"'{name}'" in CODE


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
