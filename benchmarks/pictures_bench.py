"""Network pictures at scale: how long a picture of N organisations takes, on the server and in a browser.

    .venv/bin/python -m benchmarks.pictures_bench [--orgs 5000] [--runs 3]     (from the repository root)

The organisations are the demo city's (its first streets' communities, units, Party organisations
and pairings, until there are --orgs of them; tests/test_pages_big_picture.network_ledger), loaded
into a fresh embedded engine. For each picture: the server's time to answer (the HTML, over HTTP),
its size, and the browser's time from navigation to the first complete drawing (headless Chromium,
`document.body.dataset.readyMs`, set by picture.py after vis-network's first `afterDrawing`).
Medians of --runs. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from graphsvc import engine
from graphsvc.graph import connect
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.scope import Scope
from graphsvc.services.access import create_key
from graphsvc.settings import Settings
from tests.test_pages_big_picture import network_ledger
from tests.test_pages_browser import READY, chromium, login, serve

PICTURES = {
    "关系网络（按群组着色）": "/pictures/network",
    "关系网络（按层级着色）": "/pictures/network?color_by=level",
    "架构图": "/pictures/network/tree",
    "结对关系图": "/pictures/network/pairings",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="graphsvc-bench-"))
    info, _ = engine.ensure_running(data_dir, heap="1g")
    db = f"b{uuid.uuid4().hex[:10]}"
    engine.server_command(info, data_dir, f"create database {db}")
    settings = Settings(data_dir=data_dir, database=db, engine_heap="1g")
    try:
        tables = network_ledger(args.orgs)
        conn = connect(settings)
        import_ledger(conn.graph, RawLedger(tables=tables))
        token = create_key(conn.graph, Scope(actor="bench"), role="admin", scope_id=None, name="bench")[1]
        conn.close()
        orgs = len(tables["party_orgs"])
        print(f"{orgs} organisations, {len(tables['pairings'])} pairings\n")
        print("| picture | nodes | server (s) | HTML (MB) | browser: first drawing (s) |")
        print("|---|---|---|---|---|")
        with chromium() as browser, serve(settings) as base:
            login(browser, base, token)
            for zh, path in PICTURES.items():
                server, draw, size = [], [], 0
                for _ in range(args.runs):
                    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
                    t0 = time.perf_counter()
                    with urllib.request.urlopen(req, timeout=300) as r:
                        size = len(r.read())
                    server.append(time.perf_counter() - t0)
                    browser.goto(base + path, until=READY, timeout=300)
                    draw.append(int(browser.eval("document.body.dataset.readyMs")) / 1000)
                nodes = browser.eval("nodes.length")
                print(f"| {zh} `{path}` | {nodes} | {statistics.median(server):.2f} | {size / 1e6:.1f} | "
                      f"{statistics.median(draw):.2f} |")
    finally:
        engine.stop(data_dir)


if __name__ == "__main__":
    main()
