"""The data directory and the database files are private to the user who runs graphsvc."""

from __future__ import annotations

import stat
from pathlib import Path

from graphsvc import engine
from graphsvc.graph import Graph


def test_private_dir_tightens_a_loose_one(tmp_path: Path) -> None:
    d = tmp_path / "data"
    (d / "arcadedb").mkdir(parents=True)
    d.chmod(0o755)
    (d / "arcadedb").chmod(0o755)
    engine.private_dir(d)
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE((d / "arcadedb").stat().st_mode) == 0o700
    fresh = engine.private_dir(tmp_path / "new" / "data")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


def test_engine_files_are_not_readable_by_others(graph: Graph, data_dir: Path) -> None:
    graph.write("audit/append", entry={"id": "au-files", "at": "2026-01-01T00:00:00+00:00", "actor": "t", "role": "admin",
                                       "action": "t", "target": "t", "source": "t", "detail": "{}"})
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [p for p in (data_dir / "arcadedb").rglob("*") if p.is_file()]
    assert files
    loose = [str(p.relative_to(data_dir)) for p in files if p.stat().st_mode & 0o077]
    assert loose == []
    assert not (data_dir / "engine.log").stat().st_mode & 0o077
