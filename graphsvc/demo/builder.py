"""The demo builder, people and ties: volunteers, units and their staff, links and helpers, posts, seats,
pairings, projects, resources and needs."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from graphsvc.demo.model import Comm, Pool, Street, Unit
from graphsvc.demo.places import PlaceBuilder
from graphsvc.demo.vocabulary import (
    BASIC_NEEDS,
    FIVE_THEMES,
    LINK_CAP,
    LINK_RANK,
    NEEDS,
    OFFERS,
    POSTS_RURAL,
    POSTS_URBAN,
    PROJECT_TITLES,
    PUBLIC_KINDS,
    SIX_LINKS,
    UNIT_ORG_DOMAIN,
    UNIT_SKILLS,
    VOLUNTEER_WEIGHT,
    Row,
    UnitSpec,
)


class Builder(PlaceBuilder):
    """Writes rows into one ledger; all randomness from one random.Random (places in PlaceBuilder)."""

    def volunteers(self, members: list[Row], count: int | None = None) -> None:
        """Mark volunteers: exactly `count` (weighted by category), or each with its own chance."""
        rng = self.rng
        if count is None:
            for m in members:
                if rng.random() < 0.06 * VOLUNTEER_WEIGHT[m["category"]]:
                    m["volunteer"] = True
            return
        keyed = sorted(members, key=lambda m: -rng.random() ** (1 / VOLUNTEER_WEIGHT[m["category"]]))
        for m in keyed[:count]:
            m["volunteer"] = True

    def units(self, street: Street, specs: list[UnitSpec]) -> None:
        """specs: (name, kind, employees, community, plan, working members)."""
        for name, kind, employees, comm, plan, workers in specs:
            lat, lon = self._spot(comm.row["lat"], comm.row["lon"], 0.8 * comm.spec.radius, [])
            row = self.add("units", {"id": self.next_id(f"u-{street.code}"), "name": name, "kind": kind,
                                     "community_id": comm.id, "lat": lat, "lon": lon, "employees": employees})
            u = Unit(row, comm, plan, workers, pair_with=comm)
            if plan == "org":
                suffix = "机关党支部" if kind == "agency" else "党支部"
                # Public bodies belong to their own system (区直机关工委 …); the street guides the rest.
                parent = None if kind in PUBLIC_KINDS else street.committee
                u.org = self.org(row["id"].replace("u-", "pu-"), f"{name}{suffix}", "branch",
                                 UNIT_ORG_DOMAIN[kind], parent=parent, unit=row)
            street.units.append(u)

    def staff(self, street: Street, resident_share: float = 0.5) -> None:
        """Members WORKS_AT units: some residents of the street, the rest living elsewhere."""
        rng = self.rng
        pools: dict[str, list[tuple[Row, Comm]]] = {"cadre": [], "non_public": []}
        for comm in street.comms:
            if comm.org is None:      # nobody there could report to a serving organisation
                continue
            for m in comm.members():
                if m["category"] in pools:
                    pools[m["category"]].append((m, comm))
        for pool in pools.values():
            rng.shuffle(pool)
        for u in street.units:
            kind = u.row["kind"]
            cat = "cadre" if kind in PUBLIC_KINDS else "non_public"
            pool = pools[cat] or pools["cadre" if cat == "non_public" else "non_public"]
            n_res = u.workers if u.plan == "bad_small" else round(u.workers * resident_share * rng.uniform(0.5, 1.5))
            n_res = min(n_res, u.workers)
            for _ in range(n_res):
                if not pool:
                    break
                m, comm = pool.pop()
                m["unit_id"] = u.row["id"]
                m["skills"] = list(dict.fromkeys([rng.choice(UNIT_SKILLS[kind])] + m["skills"]))[:3]
                if u.org:
                    m["org_id"] = u.org["id"]
                    self.add("registrations", {"member_id": m["id"], "org_id": comm.home_org["id"], "kind": "dual"})
                elif u.plan == "joint" and street.joint:
                    m["org_id"] = street.joint["id"]
                # bad_big / bad_small: membership stays where they live — the planted rule-6 gap
                u.staff.append(m)
            for _ in range(u.workers - len(u.staff)):   # the others live outside the street
                if u.plan == "bad_small":
                    org_id = u.comm.home_org["id"]
                else:
                    org_id = u.org["id"] if u.org else (street.joint or street.committee)["id"]
                u.staff.append(self.member(street, cat, org_id=org_id, unit=u.row, rural=u.comm.rural))

    def link_households(self, comm: Comm, soft_cap: int = 12) -> None:
        """党员联户: each household to a member of its building, else its grid, else its community."""
        load: Counter[str] = Counter()
        rows = self.rows["member_links"]
        linkers = {bid: sorted((m for m in ms if m["category"] != "mobile"),
                               key=lambda m: (not m["volunteer"], LINK_RANK[m["category"]]))
                   for bid, ms in comm.residents.items()}
        left: dict[str, list[Row]] = defaultdict(list)
        for b in comm.buildings:
            hs = comm.households.get(b["id"], [])
            local = linkers.get(b["id"], [])
            pool = Pool(local[: min(len(local), math.ceil(len(hs) / 10))], soft_cap, load)
            for h in hs:
                m = pool.take()
                if m is None:
                    left[comm.grid_of[b["id"]]].append(h)
                else:
                    rows.append({"member_id": m["id"], "household_id": h["id"]})
        if not left:
            return
        by_grid: dict[str, list[Row]] = defaultdict(list)
        for b in comm.buildings:
            by_grid[comm.grid_of[b["id"]]].extend(linkers.get(b["id"], []))
        # Members already linking take a few more first; a new linker takes a full share (5–15, not 1).
        everyone = Pool([m for g in by_grid.values() for m in g], LINK_CAP, load, fill=True)
        for gid, hs in left.items():
            active = Pool([m for m in by_grid[gid] if load[m["id"]]], soft_cap, load)
            idle = Pool([m for m in by_grid[gid] if not load[m["id"]]], soft_cap, load, fill=True)
            for h in hs:
                m = active.take() or idle.take() or everyone.take()
                if m is not None:
                    rows.append({"member_id": m["id"], "household_id": h["id"]})

    def help_households(self, comm: Comm) -> None:
        """一帮一: each vulnerable household gets a helper, the nearest one with room (≤ 2 each, then 3)."""
        load: Counter[str] = Counter()
        rows = self.rows["member_helps"]
        helpers = {bid: sorted((m for m in ms if m["category"] not in ("mobile", "hardship")),
                               key=lambda m: (not m["volunteer"], LINK_RANK[m["category"]]))
                   for bid, ms in comm.residents.items()}
        by_grid: dict[str, list[Row]] = defaultdict(list)
        for b in comm.buildings:
            by_grid[comm.grid_of[b["id"]]].extend(helpers.get(b["id"], []))
        grid_pools = {g: Pool(ms, 2, load) for g, ms in by_grid.items()}
        everyone = Pool([m for ms in by_grid.values() for m in ms], 3, load)
        for b in comm.buildings:
            local = Pool(helpers.get(b["id"], []), 2, load)
            grid = grid_pools.get(comm.grid_of[b["id"]])
            for h in comm.households.get(b["id"], []):
                if not (h["hardship"] or h["disabled"] or h["elderly_alone"]):
                    continue
                m = (local.take(h["id"]) or (grid.take(h["id"]) if grid else None) or everyone.take(h["id"]))
                if m is not None:
                    rows.append({"member_id": m["id"], "household_id": h["id"]})

    def posts(self, comm: Comm) -> None:
        rng = self.rng
        catalogue = POSTS_URBAN if comm.spec.kind == "urban" else POSTS_RURAL
        cands = [m for m in comm.members() if m["category"] not in ("mobile",) and m["birth_year"] >= 1945
                 and m["unit_id"] is None]
        rng.shuffle(cands)
        # 治安巡逻岗 and 矛盾调解岗 everywhere (the seeds name them), then others in turn
        rest = rng.sample(catalogue[2:], len(catalogue) - 2)
        wanted = [catalogue[0], catalogue[1], *rest]
        for i in range(comm.spec.posts):
            post, skill = wanted[i % len(wanted)]
            if not cands:
                return
            m = next((c for c in cands if skill and skill in c["skills"]), cands[0])
            cands.remove(m)
            self.add("posts", {"member_id": m["id"], "community_id": comm.id, "post": post})

    def seats(self, org: Row, units: list[Unit]) -> None:
        """兼职委员: a leading member of each unit sits on `org`."""
        for u in units:
            leader = next((m for m in u.staff if m["category"] == "cadre"), None) or next(iter(u.staff), None)
            if leader is not None:
                self.add("seats", {"member_id": leader["id"], "org_id": org["id"]})

    # pairing and resources ---------------------------------------------------------------------

    def pairing(self, org_a: str, org_b: str, kind: str, since: str, prefix: str) -> Row:
        rng = self.rng
        themes = FIVE_THEMES if kind == "co_construction" else SIX_LINKS
        picked = rng.sample(themes, rng.randint(1, 3) if kind == "co_construction" else rng.randint(2, 3))
        return self.add("pairings", {"id": self.next_id(f"pr-{prefix}"), "org_a": org_a, "org_b": org_b,
                                     "kind": kind, "since": since, "themes": sorted(picked, key=themes.index)})

    def projects(self, pairing: Row, label_a: str, label_b: str, prefix: str, chance: float = 0.55) -> None:
        rng = self.rng
        n = 0 if rng.random() > chance else (2 if rng.random() < 0.2 else 1)
        for _ in range(n):
            theme = rng.choice(pairing["themes"])
            year = rng.randint(max(2023, int(pairing["since"][:4])), 2025)
            status = ("done" if rng.random() < 0.93 else "cancelled") if year < 2025 else \
                rng.choices(("ongoing", "done", "planned"), (60, 25, 15))[0]
            outcome = satisfaction = None
            if status in ("done", "ongoing"):
                satisfaction = min(99, max(70, round(rng.gauss(86, 6))))
                outcome = min(99, max(60, round(satisfaction + rng.gauss(-2, 6))))
            elif status == "cancelled":
                outcome = rng.randint(20, 50)
            title = rng.choice(PROJECT_TITLES[theme])
            self.add("projects", {"id": self.next_id(f"pj-{prefix}"), "name": f"{label_a}—{label_b}：{title}",
                                  "theme": theme, "org_ids": [pairing["org_a"], pairing["org_b"]], "year": year,
                                  "status": status, "outcome": outcome, "satisfaction": satisfaction})

    def resource(self, owner_id: str, label: str, catalogue: str, prefix: str, main: bool = False) -> Row:
        """One offer of the owner's kind: its main one (first in OFFERS) or any."""
        rng = self.rng
        kind, (lo, hi), text = OFFERS[catalogue][0] if main else rng.choice(OFFERS[catalogue])
        c = rng.randint(lo, hi)
        return self.add("resources", {"id": self.next_id(f"r-{prefix}"), "owner_id": owner_id, "kind": kind,
                                      "capacity": c, "description": text.format(u=label, c=c)})

    def needs(self, comm: Comm) -> None:
        rng, spec = self.rng, comm.spec
        rows: list[tuple[str, tuple[int, int], str, int]] = []
        for has, (kind, span, text) in zip(spec.basics, BASIC_NEEDS):
            if not has:
                rows.append((kind, span, text, rng.randint(4, 5)))
        catalogue = NEEDS["urban" if spec.kind == "urban" else "rural"]
        for kind, span, text in rng.sample(catalogue, min(len(catalogue), max(0, spec.needs - len(rows)))):
            rows.append((kind, span, text, rng.randint(1, 5)))
        for kind, (lo, hi), text, urgency in rows:
            q = rng.randint(lo, hi)
            self.add("needs", {"id": self.next_id(f"n-{comm.code}", 1), "community_id": comm.id, "kind": kind,
                               "quantity": q, "urgency": urgency, "description": text.format(q=q)})


