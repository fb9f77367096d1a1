"""The ten rules read plainly from the ledger tables: the oracle the tests hold the demo's planted gaps
and the engine's answers against. Independent of the Cypher, the services and the demo's builder."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from graphsvc.algorithms.common import haversine_m
from graphsvc.algorithms.coverage import neighbour_clusters
from graphsvc.demo.vocabulary import (
    BRANCH_THRESHOLD,
    CLUSTER_DISTANCE_M,
    CLUSTER_MIN_MEMBERS,
    LINK_CAP,
    REQUIRED_POINTS,
    TABLE_ORDER,
    VULNERABLE,
    WALK_REACH_M,
)

Row = dict[str, Any]
Rows = dict[str, list[Row]]


def find_gaps(tables: Rows) -> dict[str, list[str]]:
    """Rule id → sorted offending ids, straight from the ledger tables (docs/domain.md, default settings).

    Also `three_nos` (communities with no office, funds or land) and `cluster_candidates`
    (neighbouring buildings, each 20–50 resident members, > 50 together, no building branch).
    Optional columns may be missing, as in a hand-made ledger.
    """
    t = {name: tables.get(name, []) for name in TABLE_ORDER}
    orgs = {o["id"]: o for o in t["party_orgs"]}
    community_of = {b["id"]: b["community_id"] for b in t["buildings"]}
    building_of = {h["id"]: h["building_id"] for h in t["households"]}
    residential = [b for b in t["buildings"] if b["kind"] in ("residential", "mixed")]
    coverers: dict[str, list[Row]] = defaultdict(list)
    for cov in t["coverage"]:
        coverers[cov["target_id"]].append(orgs[cov["org_id"]])
    out: dict[str, list[str]] = {}

    # 1 一居一支部
    serving = {o.get("community_id") for o in t["party_orgs"]}
    out["community_without_org"] = [c["id"] for c in t["communities"] if c["id"] not in serving]
    # 2 党小组联幢
    out["building_without_group"] = [
        b["id"] for b in residential
        if not any(o.get("level") == "group" or o.get("domain") == "building" for o in coverers[b["id"]])]
    # 3 支部进楼宇
    residents = Counter(building_of[m["household_id"]] for m in t["members"] if m.get("household_id"))
    has_branch = {b["id"]: any(o.get("domain") == "building" for o in coverers[b["id"]]) for b in t["buildings"]}
    out["building_needs_branch"] = [b for b, n in residents.items() if n > BRANCH_THRESHOLD and not has_branch[b]]
    out["cluster_candidates"] = _clusters(t["buildings"], residents, has_branch)
    # 4 党员联户, 5 一帮一
    links = Counter(r["member_id"] for r in t["member_links"])
    linked = {r["household_id"] for r in t["member_links"]}
    helped = {r["household_id"] for r in t["member_helps"]}
    out["household_unlinked"] = [h["id"] for h in t["households"] if h["id"] not in linked]
    out["member_overloaded"] = [m for m, n in links.items() if n > LINK_CAP]
    out["vulnerable_without_helper"] = [h["id"] for h in t["households"]
                                        if any(h.get(k) for k in VULNERABLE) and h["id"] not in helped]
    # 6 支部四进: 3+ working members need an own organisation; 1–2 may sit in a joint branch
    workers: dict[str, list[Row]] = defaultdict(list)
    for m in t["members"]:
        if m.get("unit_id"):
            workers[m["unit_id"]].append(m)
    own = {o.get("unit_id") for o in t["party_orgs"]}
    out["unit_without_branch"] = [
        u for u, ms in workers.items()
        if u not in own and (len(ms) >= 3 or any(orgs[m["org_id"]].get("domain") != "joint" for m in ms))]
    # 7 流动不流失, 8 在职党员双重管理
    regs: dict[str, list[Row]] = defaultdict(list)
    for r in t["registrations"]:
        regs[r["member_id"]].append(r)
    out["mobile_unregistered"] = [m["id"] for m in t["members"] if m["category"] == "mobile"
                                  and not any(r["kind"] == "mobile" for r in regs[m["id"]])]
    out["employed_unregistered"] = [
        m["id"] for m in t["members"]
        if m["employment"] == "employed" and orgs[m["org_id"]].get("unit_id") and m.get("household_id")
        and not any(r["kind"] == "dual" and orgs[r["org_id"]].get("community_id")
                    == community_of[building_of[m["household_id"]]] for r in regs[m["id"]])]
    # 9 15 分钟服务圈
    points: dict[str, list[Row]] = defaultdict(list)
    for p in t["service_points"]:
        points[p["kind"]].append(p)
    out["service_circle_gap"] = [
        b["id"] for b in residential
        if not all(any(haversine_m(b["lat"], b["lon"], p["lat"], p["lon"]) <= WALK_REACH_M for p in points[k])
                   for k in REQUIRED_POINTS)]
    # 10 三无居委
    basics = ("has_office", "has_funds", "has_land")
    out["community_lacking_basics"] = [c["id"] for c in t["communities"] if not all(c.get(k) for k in basics)]
    out["three_nos"] = [c["id"] for c in t["communities"] if not any(c.get(k) for k in basics)]
    return {k: sorted(v) for k, v in out.items()}


def _clusters(buildings: list[Row], members: Counter[str], has_branch: dict[str, bool]) -> list[str]:
    """Buildings of 20–50 resident members without a building branch, in rule 3's clusters of
    neighbours (graphsvc.algorithms.coverage.neighbour_clusters, the one definition)."""
    cands = [
        b | {"resident_members": members[b["id"]]}
        for b in buildings
        if CLUSTER_MIN_MEMBERS <= members[b["id"]] <= BRANCH_THRESHOLD and not has_branch[b["id"]]
    ]
    clusters = neighbour_clusters(cands, max_distance_m=CLUSTER_DISTANCE_M, threshold=BRANCH_THRESHOLD)
    return sorted(b["id"] for c in clusters for b in c)
