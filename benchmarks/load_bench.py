"""Loopback load test: concurrent clients on the summary and gap endpoints of the demo street.

    .venv/bin/python benchmarks/load_bench.py [--clients 16] [--seconds 20] [--max-requests 20000]
    .venv/bin/python benchmarks/load_bench.py --mixed [--clients 28] [--seconds 60] [--port 8102]

Starts its own engine (a temporary data directory) and server on 127.0.0.1, loads the demo street,
then runs `--clients` threads, each sending requests in a loop to one endpoint at a time until
`--seconds` pass or `--max-requests` are sent (bounded: it stops by itself). Prints requests/s and
latency p50/p95 per endpoint as Markdown rows for BENCHMARKS.md. `--mixed` instead runs `--clients`
readers on the coverage summaries beside writers, and checks every write afterwards
(benchmarks/mixed_load.py); it exits non-zero on a 5xx, a lost or duplicated write, or over-commit.
The mixed run's server is `graphsvc serve` in a process of its own (`--port`, default a free one), so
the clients' threads do not share its interpreter lock and their own work does not show as latency.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.live

from benchmarks.mixed_load import report, run_mixed
from graphsvc.commands.admin import demo_admin_token
from graphsvc.graph import connect
from graphsvc.main import create_app
from graphsvc.services.demo import load_demo
from graphsvc.settings import Settings
from tests.live import live_server

ENDPOINTS = ["/coverage/summary?street_id=s-xf", "/coverage/gaps?street_id=s-xf", "/communities?street_id=s-xf"]


class _NoBar:
    def __init__(self, *_: object) -> None: ...
    def __enter__(self) -> _NoBar:
        return self
    def __exit__(self, *_: object) -> None: ...
    def update(self, _: int) -> None: ...


def run(url: str, token: str, path: str, clients: int, seconds: float, max_requests: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
            while time.monotonic() < stop_at:
                with lock:
                    if len(latencies) + errors >= max_requests:
                        return
                t = time.perf_counter()
                r = c.get(path)
                dt = time.perf_counter() - t
                with lock:
                    if r.status_code == 200:
                        latencies.append(dt)
                    else:
                        errors += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / wall, "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000}


@contextmanager
def server_process(settings: Settings, port: int) -> Iterator[str]:
    """`graphsvc serve` on the benchmark's data directory (its engine already running) in a process of
    its own on 127.0.0.1:`port` (0: a free port); yields its base URL, stops it after."""
    if not port:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    env = os.environ | {"GRAPHSVC_DATA_DIR": str(settings.data_dir), "GRAPHSVC_ENGINE_HEAP": settings.engine_heap}
    run = "import sys; from graphsvc.cli import main; sys.exit(main(sys.argv[1:]))"
    log = open(settings.data_dir / "server.log", "wb")  # noqa: SIM115 - closed below, after the process
    proc = subprocess.Popen(
        [sys.executable, "-c", run, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start (see {settings.data_dir / 'server.log'})")
            try:
                if httpx.get(url + "/health", timeout=5).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--max-requests", type=int, default=20000)
    p.add_argument("--mixed", action="store_true", help="readers and writers together, writes checked afterwards")
    p.add_argument("--port", type=int, default=0, help="the mixed run's server port (default: a free one)")
    a = p.parse_args()
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="graphsvc-load-")), engine_heap="1g")
    conn = connect(settings)
    try:
        load_demo(conn.graph, "street", batch_size=settings.batch_size, bar=_NoBar)
        token = demo_admin_token(conn.graph, settings)
        if a.mixed:
            with server_process(settings, a.port) as url:
                before = os.getloadavg()
                result = run_mixed(url, token, a.clients, a.seconds)
            print(report(result, a.seconds), f"\nload average before {before}, after {os.getloadavg()}", flush=True)
            if any(result["checks"][k] for k in result["checks"] if not k.endswith("_made")):
                sys.exit(1)
            return
        with live_server(create_app(settings)) as url:
            for path in ENDPOINTS:
                httpx.get(url + path, headers={"Authorization": f"Bearer {token}"}, timeout=60)  # warm up
                r = run(url, token, path, a.clients, a.seconds, a.max_requests)
                print(
                    f"| `{path}` | {a.clients} | {r['requests']} | {r['errors']} | {r['rps']:.0f} | {r['p50_ms']:.1f} "
                    f"| {r['p95_ms']:.1f} |",
                    flush=True,
                )
    finally:
        conn.close()


if __name__ == "__main__":
    main()
