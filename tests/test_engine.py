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


def test_serve_stops_the_engine_it_started_on_sigterm(tmp_path: Path) -> None:
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRAPHSVC_DATA_DIR": str(tmp_path), "GRAPHSVC_ENGINE_HEAP": "512m"}
    proc = subprocess.Popen([sys.executable, "-m", "graphsvc.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        assert engine.running(tmp_path) is not None
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    finally:
        proc.kill()
    assert engine.running(tmp_path) is None
