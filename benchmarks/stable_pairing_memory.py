"""Stable pairing at city scale: wall time and peak memory of `stable_pairing` and `blocking_pairs`.

    .venv/bin/python benchmarks/stable_pairing_memory.py [--urban 2000] [--rural 5000] [--repeat 3]

Generated at the algorithm level, not through the engine: importing a 7,000-organisation ledger and
projecting it takes longer than the solver itself, and the solver sees the same thing either way —
`pair_scores` over urban and village `Side`s built with the pairing benchmark's vocabulary (need and
resource kinds, unit kinds, members' skills, 15–45 km rings around the city centre, 2% of villages
with an earlier pairing and an evaluated project). Every candidate pair is scored: 2,000 × 5,000 is
10,000,000 pairs.

Each measurement runs in a fresh Python process, so peak memory (`ru_maxrss`) is that step's alone:
`scores` (building the scores), `stable` (scores, then `stable_pairing`), `blocking` (scores,
`stable_pairing`, then `blocking_pairs` on its result). The table gives the median wall time of
the step and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

from graphsvc.algorithms.pairing import Side, Ties, pair_scores
from graphsvc.algorithms.pairing_solvers import blocking_pairs, stable_pairing
from graphsvc.demo.scaled import CITY_CENTRE
from graphsvc.demo.vocabulary import SKILLS_RURAL, SKILLS_URBAN

KINDS = ("venue", "office", "funds", "equipment", "training", "medical", "legal", "talent", "volunteers", "transport")
UNIT_KINDS = ("agency", "state_enterprise", "private_enterprise", "school", "hospital", "social_org", "market")


def _move(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    return (round(lat + north_km / 111.32, 6), round(lon + east_km / (111.32 * math.cos(math.radians(lat))), 6))


def sides(n_urban: int, n_rural: int, seed: int = 11) -> tuple[list[Side], list[Side], dict[tuple[str, str], Ties]]:
    rng = random.Random(seed)
    urban = []
    for i in range(n_urban):
        lat, lon = _move(*CITY_CENTRE, rng.uniform(-5, 5), rng.uniform(-5, 5))
        unit = i % 2 == 1
        urban.append(Side(
            f"bo-u{i:05d}", lat=lat, lon=lon,
            offers=rng.sample(KINDS, rng.randint(1, 2)) if unit else [],
            needs=[] if unit else rng.sample(KINDS, rng.randint(1, 2)),
            skills=[s for _ in range(3) for s in rng.sample(SKILLS_URBAN, 2)],
            unit_kinds=[rng.choice(UNIT_KINDS)] if unit else [],
            load=rng.randint(0, 2),
        ))
    rural, ties = [], {}
    for i in range(n_rural):
        angle, km = rng.uniform(0, 2 * math.pi), rng.uniform(15, 45)
        lat, lon = _move(*CITY_CENTRE, km * math.sin(angle), km * math.cos(angle))
        rid = f"bo-r{i:05d}"
        rural.append(Side(
            rid, lat=lat, lon=lon,
            needs={k: rng.randint(1, 5) for k in rng.sample(KINDS, rng.randint(2, 4))},
            offers=["talent"] if rng.random() < 0.3 else [],
            skills=[s for _ in range(3) for s in rng.sample(SKILLS_RURAL, 2)],
        ))
        if i % 50 == 0:
            ties[(urban[rng.randrange(n_urban)].id, rid)] = Ties(
                paired_before=True, contacts=1, satisfaction=rng.randint(60, 99), outcome=rng.randint(60, 99))
    return urban, rural, ties


def measure(step: str, n_urban: int, n_rural: int) -> dict[str, Any]:
    urban, rural, ties = sides(n_urban, n_rural)
    t = time.perf_counter()
    scores = pair_scores(urban, rural, ties=ties)
    out: dict[str, Any] = {"pairs": len(scores), "scores_s": time.perf_counter() - t}
    if step in ("stable", "blocking"):
        t = time.perf_counter()
        result = stable_pairing(scores)
        out["stable_s"] = time.perf_counter() - t
        out["stable_pairs"] = len(result.pairs)
        out["objective"] = result.objective
    if step == "blocking":
        t = time.perf_counter()
        out["blocking"] = len(blocking_pairs(result.pairs, scores))
        out["blocking_s"] = time.perf_counter() - t
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--urban", type=int, default=2000)
    p.add_argument("--rural", type=int, default=5000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--steps", nargs="+", default=["scores", "stable", "blocking"])
    p.add_argument("--one", help=argparse.SUPPRESS)  # child process: one measurement, printed as JSON
    a = p.parse_args()
    if a.one:
        print(json.dumps(measure(a.one, a.urban, a.rural)))
        return
    for step in a.steps:
        runs = []
        for _ in range(a.repeat):
            cmd = [sys.executable, __file__, "--urban", str(a.urban), "--rural", str(a.rural), "--one", step]
            runs.append(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout))
            print(f"  {step}: {runs[-1]}", flush=True)
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"{step}: " + ", ".join(f"{k} {v:,.2f}" for k, v in med.items()), flush=True)


if __name__ == "__main__":
    main()
