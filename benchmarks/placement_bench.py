"""Service-point siting (LSCP, MCLP) on a dense synthetic instance, under a time limit.

    .venv/bin/python benchmarks/placement_bench.py [--n 1000] [--reach 0.02] [--time-limit 30] [--p 20] [--repeat 3]

The instance: N demand points (buildings) × N candidate sites, each site reaching each building with
probability --reach (seeded), so every building has about N × reach candidate sites within its walk —
a covering matrix far denser than a street's, and hard to prove optimal (the exact LSCP of this shape
ran for minutes). The pure algorithms of `graphsvc.algorithms.placement` are timed, no database:
`lscp` and `mclp` (weights 1–7 households, at most --p new sites) with `time_limit_s`, and the greedy
answer for comparison (what the solver's answer is never worse than). Medians of --repeat runs;
optimal / gap / sites are those of the last run (HiGHS is deterministic, but where a time limit
stops it depends on the machine's speed and load).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from graphsvc.algorithms.placement import SiteChoice, lscp, mclp


def instance(n: int, reach: float, seed: int = 7) -> tuple[list[str], list[str], dict[str, set[str]], dict[str, float]]:
    rng = random.Random(seed)
    demand = [f"b{i:05d}" for i in range(n)]
    sites = [f"s{j:05d}" for j in range(n)]
    cover = {d: {s for s in sites if rng.random() < reach} for d in demand}
    weights = {d: float(rng.randint(1, 7)) for d in demand}
    return demand, sites, cover, weights


def timed(repeat: int, run: object) -> tuple[float, SiteChoice]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    assert isinstance(result, SiteChoice)
    return statistics.median(times), result


def gap_text(r: SiteChoice) -> str:
    return "0" if r.optimal else ("unproven" if r.gap is None else f"{r.gap:.1%}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--reach", type=float, default=0.02)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    demand, sites, cover, weights = instance(args.n, args.reach)
    pairs = sum(len(c) for c in cover.values())
    print(f"{args.n} × {args.n}, reach {args.reach}: {pairs:,} building–site pairs; load {Path('/proc/loadavg').read_text().split()[:3]}")
    lscp(["d"], ["s"], {"d": {"s"}})  # scipy's import, once, outside the timings

    limit = args.time_limit
    t, r = timed(args.repeat, lambda: lscp(demand, sites, cover, time_limit_s=limit))
    print(f"| LSCP, {limit:g} s limit | {t:.2f} | {r.optimal} | {gap_text(r)} | {len(r.chosen)} sites |")
    t, r = timed(args.repeat, lambda: lscp(demand, sites, cover, time_limit_s=0.01))
    print(f"| LSCP, 0.01 s limit | {t:.2f} | {r.optimal} | {gap_text(r)} | {len(r.chosen)} sites |")
    t, r = timed(args.repeat, lambda: mclp(demand, weights, sites, cover, p=args.p, time_limit_s=limit))
    print(f"| MCLP p={args.p}, {limit:g} s limit | {t:.2f} | {r.optimal} | {gap_text(r)} | {r.objective:g} households |")
    t, r = timed(args.repeat, lambda: mclp(demand, weights, sites, cover, p=args.p, time_limit_s=0.01))
    print(f"| MCLP p={args.p}, 0.01 s limit | {t:.2f} | {r.optimal} | {gap_text(r)} | {r.objective:g} households |")
    print(f"load after: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
