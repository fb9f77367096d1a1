"""Answers shaped for a city, timed: full gap lists against counts + first page, the summary, street calls.

    # load once into a data directory of its own, keep the engine up:
    GRAPHSVC_DATA_DIR=/tmp/city-data GRAPHSVC_ENGINE_HEAP=3g graphsvc engine start
    GRAPHSVC_DATA_DIR=/tmp/city-data GRAPHSVC_ENGINE_HEAP=3g graphsvc demo --scale district   # or city
    .venv/bin/python benchmarks/city_bench.py --data-dir /tmp/city-data --street s-u01 [--repeat 3]

Every figure is a whole service call with the answer cache off (`cache_s=0`): no timed call is a
cache hit. Medians of `--repeat` runs (no warm-up run is discarded: the first call is counted like
the others). Prints Markdown rows for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from graphsvc.graph import Graph, connect
from graphsvc.schemas.coverage import Area, GapParams, GapRule
from graphsvc.schemas.network import Selection
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import coverage, matching, network
from graphsvc.settings import Settings


def median_s(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    spent, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = work()
        spent.append(time.perf_counter() - t0)
    return statistics.median(spent), result


def gaps_rows(graph: Graph, area: Area, where: str, repeat: int) -> None:
    for rule in GapRule:
        full_s, full = median_s(partial(coverage.gaps, graph, LOCAL_ADMIN, area, GapParams(), rules=[rule]), repeat)
        page_s, page = median_s(
            partial(coverage.gap_page, graph, LOCAL_ADMIN, area, GapParams(), rules=[rule], limit=50), repeat
        )
        n, p = full.rules[rule.value].count, page.rules[rule.value]
        assert p.count == n, (rule, p.count, n)
        print(f"| {rule.value} | {where} | {n} | {full_s:.3f} | {page_s:.3f} | {len(p.items)} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--heap", default="3g")
    ap.add_argument("--street", required=True, help="the street for the one-street rows")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", metavar="REV", help="also time the street's named queries as they were at this git revision")
    args = ap.parse_args()
    conn = connect(Settings(data_dir=args.data_dir, engine_heap=args.heap, query_timeout_s=3600, cache_s=0))
    graph = conn.graph
    try:
        print(f"load average at start: {os.getloadavg()}", flush=True)
        print("| rule | where | gaps | full list p50 s | counts + first page p50 s | rows on page |\n|---|---|---|---|---|---|")
        gaps_rows(graph, Area(), "all", args.repeat)
        gaps_rows(graph, Area(street_id=args.street), f"street {args.street}", args.repeat)
        print("\n| call | where | p50 s |\n|---|---|---|")
        for where, area in (("all", Area()), (f"street {args.street}", Area(street_id=args.street))):
            s, _ = median_s(partial(coverage.summary, graph, LOCAL_ADMIN, area, GapParams()), args.repeat)
            print(f"| coverage summary (ten rules) | {where} | {s:.3f} |", flush=True)
        calls: dict[str, Callable[[], Any]] = {
            "network/sharings (named query)": lambda: graph.read("network/sharings", ids=ids),
            "network/member_ties (named query)": lambda: graph.read("network/member_ties", ids=ids),
            "matching/resources (named query)": lambda: graph.read("matching/resources", communities=pool),
            "network overview (service)": lambda: network.overview(
                graph, LOCAL_ADMIN, Selection(street_id=args.street)),
            "match needs (service)": lambda: matching.opportunities(graph, LOCAL_ADMIN, street_id=args.street),
        }
        ids = [r["id"] for r in graph.read("network/orgs", communities=None, street_id=args.street, community_id=None)]
        pool = coverage.communities_of(graph, LOCAL_ADMIN, Area(street_id=args.street))
        if args.before:
            for name, params in (("network/sharings", {"ids": ids}), ("network/member_ties", {"ids": ids}),
                                 ("matching/resources", {"communities": pool})):
                text = subprocess.run(["git", "show", f"{args.before}:cypher/{name}.cypher"], check=True,
                                      capture_output=True, text=True).stdout
                s, _ = median_s(partial(graph.driver.execute_query, text, params, database_=graph.database),
                                args.repeat)
                print(f"| {name} as at {args.before} (named query) | street {args.street} | {s:.3f} |", flush=True)
        for name, call in calls.items():
            try:
                s, _ = median_s(call, args.repeat)
            except TypeError as e:  # a service signature this script does not know: say so, time the rest
                print(f"| {name} | street {args.street} | not timed ({e}) |")
                continue
            print(f"| {name} | street {args.street} | {s:.3f} |", flush=True)
        print(f"load average at end: {os.getloadavg()}", flush=True)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
