"""Coverage gaps at scale: every rule and the member -> household assignment, p50 and p95, on the embedded engine.

    # load once into a data directory of its own (city: ~4M rows, heap 6g), keep the engine up:
    GRAPHSVC_DATA_DIR=/tmp/cov-city GRAPHSVC_ENGINE_HEAP=6g graphsvc engine start
    GRAPHSVC_DATA_DIR=/tmp/cov-city GRAPHSVC_ENGINE_HEAP=6g graphsvc demo --scale city
    .venv/bin/python benchmarks/coverage_bench.py --data-dir /tmp/cov-city [--repeat 7]

Each figure is the whole service call (named query, projection, algorithm, response model), as the
API runs it, over everything loaded (`$communities` null) and over one street, with the answer cache
off (`cache_s=0`: no timed call is a cache hit). Prints Markdown rows for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from graphsvc.graph import Graph, connect
from graphsvc.schemas.coverage import Area, GapParams, GapRule
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import coverage
from graphsvc.settings import Settings


def timed(work: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(p50, p95) in seconds over `repeat` runs after one warm-up, and the last result."""
    result = work()
    spent = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = work()
        spent.append(time.perf_counter() - t0)
    spent.sort()
    return statistics.median(spent), spent[min(len(spent) - 1, round(0.95 * (len(spent) - 1)))], result


def row(what: str, where: str, found: str, p50: float, p95: float) -> str:
    line = f"| {what} | {where} | {found} | {p50:.3f} | {p95:.3f} |"
    print(line, flush=True)
    return line


def measure(graph: Graph, where: str, area: Area, repeat: int, per_street: Counter[str | None]) -> list[str]:
    """Every rule and the assignment over `area`; counts each gap's street into `per_street`."""
    rows = []
    for rule in GapRule:
        p50, p95, report = timed(partial(coverage.gaps, graph, LOCAL_ADMIN, area, GapParams(), rules=[rule]), repeat)
        found = report.rules[rule.value]
        per_street.update(g.street_id for g in found.items)
        rows.append(row(rule.value, where, str(found.count), p50, p95))
    # Demo members are generated up to the cap of 15; a cap of 20 gives them room, so the flow has work.
    for cap in (15, 20):
        params = GapParams(link_cap=cap)
        p50, p95, plan = timed(partial(coverage.suggest_links, graph, LOCAL_ADMIN, area, params), repeat)
        rows.append(
            row(
                f"assignment (suggest_links, cap {cap})",
                where,
                f"{plan.count} pairs, {len(plan.unassigned)} left",
                p50,
                p95,
            )
        )
    return rows


def run(graph: Graph, repeat: int) -> list[str]:
    """Everything loaded, then the street with the most gaps (what a planner usually asks for)."""
    per_street: Counter[str | None] = Counter()
    rows = measure(graph, "all", Area(), repeat, per_street)
    street = per_street.most_common(1)[0][0]
    return rows + measure(graph, f"street {street}", Area(street_id=street), repeat, Counter())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True, help="a data directory the demo was loaded into")
    ap.add_argument("--heap", default="6g")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    # Cache off: every timed call computes its answer (a cached answer would time a dict lookup).
    conn = connect(Settings(data_dir=args.data_dir, engine_heap=args.heap, query_timeout_s=3600, cache_s=0))
    try:
        print("nodes:", {r["label"]: r["count"] for r in conn.graph.read("read/node_counts")}, flush=True)
        print("| rule | where | found | p50 s | p95 s |\n|---|---|---|---|---|", flush=True)
        run(conn.graph, args.repeat)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
