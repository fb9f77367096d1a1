"""Answers shaped for a city, timed: full gap lists against counts + first page, the summary, street calls.

    # load once into a data directory of its own, keep the engine up:
    GRAPHSVC_DATA_DIR=/tmp/city-data GRAPHSVC_ENGINE_HEAP=3g graphsvc engine start
    GRAPHSVC_DATA_DIR=/tmp/city-data GRAPHSVC_ENGINE_HEAP=3g graphsvc demo --scale district   # or city
    .venv/bin/python benchmarks/city_bench.py --data-dir /tmp/city-data --street s-u01 [--repeat 3]

Every figure is a whole service call with the answer cache off (`cache_s=0`): no timed call is a
cache hit. The gap pages' counts and the summary read the coverage counters the graph keeps (dropped by
every write, counted again by the next reader); the counters rows time them both ways.

Medians of `--repeat` runs (no warm-up run is discarded: the first call is counted like
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

from graphsvc.errors import GraphsvcError
from graphsvc.graph import Graph, connect
from graphsvc.schemas.coverage import Area, GapParams, GapRule
from graphsvc.schemas.matching import AllocationRequest
from graphsvc.schemas.network import Selection
from graphsvc.schemas.pairing import PlanRequest
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import coverage, matching, network, pairing
from graphsvc.services.coverage.suggestions import suggest_links
from graphsvc.settings import Settings

# What the same whole-city calls took before this work (demo city, load average 2-6, whole service calls).
BEFORE_CITY = {
    "household_unlinked": "73", "employed_unregistered": "14.7", "service_circle_gap": "11.0",
    "vulnerable_without_helper": "10.4", "building_needs_branch": "5.8", "member_overloaded": "3.3",
    "summary": "101", "assign 15": "104", "assign 20": "274", "partners": "33", "allocate": "15.7",
    "pair": "fails (cap 1 but 2 kept pairs)",
}
BEFORE_STREET = {"member_overloaded": "2.1", "network/sharings": "4.5", "network/member_ties": "1.9",
                 "matching/resources": "4.3", "network overview": "8"}


def median_s(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    spent, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = work()
        spent.append(time.perf_counter() - t0)
    return statistics.median(spent), result


def gaps_rows(graph: Graph, area: Area, where: str, repeat: int, before: dict[str, str]) -> None:
    for rule in GapRule:
        full_s, full = median_s(partial(coverage.gaps, graph, LOCAL_ADMIN, area, GapParams(), rules=[rule]), repeat)
        page_s, page = median_s(
            partial(coverage.gap_page, graph, LOCAL_ADMIN, area, GapParams(), rules=[rule], limit=50), repeat
        )
        n, p = full.rules[rule.value].count, page.rules[rule.value]
        assert p.count == n, (rule, p.count, n)
        was = before.get(rule.value, "–")
        print(f"| {rule.value} | {where} | {n} | {was} | {full_s:.3f} | {page_s:.3f} | {len(p.items)} |", flush=True)


def counter_rows(graph: Graph, street: str, repeat: int) -> None:
    """The summary and the pages' counts read from the coverage counters, next to counting them again: all of
    them (after an import, which drops every counter) and one community's (after a write there)."""
    one = (coverage.communities_of(graph, LOCAL_ADMIN, Area(street_id=street)) or [""])[0]

    def dropped(communities: list[str] | None) -> None:
        graph.transaction(lambda tx: tx.touch("coverage", communities) if communities else None)

    print("\n| counters | where | p50 s |\n|---|---|---|")
    # The street first: dropping every counter for the street's rows leaves the city's to be counted again,
    # which the city's rows then do (a later run finds them current).
    for where, area in ((f"street {street}", Area(street_id=street)), ("all", Area())):
        summary = partial(coverage.summary, graph, LOCAL_ADMIN, area, GapParams())
        for what, before in (("every counter dropped (as after an import)", None),
                             (f"one community's dropped (as after a write in {one})", [one])):
            spent = []
            for _ in range(repeat):
                dropped(before)
                t0 = time.perf_counter()
                summary()
                spent.append(time.perf_counter() - t0)
            print(f"| summary, {what} | {where} | {statistics.median(spent):.3f} |", flush=True)
        s, _ = median_s(summary, repeat)
        print(f"| summary, counters kept | {where} | {s:.3f} |", flush=True)
        s, _ = median_s(partial(coverage.gap_page, graph, LOCAL_ADMIN, area, GapParams(), limit=50), repeat)
        print(f"| counts + first page of all eleven rules, counters kept | {where} | {s:.3f} |", flush=True)


def optimiser_rows(graph: Graph, street: str, repeat: int) -> None:
    """The optimisers as whole service calls, whole city and one street, next to the figure before."""
    urban = [street]
    calls: list[tuple[str, str, Callable[[], Any], Callable[[Any], str]]] = []
    for where, area, sid in (("all", Area(), None), (f"street {street}", Area(street_id=street), street)):
        for cap in (15, 20):
            calls.append((f"assign {cap}", where, partial(suggest_links, graph, LOCAL_ADMIN, area, GapParams(link_cap=cap)),
                          lambda r: f"{r.count} links, {len(r.unassigned)} unassigned"))
        calls.append(("partners", where, partial(matching.partners, graph, LOCAL_ADMIN, street_id=sid),
                      lambda r: f"{r.count} pairs ({r.suggested} new)"))
        calls.append(("allocate", where, partial(matching.allocate, graph, LOCAL_ADMIN, AllocationRequest(street_id=sid)),
                      lambda r: f"{r.met_units}/{r.needed_units} units met"))
        req = PlanRequest() if sid is None else PlanRequest(urban_street_ids=urban)
        calls.append(("pair", where, partial(pairing.plan, graph, LOCAL_ADMIN, req),
                      lambda r: f"{len(r.optimal)} optimal pairs, {len(r.over_cap)} over caps"))
    print("\n| call | where | before s | p50 s | answer |\n|---|---|---|---|---|")
    for name, where, call, says in calls:
        was = BEFORE_CITY.get(name, "–") if where == "all" else "–"
        try:
            s, result = median_s(call, repeat)
        except (GraphsvcError, AttributeError) as e:  # say what failed, time the rest
            print(f"| {name} | {where} | {was} | failed | {type(e).__name__}: {e} |", flush=True)
            continue
        print(f"| {name} | {where} | {was} | {s:.3f} | {says(result)} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--heap", default="3g")
    ap.add_argument("--street", required=True, help="the street for the one-street rows")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", metavar="REV", help="also time the street's named queries as they were at this git revision")
    ap.add_argument("--only", choices=["street-gaps", "optimisers", "counters"], help="time only this part")
    args = ap.parse_args()
    conn = connect(Settings(data_dir=args.data_dir, engine_heap=args.heap, query_timeout_s=3600, cache_s=0))
    graph = conn.graph
    try:
        print(f"load average at start: {os.getloadavg()}", flush=True)
        if args.only == "optimisers":
            optimiser_rows(graph, args.street, args.repeat)
            return
        if args.only == "counters":
            counter_rows(graph, args.street, args.repeat)
            return
        print("| rule | where | gaps | before s | full list p50 s | counts + first page p50 s | rows on page |\n"
              "|---|---|---|---|---|---|---|")
        if args.only == "street-gaps":
            gaps_rows(graph, Area(street_id=args.street), f"street {args.street}", args.repeat, BEFORE_STREET)
            return
        gaps_rows(graph, Area(), "all", args.repeat, BEFORE_CITY)
        gaps_rows(graph, Area(street_id=args.street), f"street {args.street}", args.repeat, BEFORE_STREET)
        print("\n| call | where | before s | p50 s |\n|---|---|---|---|")
        for where, area, was in (("all", Area(), BEFORE_CITY["summary"]),
                                 (f"street {args.street}", Area(street_id=args.street), "–")):
            s, _ = median_s(partial(coverage.summary, graph, LOCAL_ADMIN, area, GapParams()), args.repeat)
            print(f"| coverage summary (ten rules) | {where} | {was} | {s:.3f} |", flush=True)
        calls: dict[str, Callable[[], Any]] = {
            "network/sharings": lambda: graph.read("network/sharings", ids=ids),
            "network/member_ties": lambda: graph.read("network/member_ties", ids=ids),
            "matching/resources": lambda: graph.read("matching/resources", communities=pool),
            "network overview": lambda: network.overview(
                graph, LOCAL_ADMIN, Selection(street_id=args.street)),
            "match needs": lambda: matching.opportunities(graph, LOCAL_ADMIN, street_id=args.street),
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
                print(f"| {name} as at {args.before} | street {args.street} | – | {s:.3f} |", flush=True)
        for name, call in calls.items():
            was = BEFORE_STREET.get(name, "–")
            try:
                s, _ = median_s(call, args.repeat)
            except TypeError as e:  # a service signature this script does not know: say so, time the rest
                print(f"| {name} | street {args.street} | {was} | not timed ({e}) |")
                continue
            print(f"| {name} | street {args.street} | {was} | {s:.3f} |", flush=True)
        counter_rows(graph, args.street, args.repeat)
        optimiser_rows(graph, args.street, args.repeat)
        print(f"load average at end: {os.getloadavg()}", flush=True)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
