"""Urban–rural pairing at 1,000 × 1,000: built in the engine, projected, scored, solved; and networkx beside it.

    .venv/bin/python benchmarks/pairing_bench.py [--n 1000] [--repeat 3] [--nx-sizes 100 200 400] [--nx-full]

The demo has 9 villages, so the instance is synthetic: a Ledger v1 generated here (N urban
communities' and units' Party organisations around 常州, N village branches 15–45 km out, needs,
resources, members with skills, co-construction pacts, 2% of villages already paired with
projects), imported through graphsvc's import into a fresh database on the embedded engine. From
there everything is graphsvc's own path: the pairing queries, the projection, `pair_scores`, the
solvers. Medians of --repeat runs.

networkx (`max_weight_matching`, via `optimal_pairing_networkx_reference`) is timed on k × k
corners of the same score matrix (caps 1, no constraints: the only problem it solves) next to
`optimal_pairing` on the same corners, and both objectives are checked equal. Its time at N × N
is extrapolated from a power law fitted to those sizes unless --nx-full runs it (about 25 min).
"""

from __future__ import annotations

import argparse
import functools
import math
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from neo4j import GraphDatabase

from graphsvc import engine
from graphsvc.algorithms.pairing import LINKS
from graphsvc.algorithms.pairing_solvers import blocking_pairs, optimal_pairing, stable_pairing
from graphsvc.demo import CITY_CENTRE, SKILLS_RURAL, SKILLS_URBAN
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.schemas.pairing import PairIn, PlanRequest, WhatIfChange, WhatIfRequest
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import pairing

try:
    from benchmarks.reference_solvers import optimal_pairing_networkx_reference
except ModuleNotFoundError:  # run as a script (benchmarks/x.py): this folder is on sys.path
    from reference_solvers import optimal_pairing_networkx_reference  # type: ignore[no-redef]

KINDS = ("venue", "office", "funds", "equipment", "training", "medical", "legal", "talent", "volunteers", "transport")
UNIT_KINDS = ("agency", "state_enterprise", "private_enterprise", "school", "hospital", "social_org", "market")
PER_STREET = 25


def _move(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    return (round(lat + north_km / 111.32, 6), round(lon + east_km / (111.32 * math.cos(math.radians(lat))), 6))


def ledger(n: int, seed: int = 11) -> dict[str, list[dict[str, Any]]]:
    """n urban organisations (half community, half unit) and n villages, as Ledger v1 tables."""
    rng = random.Random(seed)
    t: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "streets", "communities", "units", "party_orgs", "members", "resources", "needs", "pairings", "projects")}
    n_comm = n // 2
    for i in range(0, n_comm, PER_STREET):
        t["streets"].append({"id": f"bs-u{i // PER_STREET}", "name": f"城区街道{i // PER_STREET}", "district": "城区"})
    for i in range(0, n, PER_STREET):
        t["streets"].append({"id": f"bs-r{i // PER_STREET}", "name": f"乡镇{i // PER_STREET}", "district": "郊县"})

    def member(org: str, skills: tuple[str, ...]) -> None:
        t["members"].append({"id": f"bm-{len(t['members'])}", "name": "党员", "category": "resident",
                             "employment": "employed", "skills": rng.sample(skills, 2), "org_id": org})

    for i in range(n_comm):
        lat, lon = _move(*CITY_CENTRE, rng.uniform(-5, 5), rng.uniform(-5, 5))
        c: dict[str, Any] = {"id": f"bc-u{i}", "name": f"城市社区{i}", "kind": "urban", "street_id": f"bs-u{i // PER_STREET}",
             "lat": lat, "lon": lon}
        t["communities"].append(c)
        t["party_orgs"].append({"id": f"bo-u{i}", "name": f"城市社区{i}党总支", "level": "general_branch",
                                "domain": "community", "community_id": c["id"]})
        for k in rng.sample(KINDS, rng.randint(1, 2)):
            t["needs"].append({"id": f"bn-{len(t['needs'])}", "community_id": c["id"], "kind": k})
        for _ in range(4):
            member(f"bo-u{i}", SKILLS_URBAN)
    for i in range(n - n_comm):
        c = rng.choice(t["communities"])
        lat, lon = _move(c["lat"], c["lon"], rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3))
        kind = rng.choice(UNIT_KINDS)
        t["units"].append({"id": f"bu-{i}", "name": f"驻区单位{i}", "kind": kind, "community_id": c["id"],
                           "lat": lat, "lon": lon})
        t["party_orgs"].append({"id": f"bo-unit{i}", "name": f"驻区单位{i}党支部", "level": "branch",
                                "domain": "unit", "unit_id": f"bu-{i}"})
        for k in rng.sample(KINDS, rng.randint(1, 2)):
            t["resources"].append({"id": f"br-{len(t['resources'])}", "owner_id": f"bu-{i}", "kind": k})
        for _ in range(3):
            member(f"bo-unit{i}", SKILLS_URBAN)
        j = int(c["id"].removeprefix("bc-u"))
        t["pairings"].append({"id": f"bp-cc{i}", "org_a": f"bo-u{j}", "org_b": f"bo-unit{i}",
                              "kind": "co_construction", "since": "2020-01-01", "themes": ["culture"]})
    partners = iter(rng.sample(range(n_comm), len(range(0, n, 50))))  # distinct: caps 1 must hold
    for i in range(n):
        angle, km = rng.uniform(0, 2 * math.pi), rng.uniform(15, 45)
        lat, lon = _move(*CITY_CENTRE, km * math.sin(angle), km * math.cos(angle))
        c = {"id": f"bc-r{i}", "name": f"村{i}", "kind": "rural" if i % 10 else "resettlement",
             "street_id": f"bs-r{i // PER_STREET}", "lat": lat, "lon": lon}
        t["communities"].append(c)
        t["party_orgs"].append({"id": f"bo-r{i}", "name": f"村{i}党支部", "level": "branch", "domain": "village",
                                "community_id": c["id"]})
        for k in rng.sample(KINDS, rng.randint(2, 4)):
            t["needs"].append({"id": f"bn-{len(t['needs'])}", "community_id": c["id"], "kind": k,
                               "urgency": rng.randint(1, 5)})
        if rng.random() < 0.3:
            t["resources"].append({"id": f"br-{len(t['resources'])}", "owner_id": c["id"], "kind": "talent"})
        for _ in range(3):
            member(f"bo-r{i}", SKILLS_RURAL)
        if i % 50 == 0:  # 2% already paired, with a joint project
            u = f"bo-u{next(partners)}"
            t["pairings"].append({"id": f"bp-ur{i}", "org_a": u, "org_b": f"bo-r{i}", "kind": "urban_rural",
                                  "since": "2022-05-01", "themes": ["talent"]})
            t["projects"].append({"id": f"bj-{i}", "name": f"项目{i}", "theme": rng.choice(LINKS),
                                  "org_ids": [u, f"bo-r{i}"], "year": 2024, "status": "done",
                                  "outcome": rng.randint(60, 99), "satisfaction": rng.randint(60, 99)})
    return t


def median_s(f: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def networkx_comparison(scores: dict[tuple[str, str], float], sizes: list[int], full: bool, n: int) -> list[dict[str, Any]]:
    urban = sorted({u for u, _ in scores})
    rural = sorted({r for _, r in scores})
    rows = []
    for k in sizes + ([n] if full else []):
        us, rs = set(urban[:k]), set(rural[:k])
        sub = {p: v for p, v in scores.items() if p[0] in us and p[1] in rs}
        ours_s, ours = median_s(functools.partial(optimal_pairing, sub), 3)
        t = time.perf_counter()
        ref = optimal_pairing_networkx_reference(sub)
        nx_s = time.perf_counter() - t
        assert abs(ours.objective - ref.objective) < 1e-6 * max(1.0, ref.objective), (k, ours, ref)
        rows.append({"k": k, "ours_s": ours_s, "networkx_s": nx_s})
        print(f"  {k}×{k}: ours {ours_s:.3f} s, networkx {nx_s:.2f} s (objectives equal)", flush=True)
    return rows


def run(n: int, repeat: int, nx_sizes: list[int], nx_full: bool, heap: str) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="graphsvc-pairing-bench-"))
    info, _ = engine.ensure_running(data_dir, heap=heap)
    driver = GraphDatabase.driver(info.uri, auth=("root", engine.password(data_dir)))
    try:
        db = f"b{uuid.uuid4().hex[:10]}"
        engine.server_command(info, data_dir, f"create database {db}")
        graph = Graph(driver, db, timeout_s=3600)
        graph.apply_schema()
        tables = ledger(n)
        t = time.perf_counter()
        import_ledger(graph, RawLedger(tables=tables))
        print(f"imported {sum(map(len, tables.values())):,} rows in {time.perf_counter() - t:.1f} s", flush=True)

        req = PlanRequest()
        load_s, loaded = median_s(lambda: pairing._load(graph, LOCAL_ADMIN, req), repeat)
        score_s, sc = median_s(lambda: pairing._scored(loaded, req), repeat)
        print(f"candidates {len(sc.cands.urban)} × {len(sc.cands.rural)} = {len(sc.scores):,} pairs, "
              f"{len(sc.cands.existing)} existing", flush=True)
        steps: dict[str, Callable[[], Any]] = {
            "optimal, caps 1, no constraints (assignment)": lambda: optimal_pairing(sc.scores),
            "optimal, caps 1, existing kept (assignment)": lambda: optimal_pairing(sc.scores, **sc.constraints),
            "optimal, caps 1, 50 must-pair villages (LP)": lambda: optimal_pairing(
                sc.scores, must_pair=sorted(sc.cands.rural)[:50], **sc.constraints),
            "optimal, urban cap 3, rural cap 2 (LP)": lambda: optimal_pairing(
                sc.scores, **{**sc.constraints, "urban_cap": 3, "rural_cap": 2}),
            "stable, caps 1, existing kept (deferred acceptance)": lambda: stable_pairing(sc.scores, **sc.constraints),
        }
        stable = stable_pairing(sc.scores, **sc.constraints)
        steps["blocking_pairs check of the stable solution"] = lambda: blocking_pairs(
            stable.pairs, sc.scores, **sc.constraints)
        steps["whole plan (pairing.plan: queries to both explained solutions)"] = lambda: pairing.plan(
            graph, LOCAL_ADMIN, req)
        urban, rural = sorted(sc.cands.urban), sorted(sc.cands.rural)
        change = WhatIfChange(dropped=[urban[0]], forbidden=[PairIn(urban_id=urban[1], rural_id=rural[1])])
        steps["what-if (pairing.what_if: base and changed plans)"] = lambda: pairing.what_if(
            graph, LOCAL_ADMIN, WhatIfRequest(change=change))
        figures = {"queries + projection": load_s, "scores (pair_scores)": score_s}
        for name, f in steps.items():
            figures[name] = median_s(f, repeat)[0]
            print(f"  {name}: {figures[name]:.3f} s", flush=True)
        print(f"\n| step ({n:,} × {n:,}, median of {repeat}) | seconds |\n|---|---:|")
        for name, sec in figures.items():
            print(f"| {name} | {sec:.3f} |")

        print("\nnetworkx max_weight_matching vs optimal_pairing (caps 1, same scores, k × k corners):", flush=True)
        rows = networkx_comparison(sc.scores, nx_sizes, nx_full, n)
        print("\n| k × k | optimal_pairing (s) | networkx (s) | ratio |\n|---|---:|---:|---:|")
        for r in rows:
            print(f"| {r['k']} | {r['ours_s']:.4f} | {r['networkx_s']:.2f} | {r['networkx_s'] / r['ours_s']:,.0f}× |")
        measured = [r for r in rows if r["k"] != n]
        slope, icpt = np.polyfit(np.log([r["k"] for r in measured]), np.log([r["networkx_s"] for r in measured]), 1)
        nx_n = float(np.exp(icpt + slope * math.log(n)))
        ours_n = figures["optimal, caps 1, no constraints (assignment)"]
        print(f"| {n} (networkx extrapolated: time ∝ k^{slope:.2f}) | {ours_n:.3f} | {nx_n:,.0f} | {nx_n / ours_n:,.0f}× |")
    finally:
        driver.close()
        engine.stop(data_dir)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=1000, help="urban organisations and villages (each)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--nx-sizes", type=int, nargs="+", default=[100, 200, 400])
    p.add_argument("--nx-full", action="store_true", help="also run networkx at n × n (about 25 min at 1,000)")
    p.add_argument("--heap", default="2g")
    a = p.parse_args()
    run(a.n, a.repeat, a.nx_sizes, a.nx_full, a.heap)


if __name__ == "__main__":
    main()
