"""The Cypher catalog: every query is a file under cypher/, named by its path without `.cypher`.

This is the only place query text is read. Files are loaded eagerly at start-up; an unknown name
is a KeyError at the call site's first use in tests (tests/test_cypher_catalog.py checks that
every name the code uses exists and every file is used).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGED = Path(__file__).parent / "_cypher"  # where the wheel puts cypher/
_SOURCE = Path(__file__).parent.parent / "cypher"


def cypher_dir() -> Path:
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE


@cache
def catalog() -> dict[str, str]:
    """{name: statement} for every cypher/**/*.cypher file."""
    root = cypher_dir()
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*.cypher")):
        text = path.read_text(encoding="utf-8").strip()
        name = path.relative_to(root).with_suffix("").as_posix()
        if not text.startswith("//"):
            raise ValueError(f"{name}.cypher must start with a // comment saying what it returns")
        out[name] = text
    if not out:
        raise FileNotFoundError(f"no .cypher files under {root}")
    return out


def names(prefix: str) -> list[str]:
    """Catalog names under a folder, e.g. names('schema/')."""
    return [n for n in catalog() if n.startswith(prefix)]
