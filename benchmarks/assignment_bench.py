"""Rule 4 (党员联户) for a whole synthetic city: the member -> household assignment, community by community.

    .venv/bin/python benchmarks/assignment_bench.py [--communities 1000] [--cap 20] [--repeat 3] [--skip-before]

The instance (seeded) is what the service hands the algorithm, no database: per community 60 buildings
on 5 grids, 340 unlinked households (about 1 in 4 vulnerable) spread over the buildings, and 250 members
living in 40 of the buildings, 1 in 20 of them mobile (they never link); 1 in 5 members are at the cap
of 20 already, the others have between L and 20 links, L drawn per community from 12-19, so some
communities have less room than households. Both paths run in this one process, one after the other:

- before: `assignment_graph` (every member pool joined to every household) + `assign_households`
  (network simplex over pools x household classes), as the service did;
- after: `pooled_rows` + `assign_pooled` (network simplex over the building - grid - community tree).

Prints the median of --repeat runs of each and the objective: vulnerable households served, households
served, total cost; the two objectives must be equal.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Hashable
from typing import Any

from graphsvc.algorithms.assignment import assign_households
from graphsvc.algorithms.assignment_pooled import assign_pooled
from graphsvc.projection import coverage as proj

Community = tuple[list[dict[str, Any]], list[dict[str, Any]], dict[Hashable, bool]]


def city(communities: int, seed: int = 7) -> list[Community]:
    rng = random.Random(seed)
    out = []
    for c in range(communities):
        buildings = [(f"c{c:04d}b{b:02d}", f"c{c:04d}g{b % 5}") for b in range(60)]
        households: list[dict[str, Any]] = []
        vulnerable: dict[Hashable, bool] = {}
        for i in range(340):
            building, grid = rng.choice(buildings)
            h = f"c{c:04d}h{i:04d}"
            households.append({"id": h, "building_id": building, "grid_id": grid})
            vulnerable[h] = rng.random() < 0.25
        homes = rng.sample(buildings, 40)
        least = rng.randint(12, 19)  # how busy this community's members already are
        members = []
        for i in range(250):
            building, grid = rng.choice(homes)
            members.append(
                {
                    "id": f"c{c:04d}m{i:04d}",
                    "building_id": building,
                    "grid_id": grid,
                    "category": "mobile" if rng.random() < 0.05 else "resident",
                    "links": rng.randint(least, 20) if rng.random() < 0.8 else 20,
                }
            )
        out.append((households, members, vulnerable))
    return out


def before(instance: list[Community], cap: int) -> tuple[int, int, int]:
    vulnerable_served = served = cost = 0
    for households, members, vulnerable in instance:
        G, pools = proj.assignment_graph(households, members, cap=cap, vulnerable=vulnerable, cannot_serve=("mobile",))
        r = assign_households(G, cap=max((G.nodes[p]["capacity"] for p in pools), default=cap))
        vulnerable_served += sum(vulnerable[h] for _, h, _ in r.pairs)
        served += len(r.pairs)
        cost += r.total_cost
    return vulnerable_served, served, cost


def after(instance: list[Community], cap: int) -> tuple[int, int, int]:
    vulnerable_served = served = cost = 0
    for households, members, vulnerable in instance:
        rows, pool_rows, _ = proj.pooled_rows(
            households, members, cap=cap, vulnerable=vulnerable, cannot_serve=("mobile",)
        )
        r = assign_pooled(rows, pool_rows, same_grid=proj.SAME_GRID, elsewhere=proj.SAME_COMMUNITY)
        vulnerable_served += sum(vulnerable[h] for _, h, _ in r.pairs)
        served += len(r.pairs)
        cost += r.total_cost
    return vulnerable_served, served, cost


def timed(repeat: int, run: Callable[[], tuple[int, int, int]]) -> tuple[float, tuple[int, int, int]]:
    times, result = [], (0, 0, 0)
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communities", type=int, default=1000)
    ap.add_argument("--cap", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-before", action="store_true", help="time only the tree flow")
    args = ap.parse_args()
    instance = city(args.communities)
    n_households = sum(len(h) for h, _, _ in instance)
    room = [m for _, ms, _ in instance for m in ms if m["links"] < args.cap and m["category"] != "mobile"]
    print(
        f"{args.communities} communities, {n_households} unlinked households, {len(room)} members with room "
        f"(spare capacity {sum(args.cap - m['links'] for m in room)}), cap {args.cap}"
    )
    t_after, obj_after = timed(args.repeat, lambda: after(instance, args.cap))
    print(f"after  (tree flow):      {t_after:8.2f} s  objective (vulnerable, served, cost) = {obj_after}")
    if not args.skip_before:
        t_before, obj_before = timed(args.repeat, lambda: before(instance, args.cap))
        print(f"before (bipartite flow): {t_before:8.2f} s  objective (vulnerable, served, cost) = {obj_before}")
        assert obj_before == obj_after, "the two paths disagree on the optimum"


if __name__ == "__main__":
    main()
