"""The map, snapshots and the street report on the demo street: median of a few runs, on the embedded engine.

    GRAPHSVC_DATA_DIR=/tmp/map-bench graphsvc demo        # once: the demo (three streets, 26 communities)
    .venv/bin/python benchmarks/history_bench.py --data-dir /tmp/map-bench [--repeat 3]

Each figure is the whole service call as the API or the CLI runs it (the coverage cache off, so every run
computes afresh): a coverage snapshot of every street (what an import and `graphsvc snapshot` take), of one
street (what an accepted suggestion takes, after the answer), the map's layers for one street, the street
report workbook. Prints Markdown rows for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphsvc.graph import connect
from graphsvc.schemas.geomap import MapQuery
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import geomap, history, report
from graphsvc.settings import Settings


def timed(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--street", default="s-xf")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    settings = Settings(data_dir=args.data_dir, cache_s=0)
    conn = connect(settings, schema=False)
    g, p = conn.graph, settings.gaps
    one = [r["id"] for r in g.read("map/communities", communities=None) if r["street_id"] == args.street][:1]
    cases = {
        "coverage snapshot, every street": lambda: history.take(g, p, source="bench"),
        f"coverage snapshot, one street ({args.street})": lambda: history.take(g, p, communities=one, source="bench"),
        f"map layers, one street ({args.street})": lambda: geomap.layers(
            g, LOCAL_ADMIN, p, MapQuery(street_id=args.street), tile_url=None, where=""),
        f"street report workbook ({args.street})": lambda: report.street_report(g, LOCAL_ADMIN, p, args.street),
    }
    print("| what | median s |\n|---|---|")
    for name, fn in cases.items():
        print(f"| {name} | {timed(fn, args.repeat):.2f} |", flush=True)
    conn.close()


if __name__ == "__main__":
    main()
