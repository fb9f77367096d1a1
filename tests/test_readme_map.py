"""The README's "Where things are" map is accurate: every path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"## {title}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


def test_every_path_in_the_feature_map_exists() -> None:
    paths = set(re.findall(r"`((?:graphsvc|cypher|tests|benchmarks|docs)/[^`\s]*)`", _section("Where things are")))
    assert len(paths) > 30
    assert sorted(p for p in paths if not (ROOT / p).exists()) == []


def test_every_feature_of_the_api_is_in_the_map() -> None:
    section = _section("Where things are")
    routers = {p.name for p in (ROOT / "graphsvc" / "api").glob("*.py") if "APIRouter(" in p.read_text(encoding="utf-8")}
    assert len(routers) >= 8
    assert sorted(r for r in routers if f"graphsvc/api/{r}" not in section) == []
    assert "docs/domain.md" in (ROOT / "README.md").read_text(encoding="utf-8")
