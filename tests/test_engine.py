"""The embedded engine: loopback only, a 0600 password, data that survives a restart, status/stop."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from graphsvc import engine
from graphsvc.graph import connect
from graphsvc.settings import Settings

pytestmark = pytest.mark.skipif(bool(os.environ.get("GRAPHSVC_NEO4J_URI")), reason="embedded engine only")


def _listeners(port: int) -> set[str]:
    """Local addresses listening on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(f).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if state == "0A" and int(p, 16) == port:
                found.add(addr)
    return found


def test_loopback_only_and_password_private(data_dir: Path, engine_info: engine.EngineInfo) -> None:
    for port in (engine_info.bolt_port, engine_info.http_port):
        addrs = _listeners(port)
        # 127.0.0.1 as IPv4 (0100007F) or IPv4-mapped IPv6; never the any-address
        assert addrs and all(a.endswith("0100007F") for a in addrs), addrs
    mode = stat.S_IMODE((data_dir / "password").stat().st_mode)
    assert mode == 0o600


def test_data_survives_restart_and_stop(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, engine_heap="512m")
    conn = connect(settings)
    assert conn.started_engine
    conn.graph.write("ingest/streets", rows=[{"id": "s1", "name": "新丰街街道", "district": None, "city": None}])
    conn.close()  # stops the engine it started
    assert engine.running(tmp_path) is None
    conn = connect(settings)
    try:
        assert conn.graph.read("read/streets", communities=None)[0]["name"] == "新丰街街道"
    finally:
        conn.close()
    assert engine.stop(tmp_path) is False  # already stopped
