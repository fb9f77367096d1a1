"""The mixed read/write run of benchmarks/load_bench.py: readers on the coverage summaries while writers
record pairings and sharings and accept coverage suggestions; then every write is checked.

Writers (each a thread, looping until the readers stop):
- two pairing writers on ONE shared pool of organisation pairs of the street: create (201), or 409 when
  the other got there first; then end what they made — so they race on the same pairs all along;
- a sharing writer taking one unit of a resource at a time until it is full (409), then ending them all;
- a coverage writer accepting one group → building suggestion a second (a planner's pace), which drops
  that community's and the street's cached summaries.
Afterwards: no 5xx anywhere; every pairing and sharing a writer got a 201 for is in the records exactly
once (none lost, none duplicated); never two current pairings of one pair and kind; a resource's
current sharings never exceed its capacity.
"""

from __future__ import annotations

import functools
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

READ_PATHS = [
    "/coverage/summary?street_id=s-xf",
    "/coverage/summary?community_id=c-xf01",
    "/coverage/summary?community_id=c-xf03",
    "/coverage/summary?community_id=c-xf07",
]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {}
        self.status: Counter[int] = Counter()
        self.pairings: list[str] = []
        self.sharings: list[str] = []

    def note(self, label: str, r: httpx.Response, dt: float) -> None:
        with self.lock:
            self.status[r.status_code] += 1
            self.latency.setdefault(label, []).append(dt)


def _timed(c: httpx.Client, tally: Tally, label: str, method: str, path: str, **kw: Any) -> httpx.Response:
    t = time.perf_counter()
    r = c.request(method, path, **kw)
    tally.note(label, r, time.perf_counter() - t)
    return r


def _reader(c: httpx.Client, tally: Tally, stop: Callable[[], bool], i: int) -> None:
    k = i
    while not stop():
        path = READ_PATHS[k % len(READ_PATHS)]
        _timed(c, tally, "summary", "GET", path)
        k += 1


def _pairing_writer(c: httpx.Client, tally: Tally, stop: Callable[[], bool], pool: list[tuple[str, str]]) -> None:
    rng = random.Random(threading.get_ident())
    while not stop():
        a, b = rng.choice(pool)
        body = {"org_a": a, "org_b": b, "kind": "co_construction", "themes": ["culture"], "source": "api"}
        r = _timed(c, tally, "pairing write", "POST", "/records/pairings", json=body)
        if r.status_code == 201:
            pid = r.json()["id"]
            with tally.lock:
                tally.pairings.append(pid)
            _timed(c, tally, "pairing write", "POST", f"/records/pairings/{pid}/end", json={})


def _sharing_writer(c: httpx.Client, tally: Tally, stop: Callable[[], bool], resource_id: str, community_id: str) -> None:
    mine: list[str] = []
    while not stop():
        body = {"resource_id": resource_id, "community_id": community_id, "units": 1}
        r = _timed(c, tally, "sharing write", "POST", "/records/sharings", json=body)
        if r.status_code == 201:
            mine.append(r.json()["id"])
            with tally.lock:
                tally.sharings.append(mine[-1])
        elif r.status_code == 409:  # full: give them all back
            for sid in mine:
                _timed(c, tally, "sharing write", "POST", f"/records/sharings/{sid}/end", json={})
            mine.clear()


def _coverage_writer(c: httpx.Client, tally: Tally, stop: Callable[[], bool], pairs: list[dict[str, str]]) -> None:
    k = 0
    while not stop():
        _timed(c, tally, "coverage write", "POST", "/coverage/accept/covers", json={"items": [pairs[k % len(pairs)]]})
        k += 1
        time.sleep(1.0)


def _pq(xs: list[float]) -> tuple[float, float]:
    if len(xs) < 2:
        return float("nan"), float("nan")
    q = statistics.quantiles(xs, n=100)
    return q[49] * 1000, q[94] * 1000


def _targets(c: httpx.Client) -> dict[str, Any]:
    """Pairs, a resource with room and coverage suggestions of the demo street, read through the API."""
    orgs = [o for o in c.get("/orgs", params={"limit": 1000}).json()["items"]
            if (o.get("community_id") or "").startswith("c-xf")]
    branches = [o["id"] for o in orgs if o["level"] != "group"][:6]
    groups = [o["id"] for o in orgs if o["level"] == "group"][:6]
    pool = [(a, b) for a in branches[:3] for b in groups[:3]]
    sharings = c.get("/records/sharings", params={"state": "current"}).json()["items"]
    taken = Counter(s["resource_id"] for s in sharings)
    resources = [n for n in c.get("/nodes/c-xf05", params={"limit": 1000}).json()["neighbours"] if n["label"] == "Resource"]
    resource = next((r["id"] for r in resources if not taken[r["id"]]), None) or "r-xf-001"
    suggestions = c.get("/coverage/suggestions/groups", params={"community_id": "c-xf09"}).json()
    covers = [s["accept_covers"] for s in suggestions.get("items", []) if s.get("accept_covers")][:20]
    return {"pool": pool, "resource": resource, "community": "c-xf05", "covers": covers}


def run_mixed(url: str, token: str, readers: int, seconds: float) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
        t = _targets(c)
        for path in READ_PATHS:
            c.get(path)  # warm the cache, as a running service would be
    tally, stop_at = Tally(), time.monotonic() + seconds

    def stop() -> bool:
        return time.monotonic() >= stop_at

    jobs: list[Callable[[httpx.Client], None]] = [functools.partial(_reader, tally=tally, stop=stop, i=i) for i in range(readers)]
    jobs += [lambda c: _pairing_writer(c, tally, stop, t["pool"])] * 2
    jobs.append(lambda c: _sharing_writer(c, tally, stop, t["resource"], t["community"]))
    if t["covers"]:
        jobs.append(lambda c: _coverage_writer(c, tally, stop, t["covers"]))

    def thread(job: Callable[[httpx.Client], None]) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            job(client)

    threads = [threading.Thread(target=thread, args=(j,)) for j in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
        checks = _check(c, tally, t)
    return {"tally": tally, "checks": checks, "writers": len(jobs) - readers, "readers": readers}


def _check(c: httpx.Client, tally: Tally, t: dict[str, Any]) -> dict[str, Any]:
    pairings = c.get("/records/pairings", params={"state": "all"}).json()["items"]
    seen = Counter(p["id"] for p in pairings)
    made = set(tally.pairings)
    current = Counter((min(p["org_a"], p["org_b"]), max(p["org_a"], p["org_b"]), p["kind"])
                      for p in pairings if p["active"])
    sharings = c.get("/records/sharings", params={"state": "all"}).json()["items"]
    seen_s = Counter(s["id"] for s in sharings)
    node = c.get(f"/nodes/{t['resource']}").json()
    active_units = sum(s.get("units") or node["props"]["capacity"] for s in sharings
                       if s["resource_id"] == t["resource"] and s.get("ended_at") is None)
    return {
        "5xx": sum(n for s, n in tally.status.items() if s >= 500),
        "pairings_lost": len([p for p in made if seen[p] == 0]),
        "pairings_duplicated": len([p for p in made if seen[p] > 1]),
        "pairings_made": len(made),
        "two_current_of_one_pair": len([k for k, n in current.items() if n > 1]),
        "sharings_lost": len([s for s in tally.sharings if seen_s[s] == 0]),
        "sharings_duplicated": len([s for s in tally.sharings if seen_s[s] > 1]),
        "sharings_made": len(tally.sharings),
        "over_capacity": max(0, active_units - int(node["props"]["capacity"])),
    }


def report(result: dict[str, Any], seconds: float) -> str:
    tally, checks = result["tally"], result["checks"]
    lines = [
        f"mixed run: {result['readers']} readers + {result['writers']} writers, {seconds:.0f} s; "
        f"statuses {dict(sorted(tally.status.items()))}",
        "| requests | n | req/s | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for label, xs in sorted(tally.latency.items()):
        p50, p95 = _pq(xs)
        lines.append(f"| {label} | {len(xs)} | {len(xs) / seconds:.1f} | {p50:.1f} | {p95:.1f} |")
    lines.append("checks: " + ", ".join(f"{k}={v}" for k, v in checks.items()))
    return "\n".join(lines)
