"""The demo street: 新丰街街道 with 红梅街道 and 横林镇 as one Ledger v1, and the gaps planted in it."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from functools import lru_cache

from graphsvc.algorithms.common import haversine_m
from graphsvc.demo.builder import Builder
from graphsvc.demo.model import Street, Unit, draw_date
from graphsvc.demo.specs import HENGLIN, HENGLIN_UNITS, HONGMEI, URBAN_RURAL, XINFENG
from graphsvc.demo.steps import (
    CLEAN_UNIT_PLANS,
    build_places,
    co_construction,
    community_life,
    firm_name,
    mobile_members,
    offer_resources,
    public_units,
    random_units,
)
from graphsvc.demo.vocabulary import (
    EXTERNAL_ORIGINS,
    REQUIRED_POINTS,
    VULNERABLE,
    WORKERS,
    XINFENG_FIRM_PLANS,
    XINFENG_MEMBERLESS,
    XINFENG_MEMBERS,
    XINFENG_NAMED_UNITS,
    XINFENG_PACT,
    XINFENG_PACT_DATE,
    XINFENG_PACT_UNITS,
    XINFENG_VOLUNTEERS,
    Row,
    Rows,
    UnitSpec,
)

# --- the demo street ----------------------------------------------------------------------------


def street_ledger(seed: int = 7) -> Rows:
    """新丰街街道 (13 communities), 红梅街道 and 横林镇 as one Ledger v1 (table → JSON-ready rows)."""
    return _build(seed)[0]


def planted(seed: int = 7) -> dict[str, list[str]]:
    """The gaps street_ledger(seed) was built with, as the builder planted them: rule id (plus
    three_nos, cluster_candidates) → sorted ids. The tests check them against a plain reading of the rules."""
    return {k: list(v) for k, v in _planted(seed)}


@lru_cache(maxsize=4)
def _planted(seed: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((k, tuple(sorted(v))) for k, v in sorted(_build(seed)[1].items()))


def _build(seed: int) -> tuple[Rows, dict[str, set[str]]]:
    b = Builder(random.Random(seed))
    rng = b.rng
    origins = [b.org(f"po-ext-{i}", name, "branch", "village")["id"] for i, name in enumerate(EXTERNAL_ORIGINS, 1)]
    xf, hm, hl = (build_places(b, spec) for spec in (XINFENG, HONGMEI, HENGLIN))
    b.units(xf, _xinfeng_units(rng, xf))
    _pact(xf)
    b.units(hm, random_units(b, hm, (2, 4), plan_weights=CLEAN_UNIT_PLANS))
    b.units(hl, [(n, k, e, hl.comm(c), "org", rng.randint(*WORKERS[k])) for n, k, e, c in HENGLIN_UNITS])
    for street in (xf, hm, hl):
        b.staff(street)
    _top_up(b, xf, XINFENG_MEMBERS)
    origins += [c.org["id"] for c in hl.comms if c.org and c.spec.kind == "rural"]
    for street in (xf, hm, hl):
        mobile_members(b, street, origins)
    b.volunteers([m for c in xf.comms for m in c.members()], XINFENG_VOLUNTEERS)
    b.volunteers([m for street in (hm, hl) for c in street.comms for m in c.members()])
    for street in (xf, hm, hl):
        community_life(b, street)
    pact = xf.comm(XINFENG_PACT)
    b.seats(xf.committee, rng.sample(public_units(xf), 8))
    b.seats(pact.home_org, [u for u in public_units(xf) if u.pair_with is pact][:3])
    for street in (hm, hl):
        public = public_units(street)
        b.seats(street.committee, rng.sample(public, min(2, len(public))))

    def since(u: Unit) -> str:
        return XINFENG_PACT_DATE if u.pair_with is pact else draw_date(rng, 2016, 2025)

    for street in (xf, hm, hl):
        co_construction(b, street, since)
    _urban_rural(b, [xf, hm], hl)
    for street in (xf, hm, hl):
        offer_resources(b, street)
    gaps = _structural_gaps([xf, hm, hl])
    for rule, ids in _plant(b, xf, hl).items():
        gaps[rule] |= ids
    return b.rows, gaps


def _structural_gaps(streets: list[Street]) -> dict[str, set[str]]:
    """The gaps the specs build in (module docstring of graphsvc.demo): read from what was built."""
    gaps: dict[str, set[str]] = defaultdict(set)
    for street in streets:
        for comm in street.comms:
            basics = comm.spec.basics
            if not all(basics):
                gaps["community_lacking_basics"].add(comm.id)
            if not any(basics):
                gaps["three_nos"].add(comm.id)
            residential = [bd["id"] for bd in comm.buildings if bd["kind"] in ("residential", "mixed")]
            if comm.spec.org is None:   # no organisation yet: nobody covers its buildings
                gaps["community_without_org"].add(comm.id)
                gaps["building_without_group"].update(residential)
            if any(k not in comm.spec.points for k in REQUIRED_POINTS) and comm.spec.kind == "rural":
                gaps["service_circle_gap"].update(residential)   # a village with nowhere for members to meet
            for building_id, sp in comm.special_of.items():
                role = {"tower": "building_needs_branch", "cluster": "cluster_candidates", "outlying": "service_circle_gap"}
                if sp.role in role:
                    gaps[role[sp.role]].add(building_id)
        gaps["unit_without_branch"].update(u.row["id"] for u in street.units if u.plan in ("bad_big", "bad_small"))
    return gaps


def _xinfeng_units(rng: random.Random, xf: Street) -> list[UnitSpec]:
    """新丰街's 100 units: 79 with their own branch (22 of them in 斜桥巷社区), the rest by plan."""
    units: list[tuple[str, str, int, str]] = [
        (n, k, e, "none" if n in XINFENG_MEMBERLESS else "org") for n, k, e in XINFENG_NAMED_UNITS]
    names = {n for n, *_ in units}
    for plan, count in XINFENG_FIRM_PLANS.items():
        for _ in range(count):
            name = firm_name(rng, names)
            employees_range = {"org": (20, 300), "joint": (5, 30), "none": (3, 15), "bad_big": (30, 120),
                         "bad_small": (5, 20)}[plan]
            units.append((name, "private_enterprise", rng.randint(*employees_range), plan))
    rng.shuffle(units)
    pact = xf.comm(XINFENG_PACT)
    others = [c for c in xf.comms if c is not pact]
    with_org = [u for u in units if u[3] == "org"]
    # 22 in 斜桥巷, the other 57 spread over the 12 other communities
    quota = [pact] * 22 + [others[i % len(others)] for i in range(len(with_org) - 22)]
    out = []
    for (name, kind, employees, plan), comm in zip(with_org, quota):
        out.append((name, kind, employees, comm, plan, rng.randint(*WORKERS[kind])))
    for name, kind, employees, plan in units:
        if plan != "org":
            workers: int = {"none": 0, "joint": rng.randint(1, 2), "bad_small": rng.randint(1, 2),
                       "bad_big": rng.randint(3, 6)}[plan]
            out.append((name, kind, employees, rng.choice(xf.comms), plan, workers))
    return out


def _pact(xf: Street) -> None:
    """斜桥巷社区's pact: its 22 units and one from each of the 6 nearest communities (28)."""
    pact = xf.comm(XINFENG_PACT)
    near = sorted((c for c in xf.comms if c is not pact),
                  key=lambda c: haversine_m(pact.row["lat"], pact.row["lon"], c.row["lat"], c.row["lon"]))
    for comm in near[: XINFENG_PACT_UNITS - 22]:
        next(u for u in xf.units if u.org and u.comm is comm).pair_with = pact


def _top_up(b: Builder, xf: Street, target: int) -> None:
    """斜桥巷社区's 商务楼宇 branch gathers members from the small firms in its tower: as many as bring
    新丰街 to the report's 1,530 (and at least 4) — members living, working or organised in the street."""
    comms = {c.id for c in xf.comms}
    buildings = {bd["id"] for c in xf.comms for bd in c.buildings}
    units = {u.row["id"] for u in xf.units}
    orgs = {o["id"] for o in b.rows["party_orgs"]
            if o["community_id"] in comms or o["unit_id"] in units or o["parent_id"] == xf.committee["id"]}
    building_of = {h["id"]: bid for c in xf.comms for bid, hs in c.households.items() for h in hs}
    count = sum(1 for m in b.rows["members"]
                if building_of.get(m["household_id"]) in buildings or m["org_id"] in orgs or m["unit_id"] in units)
    comm = next(c for c in xf.comms if any(sp.role == "office_branch" for sp in c.special_of.values()))
    tower = next(bid for bid, sp in comm.special_of.items() if sp.role == "office_branch")
    for _ in range(max(4, target - count)):
        b.member(xf, "non_public", org_id=comm.group_of[tower])


def _urban_rural(b: Builder, urban: list[Street], town: Street) -> None:
    orgs: dict[str, tuple[Row, str]] = {}
    for street in urban:
        for c in street.comms:
            if c.org:
                orgs[c.name] = (c.org, c.name)
        for u in street.units:
            if u.org:
                orgs[u.row["name"]] = (u.org, u.row["name"])
    for a_name, village, since in URBAN_RURAL:
        a, label = orgs[a_name]
        v = town.comm(village)
        p = b.pairing(a["id"], v.home_org["id"], "urban_rural", since, town.code)
        b.projects(p, label, v.name, town.code, chance=1.0)


def _drop(rows: list[Row], victims: list[Row]) -> list[Row]:
    gone = {id(r) for r in victims}
    return [r for r in rows if id(r) not in gone]


def _plant(b: Builder, xf: Street, hl: Street) -> dict[str, set[str]]:
    """The removal-based gaps of the module docstring (the structural ones are in the specs): rule id → ids.

    The steps draw from the one seeded generator in this order: the same order, the same street."""
    hh_grid = {h["id"]: c.grid_of[bid] for c in xf.comms for bid, hs in c.households.items() for h in hs}
    uncovered = _plant_uncovered_buildings(b, xf)
    heavy, unlinked = _plant_unlinked_households(b, xf, hh_grid)
    unhelped = _plant_unhelped(b, hh_grid, taken={h["id"] for h in unlinked})
    dropped = _plant_unregistered(b, xf, hl, hh_grid)
    _plant_low_satisfaction(b, xf)
    return {
        "building_without_group": {c["target_id"] for c in uncovered},
        "member_overloaded": heavy,
        "household_unlinked": {h["id"] for h in unlinked},
        "vulnerable_without_helper": {r["household_id"] for r in unhelped},
        "mobile_unregistered": {r["member_id"] for r in dropped if r["kind"] == "mobile"},
        "employed_unregistered": {r["member_id"] for r in dropped if r["kind"] == "dual"},
    }


def _plant_uncovered_buildings(b: Builder, xf: Street) -> list[Row]:
    """党小组联幢: four buildings fall out of their group's coverage (the coverage rows dropped)."""
    rows = b.rows
    xf_buildings = {bd["id"]: c for c in xf.comms for bd in c.buildings}
    groups = {o["id"] for o in rows["party_orgs"] if o["level"] == "group"}
    per_group: dict[str, list[Row]] = defaultdict(list)
    for cov in rows["coverage"]:
        if cov["org_id"] in groups and cov["target_id"] in xf_buildings:
            per_group[cov["org_id"]].append(cov)
    multi = [covs for covs in per_group.values() if len(covs) >= 2]
    uncovered = [covs[-1] for covs in b.rng.sample(multi, 4)]
    rows["coverage"] = _drop(rows["coverage"], uncovered)
    return uncovered


def _plant_unlinked_households(b: Builder, xf: Street, hh_grid: dict[str, str]) -> tuple[set[str], list[Row]]:
    """党员联户: two members overloaded (18 and 22 households), then 30 households unlinked."""
    rng, rows = b.rng, b.rows
    links = rows["member_links"]
    linker = {link["household_id"]: link for link in links}
    load = Counter(link["member_id"] for link in links)
    heavy: set[str] = set()
    grid_size = Counter(hh_grid.values())
    for comm, target in zip(rng.sample(xf.comms, 2), (18, 22)):
        m = next(m for m in comm.members() if m["volunteer"] and m["category"] == "retired"
                 and load[m["id"]] >= 5 and grid_size[hh_grid[m["household_id"]]] >= 80)
        grid = hh_grid[m["household_id"]]
        for link in links:
            if load[m["id"]] >= target:
                break
            if link["member_id"] != m["id"] and hh_grid.get(link["household_id"]) == grid and load[link["member_id"]] > 3:
                load[link["member_id"]] -= 1
                link["member_id"] = m["id"]
                load[m["id"]] += 1
        heavy.add(m["id"])
    households = [h for c in xf.comms for hs in c.households.values() for h in hs
                  if linker[h["id"]]["member_id"] not in heavy]
    vulnerable = [h for h in households if any(h[k] for k in VULNERABLE)]
    unlinked = rng.sample(vulnerable, 4) + rng.sample([h for h in households if not any(h[k] for k in VULNERABLE)], 26)
    rows["member_links"] = _drop(links, [linker[h["id"]] for h in unlinked])
    return heavy, unlinked


def _plant_unhelped(b: Builder, hh_grid: dict[str, str], taken: set[str]) -> list[Row]:
    """一帮一: ten vulnerable households (not among the unlinked, `taken`) lose their helper."""
    helps = b.rows["member_helps"]
    helped = [r for r in helps if r["household_id"] in hh_grid and r["household_id"] not in taken]
    unhelped = b.rng.sample(helped, 10)
    b.rows["member_helps"] = _drop(helps, unhelped)
    return unhelped


def _plant_unregistered(b: Builder, xf: Street, hl: Street, hh_grid: dict[str, str]) -> list[Row]:
    """The registrations dropped: 流动不流失, four inflow members in 新丰街 and one villager in Shanghai never
    registered; 双重管理, eight unit members living in the street never reported where they live."""
    rng, rows = b.rng, b.rows
    members = {m["id"]: m for m in rows["members"]}
    mob = [r for r in rows["registrations"] if r["kind"] == "mobile"]
    xf_mob = [r for r in mob if r["org_id"] == xf.mobile["id"]]
    hl_mob = [r for r in mob if r["org_id"] == hl.mobile["id"]]
    dual = [r for r in rows["registrations"]
            if r["kind"] == "dual" and members[r["member_id"]]["household_id"] in hh_grid]
    dropped = rng.sample(xf_mob, 4) + rng.sample(hl_mob, 1) + rng.sample(dual, 8)
    rows["registrations"] = _drop(rows["registrations"], dropped)
    return dropped


def _plant_low_satisfaction(b: Builder, xf: Street) -> None:
    """Evaluation (满意度): three projects under 70 (warning), two under 60 (a cadre removed)."""
    done = [p for p in b.rows["projects"] if p["status"] == "done" and p["id"].startswith(f"pj-{xf.code}-")]
    for p, score in zip(b.rng.sample(done, 5), (66, 63, 68, 57, 52)):
        p["satisfaction"], p["outcome"] = score, max(40, score - b.rng.randint(0, 8))

