"""Co-construction matching at city scale: allocation (2,000 needs × 5,000 resources) and partner suggestions.

    /tmp/venv/bin/python benchmarks/matching_bench.py [--needs 2000] [--resources 5000] [--k 10] [--repeat 3] [--nx-full]

Both instances come from `graphsvc.demo.chunks('city')` (991 communities, 9,887 units, 11,991
resources, 3,126 needs, 7,762 pairings, 5,144 projects; about 45 s to generate), kept in Python:
loading 2 M households into the embedded engine does not fit a benchmark run, so the named
queries are not timed here. What is timed:

- allocation: `graphsvc.algorithms.allocation.allocate` on --needs needs × --resources resources
  sampled from the city (seeded), each at its community / its owner's place, capacity as offered
  minus the city's sharings. Exact (no pruning) — and, on the instance pruned to each need's --k
  nearest resources of its kind, `allocate(k_nearest=k)` beside `allocate_networkx_reference(k_nearest=k)`
  (networkx max-flow-min-cost), objectives checked equal. The networkx solver on the full instance
  took 195 s when the algorithm was written; --nx-full runs it again.
- partner suggestions: the service's own pipeline after the queries — `services.matching.project`
  (rows -> needs, resources, ties, ratings) and `services.matching.suggest` (profiles, candidate
  pairs within max_km, `partner_scores` for all of them at once, the HiGHS MILP with caps, the explained answer) — on
  the whole city at once, from rows shaped like the queries' answers (built here from the city's tables).

Medians of --repeat runs; the networkx reference runs once (it is the slow one).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from graphsvc.algorithms import allocation as allocation_algo
from graphsvc.algorithms import matching as algo
from graphsvc.demo import chunks
from graphsvc.services.matching import StreetRows, project, suggest

try:
    from benchmarks.reference_solvers import allocate_networkx_reference
except ModuleNotFoundError:  # run as a script (benchmarks/x.py): this folder is on sys.path
    from reference_solvers import allocate_networkx_reference  # type: ignore[no-redef]

KEEP = ("streets", "communities", "units", "party_orgs", "resources", "needs", "pairings", "sharings", "projects")


def city() -> dict[str, list[dict[str, Any]]]:
    """The city's tables that matching reads (households and members are dropped as they come)."""
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chunk in chunks("city"):
        for name in KEEP:
            tables[name] += chunk.get(name, [])
    return tables


def rows(t: dict[str, list[dict[str, Any]]]) -> StreetRows:
    """The named queries' answers for the whole city, built from the tables (same shapes as cypher/matching/*)."""
    comms = {c["id"]: c for c in t["communities"]}
    units = {u["id"]: u for u in t["units"]}
    orgs = {o["id"]: o for o in t["party_orgs"]}
    org_of_unit: dict[str, list[str]] = defaultdict(list)
    serving: dict[str, list[str]] = defaultdict(list)
    below: dict[str, list[str]] = defaultdict(list)
    for o in orgs.values():
        if o["unit_id"]:
            org_of_unit[o["unit_id"]].append(o["id"])
        if o["community_id"] and o["domain"] != "building":
            serving[o["community_id"]].append(o["id"])
        if o["parent_id"] and o["community_id"]:
            below[o["parent_id"]].append(o["community_id"])

    def home(o: dict[str, Any]) -> str | None:
        return o["community_id"] or (units[o["unit_id"]]["community_id"] if o["unit_id"] else None)

    sharings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    capacity = {r["id"]: r["capacity"] for r in t["resources"]}
    for s in t["sharings"]:
        sharings[s["resource_id"]].append({"community_id": s["community_id"], "units": capacity[s["resource_id"]],
                                           "active": True})
    resources = []
    for r in t["resources"]:
        owner = r["owner_id"]
        if owner in units:
            u = units[owner]
            label, name, lat, lon, homes, owner_orgs = "Unit", u["name"], u["lat"], u["lon"], [u["community_id"]], org_of_unit[owner]
        elif owner in comms:
            c = comms[owner]
            label, name, lat, lon, homes, owner_orgs = "Community", c["name"], c["lat"], c["lon"], [owner], serving[owner]
        else:
            o = orgs[owner]
            h = home(o)
            label, name, lat, lon, homes, owner_orgs = "PartyOrg", o["name"], None, None, [h] if h else below[owner], [owner]
        resources.append({"id": r["id"], "kind": r["kind"], "capacity": r["capacity"], "description": r["description"],
                          "owner_id": owner, "owner_label": label, "owner_name": name, "owner_lat": lat,
                          "owner_lon": lon, "homes": homes, "owner_orgs": owner_orgs, "sharings": sharings[r["id"]]})
    pairings = []
    for p in t["pairings"]:
        a, b = orgs[p["org_a"]], orgs[p["org_b"]]
        pairings.append({"pairing": p, "name_a": a["name"], "name_b": b["name"], "community_a": home(a),
                         "community_b": home(b), "serves_a": a["community_id"], "serves_b": b["community_id"],
                         "unit_a": a["unit_id"], "unit_b": b["unit_id"]})
    branches = [
        {"id": o["id"], "name": o["name"], "level": o["level"], "community_id": o["community_id"]}
        for o in sorted(orgs.values(), key=lambda o: (o["community_id"] or "", o["id"]))
        if o["community_id"] and o["domain"] != "building"
        and not (o["parent_id"] and orgs[o["parent_id"]]["community_id"] == o["community_id"])
    ]
    unit_rows = [
        {"id": o["id"], "name": o["name"], "unit_id": u["id"], "unit_name": u["name"], "unit_kind": u["kind"],
         "community_id": u["community_id"], "lat": u["lat"], "lon": u["lon"]}
        for o in sorted(orgs.values(), key=lambda o: o["id"]) if o["unit_id"] and (u := units[o["unit_id"]])
    ]
    return StreetRows(
        communities=[{k: c[k] for k in ("id", "name", "kind", "street_id", "lat", "lon", "has_office", "has_funds",
                                        "has_land")} for c in t["communities"]],
        pairings=pairings,
        projects=[{"project": p, "org_ids": p["org_ids"]} for p in t["projects"]],
        needs=[{**n, "met": []} for n in t["needs"]],
        resources=resources, branches=branches, units=unit_rows,
    )


def one_street(r: StreetRows, street_id: str) -> StreetRows:
    """The rows a street's question reads (`_fetch` narrows every query to the street's communities)."""
    comms = [c for c in r.communities if c["street_id"] == street_id]
    ids = {c["id"] for c in comms}
    return StreetRows(
        communities=comms,
        pairings=[p for p in r.pairings if p["community_a"] in ids or p["community_b"] in ids],
        projects=r.projects,  # ratings of orgs outside the street are simply unused
        needs=[n for n in r.needs if n["community_id"] in ids],
        resources=[x for x in r.resources if ids & set(x["homes"])],
        branches=[b for b in r.branches if b["community_id"] in ids],
        units=[u for u in r.units if u["community_id"] in ids],
    )


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--needs", type=int, default=2000)
    ap.add_argument("--resources", type=int, default=5000)
    ap.add_argument("--k", type=int, default=10, help="k_nearest for the networkx comparison")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-km", type=float, default=5.0, help="partner suggestions: candidate radius")
    ap.add_argument("--nx-full", action="store_true", help="also run networkx on the unpruned instance (minutes)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    tables = city()
    print(f"city generated in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{k} {len(v)}" for k, v in tables.items()))
    t0 = time.perf_counter()
    street = project(rows(tables))
    print(f"rows built and projected in {time.perf_counter() - t0:.1f} s: {len(street.needs)} open needs "
          f"(三无 included), {len(street.resources)} resources")

    # --- allocation ------------------------------------------------------------------------------
    rng = random.Random(5)
    # Needs and resources drawn from the city; a need repeats (with a new id) when --needs exceeds the city's.
    pool_n = street.needs
    needs = [algo.Need(id=f"n{i:05d}", community_id=n.community_id, kind=n.kind, quantity=n.quantity,
                       urgency=n.urgency, lat=n.lat, lon=n.lon)
             for i, n in enumerate(rng.sample(pool_n, args.needs) if args.needs <= len(pool_n)
                                   else [rng.choice(pool_n) for _ in range(args.needs)])]
    res = rng.sample(street.resources, min(args.resources, len(street.resources)))
    print(f"\nallocation: {len(needs)} needs × {len(res)} resources, "
          f"{sum(n.quantity for n in needs)} units needed, {sum(r.capacity for r in res)} offered")
    t_full, full = timed(lambda: allocation_algo.allocate(needs, res), args.repeat)
    print(f"  allocate (exact, HiGHS LP + column generation): median {t_full:.2f} s, objective {full.objective:.3f}, "
          f"{full.met_units} units met, {full.candidate_pairs} candidate pairs")
    t_k, pruned = timed(lambda: allocation_algo.allocate(needs, res, k_nearest=args.k), args.repeat)
    t_nx, nx_res = timed(lambda: allocate_networkx_reference(needs, res, k_nearest=args.k), 1)
    same = math.isclose(pruned.objective, nx_res.objective, rel_tol=1e-9, abs_tol=1e-3)
    print(f"  k_nearest={args.k} instance ({pruned.candidate_pairs} pairs): allocate median {t_k:.2f} s, "
          f"networkx max_flow_min_cost {t_nx:.2f} s (×{t_nx / t_k:.0f}); objectives {pruned.objective:.3f} vs "
          f"{nx_res.objective:.3f} ({'equal' if same else 'DIFFERENT'}); pruning costs "
          f"{full.objective - pruned.objective:.3f} ({(full.objective - pruned.objective) / full.objective:.2%}) of the optimum")
    if args.nx_full:
        t_nxf, nx_full = timed(lambda: allocate_networkx_reference(needs, res), 1)
        print(f"  networkx on the full instance: {t_nxf:.1f} s, objective {nx_full.objective:.3f}")

    # --- partner suggestions --------------------------------------------------------------------
    print(f"\npartner suggestions, whole city: {len(street.rows.branches)} community branches, "
          f"{len(street.rows.units)} unit Party organisations, {len(tables['pairings'])} pairings, max_km {args.max_km}")
    _, r = timed(lambda: rows(tables), 1)
    t_proj, _ = timed(lambda: project(r), args.repeat)
    t_sug, (s, _) = timed(lambda: suggest(street, max_km=args.max_km), args.repeat)
    print(f"  projection {t_proj:.2f} s + suggest (profiles, candidate pairs, batched scores, HiGHS MILP, "
          f"explained answer) {t_sug:.2f} s = {t_proj + t_sug:.2f} s (medians)")
    print(f"  {s.count - s.suggested} current pairings kept, {s.suggested} suggested, {len(s.shortfall)} communities short")
    busiest = max({c["street_id"] for c in r.communities}, key=lambda sid: sum(u["community_id"] in {
        c["id"] for c in r.communities if c["street_id"] == sid} for u in r.units))
    sr = one_street(r, busiest)
    t_one, (one, _) = timed(lambda: suggest(project(sr), max_km=args.max_km), args.repeat)
    print(f"  one street ({busiest}: {len(sr.branches)} branches, {len(sr.units)} unit organisations): "
          f"projection + suggest median {t_one:.3f} s; {one.suggested} suggested")


if __name__ == "__main__":
    main()
