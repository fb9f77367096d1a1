"""Generated streets: 红梅街道's units, and every street of the district and city scales, as chunks."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphsvc.demo.builder import Builder
from graphsvc.demo.model import Street, draw_date, empty_rows, move_m
from graphsvc.demo.specs import CommunitySpec, Special, StreetSpec, village_spec
from graphsvc.demo.steps import (
    build_places,
    co_construction,
    community_life,
    mobile_members,
    offer_resources,
    public_units,
    random_units,
)
from graphsvc.demo.street import street_ledger
from graphsvc.demo.vocabulary import (
    COMMUNITY_SUFFIXES,
    ESTATE_WORDS,
    EXTERNAL_ORIGINS,
    PLACE_WORDS,
    TABLE_ORDER,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
    Rows,
)
from graphsvc.schemas.ledger import TABLES

# --- generated streets (红梅街道's units, and every street of the big scales) -----------------------

@dataclass(frozen=True)
class _Profile:
    plan: tuple[str, ...]            # street kinds in yield order: 'u' urban street, 't' town
    urban_districts: tuple[str, ...]
    rural_districts: tuple[str, ...]
    communities: tuple[int, int]     # per urban street
    villages: tuple[int, int]        # per town (two of them resettlement communities)
    walkups: tuple[int, int]
    towers: tuple[int, int]
    mixed: tuple[int, int]
    offices: tuple[int, int]
    member_rate: float
    units: tuple[int, int]           # per urban community
    drop: float = 1.0                # scales the random gap rates


def _interleave(urban: int, towns: int) -> tuple[str, ...]:
    """Towns after the urban streets they pair with (their villages pair with earlier streets)."""
    every = max(1, urban // max(1, towns))
    out: list[str] = []
    for i in range(urban):
        out.append("u")
        if (i + 1) % every == 0 and out.count("t") < towns:
            out.append("t")
    return tuple(out + ["t"] * (towns - out.count("t")))


PROFILES = {
    # ~10 streets like 新丰街 (one of them a town of villages)
    "district": _Profile(plan=_interleave(9, 1), urban_districts=("天宁区",), rural_districts=("天宁区",),
                         communities=(12, 14), villages=(12, 14), walkups=(10, 15), towers=(0, 2), mixed=(0, 2),
                         offices=(0, 2), member_rate=0.21, units=(5, 10)),
    # ~1k communities/villages, 60k buildings, 2M households, 150k members, 10k units
    "city": _Profile(plan=_interleave(66, 12), urban_districts=("天宁区", "钟楼区", "新北区", "武进区"),
                     rural_districts=("武进区", "金坛区", "溧阳市", "新北区"), communities=(12, 14),
                     villages=(11, 13), walkups=(54, 66), towers=(3, 7), mixed=(1, 3), offices=(1, 3),
                     member_rate=0.059, units=(9, 14)),
}
CITY_CENTRE = (31.7800, 119.9600)


class _Namer:
    """Unique place names across a run (streets, communities, villages, units)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _fresh(self, make: Any) -> str:
        for _ in range(200):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        name = make() + str(len(self.used))
        self.used.add(name)
        return name

    def street(self, town: bool) -> str:
        return self._fresh(lambda: self.rng.choice(PLACE_WORDS) + ("镇" if town else "街道"))

    def community(self) -> str:
        return self._fresh(lambda: self.rng.choice(PLACE_WORDS) + self.rng.choice(COMMUNITY_SUFFIXES) + "社区")

    def village(self) -> str:
        return self._fresh(lambda: self.rng.choice(VILLAGE_FIRST) + self.rng.choice(VILLAGE_SECOND) + "村")


def _urban_spec(rng: random.Random, namer: _Namer, code: str, district: str, lat: float, lon: float,
                p: _Profile) -> StreetSpec:
    cells = [(x, y) for x in range(4) for y in range(4)]
    rng.shuffle(cells)
    comms = []
    for k in range(rng.randint(*p.communities)):
        x, y = cells[k]
        specials: list[Special] = []
        r = rng.random()
        if r < 0.08:
            specials.append(Special("branch_tower", (rng.randint(55, 80),), f"{rng.choice(ESTATE_WORDS)}华庭1幢"))
        elif r < 0.10:
            specials.append(Special("tower", (rng.randint(51, 60),), f"{rng.choice(ESTATE_WORDS)}公寓1幢"))
        offices = rng.randint(*p.offices)
        if offices and rng.random() < 0.15:
            specials.append(Special("office_branch", (rng.randint(6, 15),)))
        org = "general_branch" if k == 0 or rng.random() > 0.1 else ("branch" if rng.random() < 0.8 else None)
        comms.append(CommunitySpec(
            namer.community(), (x - 1.5) * 1.0 + rng.uniform(-0.15, 0.15), (y - 1.5) * 1.0 + rng.uniform(-0.15, 0.15),
            org=org, walkups=rng.randint(*p.walkups), towers=rng.randint(*p.towers), mixed=rng.randint(*p.mixed),
            offices=offices, basics=(True, rng.random() > 0.05, rng.random() > 0.12), posts=rng.randint(2, 5),
            needs=rng.randint(2, 4), member_rate=p.member_rate, specials=tuple(specials)))
    return StreetSpec(code, namer.street(False), district, "常州市", lat, lon, "working_committee", tuple(comms))


def _town_spec(rng: random.Random, namer: _Namer, code: str, district: str, lat: float, lon: float,
               p: _Profile) -> StreetSpec:
    n = rng.randint(*p.villages)
    comms = []
    for k in range(n):
        angle = 2 * math.pi * k / n + rng.uniform(-0.2, 0.2)
        if k < 2:   # resettlement communities by the town seat
            comms.append(CommunitySpec(namer.community(), 1.2 * k, 0.8 * k, kind="resettlement",
                                       walkups=rng.randint(8, 14), towers=0, mixed=0, posts=2, radius=350.0,
                                       member_rate=0.12, basics=(True, True, rng.random() > 0.3)))
            continue
        r = rng.uniform(2.6, 5.0)
        basics = (rng.random() > 0.15, rng.random() > 0.4, rng.random() > 0.2)
        comms.append(village_spec(namer.village(), r * math.cos(angle), r * math.sin(angle), rng.randint(3, 6), basics))
    return StreetSpec(code, namer.street(True), district, "常州市", lat, lon, "committee", tuple(comms),
                      joint=False)


def _generated_street(b: Builder, spec: StreetSpec, p: _Profile, origins: list[str], urban_orgs: list[tuple[str, str]],
                      used: set[str]) -> Street:
    """One whole street of a big scale: places, people, units, pairings; gaps at random rates."""
    rng = b.rng
    street = build_places(b, spec)
    town = spec.committee == "committee"
    b.units(street, random_units(b, street, (0, 2) if town else p.units, used))
    b.staff(street)
    mobile_members(b, street, origins)
    b.volunteers([m for c in street.comms for m in c.members()])
    community_life(b, street)
    public = public_units(street)
    b.seats(street.committee, rng.sample(public, min(len(public), rng.randint(3, 6))))
    co_construction(b, street, since=lambda u: draw_date(rng, 2016, 2025))
    if town and urban_orgs:
        for c in street.comms:
            if c.org and rng.random() < 0.3:
                org_id, label = rng.choice(urban_orgs)
                pr = b.pairing(org_id, c.org["id"], "urban_rural", draw_date(rng, 2015, 2025), spec.code)
                b.projects(pr, label, c.name, spec.code)
    offer_resources(b, street)
    _random_gaps(b, p.drop)
    return street


def _random_gaps(b: Builder, scale: float) -> None:
    """Gaps at realistic rates (link gaps come from capacity on their own)."""
    rng, rows = b.rng, b.rows
    groups = {o["id"] for o in rows["party_orgs"] if o["level"] == "group"}
    rows["coverage"] = [r for r in rows["coverage"] if not (r["org_id"] in groups and rng.random() < 0.01 * scale)]
    rows["registrations"] = [r for r in rows["registrations"]
                             if rng.random() >= (0.03 if r["kind"] == "dual" else 0.05) * scale]
    rows["member_helps"] = [r for r in rows["member_helps"] if rng.random() >= 0.03 * scale]
    for p in rows["projects"]:   # evaluation: some warnings (< 70), a few failures (< 60)
        if p["satisfaction"] is not None and rng.random() < 0.06 * scale:
            p["satisfaction"] = rng.randint(48, 69)


def _split(rows: Rows) -> list[Rows]:
    """One street's rows as chunks: its shared rows first, then one chunk per community.

    A row goes to the latest chunk among the rows it names (its community, for a community);
    ids from earlier streets count as already written.
    """
    chunk_of: dict[str, int] = {}
    order = {c["id"]: i for i, c in enumerate(rows["communities"], start=1)}
    out = [empty_rows() for _ in range(len(order) + 1)]
    for table in TABLE_ORDER:
        refs = list(TABLES[table].refs)
        own_id = TABLES[table].has_id
        for row in rows[table]:
            k = order.get(row["id"], 0) if table == "communities" else 0
            for col in refs:
                v = row.get(col)
                if v is None:
                    continue
                if isinstance(v, list):
                    for ref in v:
                        k = max(k, chunk_of.get(ref, 0))
                else:
                    k = max(k, chunk_of.get(v, 0))
            if own_id:
                chunk_of[row["id"]] = k
            out[k][table].append(row)
    return out


# Approximate row counts per table (seed 7), e.g. for progress bars.
SCALES: dict[str, dict[str, int]] = {
    "street": {"streets": 3, "communities": 26, "resident_groups": 54, "buildings": 280, "households": 10_000,
               "units": 120, "party_orgs": 300, "members": 2_200, "resources": 150, "needs": 85,
               "service_points": 84, "coverage": 310, "member_links": 10_000, "member_helps": 1_100,
               "registrations": 490, "posts": 81, "seats": 15, "pairings": 95, "sharings": 44, "projects": 57},
    "district": {"streets": 10, "communities": 130, "resident_groups": 270, "buildings": 1_900, "households": 63_000,
                 "units": 880, "party_orgs": 1_800, "members": 16_000, "resources": 1_100, "needs": 390,
                 "service_points": 440, "coverage": 2_000, "member_links": 63_000, "member_helps": 6_000,
                 "registrations": 3_400, "posts": 420, "seats": 46, "pairings": 700, "sharings": 380,
                 "projects": 470},
    "city": {"streets": 78, "communities": 990, "resident_groups": 9_500, "buildings": 59_000,
             "households": 2_000_000, "units": 9_900, "party_orgs": 39_000, "members": 150_000, "resources": 12_000,
             "needs": 3_100, "service_points": 3_300, "coverage": 66_000, "member_links": 1_600_000,
             "member_helps": 180_000, "registrations": 35_000, "posts": 3_300, "seats": 320, "pairings": 7_800,
             "sharings": 4_300, "projects": 5_100},
}


def chunks(scale: str, seed: int = 7) -> Iterator[Rows]:
    """Mini-ledgers for `scale` ('street' | 'district' | 'city'), each naming only rows of itself or
    of earlier chunks. Memory holds one street at a time."""
    if scale == "street":
        yield street_ledger(seed)
        return
    if scale not in PROFILES:
        raise ValueError(f"unknown scale {scale!r}; expected one of street, district, city")
    p = PROFILES[scale]
    rng = random.Random(seed)
    namer = _Namer(rng)
    head = Builder(rng)
    origins = [head.org(f"po-ext-{i}", name, "branch", "village")["id"] for i, name in enumerate(EXTERNAL_ORIGINS, 1)]
    yield head.rows
    urban_orgs: list[tuple[str, str]] = []
    used_units: set[str] = set()
    n_urban = n_town = 0
    for kind in p.plan:
        b = Builder(rng)
        if kind == "u":
            n_urban += 1
            lat, lon = _spiral(CITY_CENTRE, n_urban - 1, 4200)
            district = p.urban_districts[(n_urban - 1) % len(p.urban_districts)]
            spec = _urban_spec(rng, namer, f"u{n_urban:02d}", district, lat, lon, p)
        else:
            n_town += 1
            angle = 2 * math.pi * n_town / max(1, p.plan.count("t")) + rng.uniform(-0.2, 0.2)
            dist = (max(abs(x) for x in _spiral_xy(n_urban)) + 2) * 4200 + rng.uniform(8000, 14000)
            lat, lon = move_m(*CITY_CENTRE, dist * math.cos(angle), dist * math.sin(angle))
            district = p.rural_districts[(n_town - 1) % len(p.rural_districts)]
            spec = _town_spec(rng, namer, f"t{n_town:02d}", district, lat, lon, p)
        street = _generated_street(b, spec, p, origins, urban_orgs, used_units)
        if kind == "u":
            urban_orgs += [(c.org["id"], c.name) for c in street.comms if c.org]
        else:
            origins += [c.org["id"] for c in street.comms if c.org and c.spec.kind == "rural"]
        for chunk in _split(b.rows):
            if any(chunk.values()):
                yield chunk


def _spiral_xy(i: int) -> tuple[int, int]:
    """The i-th cell of a square spiral around (0, 0)."""
    x = y = 0
    dx, dy, leg, steps, turns = 1, 0, 1, 0, 0
    for _ in range(i):
        x, y = x + dx, y + dy
        steps += 1
        if steps == leg:
            steps, turns = 0, turns + 1
            dx, dy = -dy, dx
            if turns % 2 == 0:
                leg += 1
    return x, y


def _spiral(centre: tuple[float, float], i: int, spacing_m: float) -> tuple[float, float]:
    x, y = _spiral_xy(i)
    return move_m(centre[0], centre[1], x * spacing_m, y * spacing_m)
