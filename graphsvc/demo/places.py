"""The demo builder, places: streets, communities, grids, buildings, households, groups, building branches,
service points and the members living there."""

from __future__ import annotations

import math
import random
from collections import Counter

from graphsvc.algorithms.common import haversine_m
from graphsvc.demo.model import Comm, Street, cumulative, draw_employment, empty_rows, in_disc, move_m, short_name
from graphsvc.demo.specs import CommunitySpec, Special, StreetSpec
from graphsvc.demo.vocabulary import (
    BIRTH_YEARS,
    CATEGORIES,
    CN_NUM,
    ESTATE_SUFFIXES,
    ESTATE_WORDS,
    FEMALE_OLD,
    FEMALE_YOUNG,
    HOUSEHOLD_RATES,
    HOUSEHOLD_SIZES,
    MALE_OLD,
    MALE_YOUNG,
    NATURAL_VILLAGE_SUFFIXES,
    NORMAL_BUILDING_MAX,
    OFFICE_NAMES,
    PHONE_PREFIXES,
    SKILLS_RURAL,
    SKILLS_URBAN,
    SURNAMES,
    UNIT_SKILLS,
    Row,
)


class PlaceBuilder:
    """Writes rows into one ledger; all randomness from one random.Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows = empty_rows()
        self.seq: Counter[str] = Counter()
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_cum = list(cumulative([w for _, w in SURNAMES]))
        self._size_cum = list(cumulative(HOUSEHOLD_SIZES[1]))
        self._shape: dict[str, str] = {}   # building id → walkup|midrise|tower|tall|mixed|office|village
        self.names: set[str] = set()       # building names in use

    # ids, names, numbers ---------------------------------------------------------------------

    def next_id(self, prefix: str, width: int = 3) -> str:
        self.seq[prefix] += 1
        return f"{prefix}-{self.seq[prefix]:0{width}d}"

    def add(self, table: str, row: Row) -> Row:
        self.rows[table].append(row)
        return row

    def person_name(self, gender: str, birth_year: int) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        old = birth_year < 1966
        pool = (MALE_OLD if old else MALE_YOUNG) if gender == "男" else (FEMALE_OLD if old else FEMALE_YOUNG)
        return surname + rng.choice(pool)

    def phone(self) -> str | None:
        rng = self.rng
        return None if rng.random() < 0.04 else f"1{rng.choice(PHONE_PREFIXES)}{rng.randrange(10 ** 8):08d}"

    def skills(self, rural: bool, extra: tuple[str, ...] = ()) -> list[str]:
        rng = self.rng
        n = rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0]
        picked = rng.sample(SKILLS_RURAL if rural else SKILLS_URBAN, n)
        if extra and rng.random() < 0.7:
            picked.insert(0, rng.choice(extra))
        return list(dict.fromkeys(picked))

    def member(self, street: Street, category: str, *, org_id: str | None, household: Row | None = None,
               unit: Row | None = None, rural: bool = False) -> Row:
        rng = self.rng
        lo, hi = BIRTH_YEARS[category]
        birth = rng.randint(lo, hi)
        gender = "男" if rng.random() < (0.6 if category in ("retired", "mobile", "cadre") else 0.5) else "女"
        employment = draw_employment(rng, category, rural)
        return self.add("members", {
            "id": self.next_id(f"m-{street.code}", 5), "name": self.person_name(gender, birth), "gender": gender,
            "birth_year": birth, "category": category, "employment": employment, "phone": self.phone(),
            "skills": self.skills(rural, UNIT_SKILLS.get(unit["kind"], ()) if unit else ()), "volunteer": False,
            "household_id": household["id"] if household else None, "unit_id": unit["id"] if unit else None,
            "org_id": org_id,
        })

    def org(self, oid: str, name: str, level: str, domain: str, *, parent: Row | None = None,
            community: Comm | None = None, unit: Row | None = None) -> Row:
        return self.add("party_orgs", {
            "id": oid, "name": name, "level": level, "domain": domain,
            "parent_id": parent["id"] if parent else None,
            "community_id": community.id if community else None, "unit_id": unit["id"] if unit else None,
        })

    # places ----------------------------------------------------------------------------------

    def street(self, spec: StreetSpec) -> Street:
        row = self.add("streets", {"id": f"s-{spec.code}", "name": spec.name, "district": spec.district,
                                   "city": spec.city})
        town = spec.committee == "committee"
        committee = self.org(f"po-{spec.code}", f"{spec.name}{'党委' if town else '党工委'}", spec.committee,
                             "village" if town else "community")
        mobile = self.org(f"po-{spec.code}-mob", spec.mobile_branch or f"{spec.name}流动党员党支部", "branch",
                          "mobile", parent=committee)
        joint = (self.org(f"po-{spec.code}-joint", f"{spec.name}非公企业联合党支部", "branch", "joint", parent=committee)
                 if spec.joint else None)
        return Street(spec, row, committee, mobile, joint)

    def community(self, street: Street, spec: CommunitySpec, index: int) -> Comm:
        code = f"{street.code}{index:02d}"
        lat, lon = move_m(street.spec.lat, street.spec.lon, spec.dx * 1000, spec.dy * 1000)
        office, funds, land = spec.basics
        row = self.add("communities", {
            "id": f"c-{code}", "name": spec.name, "kind": spec.kind, "street_id": street.row["id"],
            "lat": lat, "lon": lon, "population": 0, "has_office": office, "has_funds": funds, "has_land": land,
        })
        comm = Comm(spec, row, code, street)
        street.comms.append(comm)
        if spec.org:
            suffix = "党总支" if spec.org == "general_branch" else "党支部"
            comm.org = self.org(f"po-{code}", f"{spec.name}{suffix}", spec.org,
                                "community" if spec.kind == "urban" else "village",
                                parent=street.committee, community=comm)
        else:   # the nearest community's organisation looks after its members meanwhile
            comm.adopt = min((c for c in street.comms if c.org),
                             key=lambda c: haversine_m(lat, lon, c.row["lat"], c.row["lon"])).org
        if spec.kind == "rural":
            self._natural_villages(comm)
        else:
            self._estates(comm)
        self._households(comm)
        self._groups(comm)
        self._service_points(comm)
        self._residents(comm)
        comm.row["population"] = sum(h["size"] for hs in comm.households.values() for h in hs)
        return comm

    def _building(self, comm: Comm, name: str, kind: str, lat: float, lon: float, grid: Row,
                  estate: tuple[str, int] | None = None) -> Row:
        b = self.add("buildings", {
            "id": self.next_id(f"b-{comm.code}", 2), "name": name, "kind": kind, "community_id": comm.id,
            "resident_group_id": grid["id"], "lat": lat, "lon": lon,
        })
        comm.buildings.append(b)
        comm.grid_of[b["id"]] = grid["id"]
        self.names.add(name)
        if estate:
            comm.estate_of[b["id"]] = estate
        return b

    def _grid(self, comm: Comm) -> Row:
        n = len(comm.grids)
        label = CN_NUM[n] if n < len(CN_NUM) else str(n + 1)
        grid = self.add("resident_groups", {"id": f"g-{comm.code}-{n + 1}", "name": f"{comm.name}第{label}网格",
                                            "community_id": comm.id})
        comm.grids.append(grid)
        return grid

    def _estates(self, comm: Comm) -> None:
        """Urban and resettlement buildings: estates of numbered buildings around the centre."""
        rng, spec = self.rng, comm.spec
        clat, clon = comm.row["lat"], comm.row["lon"]
        n_estates = max(1, round((spec.walkups + spec.towers) / 6)) if not spec.estates else len(spec.estates)
        names = list(spec.estates) or self._estate_names(comm, n_estates)
        sizes = [spec.walkups // n_estates + (1 if i < spec.walkups % n_estates else 0) for i in range(n_estates)]
        for t in range(spec.towers):
            sizes[t % n_estates] += 1
        towers_left = spec.towers
        for e, (ename, size) in enumerate(zip(names, sizes)):
            angle = 2 * math.pi * e / n_estates + rng.uniform(-0.4, 0.4)
            r = rng.uniform(0.25, 0.62) * spec.radius if n_estates > 1 else rng.uniform(0, 0.2) * spec.radius
            elat, elon = move_m(clat, clon, r * math.cos(angle), r * math.sin(angle))
            grid = self._grid(comm)
            placed: list[tuple[float, float]] = []
            for k in range(1, size + 1):
                lat, lon = self._spot(elat, elon, 0.3 * spec.radius, placed)
                shape = "walkup"
                if towers_left and k == size:
                    shape, towers_left = "tower", towers_left - 1
                elif rng.random() < 0.15 and spec.kind == "urban":
                    shape = "midrise"
                b = self._building(comm, f"{ename}{k}幢", "residential", lat, lon, grid, (ename, k))
                self._shape[b["id"]] = shape
        for _ in range(spec.mixed):
            lat, lon = self._spot(clat, clon, 0.5 * spec.radius, [])
            name = self._unique(comm, [f"{short_name(comm.name)}商住楼", f"{rng.choice(ESTATE_WORDS)}广场",
                                       f"{rng.choice(ESTATE_WORDS)}商厦", f"{rng.choice(ESTATE_WORDS)}商厦"])
            b = self._building(comm, name, "mixed", lat, lon, self._nearest_grid(comm, lat, lon))
            self._shape[b["id"]] = "mixed"
        for _ in range(spec.offices):
            lat, lon = self._spot(clat, clon, 0.6 * spec.radius, [])
            name = self._unique(comm, rng.sample(OFFICE_NAMES, len(OFFICE_NAMES)) + [f"{w}大厦" for w in ESTATE_WORDS])
            b = self._building(comm, name, "office", lat, lon, self._nearest_grid(comm, lat, lon))
            self._shape[b["id"]] = "office"
        for sp in spec.specials:
            self._special(comm, sp)

    def _special(self, comm: Comm, sp: Special) -> None:
        rng, clat, clon = self.rng, comm.row["lat"], comm.row["lon"]
        if sp.role in ("tower", "branch_tower"):
            lat, lon = self._spot(clat, clon, 0.7 * comm.spec.radius, [])
            b = self._building(comm, sp.name, "residential", lat, lon, self._nearest_grid(comm, lat, lon))
            self._shape[b["id"]] = "tall"
            comm.special_of[b["id"]] = sp
            comm.fixed[b["id"]] = sp.members[0]
        elif sp.role == "cluster":   # a row of mid-rises ~100 m apart, far enough from the others
            angle = rng.uniform(0, 2 * math.pi)
            r = 0.55 * comm.spec.radius
            grid = self._grid(comm)
            for k, n in enumerate(sp.members, start=1):
                step = (k - 2) * 105
                lat, lon = move_m(clat, clon, r * math.cos(angle) - step * math.sin(angle),
                                 r * math.sin(angle) + step * math.cos(angle))
                b = self._building(comm, f"{sp.name}{k}幢", "residential", lat, lon, grid, (sp.name, k))
                self._shape[b["id"]] = "midrise"
                comm.special_of[b["id"]] = sp
                comm.fixed[b["id"]] = n
        elif sp.role == "outlying":   # a new estate on the edge, 1.7 km out
            elat, elon = move_m(clat, clon, 0, 1700)
            grid = self._grid(comm)
            placed: list[tuple[float, float]] = []
            for k, n in enumerate(sp.members, start=1):
                lat, lon = self._spot(elat, elon, 120, placed)
                b = self._building(comm, f"{sp.name}{k}幢", "residential", lat, lon, grid, (sp.name, k))
                self._shape[b["id"]] = "walkup"
                comm.special_of[b["id"]] = sp
                comm.fixed[b["id"]] = n
        elif sp.role == "office_branch":
            office = next(b for b in comm.buildings if b["kind"] == "office")
            comm.special_of[office["id"]] = sp

    def _natural_villages(self, comm: Comm) -> None:
        """A village's 'buildings' are its natural villages (自然村), 30–80 houses each."""
        rng, spec = self.rng, comm.spec
        n = spec.walkups
        grids = [self._grid(comm) for _ in range(2 if n < 5 else 3)]
        used: set[str] = set()
        for k in range(n):
            angle = 2 * math.pi * k / n + rng.uniform(-0.3, 0.3)
            r = rng.uniform(0.3, 0.95) * spec.radius
            lat, lon = move_m(comm.row["lat"], comm.row["lon"], r * math.cos(angle), r * math.sin(angle))
            while True:
                name = f"{short_name(comm.name)}{rng.choice(self._surnames[:40])}{rng.choice(NATURAL_VILLAGE_SUFFIXES)}"
                if name not in used:
                    used.add(name)
                    break
            b = self._building(comm, name, "residential", lat, lon, grids[k * len(grids) // n])
            self._shape[b["id"]] = "village"

    def _estate_names(self, comm: Comm, n: int) -> list[str]:
        base = short_name(comm.name)
        first = base if base.endswith(("新村", "花园", "苑")) else base + self.rng.choice(("小区", "新村", "花园"))
        names = [first]
        while len(names) < n:
            name = self.rng.choice(ESTATE_WORDS) + self.rng.choice(ESTATE_SUFFIXES)
            if name not in names and not any(x.startswith(name) for x in self.names):
                names.append(name)
        return names

    def _unique(self, comm: Comm, options: list[str]) -> str:
        for name in options:
            if name not in self.names:
                return name
        return f"{options[0]}{len(comm.buildings) + 1}号楼"

    def _spot(self, lat: float, lon: float, radius: float, placed: list[tuple[float, float]]) -> tuple[float, float]:
        """A point within `radius` m of (lat, lon), at least ~35 m from those already placed."""
        for _ in range(12):
            dx, dy = in_disc(self.rng, radius)
            if all((dx - x) ** 2 + (dy - y) ** 2 >= 35 ** 2 for x, y in placed):
                break
        placed.append((dx, dy))
        return move_m(lat, lon, dx, dy)

    def _nearest_grid(self, comm: Comm, lat: float, lon: float) -> Row:
        if not comm.buildings:
            return comm.grids[0] if comm.grids else self._grid(comm)
        near = min(comm.buildings, key=lambda b: (b["lat"] - lat) ** 2 + (b["lon"] - lon) ** 2)
        return next(g for g in comm.grids if g["id"] == comm.grid_of[near["id"]])

    def _households(self, comm: Comm) -> None:
        rng = self.rng
        rates = HOUSEHOLD_RATES["urban" if comm.spec.kind == "urban" else "rural"]
        flags = list(rates.items())
        sizes, size_cum = HOUSEHOLD_SIZES[0], self._size_cum
        out = self.rows["households"]
        for b in comm.buildings:
            shape, bid = self._shape[b["id"]], b["id"]
            sp = comm.special_of.get(bid)
            if shape == "office":
                continue
            if shape == "village":
                rooms = [f"{n:03d}" for n in range(1, rng.randint(30, 80) + 1)]
            else:
                if shape == "tall":
                    per_floor = rng.choice((4, 6))
                    floors = min(33, max(18, math.ceil(sp.members[0] * 2.1 / per_floor))) if sp else 24
                else:
                    floors, per_floor = {"walkup": (rng.randint(5, 7), rng.choice((4, 4, 6))), "midrise": (11, 4),
                                         "tower": (18, 4), "mixed": (rng.randint(6, 12), 4)}[shape]
                    if sp and sp.role == "cluster":
                        floors, per_floor = 11, 6
                rooms = [f"{f:02d}{r:02d}" for f in range(1, floors + 1) for r in range(1, per_floor + 1)]
            hs = []
            hid = "h" + bid[1:]
            for room in rooms:
                h = {"id": f"{hid}-{room}", "building_id": bid, "size": 0}
                for k, p in flags:
                    h[k] = rng.random() < p
                if h["low_income"] and not h["hardship"] and rng.random() < 0.5:
                    h["hardship"] = True    # most 低保 households are also 困难家庭
                h["size"] = 1 if h["elderly_alone"] else rng.choices(sizes, cum_weights=size_cum)[0]
                hs.append(h)
            out.extend(hs)
            comm.households[bid] = hs

    def _groups(self, comm: Comm) -> None:
        """党小组联幢: groups of 1–3 neighbouring buildings; 党支部联片: the organisation covers each grid."""
        org = comm.org
        if org is None:
            return
        rng = self.rng
        for grid in comm.grids:
            self.add("coverage", {"org_id": org["id"], "target_id": grid["id"]})
        run: list[Row] = []

        def flush() -> None:
            if run:
                self._group(comm, list(run))
                run.clear()

        for b in comm.buildings:
            sp = comm.special_of.get(b["id"])
            if b["kind"] == "office" or (sp and sp.role == "branch_tower"):   # a building branch covers it
                continue
            alone = self._shape[b["id"]] in ("tower", "tall", "mixed", "village") or sp is not None
            estate = comm.estate_of.get(b["id"], ("", 0))[0]
            other_estate = bool(run) and comm.estate_of.get(run[0]["id"], ("", 0))[0] != estate
            if run and (alone or other_estate or len(run) >= rng.randint(*comm.spec.group_size)):
                flush()
            run.append(b)
            if alone:
                flush()
        flush()
        for b in comm.buildings:
            sp = comm.special_of.get(b["id"])
            if sp and sp.role in ("branch_tower", "office_branch"):
                self._building_branch(comm, b)

    def _group(self, comm: Comm, bs: list[Row]) -> None:
        first, last = comm.estate_of.get(bs[0]["id"]), comm.estate_of.get(bs[-1]["id"])
        if first and last and len(bs) > 1:
            name = f"{first[0]}{first[1]}-{last[1]}幢党小组"
        else:
            name = f"{bs[0]['name']}党小组"
        domain = "community" if comm.spec.kind == "urban" else "village"
        g = self.org(self.next_id(f"pg-{comm.code}", 2), name, "group", domain, parent=comm.org, community=comm)
        for b in bs:
            self.add("coverage", {"org_id": g["id"], "target_id": b["id"]})
            comm.group_of[b["id"]] = g["id"]

    def _building_branch(self, comm: Comm, b: Row) -> None:
        suffix = "楼宇党支部" if b["kind"] == "office" else "楼栋党支部"
        br = self.org(self.next_id(f"pb-{comm.code}", 1), f"{b['name']}{suffix}", "branch", "building",
                      parent=comm.org, community=comm)
        self.add("coverage", {"org_id": br["id"], "target_id": b["id"]})
        comm.group_of[b["id"]] = br["id"]   # residents' membership moves to the building branch

    def _service_points(self, comm: Comm) -> None:
        rng, spec = self.rng, comm.spec
        rural = spec.kind == "rural"
        names = {"service_station": "党群服务中心" if spec.points and spec.basics[0] else "便民服务点",
                 "activity_room": "党员活动室", "library": "图书室" if not rural else "农家书屋",
                 "clinic": "卫生服务站" if spec.kind == "urban" else "卫生室",
                 "elderly_center": rng.choice(("老年活动室", "日间照料中心"))}
        kinds = list(spec.points)
        if spec.extra_points:
            kinds += [k for k, p in (("library", 0.4), ("clinic", 0.45), ("elderly_center", 0.5)) if rng.random() < p]
        for kind in kinds:
            lat, lon = self._spot(comm.row["lat"], comm.row["lon"], 60, [])
            self.add("service_points", {"id": self.next_id(f"sp-{comm.code}", 1), "name": f"{comm.name}{names[kind]}",
                                        "kind": kind, "community_id": comm.id, "lat": lat, "lon": lon})

    # people ----------------------------------------------------------------------------------

    def _residents(self, comm: Comm) -> None:
        rng, spec = self.rng, comm.spec
        rural = spec.kind != "urban"
        cats = list(CATEGORIES)
        weights = [w[1] if rural else w[0] for w in CATEGORIES.values()]
        cum = list(cumulative(weights))
        for b in comm.buildings:
            hs = comm.households.get(b["id"])
            if not hs:
                continue
            n = comm.fixed.get(b["id"])
            if n is None:
                n = min(NORMAL_BUILDING_MAX, round(len(hs) * spec.member_rate * rng.uniform(0.6, 1.4)))
            org_id = comm.group_of.get(b["id"]) or comm.home_org["id"]
            ms = []
            for _ in range(n):
                cat = rng.choices(cats, cum_weights=cum)[0]
                ms.append(self.member(comm.street, cat, org_id=None if cat == "mobile" else org_id,
                                      household=rng.choice(hs), rural=rural))
            comm.residents[b["id"]] = ms
        for b in comm.buildings:
            sp = comm.special_of.get(b["id"])
            if sp and sp.role == "office_branch" and b["id"] in comm.group_of:   # members from the firms in the tower
                for _ in range(sp.members[0]):
                    self.member(comm.street, "non_public", org_id=comm.group_of[b["id"]])

