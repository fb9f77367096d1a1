"""The embedded Bolt engine: ArcadeDB (PyPI arcadedb-jvm) in a child process, bound to 127.0.0.1.

The JVM runs in its own process so the API process stays light and the engine stops cleanly.
Files in the data directory: `password` (0600, generated once), `engine.json` (pid and ports of
the running engine), `engine.lock`, `engine.log`, `arcadedb/` (the databases).
Whoever starts the engine stops it (`graphsvc serve`, a one-shot CLI command), unless it was
started on its own by `graphsvc engine start`, in which case every command shares it.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from graphsvc.errors import EngineUnavailable

START_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class EngineInfo:
    pid: int
    bolt_port: int
    http_port: int
    data_dir: str

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


PRIVATE_UMASK = 0o077  # the engine and every file it writes: for the user who runs graphsvc only


def private_dir(data_dir: Path) -> Path:
    """Make `data_dir` (and its database folder) 0700, tightening one made looser before.

    The databases hold names, phones and ID numbers: no other local user may read them.
    """
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for d in (data_dir, data_dir / "arcadedb"):
        if d.is_dir() and d.stat().st_mode & 0o077:
            d.chmod(0o700)
    return data_dir


def password(data_dir: Path) -> str:
    """The engine's root password, generated on first use and kept 0600 in the data directory."""
    path = data_dir / "password"
    if not path.exists():
        private_dir(data_dir)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ports(data_dir: Path) -> tuple[int, int]:
    """The ports this data directory used before, when free: a restarted engine keeps its address,
    so drivers already pointed at it reconnect by themselves."""
    path = data_dir / "ports.json"
    try:
        bolt, http = json.loads(path.read_text())
        if not _port_open(bolt) and not _port_open(http):
            return int(bolt), int(http)
    except (FileNotFoundError, ValueError, TypeError):
        pass
    bolt, http = _free_port(), _free_port()
    path.write_text(json.dumps([bolt, http]))
    return bolt, http


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still answers kill(0): reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def running(data_dir: Path) -> EngineInfo | None:
    """The engine serving this data directory, if one is up and answering."""
    try:
        info = EngineInfo(**json.loads((data_dir / "engine.json").read_text()))
    except (FileNotFoundError, ValueError, TypeError):
        return None
    if _alive(info.pid) and _port_open(info.bolt_port):
        return info
    return None


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    private_dir(data_dir)
    with open(data_dir / "engine.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_running(
    data_dir: Path, *, heap: str = "2g", database: str = "graphsvc", say: Callable[[str], None] | None = None
) -> tuple[EngineInfo, bool]:
    """Start the engine for `data_dir` unless one is up; returns (info, whether we started it)."""
    data_dir = data_dir.resolve()
    with _locked(data_dir):
        info = running(data_dir)
        if info:
            return info, False
        password(data_dir)
        bolt, http = _ports(data_dir)
        if say:
            say(f"正在启动内置图数据库 (ArcadeDB, bolt 127.0.0.1:{bolt}) …")
        # The engine process keeps its own copy of the log's descriptor: ours is closed once it has started.
        with os.fdopen(os.open(data_dir / "engine.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "graphsvc.engine", str(data_dir), str(bolt), str(http), heap, database],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=data_dir, start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise EngineUnavailable(f"内置图数据库启动失败，见日志 {data_dir / 'engine.log'}")
            info = running(data_dir)
            if info and info.pid == proc.pid:
                return info, True
            time.sleep(0.2)
        proc.kill()
        raise EngineUnavailable(f"内置图数据库 {START_TIMEOUT_S:.0f} 秒内未启动，见日志 {data_dir / 'engine.log'}")


def stop(data_dir: Path, *, timeout_s: float = 60.0) -> bool:
    """Stop the engine serving `data_dir`; False if none was running."""
    data_dir = data_dir.resolve()
    info = running(data_dir)
    if not info:
        return False
    os.kill(info.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _alive(info.pid):
        time.sleep(0.1)
    if _alive(info.pid):
        os.kill(info.pid, signal.SIGKILL)
    (data_dir / "engine.json").unlink(missing_ok=True)
    return True


def server_command(info: EngineInfo, data_dir: Path, command: str) -> None:
    """Run a server command (`create database X`, `drop database X`) over the engine's HTTP API."""
    import urllib.error  # here: every command imports this module, few make a database
    import urllib.request

    auth = base64.b64encode(f"root:{password(data_dir)}".encode()).decode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{info.http_port}/api/v1/server",
        data=json.dumps({"command": command}).encode(),
        headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
    except urllib.error.HTTPError as e:
        raise EngineUnavailable(f"engine refused '{command.split()[0]} database': {e.read()[:200]!r}") from e


def _serve(data_dir: Path, bolt: int, http: int, heap: str, database: str) -> None:
    """Child process body: run ArcadeDB until SIGTERM."""
    from arcadedb.server import ArcadeDBServer

    os.umask(PRIVATE_UMASK)  # also when started by hand: every database file 0600
    server = ArcadeDBServer(
        str(data_dir / "arcadedb"),
        root_password=password(data_dir),
        config={
            "host": "127.0.0.1",
            "http_port": http,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": bolt,
        },
        jvm_kwargs={"heap_size": heap},
    )
    server.start()
    server.create_database(database)

    def _stop(*_: object) -> None:
        try:
            server.stop()
        finally:
            (data_dir / "engine.json").unlink(missing_ok=True)
            # Without _exit the JVM keeps the process alive while a driver is connected.
            os._exit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    tmp = data_dir / "engine.json.tmp"
    tmp.write_text(json.dumps(asdict(EngineInfo(os.getpid(), bolt, http, str(data_dir)))))
    tmp.replace(data_dir / "engine.json")
    # Short sleeps: the signal may land on a JVM thread, and Python runs its handler only when
    # the main thread wakes.
    while True:
        time.sleep(0.2)


if __name__ == "__main__":
    d, b, h, heap, db = sys.argv[1:6]
    _serve(Path(d), int(b), int(h), heap, db)
